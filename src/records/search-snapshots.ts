import type { SearchCriteria, SearchRows } from './search';
import type { StoredRecord } from './record';

/** A synchronous search's matches as they stood when it ran, paged by searchMoreWithId until it expires. */
export interface SearchSnapshot {
  searchId: string;
  account: string;
  pageSize: number;
  bodyFieldsOnly: boolean;
  /** An advanced search's columns: its matches are answered as rows of them. */
  rows?: SearchRows;
  totalRecords: number;
  expiresAt: Date;
}

export interface SearchSnapshots {
  /** Runs the search and keeps its matches, in internalId order; `snapshot.totalRecords` is what it found. */
  take(snapshot: Omit<SearchSnapshot, 'totalRecords'>, search: SearchCriteria, now: Date): Promise<SearchSnapshot>;
  /** The account's snapshot of that id, unless it has expired. */
  find(account: string, searchId: string, now: Date): Promise<SearchSnapshot | undefined>;
  /** Rows `from` (1-based) on, at most `count`. */
  rows(searchId: string, from: number, count: number): Promise<StoredRecord[]>;
  /** Drops the snapshots expired by `now`; how many went. */
  dropExpired(now: Date): Promise<number>;
}
