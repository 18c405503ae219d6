import type { Knex } from 'knex';

// Saved searches: an advanced search's XML kept per account under an internalId and a script id,
// run by either and listed by record type (getSavedSearch).
export async function up(db: Knex): Promise<void> {
  await db.raw(`create table saved_searches (
    account text not null,
    internal_id bigint not null,
    script_id text not null,
    title text not null,
    search_type text not null,
    advanced_type text not null,
    version text not null,
    definition text not null,
    created_at timestamptz not null,
    primary key (account, internal_id)
  )`);
  await db.raw('create unique index saved_searches_script_id on saved_searches (account, script_id)');
}

export async function down(db: Knex): Promise<void> {
  await db.raw('drop table if exists saved_searches');
}
