import type { Principal } from '../accounts/account';
import { LimitError, SearchError } from '../lib/errors';
import { ASYNC_OPERATIONS, type AsyncOperation } from '../jobs/job';
import type { JobService } from '../jobs/job-service';
import type { SearchService } from '../jobs/search-service';
import type { ItemInput } from '../records/record';
import type { SavedSearchStore } from '../records/saved-searches';
import type { SearchCriteria } from '../records/search';
import { runSavedSearch } from './saved-search-reader';
import type { VersionCatalogs } from '../records/version-catalogs';
import type { SoapRequest } from './envelope-parser';
import { SoapClientError } from './soap-client-error';
import type { ResultWriter } from './result-writer';
import { RecordReader } from './record-reader';
import { DEFAULT_PAGE_SIZE, MAX_SYNC_PAGE_SIZE, readBodyFieldsOnly, readPageSize, readReturnSearchColumns, readSearch } from './search-reader';
import { statusResponseXml } from './result-writer';
import { attribute, child, text } from './xml-read';

/** What one SOAP call runs with, settled before any operation sees it. */
export interface SoapCall {
  version: string;
  request: SoapRequest;
  /** Who the request acts for, once authenticated. */
  principal: Principal;
  /** This server's address as the client reached it. */
  baseUrl: string;
  /** The caller's network address, for the failed-login limit of login (unset where no login runs). */
  address?: string;
}

/** An answer that sets a cookie (login, logout) or names the account it turned out to act for. */
export interface OperationAnswer {
  body: string;
  setCookie?: string;
  account?: string;
}

export type OperationHandler = (call: SoapCall) => Promise<string | OperationAnswer>;

/** The operations that only read: a status poll, and get and getList of records. */
const READING_OPERATIONS = new Set(['checkAsyncStatus', 'get', 'getList']);

/**
 * Whether the call only reads, taking nothing and recording nothing on the way, so it may run
 * while its nonce is still being recorded and be thrown away if that fails: a status poll (unless
 * the account rations polls: each one is recorded) or a get, unless the account rations its
 * concurrent requests (a slot is taken) or delays its answers (a refused replay is answered at
 * once, not after the delay).
 */
export function readsOnly(call: SoapCall): boolean {
  const { limits } = call.principal;
  const { operation } = call.request;
  if (!READING_OPERATIONS.has(operation) || (operation === 'checkAsyncStatus' && limits.minPollIntervalSeconds > 0)) return false;
  return limits.concurrentRequests === 0 && limits.responseDelayMs === 0;
}

const INT_PATTERN = /^[+-]?\d{1,10}$/;

function requiredText(call: SoapCall, name: string): string {
  const value = text(child(call.request.body, name))?.trim();
  if (!value) throw new SoapClientError(`${call.request.operation} requires a non-empty <${name}> element.`);
  return value;
}

function requiredInt(call: SoapCall, name: string): number {
  const raw = requiredText(call, name);
  const value = Number(raw);
  if (!INT_PATTERN.test(raw) || value < -2147483648 || value > 2147483647) {
    throw new SoapClientError(`<${name}> must be an xsd:int (got "${raw}").`);
  }
  return value;
}

function withinLimit(operation: AsyncOperation, count: number): void {
  const limit = ASYNC_OPERATIONS[operation].maxItems;
  if (count === 0) throw new SoapClientError(`${operation} needs at least one item.`);
  if (count > limit) throw new LimitError('recordCount', 'MAX_RCRDS_EXCEEDED', `The number of records (${count}) exceeds the limit of ${limit} for ${operation}.`);
}

