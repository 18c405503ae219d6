import { LimitError, SearchError } from '../lib/errors';
import type { ItemInput } from '../records/record';
import type { VersionCatalogs } from '../records/version-catalogs';
import { RECORD_CALLS, type DeletedPage, type RecordCalls, type RecordCall } from '../worker/record-calls';
import { readDeletedFilter } from './deleted-filter-reader';
import { child, text } from './xml-read';
import type { OperationHandler, SoapCall } from './operations';
import { RecordReader } from './record-reader';
import type { ResultWriter } from './result-writer';
import { SoapClientError } from './soap-client-error';

/**
 * The synchronous record operations on the SOAP face: read the items as the asynchronous twins'
 * are read, bound their count as NetSuite's governance does, apply them at once, answer each
 * item's outcome.
 */

/** Records per request of the list operations, as NetSuite's governance bounds synchronous ones. */
export const RECORD_CALL_LIMITS: Partial<Record<RecordCall, number>> = { addList: 200, deleteList: 200, getList: 1000, updateList: 100, upsertList: 100 };

const SINGLE: RecordCall[] = ['add', 'update', 'upsert', 'delete', 'get', 'initialize'];
const READS: RecordCall[] = ['get', 'getList', 'initialize', 'initializeList'];

export function createRecordCallOperations(calls: RecordCalls, writer: ResultWriter, catalogs: VersionCatalogs): Record<RecordCall | 'getDeleted', OperationHandler> {
  const itemsOf = (call: SoapCall, operation: RecordCall): ItemInput[] => {
    const reader = new RecordReader(catalogs.forVersion(call.version), call.version);
    const { body, scope, headers } = call.request;
    if (operation.startsWith('initialize')) return reader.initializations(body).map((item) => ({ kind: 'initialize', ...item }));
    if (operation.startsWith('get') || operation.startsWith('delete')) return reader.refs(body).map((ref) => ({ kind: 'ref', ref }));
    return reader.recordsToWrite(body, scope, headers).map((record) => ({ kind: 'record', record }));
  };
  const handler =
    (operation: RecordCall): OperationHandler =>
    async (call) => {
      const items = itemsOf(call, operation);
      const single = SINGLE.includes(operation);
      if (items.length === 0) throw new SoapClientError(`${operation} needs ${single ? 'an item' : 'at least one item'}.`);
      if (single && items.length > 1) throw new SoapClientError(`${operation} takes one item (got ${items.length}); ${operation}List takes several.`);
      const limit = RECORD_CALL_LIMITS[operation];
      if (limit !== undefined && items.length > limit) {
        throw new LimitError('recordCount', 'MAX_RCRDS_EXCEEDED', `The number of records (${items.length}) exceeds the limit of ${limit} for ${operation}.`);
      }
      const results = await calls.apply(call.principal.account, operation, items);
      const shape = { reads: READS.includes(operation), list: !single, unsaved: operation.startsWith('initialize') };
      return writer.recordCallResponseXml(operation, results, shape, call.version);
    };
  const getDeleted: OperationHandler = async (call) => {
    const pageText = text(child(call.request.body, 'pageIndex'))?.trim() ?? '';
    if (!/^[+-]?\d{1,10}$/.test(pageText) || Math.abs(Number(pageText)) > 2147483647) throw new SoapClientError(`getDeleted requires <pageIndex>, an xsd:int (got "${pageText}").`);
    let page: DeletedPage;
    try {
      page = await calls.deleted(
        call.principal.account,
        readDeletedFilter(call.request.body, call.request.scope, call.version, catalogs.forVersion(call.version)),
        Number(pageText),
      );
    } catch (error) {
      if (!(error instanceof SearchError)) throw error;
      page = { failure: { code: error.code, message: error.message } };
    }
    return writer.getDeletedResponseXml(page, call.version);
  };
  const operations = Object.keys(RECORD_CALLS) as RecordCall[];
  return { ...(Object.fromEntries(operations.map((operation) => [operation, handler(operation)])) as Record<RecordCall, OperationHandler>), getDeleted };
}
