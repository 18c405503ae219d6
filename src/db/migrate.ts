import type { Knex } from 'knex';
import { DEFAULT_WAITS, maintenanceWaits } from './bounded-waits';
import { openServerDatabase, type Database, type DatabaseOptions } from './database';
import { migrationSource, RENAMED_MIGRATIONS } from './migrations';

/** Brings the schema up to date; safe to run at every start and from several processes. */
export async function migrate(db: Knex): Promise<void> {
  await renameRecordedMigrations(db);
  await db.migrate.latest({ migrationSource });
}

/** Knex refuses a database whose recorded migrations it cannot find: renamed ones are recorded under their new names first. */
async function renameRecordedMigrations(db: Knex): Promise<void> {
  if (!(await db.schema.hasTable('knex_migrations'))) return;
  const table = () => db.table('knex_migrations');
  for (const [old, renamed] of Object.entries(RENAMED_MIGRATIONS)) await table().where({ name: old }).update({ name: renamed });
}

/**
 * Migrates the database `options` names. On a Postgres server that is done on a connection of its
 * own without the statement and lock bounds the service's connections have (a migration may
 * rewrite a large table, or wait for another process's lock); PGlite has no bounds to lift.
 */
export async function migrateDatabase(database: Database, options: DatabaseOptions): Promise<void> {
  if (!options.url) return migrate(database.knex);
  const unbounded = openServerDatabase({ ...options, url: options.url, poolMax: 1, waits: maintenanceWaits(options.waits ?? DEFAULT_WAITS) });
  try {
    await migrate(unbounded.knex);
  } finally {
    await unbounded.close();
  }
}

/** True when every known migration has run. */
export async function migrationsCurrent(db: Knex): Promise<boolean> {
  return (await pendingMigrations(db)).length === 0;
}

/** The code's migrations that have not run, read from knex's table without writing (no table: all). */
export async function pendingMigrations(db: Knex): Promise<string[]> {
  const table = db<{ name: string }>('knex_migrations');
  let applied: Set<string>;
  try {
    const rows = await table.select('name');
    applied = new Set(rows.map((row) => row.name));
  } catch (error) {
    // 42P01: the table does not exist yet.
    if ((error as { code?: string }).code !== '42P01') throw error;
    applied = new Set();
  }
  return (await migrationSource.getMigrations([])).filter((name) => !applied.has(name));
}
