import type { Knex } from 'knex';

// The synchronous search's results as they stood when it ran (search, then searchMoreWithId by
// searchId and page): a snapshot per search, its rows by position, dropped once it expires.
export async function up(db: Knex): Promise<void> {
  await db.raw(`create table search_snapshots (
    search_id text primary key,
    account text not null,
    page_size int not null,
    body_fields_only boolean not null,
    total_records int not null,
    created_at timestamptz not null,
    expires_at timestamptz not null
  )`);
  await db.raw('create index search_snapshots_expiry on search_snapshots (expires_at)');
  await db.raw(`create table search_snapshot_rows (
    search_id text not null references search_snapshots (search_id) on delete cascade,
    position int not null,
    record_type text not null,
    internal_id text not null,
    external_id text,
    record jsonb not null,
    primary key (search_id, position)
  )`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('drop table if exists search_snapshot_rows');
  await db.raw('drop table if exists search_snapshots');
}
