import { createHmac } from 'node:crypto';
import type { Clock } from '../lib/clock';
import { asyncStatusOf, type Job } from '../jobs/job';
import { percentCompleted } from '../jobs/eta';
import type { Logger } from '../lib/logger';
import type { AttemptRecord, CallbackStore, ClaimedDelivery } from './callback-store';
import { PollLoop } from '../lib/poll-loop';

/**
 * Delivers callbacks: when a job ends, its final status is POSTed as JSON to its callback URL,
 * signed with HMAC-SHA256 of the body under the callback secret (X-Emulator-Signature:
 * sha256=<hex>). A 2xx answer delivers it; anything else (another status, a refused connection,
 * no answer within the timeout) is retried after retrySeconds, doubling each time, until
 * maxAttempts attempts were made. Every attempt is recorded. Delivery runs on real time even
 * under the manual clock: a receiver is a real server, whatever time the jobs live in.
 */

export interface DispatcherOptions {
  secret: string;
  maxAttempts: number;
  /** The wait before the second attempt; each later wait doubles, up to MAX_RETRY_WAIT_MS. */
  retrySeconds: number;
  timeoutMs: number;
  /** Longest sleep when nothing is due. */
  pollMs: number;
}

export const SIGNATURE_HEADER = 'X-Emulator-Signature';
const MAX_RETRY_WAIT_MS = 60 * 60 * 1000;
/** Deliveries under way at once in one process; a free slot is claimed again at once. */
const IN_FLIGHT_LIMIT = 64;
/**
 * Of those, one account's at most (in each process): a receiver that never answers holds up its
 * own account's deliveries, not another's, unless four such accounts fill the pool.
 */
export const ACCOUNT_IN_FLIGHT_LIMIT = 16;
/** An answer's body is not read past this: only its status counts. */
const ERROR_TEXT_LIMIT = 300;

/** The JSON a receiver gets: the job as it ended. */
export function callbackBody(job: Job, attempt: number, sentAt: Date): Record<string, unknown> {
  const counted = job.source !== 'external';
  return {
    event: 'job.ended',
    jobId: job.id,
    account: job.account,
    status: asyncStatusOf(job.status),
    percentCompleted: percentCompleted(job),
    ...(job.operation ? { operation: job.operation, recordType: job.recordType } : { name: job.name, referenceId: job.referenceId }),
    ...(counted ? { totalItems: job.totalItems, processedItems: job.processedItems, failedItems: job.failedItems } : {}),
    failureCode: job.failureCode,
    failureMessage: job.failureMessage,
    submittedAt: job.submittedAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    sysId: job.sysId,
    attempt,
    sentAt: sentAt.toISOString(),
  };
}

/** The start of an answer's body as text: at most `limit` bytes are read, the rest is not fetched. */
async function firstBytes(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // A receiver that breaks off mid-answer: what came is enough to report.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

export const signBody = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export class CallbackDispatcher {
  private readonly loop: PollLoop;
  /** Attempts under way, and how many of them each account has. */
  private readonly underWay = new Set<Promise<void>>();
  private readonly held = new Map<string, number>();
  /** An attempt ended during the round: its slot is claimed by another round at once. */
  private slotFreed = false;

  constructor(
    private readonly store: CallbackStore,
    /** Real time: attempts and their waits are measured on it. */
    private readonly wallClock: Clock,
    private readonly options: DispatcherOptions,
    private readonly logger: Logger,
  ) {
    this.loop = new PollLoop(
      () => this.round(),
      options.pollMs,
      (error) => this.logger.error('callback delivery failed; retrying after the poll interval', { error }),
    );
  }

  start(): void {
    this.loop.start();
  }

  /** Stops claiming, finishes the attempts under way, then returns. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.all(this.underWay);
  }

  /** Looks for due deliveries now rather than at the next poll. */
  wake(): void {
    this.loop.wake();
  }

  /** Claims due deliveries while slots are free and starts an attempt at each; answers the time it claimed at. */
  private async claimDue(): Promise<Date> {
    for (;;) {
      const now = this.wallClock.now();
      const free = IN_FLIGHT_LIMIT - this.underWay.size;
      if (free === 0) return now;
      const lease = new Date(now.getTime() + this.options.timeoutMs + 5_000);
      const claimed = await this.store.claimDue(now, lease, free, { held: this.held, accountLimit: ACCOUNT_IN_FLIGHT_LIMIT });
      if (claimed.length === 0) return now;
      for (const delivery of claimed) this.startAttempt(delivery);
    }
  }

  private startAttempt(delivery: ClaimedDelivery): void {
    const account = delivery.job.account;
    this.held.set(account, (this.held.get(account) ?? 0) + 1);
    const attempt: Promise<void> = this.attempt(delivery)
      // Unrecorded, the delivery stays leased and is tried again once the lease runs out.
      .catch((error: unknown) => this.logger.error('callback attempt could not be recorded; retrying once its lease runs out', { error, deliveryId: delivery.id }))
      .finally(() => {
        const left = (this.held.get(account) ?? 1) - 1;
        if (left === 0) this.held.delete(account);
        else this.held.set(account, left);
        this.underWay.delete(attempt);
        this.slotFreed = true;
        this.loop.wake();
      });
    this.underWay.add(attempt);
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const started = this.wallClock.now();
    const body = JSON.stringify(callbackBody(delivery.job, delivery.attempt, started));
    let httpStatus: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'async-status-emulator',
          [SIGNATURE_HEADER]: signBody(this.options.secret, body),
          'X-Emulator-Delivery': delivery.id,
          'X-Emulator-Attempt': String(delivery.attempt),
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      httpStatus = response.status;
      if (!response.ok) error = `HTTP ${response.status}: ${await firstBytes(response, ERROR_TEXT_LIMIT)}`.trimEnd();
      else await response.body?.cancel();
    } catch (caught) {
      const cause = (caught as { cause?: { code?: string; message?: string } }).cause;
      error = (caught as Error).name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : (cause?.code ?? cause?.message ?? (caught as Error).message);
    }
    const attemptedAt = this.wallClock.now();
    const outcome: AttemptRecord['outcome'] =
      error === null
        ? { state: 'delivered' }
        : delivery.attempt >= this.options.maxAttempts
          ? { state: 'failed' }
          : { state: 'pending', nextAttemptAt: new Date(attemptedAt.getTime() + this.retryWaitMs(delivery.attempt)) };
    await this.store.recordAttempt(delivery.id, delivery.attempt, { attemptedAt, durationMs: attemptedAt.getTime() - started.getTime(), httpStatus, error, outcome });
    if (outcome.state === 'failed') {
      this.logger.error(`callback for job ${delivery.job.id} failed ${delivery.attempt} times; given up`, { url: delivery.url, lastError: error });
    }
  }

  /** The wait after attempt n (from 1): retrySeconds, doubling, capped. */
  private retryWaitMs(attempt: number): number {
    return Math.min(MAX_RETRY_WAIT_MS, this.options.retrySeconds * 1000 * 2 ** (attempt - 1));
  }

  /**
   * One round of the loop: claim what is due while slots are free, then sleep until the next
   * delivery falls due, an attempt ends (it wakes the loop), or the poll interval passes.
   */
  private async round(): Promise<number> {
    this.slotFreed = false;
    const claimedAt = await this.claimDue();
    // Due deliveries left unclaimed wait for a slot, which an ending attempt frees and wakes us for.
    const due = await this.store.nextDueAfter(claimedAt);
    if (this.slotFreed) return 0;
    return due ? Math.max(10, Math.min(this.options.pollMs, due.getTime() - this.wallClock.now().getTime())) : this.options.pollMs;
  }
}
