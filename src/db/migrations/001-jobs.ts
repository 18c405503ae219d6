import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('jobs', (t) => {
    t.text('id').primary();
    // Submission order, for first-in-first-out per account.
    t.bigIncrements('seq', { primaryKey: false }).notNullable().unique();
    t.text('account').notNullable();
    t.text('operation').notNullable();
    t.text('record_type').notNullable();
    t.text('status').notNullable();
    t.integer('total_items').notNullable();
    t.integer('processed_items').notNullable().defaultTo(0);
    t.integer('failed_items').notNullable().defaultTo(0);
    t.double('rate_per_second').notNullable();
    t.jsonb('scenario').notNullable().defaultTo('{}');
    t.timestamp('submitted_at', { useTz: true }).notNullable();
    t.timestamp('available_at', { useTz: true }).notNullable();
    t.timestamp('started_at', { useTz: true });
    t.timestamp('finished_at', { useTz: true });
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('next_run_at', { useTz: true }).notNullable();
    t.integer('result_calls').notNullable().defaultTo(0);
    t.text('failure_code');
    t.text('failure_message');
    // Decayed sums behind the rate estimate (see src/jobs/eta.ts).
    t.double('rate_items').notNullable().defaultTo(0);
    t.double('rate_seconds').notNullable().defaultTo(0);
    t.timestamp('last_sample_at', { useTz: true });
    t.index(['account', 'seq']);
  });
  await db.raw(`alter table jobs add constraint jobs_status_check
    check (status in ('pending', 'processing', 'finished', 'finishedWithErrors', 'failed'))`);
  await db.raw(`alter table jobs add constraint jobs_counts_check
    check (processed_items between 0 and total_items and failed_items between 0 and processed_items)`);
  // The worker's claim query scans only unfinished jobs.
  await db.raw(`create index jobs_due_idx on jobs (next_run_at) where status in ('pending', 'processing')`);

  await db.schema.createTable('job_items', (t) => {
    t.text('job_id').notNullable().references('id').inTable('jobs').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.boolean('is_success').notNullable();
    t.text('code');
    t.text('message');
    t.text('record_type').notNullable();
    t.text('internal_id');
    t.text('external_id');
    t.jsonb('record');
    t.primary(['job_id', 'position']);
  });

  await db.schema.createTable('job_progress', (t) => {
    t.bigIncrements('id');
    t.text('job_id').notNullable().references('id').inTable('jobs').onDelete('CASCADE');
    t.timestamp('sampled_at', { useTz: true }).notNullable();
    t.integer('processed').notNullable();
    t.index(['job_id', 'sampled_at']);
  });

  // internalIds handed out to records that jobs add.
  await db.raw('create sequence record_internal_id_seq start with 1001');
}

export async function down(db: Knex): Promise<void> {
  await db.raw('drop sequence if exists record_internal_id_seq');
  await db.schema.dropTableIfExists('job_progress');
  await db.schema.dropTableIfExists('job_items');
  await db.schema.dropTableIfExists('jobs');
}
