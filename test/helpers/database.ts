import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { openDatabase, type Database } from '../../src/db/database';

/**
 * A database of the test file's own: with DATABASE_URL, a fresh schema on that server (dropped
 * afterwards); without it, an in-memory PGlite. Either way the service's own migrations run in it.
 */
export interface TestDatabase {
  /** The database object the service's stores take. */
  handle: Database;
  /** Its knex, for the tests' own SQL. */
  db: Knex;
  schema?: string;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const handle = openDatabase({ dataDir: 'memory' });
    return { handle, db: handle.knex, kind: 'pglite', close: () => handle.close() };
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const handle = openDatabase({ url, dataDir: 'memory', schema, poolMax: 5 });
  return {
    handle,
    db: handle.knex,
    schema,
    kind: 'postgres',
    close: async () => {
      await handle.knex.raw('drop schema if exists ?? cascade', [schema]);
      await handle.close();
    },
  };
}
