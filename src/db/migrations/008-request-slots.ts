import type { Knex } from 'knex';

// SOAP requests in flight, one row each, so every server process counts an account's concurrent
// requests alike. Unlogged: rows live for one request, and a database crash ends those anyway.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('request_slots', (t) => {
    t.text('holder').primary();
    t.text('account').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['account', 'expires_at']);
  });
  await db.raw('alter table request_slots set unlogged');
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('request_slots');
}
