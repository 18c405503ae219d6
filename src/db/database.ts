import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import type { Pool } from 'pg';
import { boundedDriver, DEFAULT_WAITS, waitSettings, type DatabaseWaits } from './bounded-waits';
import { openHotPool, type HotPoolTarget, type StatementTarget } from './hot-query';
import { RequestPathBatch } from './request-path-batch';
import { openFolder, openInMemory } from './embedded';
import type { PGlite } from '@electric-sql/pglite';

export interface DatabaseOptions {
  /** A postgres:// URL; when absent, an embedded PGlite database is used. */
  url?: string;
  /** PGlite's data folder; 'memory' keeps it in memory only. */
  dataDir: string;
  poolMax?: number;
  /** Hears of pooled connections that drop while idle (a Postgres restart); they are replaced. */
  onPoolError?: (error: Error) => void;
  /** Bounds on every wait for a Postgres server (PGlite runs in the process: nothing to wait for). */
  waits?: DatabaseWaits;
  /** With dataDir 'memory': an image of a data folder (PGlite's dumpDataDir) to start from. */
  image?: Blob;
}

/** knex's Postgres client, building its connections as BoundedClient (see bounded-waits.ts). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const KnexPg = require('knex/lib/dialects/postgres') as new (config: Knex.Config) => Knex.Client;
class BoundedKnexPg extends KnexPg {
  _driver() {
    return boundedDriver;
  }
}

/**
 * The one database object, made once and handed to the stores: knex (a pool's, or a
 * transaction's), on a Postgres server the hot statements' pool and where it connects, and the
 * request path's batch of polls and nonces that the job and account stores share.
 */
export class Database implements StatementTarget {
  readonly requestPath: RequestPathBatch;

  constructor(
    readonly knex: Knex,
    /** The hot statements' pool: a Postgres server's, outside a transaction (see hot-query.ts). */
    readonly hot: Pool | undefined,
    /** Where the hot pool connects, for a thread that opens connections of its own there. */
    readonly target: HotPoolTarget | undefined,
    private readonly release: () => void = () => undefined,
  ) {
    this.requestPath = new RequestPathBatch(this);
  }

  /** The same database inside `trx`: every statement, hot ones too, runs in the transaction. */
  within(trx: Knex.Transaction): Database {
    return new Database(trx, undefined, undefined);
  }

  /** Closes the pools and gives up the embedded data folder's lock. */
  async close(): Promise<void> {
    try {
      await this.hot?.end();
    } finally {
      await this.knex.destroy();
      this.release();
    }
  }
}

/** Opens the database `options` names: a Postgres server (knex's pool and the hot pool), or PGlite. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) return openServerDatabase({ ...options, url: options.url });
  if (options.dataDir === 'memory') return new Database(embeddedKnex(openInMemory(options.image)), undefined, undefined);
  mkdirSync(options.dataDir, { recursive: true });
  const release = lockDataDir(path.resolve(options.dataDir, 'pglite.lock'));
  try {
    return new Database(embeddedKnex(await openFolder(path.resolve(options.dataDir, 'pglite'))), undefined, undefined, release);
  } catch (error) {
    release();
    throw error;
  }
}

/** knex on a PGlite database (its one connection). */
export function embeddedKnex(pglite: PGlite): Knex {
  return knexFactory({ client: ClientPgLite, dialect: 'postgres', connection: { pglite } as Knex.StaticConnectionConfig });
}

/** A Postgres server's database: knex's pool and the hot pool (a thread of the service opens one too). */
export function openServerDatabase(options: DatabaseOptions & { url: string }): Database {
  const waits = options.waits ?? DEFAULT_WAITS;
  const knex = knexFactory({
    client: BoundedKnexPg as unknown as typeof Knex.Client,
    connection: { connectionString: options.url, ...waitSettings(waits) } as Knex.PgConnectionConfig,
    // Waiting for a free connection is bounded as a connect is.
    acquireConnectionTimeout: waits.connectMs,
    pool: { min: 0, max: options.poolMax ?? 10 },
  });
  const target: HotPoolTarget = { url: options.url, waits };
  return new Database(knex, openHotPool(target, options.onPoolError), target);
}

/** The lock files this process holds. */
const held = new Set<string>();

/**
 * The embedded database belongs to one process: a second one would read and write the same files
 * unseen by the first. A lock file holds the owner's pid; one left by a dead process is taken over.
 */
function lockDataDir(file: string): () => void {
  if (held.has(file)) {
    throw new Error(`The embedded database in ${path.dirname(file)} is in use by this process already; give the second use another DATA_DIR or a DATABASE_URL.`);
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      held.add(file);
      const release = () => {
        process.off('exit', release);
        held.delete(file);
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
      // Its own pid in a lock it does not hold: a container restarted after an unclean stop, where
      // the process gets the same pid every time; the lock is the earlier life's.
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
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
