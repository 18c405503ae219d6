import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { passportFor, type LoadResult, type LoadSpec } from './load';

/**
 * `npm run bench`: the service on a real Postgres server (DATABASE_URL), loaded from a separate
 * process with autocannon, beside a ceiling (bare node:http answering the same bytes from memory)
 * and two peers (node-soap's documented usage, WireMock's canned stub), all with the same client
 * settings in the same run. Prints one table and writes bench/out/latest.json.
 */

const ROOT = path.resolve(__dirname, '..');
const VERSION = '2023_2';
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 50);
const JOBS = Number(process.env.BENCH_JOBS ?? 10_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const REGISTER = ['-r', './test/helpers/register-ts.js'];
/** Node flags for the measured service, to profile it: BENCH_SERVICE_NODE_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/prof'. */
const SERVICE_NODE_FLAGS = (process.env.BENCH_SERVICE_NODE_FLAGS ?? '').split(' ').filter(Boolean);

interface Started {
  url: string;
  child: ChildProcess;
  pid: number;
}

/** Starts a process and waits for the first `"url":"…"` it prints. */
function start(command: string, args: string[], env: Record<string, string>, what: string): Promise<Started> {
  const child = spawn(command, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start in 120 s:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve({ url: found[1], child, pid: child.pid! });
      }
      if (output.length > 100_000) output = output.slice(-50_000);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}):\n${output}`));
    });
  });
}

function stop(started: Started | undefined): Promise<void> {
  if (!started || started.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    started.child.removeAllListeners('exit');
    started.child.once('exit', () => resolve());
    started.child.kill('SIGTERM');
  });
}

function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const specFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'ase-bench-load-')), 'spec.json');
  writeFileSync(specFile, JSON.stringify(spec));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...REGISTER, 'bench/load.ts', specFile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(output.trim().split('\n').at(-1)!)) : reject(new Error(`load generator exited ${code}: ${output}`))));
  });
}

const credentialsOf = (account: string) => ({
  account,
  consumerKey: `ck-${account}`,
  consumerSecret: `cs-${account}-secret`,
  tokenId: `tk-${account}`,
  tokenSecret: `ts-${account}-secret`,
  version: VERSION,
});

const ENVELOPE =
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ` +
  `xmlns:msg="urn:messages_${VERSION}.platform.webservices.netsuite.com"><soapenv:Header>{{PASSPORT}}</soapenv:Header>` +
  `<soapenv:Body><msg:checkAsyncStatus><msg:jobId>{{JOB}}</msg:jobId></msg:checkAsyncStatus></soapenv:Body></soapenv:Envelope>`;

