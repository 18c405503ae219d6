import type { Knex } from 'knex';
import { isDatabaseUnavailable } from '../../src/lib/database-unavailable';
import { openServerDatabase, type Database } from '../../src/db/database';
import { PgCluster } from './cluster';

/**
 * The service's own connections (openDatabase: knex's pool and the hot pool) against a server that
 * stops answering: a statement gives up a second after its statement timeout, its connection is
 * closed and never handed to the next caller, a transaction caught in the stall commits nothing,
 * and the pool serves again as soon as the server does.
 */

let cluster: PgCluster;
let database: Database;
let db: Knex;
const waits = { connectMs: 2000, statementMs: 1000, lockMs: 1000, idleInTransactionMs: 10_000 };

beforeAll(async () => {
  cluster = await PgCluster.create({ maxConnections: 20 });
  await cluster.query('create table stalled_writes (id int primary key)');
  database = openServerDatabase({ url: cluster.url(), dataDir: 'memory', poolMax: 1, waits });
  db = database.knex;
});
afterAll(async () => {
  cluster?.thaw();
  if (database) await database.close();
  await cluster?.destroy();
});

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'done',
    (error: unknown) => `${isDatabaseUnavailable(error) ? 'unavailable' : 'other'}: ${(error as Error).message}`,
  );

it('gives up on a statement the server ends for running over, and serves the next one', async () => {
  // The server ends it (57014), in its own time.
  expect(await outcome(db.raw('select pg_sleep(5)'))).toMatch(/^unavailable: .*canceling statement due to statement timeout/);
  expect((await db.raw('select 1 as one')).rows).toEqual([{ one: 1 }]);
});

it('closes a connection whose statement the server never answers, hands it to nobody, and commits nothing caught in the stall', async () => {
  // One connection in the pool: the second caller waits for the first's.
  const stalled = outcome(
    db.transaction(async (trx) => {
      await trx('stalled_writes').insert({ id: 1 });
      // The server would let it run; only the client's own bound (the statement's + 1 s) ends it.
      await trx.raw('set local statement_timeout = 0');
      await trx.raw('select pg_sleep(1.5)');
      await trx('stalled_writes').insert({ id: 2 });
    }),
  );
  await cluster.freeze();
  const waiting = outcome(db.raw('select 2 as two'));
  const [first, second] = await Promise.all([stalled, waiting]);
  expect(first).toMatch(/^unavailable: /);
  // The waiting caller was not handed the closed connection: it tried a fresh one (and the frozen server did not take it).
  expect(second).toMatch(/^unavailable: /);
  expect(second).not.toMatch(/not queryable/);
  cluster.thaw();
  let rows: unknown[] = [];
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      rows = (await db.raw('select id from stalled_writes order by id')).rows;
      break;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  // The closed connection's transaction was rolled back when the server ran again.
  expect(rows).toEqual([]);
  expect((await db.raw('select 3 as three')).rows).toEqual([{ three: 3 }]);
});
