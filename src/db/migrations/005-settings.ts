import type { Knex } from 'knex';

// Settings the service makes for itself, such as the admin token generated at first start.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('settings', (t) => {
    t.text('key').primary();
    t.text('value').notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('settings');
}
