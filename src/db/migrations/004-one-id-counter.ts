import type { Knex } from 'knex';

// Scripted adds now take internalIds from account_counters, as SOAP adds do.
export async function up(db: Knex): Promise<void> {
  await db.raw('drop sequence if exists record_internal_id_seq');
}

export async function down(db: Knex): Promise<void> {
  await db.raw('create sequence if not exists record_internal_id_seq start with 1001');
}
