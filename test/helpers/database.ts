import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { closeKnex, createKnex } from '../../src/db/knex';

/**
 * A database of the test file's own: with DATABASE_URL, a fresh schema on that server (dropped
 * afterwards); without it, an in-memory PGlite. Either way the service's own migrations run in it.
 */
export interface TestDatabase {
  db: Knex;
  schema?: string;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const db = createKnex({ dataDir: 'memory' });
    return { db, kind: 'pglite', close: () => db.destroy() };
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const db = createKnex({ url, dataDir: 'memory', schema, poolMax: 5 });
  return {
    db,
    schema,
    kind: 'postgres',
    close: async () => {
      await db.raw('drop schema if exists ?? cascade', [schema]);
      await closeKnex(db);
    },
  };
}
