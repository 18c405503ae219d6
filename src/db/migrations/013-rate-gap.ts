import type { Knex } from 'knex';

// The estimate tells a job's routine silences (a reporter's interval, a bursty job's pauses) from
// stalls by the longest interval between its samples lately; see src/jobs/eta.ts.
export async function up(db: Knex): Promise<void> {
  await db.raw('alter table jobs add column rate_gap_seconds double precision not null default 0');
}

export async function down(db: Knex): Promise<void> {
  await db.raw('alter table jobs drop column rate_gap_seconds');
}
