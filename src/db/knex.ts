import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { migrationSource } from './migrations';

export interface DatabaseOptions {
  /** A postgres:// URL; when absent, an embedded PGlite database is used. */
  url?: string;
  /** PGlite's data folder; 'memory' keeps it in memory only. */
  dataDir: string;
  /** Schema to work in (tests isolate each file in its own). */
  schema?: string;
  poolMax?: number;
}

export function createKnex(options: DatabaseOptions): Knex {
  const searchPath = options.schema ? [options.schema] : undefined;
  if (options.url) {
    return knexFactory({
      client: 'pg',
      connection: options.url,
      searchPath,
      pool: { min: 0, max: options.poolMax ?? 10 },
    });
  }
  const connection: Record<string, string> = {};
  if (options.dataDir !== 'memory') {
    const dir = path.resolve(options.dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    connection.filename = dir;
  }
  return knexFactory({ client: ClientPgLite, dialect: 'postgres', connection, searchPath });
}

/** Brings the schema up to date; safe to run at every start and from several processes. */
export async function migrate(db: Knex, schema?: string): Promise<void> {
  if (schema) await db.raw('create schema if not exists ??', [schema]);
  await db.migrate.latest({ migrationSource, schemaName: schema });
}

/** True when every known migration has run. */
export async function migrationsCurrent(db: Knex, schema?: string): Promise<boolean> {
  const [, pending] = (await db.migrate.list({ migrationSource, schemaName: schema })) as [unknown[], unknown[]];
  return pending.length === 0;
}
