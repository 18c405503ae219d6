import type { Knex } from 'knex';

// What a delete leaves (synchronous or asynchronous): the record's type, ids and when it went, so
// getDeleted can list the records deleted in a date range, by type, per account.
export async function up(db: Knex): Promise<void> {
  await db.raw(`create table deleted_records (
    account text not null,
    record_type text not null,
    internal_id bigint not null,
    external_id text,
    deleted_at timestamptz not null
  )`);
  await db.raw('create index deleted_records_by_date on deleted_records (account, deleted_at)');
}

export async function down(db: Knex): Promise<void> {
  await db.raw('drop table if exists deleted_records');
}
