import type { RecordRefInput, StoredRecord } from '../records/record';
import type { RecordStore } from '../records/record-store';
import { hotQuery, type StatementTarget } from './hot-query';
import { toRecord, type RecordRow } from './pg-record-store';

const BY_INTERNAL_ID = 'select * from records where account = $1 and record_type = $2 and internal_id = $3';
const BY_EXTERNAL_ID = 'select * from records where account = $1 and record_type = $2 and external_id = $3';

/**
 * The record store for calls that only read (get, getList, initialize): a look-up is one named
 * statement on the hot pool, as a status poll's is, not a knex query. Writing through it is a bug.
 */
export class PgRecordReads implements RecordStore {
  constructor(private readonly db: StatementTarget) {}

  /** By internalId when given (digits only), else by externalId; the type must match. Zero rows: undefined. */
  async find(account: string, ref: RecordRefInput): Promise<StoredRecord | undefined> {
    let rows: RecordRow[];
    if (ref.internalId) {
      if (!/^\d{1,18}$/.test(ref.internalId)) return undefined;
      rows = await hotQuery<RecordRow>(this.db, 'record_by_internal_id', BY_INTERNAL_ID, [account, ref.recordType ?? '', ref.internalId]);
    } else if (ref.externalId) {
      rows = await hotQuery<RecordRow>(this.db, 'record_by_external_id', BY_EXTERNAL_ID, [account, ref.recordType ?? '', ref.externalId]);
    } else return undefined;
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  insert(): Promise<StoredRecord | undefined> {
    throw new Error('PgRecordReads only reads: an insert went to it');
  }

  update(): Promise<StoredRecord | undefined> {
    throw new Error('PgRecordReads only reads: an update went to it');
  }

  remove(): Promise<boolean> {
    throw new Error('PgRecordReads only reads: a remove went to it');
  }
}