/** The operations, by body element name: validate, call the job service, write the answer. */
export function createOperations(
  jobs: JobService,
  searches: SearchService,
  savedSearches: SavedSearchStore,
  writer: ResultWriter,
  catalogs: VersionCatalogs,
): Record<string, OperationHandler> {
  const reader = (call: SoapCall) => new RecordReader(catalogs.forVersion(call.version), call.version);
  /**
   * The search a call sends, through the saved search it names (SearchError when there is none);
   * with searchPreferences.returnSearchColumns false, an advanced one answers records, not rows.
   */
  const searchOf = async (call: SoapCall): Promise<SearchCriteria> => {
    const request = readSearch(call.request.body, call.request.scope, call.version, catalogs.forVersion(call.version));
    const returnColumns = readReturnSearchColumns(call.request.headers);
    const search = request.saved ? await runSavedSearch(call.principal.account, request.search, request.saved, savedSearches, catalogs) : request.search;
    return returnColumns ? search : { ...search, rows: undefined };
  };
  const submit = async (call: SoapCall, operation: AsyncOperation, inputs: ItemInput[]) => {
    withinLimit(operation, inputs.length);
    return statusResponseXml(operation, await jobs.submit(call.principal.account, operation, inputs), call.version);
  };
  const records = (call: SoapCall): ItemInput[] =>
    reader(call)
      .recordsToWrite(call.request.body, call.request.scope, call.request.headers)
      .map((record) => ({ kind: 'record', record }));
  const refs = (call: SoapCall): ItemInput[] =>
    reader(call)
      .refs(call.request.body)
      .map((ref) => ({ kind: 'ref', ref }));

  return {
    async checkAsyncStatus(call) {
      const view = await jobs.status(call.principal.account, requiredText(call, 'jobId'), call.principal.limits);
      return statusResponseXml('checkAsyncStatus', view, call.version);
    },
    async getAsyncResult(call) {
      const jobId = requiredText(call, 'jobId');
      const pageIndex = requiredInt(call, 'pageIndex');
      const page = await jobs.resultPage(call.principal.account, jobId, pageIndex, call.principal.limits);
      return writer.getAsyncResultResponseXml(page, call.version);
    },
    asyncAddList: (call) => submit(call, 'asyncAddList', records(call)),
    asyncUpdateList: (call) => submit(call, 'asyncUpdateList', records(call)),
    asyncUpsertList: (call) => submit(call, 'asyncUpsertList', records(call)),
    asyncDeleteList: (call) => submit(call, 'asyncDeleteList', refs(call)),
    asyncGetList: (call) => submit(call, 'asyncGetList', refs(call)),
    asyncInitializeList: (call) =>
      submit(
        call,
        'asyncInitializeList',
        reader(call)
          .initializations(call.request.body)
          .map((item) => ({ kind: 'initialize', ...item })),
      ),
    async search(call) {
      const bodyFieldsOnly = readBodyFieldsOnly(call.request.headers);
      let search: SearchCriteria;
      let pageSize: number;
      try {
        pageSize = readPageSize(call.request.headers, MAX_SYNC_PAGE_SIZE);
        search = await searchOf(call);
      } catch (error) {
        if (!(error instanceof SearchError)) throw error;
        return writer.searchResponseXml('search', { failure: { code: error.code, message: error.message } }, call.version);
      }
      return writer.searchResponseXml('search', await searches.search(call.principal.account, search, { pageSize, bodyFieldsOnly }), call.version);
    },
    async searchMoreWithId(call) {
      const page = await searches.page(call.principal.account, requiredText(call, 'searchId'), requiredInt(call, 'pageIndex'));
      return writer.searchResponseXml('searchMoreWithId', page, call.version);
    },
    async getSavedSearch(call) {
      const record = child(call.request.body, 'record');
      const searchType = attribute(record, 'searchType')?.trim();
      const listed = catalogs.forVersion(call.version).searchRecordTypes;
      if (record === undefined || searchType === undefined) throw new SoapClientError('getSavedSearch requires <record searchType="…">, e.g. searchType="transaction".');
      if (!listed.includes(searchType)) throw new SoapClientError(`record.searchType must be a SearchRecordType, e.g. customer or transaction (got "${searchType}").`);
      return writer.getSavedSearchResponseXml(await savedSearches.list(call.principal.account, searchType), call.version);
    },
    async asyncSearch(call) {
      const bodyFieldsOnly = readBodyFieldsOnly(call.request.headers);
      let pageSize = DEFAULT_PAGE_SIZE;
      let view;
      try {
        pageSize = readPageSize(call.request.headers);
        const search = await searchOf(call);
        view = await jobs.submit(call.principal.account, 'asyncSearch', [{ kind: 'search', search }], { pageSize, bodyFieldsOnly, rows: search.rows });
      } catch (error) {
        if (!(error instanceof SearchError)) throw error;
        // As NetSuite's: the job is taken, and fails with the search's code, which getAsyncResult then answers.
        const nothing: SearchCriteria = { recordTypes: [], criteria: [] };
        const fail = { afterItems: 0, code: error.code, message: error.message };
        view = await jobs.submit(call.principal.account, 'asyncSearch', [{ kind: 'search', search: nothing }], { pageSize, bodyFieldsOnly, fail });
      }
      return statusResponseXml('asyncSearch', view, call.version);
    },
  };
}
