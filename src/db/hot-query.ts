import type { Knex } from 'knex';
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { BoundedClient, waitSettings, type DatabaseWaits } from './bounded-waits';

/**
 * A query on the request path, run as a named prepared statement on a Postgres server: Postgres
 * parses it once per connection, and pg skips describing its rows again. On PGlite, whose client
 * has no named statements, it runs through knex as any other query. `text` numbers its parameters
 * $1, $2, … in the order `values` gives them.
 *
 * On a server these statements get a pool of their own, whose connections use generic plans
 * (plan_cache_mode): left to choose, Postgres planned the status statement afresh at every
 * execution, at three times the cost (bench/RESULTS.md, "Why the code is as it is"). The setting
 * stays off knex's pool, whose one-off queries are better planned for their values.
 * Given a transaction, it runs in it (as any query through knex), seeing what the transaction wrote.
 */
export async function hotQuery<Row>(db: StatementTarget, name: string, text: string, values: unknown[]): Promise<Row[]> {
  // PGlite has no hot pool; a transaction (Database.within) runs its statements itself.
  if (!db.hot) {
    // knex would spread an array over several placeholders: it goes as one array literal. Its
    // placeholders are positional: each $n takes the value it numbers, wherever and however often.
    const bindings: unknown[] = [];
    const positional = text.replace(/\$(\d+)/g, (_all, n: string) => {
      const value = values[Number(n) - 1];
      bindings.push(Array.isArray(value) ? arrayLiteral(value) : value);
      return '?';
    });
    const result = await db.knex.raw(positional, bindings as Knex.RawBinding[]);
    return result.rows as Row[];
  }
  return (await db.hot.query<Row & object>({ name, text, values })).rows;
}

/** Where a statement runs: knex (a pool's or a transaction's) and, on a Postgres server outside a transaction, the hot pool. */
export interface StatementTarget {
  readonly knex: Knex;
  readonly hot: Pool | undefined;
}

/** Runs `work` in a transaction on a connection of the hot pool. A connection whose work failed is closed, not reused. */
export async function hotTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failure: Error | undefined;
  // A checked-out client has no pool listener: a connection lost mid-transaction would otherwise
  // be an unhandled 'error' event. The query in flight fails with it anyway.
  const onError = (error: Error) => {
    failure ??= error;
  };
  client.on('error', onError);
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.off('error', onError);
    client.release(failure);
  }
}

/**
 * Sends `lines` (COPY's text format: one line a row, each with its newline, as UTF-8) to
 * `copy … from stdin`: Postgres reads each column with its type's input function, with no
 * statement to plan and no JSON to unpack, the cheapest way in for many rows. They go in pieces of
 * about 64 KB: cheaper than one string of a whole batch (built and encoded in fresh memory each
 * time) and than a socket write per line.
 */
export function copyInto(client: PoolClient, sql: string, lines: Buffer[]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const stream = client.query(copyFrom(sql));
    stream.on('finish', resolve);
    stream.on('error', reject);
    let from = 0;
    let size = 0;
    for (let i = 0; i < lines.length; i++) {
      size += lines[i].length;
      if (size >= COPY_PIECE_BYTES || i === lines.length - 1) {
        stream.write(i === from ? lines[i] : Buffer.concat(lines.slice(from, i + 1), size));
        from = i + 1;
        size = 0;
      }
    }
    stream.end();
  });
}

/** See copyInto: below glibc's threshold for a fresh mapping, so freed pieces are reused. */
const COPY_PIECE_BYTES = 64 * 1024;

export interface HotPoolTarget {
  url: string;
  /** The bounds its connections take, as the hot pool's do. */
  waits: DatabaseWaits;
}

/**
 * A small pool for the hot statements, on the same server as knex's. Each connection
 * is set up before its first statement, so nothing in the URL can override it. `onError` hears of idle connections that drop (a Postgres restart): pg
 * removes them and opens new ones; unheard, the pool's error event would end the process.
 */
export function openHotPool({ url, waits }: HotPoolTarget, onError: (error: Error) => void = () => undefined): Pool {
  // The request path's batches (two in flight at most), the request journal's COPY when it runs on
  // the event loop (its thread has a pool of its own), and the account cache's look-ups when
  // entries expire.
  const setup = 'set plan_cache_mode = force_generic_plan';
  // pg-pool awaits onConnect before it hands the connection out; a setup that fails (it should
  // not: neither setting checks its value) fails the statement that asked for the connection.
  const options: PoolConfig & { onConnect: (client: PoolClient) => Promise<unknown> } = {
    connectionString: url,
    max: 5,
    ...waitSettings(waits),
    Client: BoundedClient,
    onConnect: (client) => client.query(setup),
  };
  const pool = new Pool(options);
  pool.on('error', onError);
  return pool;
}

/** A one-dimensional Postgres array literal: every element quoted, so any text survives. */
export function arrayLiteral(values: unknown[]): string {
  const element = (value: unknown) => {
    if (value === null || value === undefined) return 'NULL';
    const text = value instanceof Date ? value.toISOString() : String(value);
    return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  };
  return `{${values.map(element).join(',')}}`;
}
