import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // Records that SOAP-submitted jobs add, change, read and search.
  await db.schema.createTable('records', (t) => {
    t.text('account').notNullable();
    t.text('record_type').notNullable();
    t.bigInteger('internal_id').notNullable();
    t.text('external_id');
    // Field values as the client sent them, element names without prefixes (see record-reader.ts).
    t.jsonb('fields').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.primary(['account', 'internal_id']);
    t.index(['account', 'record_type']);
  });
  await db.raw('create unique index records_external_id_idx on records (account, record_type, external_id) where external_id is not null');

  // The next internalId of each account: ids increase per account, whatever the record type.
  await db.schema.createTable('account_counters', (t) => {
    t.text('account').primary();
    t.bigInteger('next_internal_id').notNullable();
  });

  // What a SOAP request submitted, one row per item, read by the worker a batch at a time.
  await db.schema.alterTable('jobs', (t) => {
    t.text('source').notNullable().defaultTo('scripted');
  });
  await db.raw(`alter table jobs add constraint jobs_source_check check (source in ('scripted', 'request'))`);
  await db.schema.createTable('job_inputs', (t) => {
    t.text('job_id').notNullable().references('id').inTable('jobs').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.jsonb('payload').notNullable();
    t.primary(['job_id', 'position']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('job_inputs');
  await db.raw('alter table jobs drop constraint if exists jobs_source_check');
  await db.schema.alterTable('jobs', (t) => t.dropColumn('source'));
  await db.schema.dropTableIfExists('account_counters');
  await db.schema.dropTableIfExists('records');
}
