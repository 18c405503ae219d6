import type { Knex } from 'knex';
import type { Clock } from '../lib/clock';
import type { JobSource, JobStatus } from '../jobs/job';
import type { MetricsSources } from '../jobs/gauges';
import { poolUse } from './pool-use';
import type { Database } from './database';

/** What /metrics reads of the database when it is scraped: job counts, the worker's backlog, pool use. */

/** One row per source and status that has jobs, expired ones included (until they are purged). */
export async function countJobsByStatus(db: Knex): Promise<Array<{ source: JobSource; status: JobStatus; jobs: number }>> {
  const result = await db.raw('select source, status, count(*) as jobs from jobs group by source, status');
  return (result.rows as Array<{ source: JobSource; status: JobStatus; jobs: string | number }>).map((row) => ({ ...row, jobs: Number(row.jobs) }));
}

/**
 * When the earliest job the worker could claim at `now` fell due; null when none is due. As the
 * worker's claim: unfinished, not external, not expired, and first in its account's queue (a job
 * queued behind another of its account waits for it, not for the worker).
 */
export async function earliestDueAt(db: Knex, now: Date): Promise<Date | null> {
  const result = await db.raw(
    `select min(j.next_run_at) as due from jobs j
      where j.status in ('pending', 'processing') and j.source <> 'external' and j.next_run_at <= ? and j.expires_at > ?
        and not exists (
          select 1 from jobs o
           where o.account = j.account and o.status in ('pending', 'processing') and o.source <> 'external'
             and o.available_at <= ? and o.expires_at > ?
             and (o.available_at, o.seq) < (j.available_at, j.seq))`,
    [now, now, now, now],
  );
  const due = result.rows[0]?.due;
  return due ? new Date(due) : null;
}

/** The scrape-time metrics of a service on this database, its clock and its worker's step count. */
export function databaseMetricsSources(database: Database, clock: Clock, workerSteps: () => number): MetricsSources {
  const db = database.knex;
  return {
    jobCounts: () => countJobsByStatus(db),
    workerLagSeconds: async () => {
      const now = clock.now();
      const due = await earliestDueAt(db, now);
      return due ? Math.max(0, (now.getTime() - due.getTime()) / 1000) : 0;
    },
    workerSteps,
    pools: () => poolUse(database),
  };
}
