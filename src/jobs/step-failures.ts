/** How the job store reports a worker step that failed, so the worker can count it against the job at fault. */

/** A worker step that threw: names the job so the worker can count the failure against it. */
export class StepFailedError extends Error {
  constructor(
    readonly jobId: string,
    /** Where the job stood when the failed step began. */
    readonly processedItems: number,
    readonly cause: unknown,
  ) {
    super(`step of job ${jobId} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StepFailedError';
  }
}

/** A transaction advancing several jobs failed: the worker retries them one at a time to find the one at fault. */
export class BatchStepFailedError extends Error {
  constructor(
    readonly jobs: number,
    readonly cause: unknown,
  ) {
    super(`a step of ${jobs} jobs failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'BatchStepFailedError';
  }
}
