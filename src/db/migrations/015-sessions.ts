import type { Knex } from 'knex';

// Sessions of versions up to 2020_1: login(passport) opens one, its JSESSIONID cookie carries it,
// logout or idleness ends it. busy_until holds it while a request runs: NetSuite allows one request
// per session at a time.
export async function up(db: Knex): Promise<void> {
  await db.raw(`create table sessions (
    id text primary key,
    account text not null,
    email text not null,
    role int not null,
    created_at timestamptz not null,
    last_used_at timestamptz not null,
    ended_at timestamptz,
    busy_until timestamptz
  )`);
  await db.raw('create index sessions_account_idx on sessions (account)');
}

export async function down(db: Knex): Promise<void> {
  await db.raw('drop table if exists sessions');
}
