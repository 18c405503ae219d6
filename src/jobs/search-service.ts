import type { Clock } from '../lib/clock';
import type { SearchErrorCode } from '../lib/errors';
import type { StoredRecord } from '../records/record';
import type { SearchCriteria } from '../records/search';
import { withDatesAt } from '../records/search-dates';
import type { SearchSnapshot, SearchSnapshots } from '../records/search-snapshots';
import type { IdSource } from './id-source';

const MINUTE_MS = 60 * 1000;

/** One page of a synchronous search; `failure` instead of rows when the page cannot be given. */
export type SearchPage =
  | { snapshot: SearchSnapshot; pageIndex: number; totalPages: number; records: StoredRecord[]; failure?: undefined }
  | { failure: { code: 'INVALID_SEARCH_MORE' | 'INVALID_SEARCH_PAGE_INDEX' | SearchErrorCode; message: string } };

export interface SearchSettings {
  /** How long a search's results stay pageable by its searchId. */
  snapshotMinutes: number;
}

/**
 * The synchronous search: `search` runs it now, on the service clock, keeps its matches as they
 * stand (a snapshot, as asyncSearch's results are) and answers page 1; searchMoreWithId pages that
 * snapshot until it expires.
 */
export class SearchService {
  constructor(
    private readonly snapshots: SearchSnapshots,
    private readonly clock: Clock,
    private readonly ids: IdSource,
    private readonly settings: SearchSettings,
  ) {}

  async search(account: string, search: SearchCriteria, options: { pageSize: number; bodyFieldsOnly: boolean }): Promise<SearchPage> {
    const now = this.clock.now();
    // A search is a moment to sweep the expired ones: the table holds only what can still be paged.
    await this.snapshots.dropExpired(now);
    const snapshot = await this.snapshots.take(
      {
        searchId: await this.ids.requestId(account, now),
        account,
        pageSize: options.pageSize,
        bodyFieldsOnly: options.bodyFieldsOnly,
        rows: search.rows,
        expiresAt: new Date(now.getTime() + this.settings.snapshotMinutes * MINUTE_MS),
      },
      withDatesAt(search, now),
      now,
    );
    return this.pageOf(snapshot, 1);
  }

  async page(account: string, searchId: string, pageIndex: number): Promise<SearchPage> {
    const snapshot = await this.snapshots.find(account, searchId, this.clock.now());
    if (!snapshot) {
      return {
        failure: {
          code: 'INVALID_SEARCH_MORE',
          message: `There is no search ${searchId} to page: it is unknown to this account or has expired (searches stay ${this.settings.snapshotMinutes} minutes).`,
        },
      };
    }
    return this.pageOf(snapshot, pageIndex);
  }

  private async pageOf(snapshot: SearchSnapshot, pageIndex: number): Promise<SearchPage> {
    const totalPages = Math.ceil(snapshot.totalRecords / snapshot.pageSize);
    if (pageIndex < 1 || pageIndex > Math.max(totalPages, 1)) {
      return { failure: { code: 'INVALID_SEARCH_PAGE_INDEX', message: `Page ${pageIndex} is out of range: the search has ${totalPages} page${totalPages === 1 ? '' : 's'}.` } };
    }
    const records = await this.snapshots.rows(snapshot.searchId, (pageIndex - 1) * snapshot.pageSize + 1, snapshot.pageSize);
    return { snapshot, pageIndex, totalPages, records };
  }
}
