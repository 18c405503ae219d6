import type { RecordRefInput, StoredRecord } from '../records/record';
import type { RecordStore } from '../records/record-store';
import type { RequestPathBatch } from './request-path-batch';

/**
 * The record store for calls that only read (get, getList, initialize): a look-up goes in the
 * request path's batch, in the same statement as the request's nonce (and whatever else arrived
 * in the same turn), as a status poll's job does. Writing through it is a bug.
 */
export class PgRecordReads implements RecordStore {
  constructor(private readonly requestPath: RequestPathBatch) {}

  /** By internalId when given (digits only), else by externalId; the type must match. Zero rows: undefined. */
  async find(account: string, ref: RecordRefInput): Promise<StoredRecord | undefined> {
    const recordType = ref.recordType ?? '';
    if (ref.internalId) {
      if (!/^\d{1,18}$/.test(ref.internalId)) return undefined;
      return this.requestPath.record({ account, recordType, internalId: ref.internalId, externalId: null });
    }
    if (ref.externalId) return this.requestPath.record({ account, recordType, internalId: null, externalId: ref.externalId });
    return undefined;
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
