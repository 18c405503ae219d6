import type { AsyncOperation, ItemResult } from '../jobs/job';
import type { Clock } from '../lib/clock';
import type { SearchErrorCode } from '../lib/errors';
import type { ItemInput } from '../records/record';
import type { Outcome, RecordSchemas, RecordStore, RecordTransactions, TransactionOutcome } from '../records/record-store';
import type { DeletedFilter, DeletedRecord, DeletedRecords } from '../records/deleted-records';
import { withDatesAt } from '../records/search-dates';
import { applyItem, duplicate } from './record-operations';

/**
 * The synchronous record operations (add, addList, get, getList, update…, initialize…): each item
 * applied at once as its asynchronous twin's job applies it, with the same outcome, in the order
 * sent, each undone alone when it fails (RecordTransactions).
 */

/** Each synchronous record operation and the asynchronous one whose rules it follows. */
export const RECORD_CALLS = {
  add: 'asyncAddList',
  addList: 'asyncAddList',
  update: 'asyncUpdateList',
  updateList: 'asyncUpdateList',
  upsert: 'asyncUpsertList',
  upsertList: 'asyncUpsertList',
  delete: 'asyncDeleteList',
  deleteList: 'asyncDeleteList',
  get: 'asyncGetList',
  getList: 'asyncGetList',
  initialize: 'asyncInitializeList',
  initializeList: 'asyncInitializeList',
} as const satisfies Record<string, AsyncOperation>;
export type RecordCall = keyof typeof RECORD_CALLS;

/** Deleted records per page of getDeleted. */
export const DELETED_PAGE_SIZE = 1000;

/** A page of getDeleted, or why there is none. */
export type DeletedPage =
  | { total: number; pageIndex: number; totalPages: number; records: DeletedRecord[]; failure?: undefined }
  | { failure: { code: 'INVALID_SEARCH_PAGE_INDEX' | SearchErrorCode; message: string } };

export class RecordCalls {
  constructor(
    private readonly transactions: RecordTransactions,
    private readonly clock: Clock,
    private readonly schemas: RecordSchemas,
    private readonly deletedRecords: DeletedRecords,
  ) {}

  /** getDeleted: the account's records deleted (by either kind of delete) that meet the filter, newest first; predefined dates resolved now. */
  async deleted(account: string, filter: DeletedFilter, pageIndex: number): Promise<DeletedPage> {
    const { criteria } = withDatesAt({ recordTypes: [], criteria: filter.criteria }, this.clock.now());
    const page = await this.deletedRecords.page(account, { criteria }, Math.max(pageIndex - 1, 0) * DELETED_PAGE_SIZE, DELETED_PAGE_SIZE);
    const totalPages = Math.ceil(page.total / DELETED_PAGE_SIZE);
    if (pageIndex < 1 || pageIndex > Math.max(totalPages, 1)) {
      return { failure: { code: 'INVALID_SEARCH_PAGE_INDEX', message: `Page ${pageIndex} is out of range: getDeleted has ${totalPages} page${totalPages === 1 ? '' : 's'}.` } };
    }
    return { total: page.total, pageIndex, totalPages, records: page.records };
  }

  async apply(account: string, call: RecordCall, inputs: ItemInput[]): Promise<ItemResult[]> {
    const operation = RECORD_CALLS[call];
    const now = this.clock.now();
    const apply = (store: RecordStore, input: ItemInput) => applyItem(store, account, operation, input, now, this.schemas);
    // get and initialize only read: a statement each, no transaction (a poll's cost, not a write's).
    const reads = operation === 'asyncGetList' || operation === 'asyncInitializeList';
    const outcomes: Array<TransactionOutcome<Outcome>> = reads
      ? (await this.transactions.reading(inputs, apply)).map((value) => ({ kind: 'done', value }))
      : await this.transactions.each(account, inputs, apply);
    return outcomes.map((outcome, index) => {
      const input = inputs[index];
      // Only an insert can meet a key taken meanwhile: another writer stored that externalId first.
      if (outcome.kind === 'conflict' && input.kind !== 'record') throw new Error(`${call} met a unique key taken meanwhile on a ${input.kind}`);
      const value = outcome.kind === 'done' ? outcome.value : duplicate((input as Extract<ItemInput, { kind: 'record' }>).record);
      // Not a spread followed by a key: V8 copies that the slow way, and this is every read's path.
      return Object.assign({}, value, { position: index + 1 });
    });
  }
}
