import { addCustomers, checkStatus, jobIdOf, type Call } from './soap-calls';

/**
 * Connectors at work: each client submits asyncAddList of a few customers with externalIds no
 * other submit uses, polls its job with checkAsyncStatus, and goes on, until stopped or out of
 * calls. Every call is kept with what it was answered, so a test can hold the answers against SQL.
 * Bounded in calls (per client) and paced, so a fault that answers at once cannot run it away.
 */

export interface Submit {
  externalIds: string[];
  call: Call;
  /** The job the client was told about, if any. */
  jobId?: string;
}

export interface LoadOptions {
  /** Names this run's externalIds (`<prefix>-<client>-<n>-<i>`); unique per test. */
  prefix: string;
  clients?: number;
  recordsPerSubmit?: number;
  pollsPerJob?: number;
  maxCallsPerClient?: number;
  /** Least time between two calls of one client. */
  pauseMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Load {
  readonly calls: Call[] = [];
  readonly submits: Submit[] = [];
  /** Submits sent and not yet answered (or given up on). */
  submitsInFlight = 0;
  private stopped = false;
  private running: Promise<void>[] = [];
  private readonly options: Required<LoadOptions>;
  readonly prefix: string;

  constructor(
    private readonly url: string,
    options: LoadOptions,
  ) {
    this.options = { clients: 6, recordsPerSubmit: 3, pollsPerJob: 2, maxCallsPerClient: 200, pauseMs: 200, ...options };
    this.prefix = options.prefix;
  }

  start(): void {
    for (let client = 1; client <= this.options.clients; client++) this.running.push(this.client(client));
  }

  /** Lets every client finish the call it is in, and waits for them. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
  }

  /** Resolves once a submit is in flight (false when none was within `timeoutMs`). */
  async submitInFlight(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.submitsInFlight === 0) {
      if (Date.now() > deadline) return false;
      await sleep(1);
    }
    return true;
  }

  private async client(client: number): Promise<void> {
    const { prefix, recordsPerSubmit, pollsPerJob, maxCallsPerClient, pauseMs } = this.options;
    let made = 0;
    const call = async (send: () => Promise<Call>): Promise<Call> => {
      made++;
      const result = await send();
      this.calls.push(result);
      // A call that got nothing (a dead server refuses at once) waits longer before the next.
      await sleep(result.outcome === 'none' ? Math.max(pauseMs, 250) : pauseMs);
      return result;
    };
    for (let n = 1; !this.stopped && made < maxCallsPerClient; n++) {
      const externalIds = Array.from({ length: recordsPerSubmit }, (_, i) => `${prefix}-${client}-${n}-${i + 1}`);
      this.submitsInFlight++;
      const submitted = await call(() =>
        addCustomers(this.url, externalIds).finally(() => {
          this.submitsInFlight--;
        }),
      );
      const jobId = jobIdOf(submitted);
      this.submits.push({ externalIds, call: submitted, jobId });
      for (let poll = 0; jobId && poll < pollsPerJob && !this.stopped && made < maxCallsPerClient; poll++) {
        await call(() => checkStatus(this.url, jobId));
      }
    }
  }
}