async function admin(url: string, route: string, body: unknown): Promise<void> {
  const response = await fetch(`${url}/admin${route}`, { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status >= 300 && response.status !== 409) throw new Error(`POST /admin${route} answered ${response.status}: ${await response.text()}`);
}

/** Accounts with the credentials the load generator signs with; jobs in every state, spread over them. */
async function seed(url: string, db: Client): Promise<Array<{ account: string; jobId: string }>> {
  const accounts = Array.from({ length: ACCOUNTS }, (_, i) => `BENCH_${String(i + 1).padStart(3, '0')}`);
  for (const account of accounts) {
    const c = credentialsOf(account);
    await admin(url, '/accounts', { id: account });
    await admin(url, `/accounts/${account}/integrations`, { name: 'bench', consumerKey: c.consumerKey, consumerSecret: c.consumerSecret });
    await admin(url, `/accounts/${account}/tokens`, { consumerKey: c.consumerKey, tokenId: c.tokenId, tokenSecret: c.tokenSecret });
  }
  // Per account: the first job processing (a million items at 10 a second, so it runs all through
  // the bench and the worker writes while clients poll), a tenth pending (due tomorrow), the rest
  // ended: finished, finishedWithErrors or failed.
  await db.query(
    `insert into jobs (id, source, account, operation, record_type, status, total_items, processed_items, failed_items, rate_per_second,
                       scenario, submitted_at, available_at, started_at, finished_at, expires_at, next_run_at, updated_at)
     select 'BENCHJOB_' || a || '_' || k, 'scripted', 'BENCH_' || lpad(a::text, 3, '0'), 'asyncAddList', 'customer',
            s.status, s.total, s.processed, s.failed, 10, '{}', now() - interval '1 hour', s.available, s.started, s.finished,
            now() + interval '30 days', case when s.status = 'processing' then now() else s.available end, now()
       from generate_series(1, $1::int) a, generate_series(1, $2::int) k,
            lateral (select
              case when k = 1 then 'processing' when k % 10 = 0 then 'pending' when k % 3 = 0 then 'finishedWithErrors' when k % 7 = 0 then 'failed' else 'finished' end as status) st,
            lateral (select st.status,
              case when st.status = 'processing' then 1000000 else 100 end as total,
              case when st.status = 'pending' then 0 when st.status = 'processing' then 0 when st.status = 'failed' then 40 else 100 end as processed,
              case when st.status in ('finishedWithErrors', 'failed') then 3 else 0 end as failed,
              case when st.status = 'pending' then now() + interval '1 day' else now() - interval '1 hour' end as available,
              -- The processing job starts now: its items fall due at 10 a second, not all at once.
              case when st.status = 'pending' then null when st.status = 'processing' then now() else now() - interval '50 minutes' end as started,
              case when st.status in ('finished', 'finishedWithErrors', 'failed') then now() - interval '40 minutes' else null end as finished) s`,
    [ACCOUNTS, Math.ceil(JOBS / ACCOUNTS)],
  );
  const rows = await db.query(`select account, id from jobs where id like 'BENCHJOB_%' order by id`);
  return rows.rows.map((row) => ({ account: row.account, jobId: row.id }));
}

/** Polls jobs one by one and compares each answer with the job's row read just before and after. */
async function verifyFreshness(url: string, db: Client, jobs: Array<{ account: string; jobId: string }>, samples: number): Promise<{ checked: number; stale: number }> {
  let stale = 0;
  for (let i = 0; i < samples; i++) {
    const { account, jobId } = jobs[Math.floor(Math.random() * jobs.length)];
    const read = async () => (await db.query('select status, processed_items from jobs where id = $1', [jobId])).rows[0] as { status: string; processed_items: number };
    const before = await read();
    const body = ENVELOPE.replace('{{JOB}}', jobId).replace('{{PASSPORT}}', passportFor(credentialsOf(account)));
    const text = await (await fetch(`${url}/services/NetSuitePort_${VERSION}`, { method: 'POST', headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: 'checkAsyncStatus' }, body })).text();
    const after = await read();
    const status = /<platformCore:status>(\w+)</.exec(text)?.[1];
    const percent = Number(/<platformCore:percentCompleted>([\d.]+)</.exec(text)?.[1]);
    const percents = [before, after].map((row) => (row.status === 'pending' ? 0 : ['finished', 'finishedWithErrors'].includes(row.status) ? 100 : (row.processed_items / (row.status === 'processing' ? 1_000_000 : 100)) * 100));
    // The answer rounds to two decimals, as NetSuite's does.
    const fresh = (status === before.status || status === after.status) && percent >= Math.min(...percents) - 0.005 && percent <= Math.max(...percents) + 0.005;
    if (!fresh) stale++;
  }
  return { checked: samples, stale };
}

interface Row {
  target: string;
  result: LoadResult;
}

