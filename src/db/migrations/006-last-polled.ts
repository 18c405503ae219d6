import type { Knex } from 'knex';

// When checkAsyncStatus last answered for the job, for the optional minimum polling interval.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('jobs', (t) => {
    t.timestamp('last_polled_at', { useTz: true });
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('jobs', (t) => t.dropColumn('last_polled_at'));
}
