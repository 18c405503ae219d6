import { ASYNC_OPERATIONS, type ItemResult } from '../jobs/job';
import type { ResultPage, StatusView } from '../jobs/job-service';
import type { SearchPage } from '../jobs/search-service';
import type { RecordCatalog } from '../records/record-catalog';
import type { VersionCatalogs } from '../records/version-catalogs';
import type { SavedSearch } from '../records/saved-searches';
import { DELETED_PAGE_SIZE, type DeletedPage } from '../worker/record-calls';
import { RecordWriter } from './record-writer';
import { SearchRowWriter } from './search-row-writer';
import { success } from '../worker/record-operations';
import { isVersion, namespacesOf } from '../records/versions';
import { attribute, escapeXml, formatDouble, XSI_NS, xmlns } from './xml-write';

/** Response bodies for the async operations, written with explicit prefixes and xsi:type. */

export function asyncStatusResultXml(view: StatusView, version: string): string {
  const ns = namespacesOf(version);
  return (
    `<platformCore:asyncStatusResult xmlns:platformCore="${ns.platformCore}">` +
    `<platformCore:jobId>${escapeXml(view.jobId)}</platformCore:jobId>` +
    `<platformCore:status>${view.status}</platformCore:status>` +
    `<platformCore:percentCompleted>${formatDouble(view.percentCompleted)}</platformCore:percentCompleted>` +
    `<platformCore:estRemainingDuration>${formatDouble(view.estRemainingDuration)}</platformCore:estRemainingDuration>` +
    `</platformCore:asyncStatusResult>`
  );
}

/** `<op>Response` holding the job's status (checkAsyncStatus and every submit operation). */
export function statusResponseXml(operation: string, view: StatusView, version: string): string {
  const ns = namespacesOf(version).platformMsgs;
  return `<platformMsgs:${operation}Response xmlns:platformMsgs="${ns}">${asyncStatusResultXml(view, version)}</platformMsgs:${operation}Response>`;
}

function statusXml(isSuccess: boolean, code: string | null, message: string | null): string {
  if (isSuccess) return '<platformCore:status isSuccess="true"/>';
  return (
    '<platformCore:status isSuccess="false"><platformCore:statusDetail type="ERROR">' +
    `<platformCore:code>${escapeXml(code ?? 'UNEXPECTED_ERROR')}</platformCore:code>` +
    `<platformCore:message>${escapeXml(message ?? '')}</platformCore:message>` +
    '</platformCore:statusDetail></platformCore:status>'
  );
}

/** The declarations every response element here carries (platformMsgs, platformCore, xsi), once a version. */
const DECLARED = new Map<string, string>();
function responseDeclarations(version: string): string {
  let declared = DECLARED.get(version);
  if (declared === undefined) {
    const ns = namespacesOf(version);
    declared = xmlns('platformMsgs', ns.platformMsgs) + xmlns('platformCore', ns.platformCore) + xmlns('xsi', XSI_NS);
    if (isVersion(version)) DECLARED.set(version, declared);
  }
  return declared;
}

/** A search result's matches: an advanced search's rows, or records. */
const searchListXml = (asRows: boolean, list: string) =>
  asRows ? `<platformCore:searchRowList>${list}</platformCore:searchRowList>` : `<platformCore:recordList>${list}</platformCore:recordList>`;

export class ResultWriter {
  private readonly recordWriters = new Map<string, RecordWriter>();

  constructor(private readonly catalogs: VersionCatalogs) {}

