import type { ItemResult } from '../jobs/job';
import type { RecordInput, RecordRefInput, StoredRecord } from './record';

/** What applying one item yields: the item's result without its position. */
export type Outcome = Omit<ItemResult, 'position'>;

/**
 * The record store as the worker uses it, inside the transaction of one step, so a record's effect
 * and its result commit together.
 */
export interface RecordStore {
  /** Inserts with the account's next internalId; undefined when the externalId is taken. */
  insert(account: string, record: RecordInput, now: Date): Promise<StoredRecord | undefined>;
  find(account: string, ref: RecordRefInput): Promise<StoredRecord | undefined>;
  /** Merges the sent fields into the stored ones and clears the nulled ones. */
  update(account: string, existing: StoredRecord, record: RecordInput, now: Date): Promise<StoredRecord>;
  remove(account: string, existing: StoredRecord): Promise<void>;
}
