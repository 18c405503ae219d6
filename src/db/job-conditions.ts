/** SQL pieces on a row of jobs, each written once and shared by the statements that read the job table. */

/** Jobs not yet ended. */
export const UNFINISHED = `status in ('pending', 'processing')`;
/** Jobs the worker runs; external jobs are advanced by whoever reports them. */
export const RUNNABLE = `source <> 'external'`;

/** Items left in the unfinished jobs the worker runs of `j`'s account, queued before `j`; 0 when none. */
export const ITEMS_AHEAD = (j: string) => `(select coalesce(sum(o.total_items - o.processed_items), 0)::bigint from jobs o
   where o.account = ${j}.account and o.${UNFINISHED} and o.${RUNNABLE} and (o.available_at, o.seq) < (${j}.available_at, ${j}.seq))`;

/** Items a second of the most recently sampled started job of `j`'s account; null when none has a rate. */
export const RECENT_RATE = (j: string) => `(select l.rate_items / l.rate_seconds from jobs l
   where l.account = ${j}.account and l.${RUNNABLE} and l.started_at is not null and l.rate_seconds > 0 and l.rate_items > 0
   order by l.last_sample_at desc limit 1)`;
