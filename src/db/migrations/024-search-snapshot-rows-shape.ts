import type { Knex } from 'knex';

// An advanced search's columns, kept with its snapshot: its pages are answered as search rows of them.
export async function up(db: Knex): Promise<void> {
  await db.raw('alter table search_snapshots add column search_rows jsonb');
}

export async function down(db: Knex): Promise<void> {
  await db.raw('alter table search_snapshots drop column if exists search_rows');
}
