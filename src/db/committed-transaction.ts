import type { Knex } from 'knex';
import { isDatabaseUnavailable, mayHaveCommitted } from '../lib/database-unavailable';

/**
 * A transaction whose COMMIT may have taken effect although its answer never came back (the
 * connection dropped, or the server stalled past the statement timeout with the COMMIT already
 * sent). Then `committed` is asked on a fresh connection, again and again for up to VERIFY_MS;
 * if the database still cannot say, the write is taken as done: a COMMIT that reached a stalled
 * server commits once the server runs again, and a client told "failed" would submit the same
 * records twice. A COMMIT that never left (the connection was already gone) wrote nothing.
 */
export async function commitOrVerify<T>(
  db: Knex,
  work: (trx: Knex.Transaction) => Promise<T>,
  committed: () => Promise<boolean>,
  onUnverified: (error: unknown) => void,
): Promise<T> {
  let done: { value: T } | undefined;
  try {
    return await db.transaction(async (trx) => {
      const value = await work(trx);
      done = { value };
      return value;
    });
  } catch (error) {
    // Failed before COMMIT, or the COMMIT never left, or failed for a reason the server gave.
    if (!done || !mayHaveCommitted(error)) throw error;
    const answer = await askCommitted(committed);
    if (answer === 'unknown') onUnverified(error);
    if (answer === false) throw error;
    return done.value;
  }
}

/** The database's word on whether the COMMIT took, or 'unknown' when it does not answer within VERIFY_MS. */
async function askCommitted(committed: () => Promise<boolean>): Promise<boolean | 'unknown'> {
  const deadline = Date.now() + VERIFY_MS;
  for (let wait = 100; ; wait *= 2) {
    try {
      return await committed();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
    }
    if (Date.now() + wait >= deadline) return 'unknown';
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/**
 * How long the question is asked: a restarting server takes a few seconds to take connections
 * again. With the COMMIT's own wait (DB_STATEMENT_TIMEOUT_MS and a second), a call stays within
 * about 15 s on the default settings.
 */
const VERIFY_MS = 6000;
