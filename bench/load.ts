import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { signTokenPassport, tokenPassportXml, type Credentials as TestCredentials } from '../test/helpers/credentials';

/**
 * The load generator, run as its own process so it never shares an event loop with a server
 * under test: autocannon posting checkAsyncStatus envelopes and printing one JSON line of results.
 * Each request names a job (and page) picked at random from the list it is given and carries a
 * tokenPassport signed for the job's account with a fresh nonce. Several urls share the
 * connections, for servers scaled out, and are reported as one target.
 */

export interface LoadSpec {
  /** Several urls split the connections evenly between them. */
  url: string | string[];
  connections: number;
  seconds: number;
  warmupSeconds: number;
  /** POST bodies: a template with {{JOB}}, {{PASSPORT}} and {{PAGE}} filled per request. */
  template: string;
  /** The jobs requests pick from; {{PAGE}} is drawn from 1..pages (1 when absent). */
  jobs: Array<{ account: string; jobId: string; pages?: number }>;
  /** Each account's credentials, to sign the tokenPassport of a request for one of its jobs. */
  accounts: Record<string, Credentials>;
  headers: Record<string, string>;
  /**
   * Requests a second across all connections (BENCH_RATE), instead of as many as the target
   * answers: at a rate every target keeps up with, CPU a request compares builds without the
   * noise of a saturated machine.
   */
  rate?: number;
}

export type Credentials = TestCredentials & { version: string };

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  megabytesPerSecond: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** CPU the load generator itself used over the measured run, in cores (1 = one core busy). */
  loadGeneratorCores: number;
  /** Requests answered during the warm-up, which a server's CPU over the whole load also paid for. */
  warmupRequests: number;
}

/** A tokenPassport signed now with a fresh nonce, as NetSuite's token-based authentication expects. */
export const passportFor = (credentials: Credentials): string => tokenPassportXml(signTokenPassport(credentials), credentials.version);

function run(spec: LoadSpec, seconds: number): Promise<autocannon.Result> {
  // Every target gets the same kind of request, made the same way: a random job, signed afresh.
  const body = () => {
    const { account, jobId, pages = 1 } = spec.jobs[Math.floor(Math.random() * spec.jobs.length)];
    return spec.template
      .replace('{{JOB}}', jobId)
      .replace('{{PAGE}}', String(1 + Math.floor(Math.random() * pages)))
      .replace('{{PASSPORT}}', passportFor(spec.accounts[account]));
  };
  const urls = [spec.url].flat();
  const one = (url: string, connections: number, rate: number | undefined) =>
    new Promise<autocannon.Result>((resolve, reject) => {
      autocannon(
        {
          url,
          connections,
          duration: seconds,
          ...(rate ? { overallRate: rate } : {}),
          method: 'POST',
          headers: spec.headers,
          requests: [{ method: 'POST', setupRequest: (request: Record<string, unknown>) => ({ ...request, body: body() }) }],
          // Raw histograms, so the urls' latencies merge into one distribution.
          skipAggregateResult: true,
        } as unknown as autocannon.Options,
        (error, result) => (error ? reject(error) : resolve(result)),
      );
    });
  const share = (i: number) => Math.floor(spec.connections / urls.length) + (i < spec.connections % urls.length ? 1 : 0);
  // autocannon takes whole requests a second for each url.
  const rate = (i: number) => (spec.rate ? Math.max(1, Math.round((spec.rate * share(i)) / spec.connections)) : undefined);
  return Promise.all(urls.map((url, i) => one(url, share(i), rate(i)))).then((results) =>
    (autocannon as unknown as { aggregateResult(results: autocannon.Result[], options: { url: string; connections: number }): autocannon.Result }).aggregateResult(results, {
      url: urls[0],
      connections: spec.connections,
    }),
  );
}

async function main(): Promise<void> {
  const spec = JSON.parse(readFileSync(process.argv[2], 'utf8')) as LoadSpec;
  const warmup = spec.warmupSeconds > 0 ? await run(spec, spec.warmupSeconds) : undefined;
  const cpuBefore = process.cpuUsage();
  const result = await run(spec, spec.seconds);
  const cpu = process.cpuUsage(cpuBefore);
  // Aggregated from raw results, autocannon keeps totals but not its per-second samples.
  const out: LoadResult = {
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    megabytesPerSecond: result.throughput.total / result.duration / 1_000_000,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    loadGeneratorCores: (cpu.user + cpu.system) / 1e6 / result.duration,
    warmupRequests: warmup?.requests.total ?? 0,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
