import { randomUUID } from 'node:crypto';
import type { Clock } from '../lib/clock';
import { BatchStepFailedError, StepFailedError } from '../jobs/step-failures';
import { isDatabaseUnreachable } from '../lib/database-unavailable';
import type { AdvanceOptions } from '../jobs/advance';
import type { JobStore } from '../jobs/job-store';
import type { RecordSchemas } from '../records/record-store';
import { runStep } from './job-step';
import { PollLoop } from '../lib/poll-loop';

export interface WorkerOptions extends AdvanceOptions {
  /** Longest sleep when nothing is due. */
  pollMs: number;
  /** Steps of one job that may fail in a row before the job ends failed. */
  maxStepFailures: number;
}

/**
 * Most due scripted jobs one transaction advances. Their steps only compute, so together they
 * cost one claim, one insert, one update and one commit instead of each its own. Paced steps are
 * small, so many go together; unpaced ones are full batches, so a few, leaving other jobs for
 * other workers to claim meanwhile.
 */
const PACED_JOBS_PER_TRANSACTION = 32;
const UNPACED_JOBS_PER_TRANSACTION = 4;

export interface WorkerLogger {
  error(message: string, error: unknown): void;
}

/**
 * Moves jobs forward: claims a due job (FOR UPDATE SKIP LOCKED, so several workers share the
 * table), applies the items due at its scripted rate, and repeats until nothing is due; then
 * sleeps until the next job falls due, the poll interval passes, or `wake()` is called.
 */
export class Worker {
  private readonly loop: PollLoop;
  /** True once stop() was called on the running loop, until it has stopped. */
  private stopping = false;
  /** Steps left to take one job at a time, after a batch failed. */
  private aloneLeft = 0;
  /** Job steps taken since the worker was made (for /metrics). */
  stepsTaken = 0;

  constructor(
    private readonly store: JobStore,
    private readonly clock: Clock,
    private readonly options: WorkerOptions,
    private readonly logger: WorkerLogger,
    private readonly schemas: RecordSchemas,
  ) {
    this.loop = new PollLoop(
      () => this.round(),
      options.pollMs,
      (error) => this.logger.error('worker step failed; retrying after the poll interval', error),
    );
  }

  /** Advances every job that is due now; returns how many job steps it took. */
  async runDue(): Promise<number> {
    let steps = 0;
    for (;;) {
      const now = this.clock.now();
      let advanced: number;
      try {
        const alone = this.aloneLeft > 0;
        if (alone) this.aloneLeft--;
        const maxJobs = alone ? 1 : this.options.pacing ? PACED_JOBS_PER_TRANSACTION : UNPACED_JOBS_PER_TRANSACTION;
        advanced = await this.store.advanceDueJobs(now, (job, context) => runStep(job, context, now, this.options, this.schemas), maxJobs);
      } catch (error) {
        // A database that cannot be reached is not the jobs' fault: the round is tried again,
        // uncounted. A statement the server ended for running too long is, and is isolated as any failure.
        if ((error instanceof BatchStepFailedError || error instanceof StepFailedError) && isDatabaseUnreachable(error.cause)) throw error;
        if (error instanceof BatchStepFailedError) {
          // Each job of the failed batch is first in line once in the next few steps, alone.
          this.aloneLeft = error.jobs;
          this.logger.error(`a step of ${error.jobs} jobs failed; retrying them one at a time`, error.cause);
          continue;
        }
        if (!(error instanceof StepFailedError)) throw error;
        await this.countFailure(error, now);
        continue;
      }
      if (advanced === 0) return steps;
      steps += advanced;
      this.stepsTaken += advanced;
      // A stop asked for meanwhile ends the loop's round here; runDue called directly goes on.
      if (this.stopping) return steps;
    }
  }

  /** The step rolled back whole; the job is retried after a pause, or ended once it keeps failing. */
  private async countFailure(error: StepFailedError, now: Date): Promise<void> {
    const reference = randomUUID();
    const retryAt = new Date(now.getTime() + this.options.pollMs * 4);
    const reason = `The job could not continue: a step failed ${this.options.maxStepFailures} times in a row (reference ${reference}).`;
    const ended = await this.store.recordStepFailure(error.jobId, error.processedItems, now, retryAt, this.options.maxStepFailures, reason);
    this.logger.error(ended ? `job ${error.jobId} ended failed (reference ${reference})` : `step of job ${error.jobId} failed; retrying`, error.cause);
  }

  start(): void {
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  /** Finishes the step under way (its transaction commits or rolls back whole), then returns. */
  async stop(): Promise<void> {
    if (!this.loop.active) return;
    this.stopping = true;
    try {
      await this.loop.stop();
    } finally {
      this.stopping = false;
    }
  }

  /** One round of the loop: what is due, then sleep until the next job falls due or the poll interval. */
  private async round(): Promise<number> {
    await this.runDue();
    const due = await this.store.nextDueAt();
    const until = due ? due.getTime() - this.clock.now().getTime() : Infinity;
    return until > 0 ? Math.min(this.options.pollMs, until) : this.options.pollMs;
  }
}
