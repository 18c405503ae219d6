import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { boundedDriver, DEFAULT_WAITS, maintenanceWaits, waitSettings, type DatabaseWaits } from './bounded-waits';
import { closeHotPool, openHotPool } from './hot-query';
import { migrationSource } from './migrations';

export interface DatabaseOptions {
  /** A postgres:// URL; when absent, an embedded PGlite database is used. */
  url?: string;
  /** PGlite's data folder; 'memory' keeps it in memory only. */
  dataDir: string;
  /** Schema to work in (tests isolate each file in its own). */
  schema?: string;
  poolMax?: number;
  /** Hears of pooled connections that drop while idle (a Postgres restart); they are replaced. */
  onPoolError?: (error: Error) => void;
  /** Bounds on every wait for a Postgres server (PGlite runs in the process: nothing to wait for). */
  waits?: DatabaseWaits;
}

/** knex's Postgres client, building its connections as BoundedClient (see bounded-waits.ts). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const KnexPg = require('knex/lib/dialects/postgres') as new (config: Knex.Config) => Knex.Client;
class BoundedKnexPg extends KnexPg {
  _driver() {
    return boundedDriver;
  }
}

export function createKnex(options: DatabaseOptions): Knex {
  const searchPath = options.schema ? [options.schema] : undefined;
  if (options.url) {
    const waits = options.waits ?? DEFAULT_WAITS;
    const db = knexFactory({
      client: BoundedKnexPg as unknown as typeof Knex.Client,
      connection: { connectionString: options.url, ...waitSettings(waits) } as Knex.PgConnectionConfig,
      searchPath,
      // Waiting for a free connection is bounded as a connect is.
      acquireConnectionTimeout: waits.connectMs,
      pool: { min: 0, max: options.poolMax ?? 10 },
    });
    openHotPool(db, options.url, options.schema, waits, options.onPoolError);
    return db;
  }
  const connection: Record<string, string> = {};
  if (options.dataDir === 'memory') return knexFactory({ client: ClientPgLite, dialect: 'postgres', connection, searchPath });
  const dir = path.resolve(options.dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  connection.filename = dir;
  const release = lockDataDir(path.resolve(options.dataDir, 'pglite.lock'));
  const db = knexFactory({ client: ClientPgLite, dialect: 'postgres', connection, searchPath });
  releases.set(db, release);
  return db;
}

/** Locks held by databases this process opened, released when they close. */
const releases = new WeakMap<Knex, () => void>();

/** Closes a database made by createKnex, and gives up its data folder's lock. */
export async function closeKnex(db: Knex): Promise<void> {
  try {
    await closeHotPool(db);
  } finally {
    await db.destroy();
    releases.get(db)?.();
  }
}

/**
 * The embedded database belongs to one process: a second one would read and write the same files
 * unseen by the first. A lock file holds the owner's pid; one left by a dead process is taken over.
 */
function lockDataDir(file: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      const release = () => {
        process.off('exit', release);
        try {
          unlinkSync(file);
        } catch {
          // already gone
        }
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(file, 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new Error(`The embedded database in ${path.dirname(file)} is in use by process ${owner}; stop it, or give this process another DATA_DIR or a DATABASE_URL.`, {
          cause: error,
        });
      }
      unlinkSync(file);
    }
  }
  throw new Error(`Could not lock ${file}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Brings the schema up to date; safe to run at every start and from several processes. */
export async function migrate(db: Knex, schema?: string): Promise<void> {
  if (schema) await db.raw('create schema if not exists ??', [schema]);
  await db.migrate.latest({ migrationSource, schemaName: schema });
}

/**
 * Migrates the database `options` names. On a Postgres server that is done on a connection of its
 * own without the statement and lock bounds the service's connections have (a migration may
 * rewrite a large table, or wait for another process's lock); PGlite has no bounds to lift.
 */
export async function migrateDatabase(db: Knex, options: DatabaseOptions): Promise<void> {
  if (!options.url) return migrate(db, options.schema);
  const unbounded = createKnex({ ...options, poolMax: 1, waits: maintenanceWaits(options.waits ?? DEFAULT_WAITS) });
  try {
    await migrate(unbounded, options.schema);
  } finally {
    await closeKnex(unbounded);
  }
}

/** True when every known migration has run. */
export async function migrationsCurrent(db: Knex, schema?: string): Promise<boolean> {
  return (await pendingMigrations(db, schema)).length === 0;
}

/** The code's migrations that have not run, read from knex's table without writing (no table: all). */
export async function pendingMigrations(db: Knex, schema?: string): Promise<string[]> {
  const table = schema ? db.withSchema(schema).from<{ name: string }>('knex_migrations') : db<{ name: string }>('knex_migrations');
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
