/** SQL conditions on a row of jobs, shared by the statements that read the job table. */

/** Jobs not yet ended. */
export const UNFINISHED = `status in ('pending', 'processing')`;
/** Jobs the worker runs; external jobs are advanced by whoever reports them. */
export const RUNNABLE = `source <> 'external'`;
