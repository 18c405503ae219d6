import type { Knex } from 'knex';
import type { RecordStore, RecordTransactions, TransactionOutcome } from '../records/record-store';
import { lockAccountRecords, PgRecordStore } from './pg-record-store';

/** Postgres's unique_violation: an externalId another writer stored between the look-up and the insert. */
const UNIQUE_VIOLATION = '23505';

/**
 * A record call's items in one transaction on the pool, each in a savepoint of its own: an item
 * that fails rolls back to its savepoint and the others stand. 200 commits cost ten times one
 * (bench/RESULTS.md, Records: 490-520 ms against 30-48 ms in bare SQL).
 */
export class PgRecordTransactions implements RecordTransactions {
  constructor(
    private readonly db: Knex,
    /** Where reads go: the hot pool's named statements (PgRecordReads). */
    private readonly reads: RecordStore,
  ) {}

  each<I, T>(account: string, items: I[], work: (store: RecordStore, item: I) => Promise<T>): Promise<Array<TransactionOutcome<T>>> {
    return this.db.transaction(async (trx) => {
      await lockAccountRecords(trx, account);
      const outcomes: Array<TransactionOutcome<T>> = [];
      for (const item of items) {
        try {
          outcomes.push({ kind: 'done', value: await trx.transaction((savepoint) => work(new PgRecordStore(savepoint), item)) });
        } catch (error) {
          if ((error as { code?: string } | undefined)?.code !== UNIQUE_VIOLATION) throw error;
          outcomes.push({ kind: 'conflict' });
        }
      }
      return outcomes;
    });
  }

  /** Every item's look-up at once: a getList's thousand references go in a few statements, not a thousand. */
  reading<I, T>(items: I[], work: (store: RecordStore, item: I) => Promise<T>): Promise<T[]> {
    return Promise.all(items.map((item) => work(this.reads, item)));
  }
}
