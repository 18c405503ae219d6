import type { Knex } from 'knex';

// The worker's claim and a pending job's estimate both ask, per account, which unfinished jobs
// queue ahead of a job, and the estimate asks for the account's latest rate. Without these, each
// question scanned every unfinished job of the table (the due index) and all of the account's jobs.
export async function up(db: Knex): Promise<void> {
  await db.raw(`create index jobs_queue_idx on jobs (account, available_at, seq)
                 where status in ('pending', 'processing') and source <> 'external'`);
  await db.raw(`create index jobs_recent_rate_idx on jobs (account, last_sample_at desc)
                 where source <> 'external' and started_at is not null and rate_seconds > 0 and rate_items > 0`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('drop index if exists jobs_recent_rate_idx');
  await db.raw('drop index if exists jobs_queue_idx');
}
