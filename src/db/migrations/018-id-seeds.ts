import type { Knex } from 'knex';

// Deterministic ids (ID_SEED, POST /admin/reset {"seed"}): the seed of each scope (an account, or
// '*' for all), and how many ids of each kind each scope has taken, so that every server process
// on the database derives the same next id. See src/jobs/id-source.ts.
export async function up(db: Knex): Promise<void> {
  await db.raw(`create table id_seeds (
    scope text primary key,
    seed text not null
  )`);
  await db.raw(`create table id_counters (
    scope text not null,
    kind text not null,
    taken bigint not null,
    primary key (scope, kind)
  )`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('drop table if exists id_counters');
  await db.raw('drop table if exists id_seeds');
}
