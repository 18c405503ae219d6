import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // Steps of the job that failed in a row; past a limit the job ends failed instead of retrying.
  await db.schema.alterTable('jobs', (t) => {
    t.integer('step_failures').notNullable().defaultTo(0);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('jobs', (t) => t.dropColumn('step_failures'));
}
