import type { RecordFields, RecordInput, RecordRefInput, StoredRecord } from './record';

/** What applying one record came to, as NetSuite reports it (a job's result adds its position). */
export interface Outcome {
  isSuccess: boolean;
  code: string | null;
  message: string | null;
  recordType: string;
  internalId: string | null;
  externalId: string | null;
  record: RecordFields | null;
}

/**
 * The record store as the worker uses it, inside the transaction of one step, so a record's effect
 * and its result commit together.
 */
export interface RecordStore {
  /** Inserts with the account's next internalId; undefined when the externalId is taken. */
  insert(account: string, record: RecordInput, now: Date): Promise<StoredRecord | undefined>;
  find(account: string, ref: RecordRefInput): Promise<StoredRecord | undefined>;
  /** Merges the sent fields into the stored ones and clears the nulled ones. */
  /** Undefined when the record went meanwhile (another writer deleted it since it was found). */
  update(account: string, existing: StoredRecord, record: RecordInput, now: Date): Promise<StoredRecord | undefined>;
  /** Deletes it, leaving what getDeleted lists: its type, ids and `now`; false when it went meanwhile. */
  remove(account: string, existing: StoredRecord, now: Date): Promise<boolean>;
}

/** Field names of a record type that can be returned whole; undefined for other types. */
export interface RecordSchemas {
  fieldNames(recordType: string): readonly string[] | undefined;
}

/** What a record call's transaction came to: its work's value, or a unique key another writer took meanwhile. */
export type TransactionOutcome<T> = { kind: 'done'; value: T } | { kind: 'conflict' };

/**
 * The record store for the synchronous record operations: each item's work undone alone when it
 * fails, as NetSuite's list operations apply records (one failing undoes none of the others), and
 * the request's items committed together (one commit for a list, not one for each record).
 */
export interface RecordTransactions {
  /** Writes of one account's records: one writer of the account at a time, a worker's step included. */
  each<I, T>(account: string, items: I[], work: (store: RecordStore, item: I) => Promise<T>): Promise<Array<TransactionOutcome<T>>>;
  /** Work that only reads (get, initialize): no transaction, every item looked up at once. */
  reading<I, T>(items: I[], work: (store: RecordStore, item: I) => Promise<T>): Promise<T[]>;
}

/** What the admin API shows of an account's records (GET /admin/records): any writer's, async or not. */
export interface RecordBrowser {
  /** The account's records in internalId order, after `after`, of one type or all, at most `limit`. */
  list(account: string, options: { recordType?: string; after?: string; limit: number }): Promise<StoredRecord[]>;
  /** The account's record of that internalId, whatever its type. */
  byInternalId(account: string, internalId: string): Promise<StoredRecord | undefined>;
}