  getAsyncResultResponseXml(page: ResultPage, version: string): string {
    const { job } = page;
    const spec = ASYNC_OPERATIONS[job.operation];
    const listStatus = statusXml(job.failureCode === null, job.failureCode, job.failureMessage);
    const declared = responseDeclarations(version);

    let content: string;
    if (spec.list === 'write') {
      const catalog = this.catalogs.forVersion(version);
      let responses = '';
      for (const item of page.items) responses += writeResponseXml(item, catalog);
      // WriteResponseList holds one writeResponse or more: a job that failed before any record answers its failure once.
      if (page.items.length === 0) responses = `<platformMsgs:writeResponse>${listStatus}</platformMsgs:writeResponse>`;
      content = `<platformMsgs:writeResponseList>${listStatus}${responses}</platformMsgs:writeResponseList>`;
    } else if (spec.list === 'read') {
      const records = this.recordWriter(version);
      const unsaved = job.operation === 'asyncInitializeList';
      let reads = '';
      for (const item of page.items) reads += readResponseXml(item, unsaved, records);
      content = `<platformMsgs:readResponseList>${listStatus}${reads}</platformMsgs:readResponseList>`;
    } else {
      const records = this.recordWriter(version);
      const found = job.processedItems;
      let list = '';
      const bodyFieldsOnly = job.scenario.bodyFieldsOnly ?? true;
      const { rows } = job.scenario;
      if (rows) {
        const rowWriter = this.rowWriter(version);
        for (const item of page.items) list += rowWriter.rowXml(rows, item.record ?? {});
      } else for (const item of page.items) list += records.recordXml('platformCore:record', item, false, bodyFieldsOnly);
      content =
        `<platformCore:searchResult>${listStatus}` +
        `<platformCore:totalRecords>${found}</platformCore:totalRecords>` +
        `<platformCore:pageSize>${page.pageSize}</platformCore:pageSize>` +
        `<platformCore:totalPages>${Math.ceil(found / page.pageSize)}</platformCore:totalPages>` +
        `<platformCore:pageIndex>${page.pageIndex}</platformCore:pageIndex>` +
        searchListXml(rows !== undefined, list) +
        `</platformCore:searchResult>`;
    }
    return (
      `<platformMsgs:getAsyncResultResponse${declared}>` +
      `<platformMsgs:asyncResult xsi:type="platformMsgs:${spec.resultType}">${content}</platformMsgs:asyncResult>` +
      `</platformMsgs:getAsyncResultResponse>`
    );
  }

  /**
   * A synchronous record operation's answer: add, update, upsert and delete a writeResponse (their
   * list forms a writeResponseList), get and initialize a readResponse (getList and initializeList
   * a readResponseList with its status), one entry per item in the order sent.
   */
  recordCallResponseXml(operation: string, results: ItemResult[], shape: { reads: boolean; list: boolean; unsaved: boolean }, version: string): string {
    const declared = responseDeclarations(version);
    let content = '';
    if (shape.reads) {
      const records = this.recordWriter(version);
      for (const item of results) content += readResponseXml(item, shape.unsaved, records);
      if (shape.list) content = `<platformMsgs:readResponseList>${statusXml(true, null, null)}${content}</platformMsgs:readResponseList>`;
    } else {
      const catalog = this.catalogs.forVersion(version);
      for (const item of results) content += writeResponseXml(item, catalog);
      if (shape.list) content = `<platformMsgs:writeResponseList>${content}</platformMsgs:writeResponseList>`;
    }
    return `<platformMsgs:${operation}Response${declared}>${content}</platformMsgs:${operation}Response>`;
  }

  /** getDeletedResponse: a page of deleted records, each its deletedDate and a RecordRef, or the status saying why there is none. */
  getDeletedResponseXml(page: DeletedPage, version: string): string {
    const declared = responseDeclarations(version);
    let content: string;
    if (page.failure) content = statusXml(false, page.failure.code, page.failure.message);
    else {
      const catalog = this.catalogs.forVersion(version);
      let list = '';
      for (const record of page.records) {
        const type = catalog.isRecordType(record.recordType) ? record.recordType : null;
        list +=
          `<platformCore:deletedRecord><platformCore:deletedDate>${record.deletedAt.toISOString()}</platformCore:deletedDate>` +
          `<platformCore:record${attribute('internalId', record.internalId)}${attribute('externalId', record.externalId)}${attribute('type', type)} xsi:type="platformCore:RecordRef"/>` +
          `</platformCore:deletedRecord>`;
      }
      content =
        statusXml(true, null, null) +
        `<platformCore:totalRecords>${page.total}</platformCore:totalRecords>` +
        `<platformCore:pageSize>${DELETED_PAGE_SIZE}</platformCore:pageSize>` +
        `<platformCore:totalPages>${page.totalPages}</platformCore:totalPages>` +
        `<platformCore:pageIndex>${page.pageIndex}</platformCore:pageIndex>` +
        `<platformCore:deletedRecordList>${list}</platformCore:deletedRecordList>`;
    }
    return `<platformMsgs:getDeletedResponse${declared}><platformCore:getDeletedResult>${content}</platformCore:getDeletedResult></platformMsgs:getDeletedResponse>`;
  }

