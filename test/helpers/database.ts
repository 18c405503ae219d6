import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Knex } from 'knex';
import { openDatabase, type Database } from '../../src/db/database';
import { onServer, RUN_MARK, TEMPLATE_DATABASE, TEMPLATE_IMAGE, withDatabase } from './database-template';

/**
 * A database of the test file's own. The run's global setup (database-template.ts) migrated one
 * database once; each file starts from a copy of it: with DATABASE_URL, a database made from it as
 * a template on that server (dropped afterwards); without, an in-memory PGlite loaded from its
 * image. `empty: true` gives one that no migration has touched, for the tests of migrating.
 */
export interface TestDatabase {
  /** The database object the service's stores take. */
  handle: Database;
  /** Its knex, for the tests' own SQL. */
  db: Knex;
  /** Where it is, on a Postgres server. */
  url?: string;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const server = process.env.DATABASE_URL;
  if (!server) {
    const imageFile = process.env[TEMPLATE_IMAGE];
    const image = !options.empty && imageFile ? new Blob([readFileSync(imageFile)]) : undefined;
    const handle = await openDatabase({ dataDir: 'memory', image });
    return { handle, db: handle.knex, kind: 'pglite', close: () => handle.close() };
  }
  const name = `ase_test_${process.env[RUN_MARK] ?? 'solo'}_${randomBytes(6).toString('hex')}`;
  const template = options.empty ? undefined : process.env[TEMPLATE_DATABASE];
  await onServer(server, async (client) => {
    await client.query(`create database ${name}${template ? ` template ${template}` : ''}`);
  });
  const url = withDatabase(server, name);
  const handle = await openDatabase({ url, dataDir: 'memory', poolMax: 5 });
  return {
    handle,
    db: handle.knex,
    url,
    kind: 'postgres',
    close: async () => {
      try {
        await handle.close();
      } finally {
        await onServer(server, (client) => client.query(`drop database if exists ${name} with (force)`));
      }
    },
  };
}
