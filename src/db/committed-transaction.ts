import type { Knex } from 'knex';
import { isDatabaseUnavailable } from './database-unavailable';

/**
 * A transaction whose COMMIT may have taken effect although its answer never came back (the
 * connection dropped, or the server stalled past the statement timeout with the COMMIT already
 * sent). Then `committed` is asked on a fresh connection; if the database still cannot say, the
 * write is taken as done: a COMMIT that reached a stalled server commits once the server runs
 * again, and a client told "failed" would submit the same records twice.
 */
export async function commitOrVerify<T>(db: Knex, work: (trx: Knex.Transaction) => Promise<T>, committed: () => Promise<boolean>): Promise<T> {
  let done: { value: T } | undefined;
  try {
    return await db.transaction(async (trx) => {
      const value = await work(trx);
      done = { value };
      return value;
    });
  } catch (error) {
    // Failed before COMMIT, or for a reason that says nothing of the database: nothing was written.
    if (!done || !isDatabaseUnavailable(error)) throw error;
    if (await askCommitted(committed)) return done.value;
    throw error;
  }
}

/** True when the database says it committed, or still cannot say after a few tries. */
async function askCommitted(committed: () => Promise<boolean>): Promise<boolean> {
  for (let attempt = 0; attempt < VERIFY_ATTEMPTS; attempt++) {
    try {
      return await committed();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
    }
  }
  return true;
}

/** Each try is bounded by the pool's waits (DB_*_TIMEOUT_MS): a refused connection is tried again, a stall ends them. */
const VERIFY_ATTEMPTS = 2;
