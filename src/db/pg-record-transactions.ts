import type { Knex } from 'knex';
import type { RecordStore, RecordTransactions, TransactionOutcome } from '../records/record-store';
import { PgRecordStore } from './pg-record-store';

/** Postgres's unique_violation: an externalId another writer stored between the look-up and the insert. */
const UNIQUE_VIOLATION = '23505';

/** Each record call in a transaction of its own on the pool. */
export class PgRecordTransactions implements RecordTransactions {
  constructor(private readonly db: Knex) {}

  async each<T>(work: (store: RecordStore) => Promise<T>): Promise<TransactionOutcome<T>> {
    try {
      return { kind: 'done', value: await this.db.transaction((trx) => work(new PgRecordStore(trx))) };
    } catch (error) {
      if ((error as { code?: string } | undefined)?.code === UNIQUE_VIOLATION) return { kind: 'conflict' };
      throw error;
    }
  }
}