  /** searchResponse or searchMoreWithIdResponse: a page of a synchronous search, or the status saying why there is none. */
  searchResponseXml(operation: 'search' | 'searchMoreWithId', page: SearchPage, version: string): string {
    const declared = responseDeclarations(version);
    let content: string;
    if (page.failure) content = statusXml(false, page.failure.code, page.failure.message);
    else {
      const records = this.recordWriter(version);
      const { snapshot } = page;
      let list = '';
      const { rows } = snapshot;
      const rowWriter = this.rowWriter(version);
      page.records.forEach((record, index) => {
        if (rows) list += rowWriter.rowXml(rows, record.fields);
        // The snapshot's fields carry the record's own times already (pg-search-copy.ts).
        else list += records.recordXml('platformCore:record', { position: index + 1, ...success(record, { typeFields: [] }) }, false, snapshot.bodyFieldsOnly);
      });
      content =
        statusXml(true, null, null) +
        `<platformCore:totalRecords>${snapshot.totalRecords}</platformCore:totalRecords>` +
        `<platformCore:pageSize>${snapshot.pageSize}</platformCore:pageSize>` +
        `<platformCore:totalPages>${page.totalPages}</platformCore:totalPages>` +
        `<platformCore:pageIndex>${page.pageIndex}</platformCore:pageIndex>` +
        `<platformCore:searchId>${escapeXml(snapshot.searchId)}</platformCore:searchId>` +
        searchListXml(rows !== undefined, list);
    }
    return `<platformMsgs:${operation}Response${declared}><platformCore:searchResult>${content}</platformCore:searchResult></platformMsgs:${operation}Response>`;
  }

  /** getSavedSearchResponse: the saved searches of one record type, each a CustomizationRef naming its internalId, script id and title. */
  getSavedSearchResponseXml(saved: SavedSearch[], version: string): string {
    const declared = responseDeclarations(version);
    let refs = '';
    for (const search of saved) {
      refs +=
        `<platformCore:recordRef xsi:type="platformCore:CustomizationRef"${attribute('internalId', search.internalId)}${attribute('scriptId', search.scriptId)}>` +
        `<platformCore:name>${escapeXml(search.title)}</platformCore:name></platformCore:recordRef>`;
    }
    return (
      `<platformMsgs:getSavedSearchResponse${declared}><platformCore:getSavedSearchResult>${statusXml(true, null, null)}` +
      `<platformCore:totalRecords>${saved.length}</platformCore:totalRecords>` +
      `<platformCore:recordRefList>${refs}</platformCore:recordRefList>` +
      `</platformCore:getSavedSearchResult></platformMsgs:getSavedSearchResponse>`
    );
  }

  private rowWriter(version: string): SearchRowWriter {
    const catalog = this.catalogs.forVersion(version);
    return new SearchRowWriter(version, (name) => catalog.isRecordType(name));
  }

  // One per version (versions are checked at the edge), kept for what it learns of the schemas.
  private recordWriter(version: string): RecordWriter {
    let writer = this.recordWriters.get(version);
    if (!writer) {
      writer = new RecordWriter(this.catalogs.forVersion(version), version);
      this.recordWriters.set(version, writer);
    }
    return writer;
  }
}

// xsi:type goes after type: PHP's SoapClient reads the first attribute named type, in any namespace.
function writeResponseXml(item: ItemResult, catalog: RecordCatalog): string {
  const type = catalog.isRecordType(item.recordType) ? item.recordType : null;
  return (
    `<platformMsgs:writeResponse>${statusXml(item.isSuccess, item.code, item.message)}` +
    `<platformMsgs:baseRef${attribute('internalId', item.internalId)}${attribute('externalId', item.externalId)}${attribute('type', type)} xsi:type="platformCore:RecordRef"/>` +
    `</platformMsgs:writeResponse>`
  );
}

function readResponseXml(item: ItemResult, unsaved: boolean, records: RecordWriter): string {
  const record = item.isSuccess ? records.recordXml('platformMsgs:record', item, unsaved) : '';
  return `<platformMsgs:readResponse>${statusXml(item.isSuccess, item.code, item.message)}${record}</platformMsgs:readResponse>`;
}