const fmt = (value: number, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('npm run bench needs a Postgres server: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres).');
  const benchDb = `ase_bench_${process.pid}_${Date.now()}`;
  const server = new Client({ connectionString: adminUrl });
  await server.connect();
  await server.query(`create database ${benchDb}`);
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${benchDb}`;
  const started: Started[] = [];
  const db = new Client({ connectionString: dbUrl.toString() });
  const rows: Row[] = [];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ase-bench-'));
  try {
    const serviceEnv = (authentication: string) => ({
      DATABASE_URL: dbUrl.toString(),
      PORT: '0',
      HOST: '127.0.0.1',
      ADMIN_TOKEN,
      DEMO_ACCOUNT: 'off',
      AUTHENTICATION: authentication,
      // A few hundred connectors polling one account's jobs would trip NetSuite's limit of 5.
      CONCURRENT_REQUESTS_PER_ACCOUNT: '0',
      // BENCH_WORKER=off measures polls alone, without the worker advancing jobs in the same process.
      WORKER: process.env.BENCH_WORKER ?? 'on',
    });
    const service = await start(process.execPath, ['dist/main.js', 'serve'], serviceEnv('on'), 'the service');
    started.push(service);
    await db.connect();
    const jobs = await seed(service.url, db);
    process.stdout.write(`bench: ${jobs.length} jobs over ${ACCOUNTS} accounts; ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up, ${SECONDS} s measured\n`);

    const endpoint = (url: string) => `${url}/services/NetSuitePort_${VERSION}`;
    const accounts = Object.fromEntries([...new Set(jobs.map((job) => job.account))].map((account) => [account, credentialsOf(account)]));
    const load = (url: string): LoadSpec => ({
      url: endpoint(url),
      connections: CONNECTIONS,
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      template: ENVELOPE,
      jobs,
      accounts,
      headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: 'checkAsyncStatus' },
    });

    // The reply the ceiling and WireMock serve: the service's own answer for a finished job.
      const finished = jobs.find((job) => job.jobId.endsWith('_2'))!;
    const sample = await fetch(endpoint(service.url), {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml; charset=utf-8' },
      body: ENVELOPE.replace('{{JOB}}', finished.jobId).replace('{{PASSPORT}}', passportFor(credentialsOf(finished.account))),
    });
    const reply = Buffer.from(await sample.arrayBuffer());
    if (sample.status !== 200 || !reply.includes('checkAsyncStatusResponse')) throw new Error(`the sample poll answered ${sample.status}: ${reply}`);
    const replyFile = path.join(tmp, 'reply.xml');
    writeFileSync(replyFile, reply);
    const statusFile = path.join(tmp, 'status.json');
    writeFileSync(statusFile, JSON.stringify({ jobId: finished.jobId, status: 'finished', percentCompleted: 100, estRemainingDuration: 0 }));

    const freshness: Record<string, { checked: number; stale: number }> = {};
    const serviceRun = async (mode: 'signed' | 'unsigned') => {
      const current = await start(process.execPath, [...SERVICE_NODE_FLAGS, 'dist/main.js', 'serve'], serviceEnv(mode === 'signed' ? 'on' : 'off'), 'the service');
      started.push(current);
      const target = mode === 'signed' ? 'service, TBA signed (AUTHENTICATION=on)' : 'service, unsigned (AUTHENTICATION=off)';
      rows.push({ target, result: await runLoad(load(current.url)) });
      freshness[mode] = await verifyFreshness(current.url, db, jobs, 300);
      await stop(current);
    };
    const peerRun = async (target: string, peer: () => Promise<Started>) => {
      const current = await peer();
      started.push(current);
      rows.push({ target, result: await runLoad(load(current.url)) });
      await stop(current);
    };
    await stop(service);
    const runs: Record<string, () => Promise<void>> = {
      signed: () => serviceRun('signed'),
      unsigned: () => serviceRun('unsigned'),
      ceiling: () => peerRun('ceiling: node:http, same bytes from memory', () => start(process.execPath, [...REGISTER, 'bench/peers.ts', 'ceiling', replyFile], {}, 'the ceiling server')),
      'node-soap': () => peerRun('peer: express + node-soap', () => start(process.execPath, [...REGISTER, 'bench/peers.ts', 'node-soap', VERSION, statusFile], {}, 'the node-soap peer')),
      wiremock: () => peerRun('peer: WireMock canned stub', () => startWireMock(reply.toString('utf8'))),
    };
    // BENCH_TARGETS picks some (e.g. "unsigned" while profiling); every goal needs all of them.
    const chosen = (process.env.BENCH_TARGETS ?? Object.keys(runs).join(',')).split(',').map((name) => name.trim());
    for (const name of chosen) {
      if (!runs[name]) throw new Error(`BENCH_TARGETS: unknown target ${name} (known: ${Object.keys(runs).join(', ')})`);
      await runs[name]();
    }

    report(rows, freshness);
  } finally {
    for (const s of started) await stop(s);
    await db.end().catch(() => undefined);
    await server.query(`drop database if exists ${benchDb} with (force)`);
    await server.end();
  }
}

/** WireMock from the npm package's bundled jar, answering every POST to the endpoint with the reply. */
async function startWireMock(reply: string): Promise<Started> {
  const jar = readdirJar();
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn('java', ['-jar', jar, '--port', String(port), '--bind-address', '127.0.0.1', '--disable-banner', '--no-request-journal'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const response = await fetch(`${url}/__admin/mappings`, {
        method: 'POST',
        body: JSON.stringify({
          request: { method: 'POST', url: `/services/NetSuitePort_${VERSION}` },
          response: { status: 200, body: reply, headers: { 'Content-Type': 'text/xml; charset=utf-8' } },
        }),
      });
      if (response.status === 201) break;
    } catch {
      // not up yet
    }
    if (i > 240 || child.exitCode !== null) throw new Error('WireMock did not start (Java 17 and the wiremock npm package are needed)');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { url, child, pid: child.pid! };
}

function readdirJar(): string {
  const dir = path.join(ROOT, 'node_modules/wiremock/build');
  const jar = readdirSync(dir).find((name) => name.endsWith('.jar'));
  if (!jar) throw new Error('the wiremock npm package has no jar: run npm ci');
  return path.join(dir, jar);
}

function report(rows: Row[], freshness: Record<string, { checked: number; stale: number }>): void {
  const ceiling = rows.find((row) => row.target.startsWith('ceiling'))?.result.requestsPerSecond ?? Number.NaN;
  const peers = rows.filter((row) => row.target.startsWith('peer'));
  const fasterPeer = peers.length > 0 ? Math.max(...peers.map((row) => row.result.requestsPerSecond)) : Number.NaN;
  const lines = [
    '| target | req/s | p50 ms | p99 ms | MB/s | non-2xx | errors | × ceiling | × faster peer |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(({ target, result }) =>
      `| ${target} | ${fmt(result.requestsPerSecond)} | ${fmt(result.p50Ms, 1)} | ${fmt(result.p99Ms, 1)} | ${fmt(result.megabytesPerSecond, 2)} | ${result.non2xx} | ${result.errors + result.timeouts} | ${fmt(result.requestsPerSecond / ceiling, 2)} | ${fmt(result.requestsPerSecond / fasterPeer, 2)} |`,
    ),
  ];
  const services = rows.filter((row) => row.target.startsWith('service'));
  const goals = services.map(({ target, result }) => {
    const ofCeiling = result.requestsPerSecond / ceiling;
    const ofPeer = result.requestsPerSecond / fasterPeer;
    return `${target}: ${fmt(ofCeiling, 2)} of the ceiling (goal 0.5: ${ofCeiling >= 0.5 ? 'met' : 'not met'}), ${fmt(ofPeer, 2)}× the faster peer (goal 2: ${ofPeer >= 2 ? 'met' : 'not met'})`;
  });
  const fresh = Object.entries(freshness).map(([mode, f]) => `${mode}: ${f.checked - f.stale} of ${f.checked} polls matched the job's row read just before or after`);
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${fmt(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  process.stdout.write(`\n## 1. Poll throughput (checkAsyncStatus, random jobs)\n\n${lines.join('\n')}\n\n${goals.join('\n')}\n${fresh.join('\n')}\nmachine: ${machine}\n`);
  const out = path.join(ROOT, 'bench/out');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    path.join(out, 'latest.json'),
    JSON.stringify({ at: new Date().toISOString(), machine, settings: { connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, jobs: JOBS, accounts: ACCOUNTS }, poll: { rows, freshness } }, null, 2),
  );
  process.stdout.write(`\nwritten: bench/out/latest.json\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
