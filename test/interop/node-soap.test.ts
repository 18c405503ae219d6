import * as soap from 'soap';
import soapPackage from 'soap/package.json';
import type { Credentials } from '../helpers/credentials';
import { signedTokenPassport, type Signing } from './node-soap-passport';
import {
  CREDENTIALS,
  describeInterop,
  RECORDS,
  type ClientReport,
  type FaultReport,
  type InteropJobs,
  type Part,
  type PollReport,
  type RecordReport,
  type SearchRecordReport,
  type AdvancedSearchReport,
  type SavedSearchListReport,
  type SavedSearchReport,
  type SearchColumnReport,
  type SearchRowsPage,
  type CustomColumnReport,
  type ConnectorReadReport,
  type ConnectorReport,
  type SentWriteReport,
  type WriteRecordReport,
  type RecordsReport,
  type RecordsSpec,
  type RefReport,
  type SearchReport,
  type StatusReport,
  type WriteJobReport,
  type WritePageReport,
  type PagedResultReport,
  type ReadJobReport,
  type JobReport,
  type InteropContext,
  namespacesOfElements,
  type RefusalReport,
  type SignedCallReport,
} from './interop';

/**
 * node-soap's client (the `soap` package), in process. node-soap gives parsed objects: element
 * text converted by the schema where it can resolve the element's type, attributes as text under
 * `attributes` (so isSuccess is 'true'/'false' and xsi:type is kept as written), and a rejected
 * promise for a fault, whose `root` is the parsed fault envelope. Each call carries a tokenPassport
 * signed for it: node-soap evaluates a header given as a function anew for every request.
 */

const TERMINAL = ['finished', 'finishedWithErrors', 'failed'];
const POLL_MS = 100;
const POLL_TIMEOUT_MS = 30_000;
const MAX_PAGES = 10;
const UNREACHABLE_PAGE = 99;
const CONTACT_FIELDS = ['entityId', 'firstName', 'lastName', 'email', 'isInactive'];

type Parsed = Record<string, any>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const localName = (qname: unknown): string | null => (typeof qname === 'string' ? qname.slice(qname.indexOf(':') + 1) : null);
const typeName = (value: unknown): string => (value === null ? 'null' : typeof value);
const asList = <T>(value: T | T[] | undefined | null): T[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);
const attrs = (node: Parsed | undefined | null): Parsed => node?.attributes ?? {};

/** node-soap rejects a fault with an Error carrying `root` (the parsed envelope). */
function isSoapFault(error: unknown): error is Error & { root: Parsed } {
  return error instanceof Error && (error as { root?: Parsed }).root?.Envelope?.Body?.Fault !== undefined;
}

function faultReport(error: unknown): FaultReport {
  if (!isSoapFault(error)) throw error;
  const fault = error.root.Envelope.Body.Fault;
  const report: FaultReport = {
    raised: true,
    faultcode: fault.faultcode ?? null,
    faultstring: fault.faultstring ?? null,
    detailElement: null,
    detailNamespace: null,
    detailType: null,
    code: null,
    message: null,
  };
  const detail = fault.detail as Parsed | undefined;
  const element = detail ? Object.keys(detail).find((key) => key !== 'attributes') : undefined;
  if (detail && element) {
    report.detailElement = element;
    report.code = detail[element]?.code ?? null;
    report.message = detail[element]?.message ?? null;
  }
  return report;
}

async function section<T>(run: () => Promise<T>): Promise<Part<T>> {
  try {
    return await run();
  } catch (error) {
    if (isSoapFault(error)) return { error: `unexpected SOAP fault: ${error.message}` };
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

type Namespaces = Record<'core' | 'common' | 'relationships' | 'sales' | 'messages', string>;

/** The version's namespaces, among the schemas node-soap read from the WSDL. */
function namespacesOf(client: soap.Client): Namespaces {
  const namespaces = Object.keys((client.wsdl.definitions as unknown as { schemas: Record<string, unknown> }).schemas);
  const find = (area: string) => {
    const found = namespaces.find((namespace) => namespace.startsWith(`urn:${area}_`));
    if (!found) throw new Error(`the WSDL has no urn:${area}_ namespace (${namespaces.join(', ')})`);
    return found;
  };
  return { core: find('core'), common: find('common'), relationships: find('relationships'), sales: find('sales'), messages: find('messages') };
}

class NodeSoapAsyncClient {
  readonly ns: Namespaces;
  /** What the next calls are signed with (see signedAs). */
  private signing: Signing;
  /** node-soap calls a function header for each request, so every request is signed anew. */
  private readonly tokenPassport = () => signedTokenPassport(this.signing, this.ns.core);

  private constructor(
    readonly client: soap.Client,
    credentials: Credentials,
  ) {
    this.ns = namespacesOf(client);
    this.signing = { credentials, algorithm: 'HMAC-SHA256' };
    this.client.addSoapHeader(this.tokenPassport, '', '', '');
  }

  static async create(wsdlUrl: string, credentials: Credentials): Promise<NodeSoapAsyncClient> {
    return new NodeSoapAsyncClient(await soap.createClientAsync(wsdlUrl), credentials);
  }

  /** Runs `call` with its requests signed as `signing` says (another account, algorithm or secret). */
  async signedAs<T>(signing: Partial<Signing>, call: () => Promise<T>): Promise<T> {
    const before = this.signing;
    this.signing = { ...before, ...signing };
    try {
      return await call();
    } finally {
      this.signing = before;
    }
  }

  /** Runs `call` with `header` (in platformMsgs) sent next to the tokenPassport. */
  async withHeader<T>(header: Parsed, call: () => Promise<T>): Promise<T> {
    this.client.addSoapHeader(header, '', 'platformMsgs', this.ns.messages);
    try {
      return await call();
    } finally {
      // node-soap removes headers only all at once.
      this.client.clearSoapHeaders();
      this.client.addSoapHeader(this.tokenPassport, '', '', '');
    }
  }

  async status(jobId: string): Promise<Parsed> {
    const [answer] = await this.client.checkAsyncStatusAsync({ jobId });
    return answer.asyncStatusResult;
  }

  async result(jobId: string, pageIndex: number): Promise<Parsed> {
    const [answer] = await this.client.getAsyncResultAsync({ jobId, pageIndex });
    return answer.asyncResult;
  }

  async poll(jobId: string, until: string[] = TERMINAL): Promise<PollReport> {
    const observations: PollReport['observations'] = [];
    const deadline = Date.now() + POLL_TIMEOUT_MS;
    for (;;) {
      const status = await this.status(jobId);
      observations.push({
        status: status.status,
        percentCompleted: status.percentCompleted,
        percentCompletedType: typeName(status.percentCompleted),
        estRemainingDuration: status.estRemainingDuration,
        estRemainingDurationType: typeName(status.estRemainingDuration),
      });
      if (until.includes(status.status)) return { observations };
      if (Date.now() > deadline) throw new Error(`job ${jobId} did not reach ${until.join('/')} in ${POLL_TIMEOUT_MS} ms`);
      await sleep(POLL_MS);
    }
  }

  async pageThrough(jobId: string): Promise<PagedResultReport> {
    const pages: WritePageReport[] = [];
    for (let pageIndex = 1; pageIndex <= MAX_PAGES; pageIndex++) {
      let result: Parsed;
      try {
        result = await this.result(jobId, pageIndex);
      } catch (error) {
        return { pages, end: { ...faultReport(error), pageIndex } };
      }
      pages.push(writePage(result, pageIndex));
    }
    throw new Error(`still paging after ${MAX_PAGES} pages`);
  }

  async search(jobId: string): Promise<SearchReport> {
    await this.poll(jobId);
    const result = await this.result(jobId, 1);
    const searchResult = result?.searchResult as Parsed | undefined;
    const report: SearchReport = {
      resultType: localName(attrs(result)['xsi:type']),
      resultTypeNamespace: null,
      hasSearchResult: searchResult !== undefined && searchResult !== null,
      records: [],
    };
    if (!searchResult) return report;
    report.status = statusReport(searchResult.status);
    Object.assign(report, {
      totalRecords: searchResult.totalRecords,
      totalRecordsType: typeName(searchResult.totalRecords),
      pageSize: searchResult.pageSize,
      pageSizeType: typeName(searchResult.pageSize),
      totalPages: searchResult.totalPages,
      totalPagesType: typeName(searchResult.totalPages),
      pageIndex: searchResult.pageIndex,
      pageIndexType: typeName(searchResult.pageIndex),
    });
    for (const record of asList<Parsed>(searchResult.recordList?.record)) {
      report.records.push(recordHeader(record, CONTACT_FIELDS));
    }
    return report;
  }

  async expectFault(call: () => Promise<unknown>, extra: Partial<FaultReport> = {}): Promise<FaultReport> {
    let answer: unknown;
    try {
      answer = await call();
    } catch (error) {
      return { ...faultReport(error), ...extra };
    }
    return { raised: false, answer, ...extra };
  }

  async jobNotComplete(jobId: string): Promise<FaultReport> {
    const running = await this.poll(jobId, ['processing', ...TERMINAL]);
    const statusBefore = running.observations[running.observations.length - 1].status;
    const report = await this.expectFault(() => this.result(jobId, 1), { statusBefore });
    report.statusAfter = (await this.status(jobId)).status;
    return report;
  }

  async signedWithSha1(jobId: string): Promise<SignedCallReport> {
    const algorithm = 'HMAC-SHA1';
    return { algorithm, status: (await this.signedAs({ algorithm }, () => this.status(jobId))).status };
  }

  /** A call whose signature is keyed with a token secret that is not the token's: refused. */
  async wrongTokenSecret(jobId: string): Promise<FaultReport> {
    const credentials = { ...this.signing.credentials, tokenSecret: `${this.signing.credentials.tokenSecret}-wrong` };
    return this.signedAs({ credentials }, () => this.expectFault(() => this.status(jobId)));
  }
}

function statusReport(status: Parsed | undefined | null): StatusReport | null {
  if (!status) return null;
  const isSuccess = attrs(status).isSuccess;
  return {
    isSuccess,
    isSuccessType: typeName(isSuccess),
    statusDetails: asList<Parsed>(status.statusDetail).map((detail) => ({
      code: detail.code ?? null,
      message: detail.message ?? null,
      type: attrs(detail).type ?? null,
    })),
  };
}

/** One writeResponse: its status and baseRef (its xsi:type as written, and attributes). */
function writeResponse(response: Parsed): WriteRecordReport {
  const ref = response?.baseRef as Parsed | undefined;
  return {
    ...statusReport(response?.status)!,
    baseRef: ref
      ? { refType: localName(attrs(ref)['xsi:type']), internalId: attrs(ref).internalId ?? null, externalId: attrs(ref).externalId ?? null, type: attrs(ref).type ?? null }
      : null,
  };
}

function writePage(result: Parsed | null, pageIndex: number): WritePageReport {
  const list = result?.writeResponseList as Parsed | undefined;
  return {
    pageIndex,
    resultType: localName(attrs(result)['xsi:type']),
    resultTypeNamespace: null,
    hasWriteResponseList: list !== undefined && list !== null,
    listStatus: statusReport(list?.status),
    records: asList<Parsed>(list?.writeResponse).map(writeResponse),
  };
}

/** A dateTime as node-soap gave it (a Date where it resolved the type), as text. */
const dateText = (value: unknown): string | null => (value instanceof Date ? value.toISOString() : value === undefined || value === null ? null : String(value));

// ---------------------------------------------------------------------------------------------
// Real records. node-soap writes xsi:type for an `xsi_type` attribute and then puts the record's
// own elements in that type's namespace, but every element below them stays in the namespace of
// its parent: it does not look the subtype up in the schema (an element it gives an xsi:type stays
// in its parent's namespace, and only that element's children move to the type's). So an
// address's fields (declared in platformCommon), customField (platformCore), a search field's
// searchValue (platformCore) and a header's children come out in the wrong namespace. What
// node-soap writes correctly: a record's own simple fields, sublists declared in the record's
// namespace (addressbook entries without their address, sales order lines), RecordRefs, and
// headers whose children share the header's namespace (searchPreferences; the tokenPassport is
// written in one namespace on purpose, see signedTokenPassport). It does the records scenario with
// those, acting for RECORDS.account; and it sends a customer with the addresses, one with the
// custom fields, and the search as it writes them, which the server must refuse
// (RecordsReport.refused, RecordsReport.search). An element given an xsi:type has its children
// written in that type's namespace, so the advanced search (RecordsReport.advancedSearch) names
// the type of every element whose children the schema declares in another namespace, and is
// written correctly (describeNodeSoapNamespaces checks it).

const RECORD_FIELDS = ['companyName', 'email', 'isInactive', 'memo'];
const ADDRESS_FIELDS = ['country', 'addr1', 'city', 'zip'];

/** The steps of the records scenario node-soap sends, each by the request it submitted. */
type SubmittedRequests = Record<string, string | null>;

function refReport(ref: Parsed | undefined | null): RefReport | null {
  if (!ref) return null;
  const a = attrs(ref);
  return { internalId: a.internalId ?? null, externalId: a.externalId ?? null, type: a.type ?? null };
}

/** The record's concrete type, ids and the named simple fields (null where absent), with their types. */
function recordHeader(record: Parsed, fieldNames: string[]): SearchRecordReport {
  const fields = Object.fromEntries(fieldNames.map((field) => [field, record?.[field] ?? null]));
  return {
    recordType: localName(attrs(record)['xsi:type']),
    recordTypeNamespace: null,
    internalId: attrs(record).internalId ?? null,
    externalId: attrs(record).externalId ?? null,
    fields,
    fieldTypes: Object.fromEntries(Object.entries(fields).map(([field, value]) => [field, typeName(value)])),
  };
}

function recordReport(record: Parsed): RecordReport {
  return {
    ...recordHeader(record, RECORD_FIELDS),
    addressbook: asList<Parsed>(record.addressbookList?.addressbook).map((entry) => ({
      defaultShipping: entry.defaultShipping ?? null,
      defaultShippingType: typeName(entry.defaultShipping ?? null),
      defaultBilling: entry.defaultBilling ?? null,
      label: entry.label ?? null,
      address: entry.addressbookAddress ? Object.fromEntries(ADDRESS_FIELDS.map((field) => [field, entry.addressbookAddress[field] ?? null])) : null,
    })),
    customFields: asList<Parsed>(record.customFieldList?.customField).map((custom) => ({
      type: localName(attrs(custom)['xsi:type']),
      typeNamespace: null,
      scriptId: attrs(custom).scriptId ?? null,
      value: custom.value ?? null,
      valueType: typeName(custom.value ?? null),
    })),
    entity: refReport(record.entity),
    items: asList<Parsed>(record.itemList?.item).map((line) => ({
      item: refReport(line.item),
      quantity: line.quantity ?? null,
      quantityType: typeName(line.quantity ?? null),
      rate: line.rate ?? null,
      amount: line.amount ?? null,
      description: line.description ?? null,
    })),
  };
}

class NodeSoapRecords {
  readonly ns: Namespaces;

  constructor(private readonly client: NodeSoapAsyncClient) {
    this.ns = client.ns;
  }

  /** `attributes` naming a concrete type: node-soap writes it as xsi:type. */
  private typed(area: keyof Namespaces, type: string, attributes: Record<string, unknown> = {}): Parsed {
    return { attributes: { xsi_type: { type, xmlns: this.ns[area] }, ...attributes } };
  }

  /**
   * The customer: its fields and addressbook entries. With `addresses`, each entry's address, and
   * with `customFields`, its custom fields: the parts node-soap writes in the wrong namespace.
   */
  customer(spec: RecordsSpec['customer'], with_: { addresses?: boolean; customFields?: boolean } = {}): Parsed {
    return {
      ...this.typed('relationships', 'Customer', { externalId: spec.externalId }),
      ...spec.fields,
      addressbookList: {
        addressbook: spec.addressbook.map((entry) => ({
          defaultShipping: entry.defaultShipping,
          defaultBilling: entry.defaultBilling,
          label: entry.label,
          ...(with_.addresses ? { addressbookAddress: entry.address } : {}),
        })),
      },
      ...(with_.customFields
        ? { customFieldList: { customField: spec.customFields.map((custom) => ({ ...this.typed('core', custom.type, { scriptId: custom.scriptId }), value: custom.value })) } }
        : {}),
    };
  }

  salesOrder(spec: RecordsSpec['salesOrder'], customerId: string): Parsed {
    return {
      ...this.typed('sales', 'SalesOrder', { externalId: spec.externalId }),
      entity: { attributes: { internalId: customerId, type: 'customer' } },
      ...spec.fields,
      itemList: {
        item: spec.items.map((line) => ({
          item: { attributes: line.item },
          description: line.description,
          quantity: line.quantity,
          rate: line.rate,
          amount: line.amount,
        })),
      },
    };
  }

  customerUpdate(internalId: string, fields: Record<string, unknown>): Parsed {
    return { ...this.typed('relationships', 'Customer', { internalId }), ...fields };
  }

  search(contains: string): Parsed {
    return { ...this.typed('common', 'CustomerSearchBasic'), companyName: { attributes: { operator: 'contains' }, searchValue: contains } };
  }

  /** The request of the last call (null when node-soap failed before sending one). */
  lastSubmitted: string | null = null;

  private async call(operation: string, body: Parsed): Promise<Parsed> {
    const before = this.client.client.lastRequest;
    try {
      const [answer] = await (this.client.client as unknown as Record<string, (args: Parsed) => Promise<[Parsed]>>)[`${operation}Async`](body);
      return answer;
    } finally {
      // node-soap still holds the previous request when it failed before sending.
      const sent = this.client.client.lastRequest;
      this.lastSubmitted = sent === before ? null : (sent ?? null);
    }
  }

  private async submit(operation: string, body: Parsed): Promise<Parsed> {
    return (await this.call(operation, body)).asyncStatusResult;
  }

  /** Submits, polls checkAsyncStatus to the end, reads page 1 of getAsyncResult. */
  private async run(operation: string, body: Parsed): Promise<[JobReport, Parsed]> {
    const submitted = await this.submit(operation, body);
    const { observations } = await this.client.poll(submitted.jobId);
    const job: JobReport = {
      jobId: submitted.jobId,
      submittedStatus: submitted.status,
      submittedPercentCompleted: submitted.percentCompleted,
      status: observations[observations.length - 1].status,
    };
    return [job, await this.client.result(submitted.jobId, 1)];
  }

  async write(operation: string, records: Parsed[]): Promise<WriteJobReport> {
    const [job, result] = await this.run(operation, { record: records });
    return { ...job, page: writePage(result, 1) };
  }

  async getList(refs: Array<{ internalId: string; type: string }>): Promise<ReadJobReport> {
    const [job, result] = await this.run('asyncGetList', { baseRef: refs.map((ref) => this.typed('core', 'RecordRef', ref)) });
    const list = result?.readResponseList as Parsed | undefined;
    return {
      ...job,
      resultType: localName(attrs(result)['xsi:type']),
      resultTypeNamespace: null,
      listStatus: statusReport(list?.status),
      reads: asList<Parsed>(list?.readResponse).map((response) => ({ ...statusReport(response.status)!, record: response.record ? recordReport(response.record) : null })),
    };
  }

  /**
   * The advanced search (RECORDS.advancedSearch) with every element whose children the schema
   * declares in another namespace given its type (see advancedSearchRecord), by asyncSearch, search
   * and searchMoreWithId, each with pageSize in searchPreferences. Keeps each call's request in
   * `requests` (advancedSearch.asyncSearch, …).
   */
  async advancedSearch(spec: RecordsSpec['advancedSearch'], customerId: string, pageSize: number, requests: SubmittedRequests): Promise<AdvancedSearchReport> {
    const body = { searchRecord: this.advancedSearchRecord(spec, customerId) };
    const preferences = { searchPreferences: { pageSize } };
    const read = (searchResult: Parsed) => rowsPage(searchResult, spec.columns);
    const attempt = <T>(name: string, run: () => Promise<T>) => this.attempt(requests, `advancedSearch.${name}`, run);
    const asyncSearch = await attempt('asyncSearch', async () => {
      const [job, result] = await this.client.withHeader(preferences, () => this.run('asyncSearch', body));
      return { ...job, resultType: localName(attrs(result)['xsi:type']), page: read(result?.searchResult) };
    });
    const search = await attempt('search', async () => read((await this.client.withHeader(preferences, () => this.call('search', body))).searchResult));
    const searchId = 'error' in search ? undefined : search.searchId;
    const searchMore =
      typeof searchId === 'string'
        ? await attempt('searchMore', async () => read((await this.client.withHeader(preferences, () => this.call('searchMoreWithId', { searchId, pageIndex: 1 }))).searchResult))
        : { error: `no searchId from the search: ${JSON.stringify(search)}` };
    return { asyncSearch, search, searchMore };
  }

  /** One call of several, on its own, keeping its request in `requests` under `key`: when it fails, the error shows the request node-soap sent. */
  private async attempt<T>(requests: SubmittedRequests, key: string, run: () => Promise<T>): Promise<Part<T>> {
    this.lastSubmitted = null;
    const result = await section(run);
    requests[key] = this.lastSubmitted;
    if (typeof result === 'object' && result !== null && 'error' in result && this.lastSubmitted) {
      (result as { error: string }).error += `\nthe request node-soap submitted: ${this.lastSubmitted}`;
    }
    return result;
  }

  /**
   * The saved search (RECORDS.savedSearch): getSavedSearch of its searchType, then a
   * TransactionSearchAdvanced naming only savedSearchScriptId, the first listed script id, by
   * search and searchMoreWithId(searchId, 2), and by asyncSearch and getAsyncResult pages 1 and 2,
   * each with pageSize in searchPreferences. Keeps each call's request in `requests` (savedSearch.search, …).
   */
  async savedSearch(spec: RecordsSpec['savedSearch'], pageSize: number, requests: SubmittedRequests): Promise<SavedSearchReport> {
    const attempt = <T>(name: string, run: () => Promise<T>) => this.attempt(requests, `savedSearch.${name}`, run);
    const getSavedSearch = await attempt('getSavedSearch', async () =>
      savedSearchList((await this.call('getSavedSearch', { record: { attributes: { searchType: spec.searchType } } })).getSavedSearchResult),
    );
    const scriptId = 'error' in getSavedSearch ? undefined : getSavedSearch.refs[0]?.scriptId;
    if (typeof scriptId !== 'string') {
      const error = `no script id from getSavedSearch: ${JSON.stringify(getSavedSearch)}`;
      return { getSavedSearch, search: { error }, searchMore: { error }, asyncSearch: { error }, asyncPage2: { error } };
    }
    const body = { searchRecord: this.typed('sales', 'TransactionSearchAdvanced', { savedSearchScriptId: scriptId }) };
    const preferences = { searchPreferences: { pageSize } };
    const read = (searchResult: Parsed) => rowsPage(searchResult, spec.columns);
    const search = await attempt('search', async () => read((await this.client.withHeader(preferences, () => this.call('search', body))).searchResult));
    const searchId = 'error' in search ? undefined : search.searchId;
    const searchMore =
      typeof searchId === 'string'
        ? await attempt('searchMore', async () => read((await this.client.withHeader(preferences, () => this.call('searchMoreWithId', { searchId, pageIndex: 2 }))).searchResult))
        : { error: `no searchId from the search: ${JSON.stringify(search)}` };
    const asyncSearch = await attempt('asyncSearch', async () => {
      const [job, result] = await this.client.withHeader(preferences, () => this.run('asyncSearch', body));
      return { ...job, resultType: localName(attrs(result)['xsi:type']), page: read(result?.searchResult) };
    });
    const jobId = 'error' in asyncSearch ? undefined : asyncSearch.jobId;
    const asyncPage2 =
      jobId === undefined
        ? { error: `no job from the asyncSearch: ${JSON.stringify(asyncSearch)}` }
        : await attempt('asyncPage2', async () => {
            const result = await this.client.result(jobId, 2);
            return { resultType: localName(attrs(result)['xsi:type']), page: read(result?.searchResult) };
          });
    return { getSavedSearch, search, searchMore, asyncSearch, asyncPage2 };
  }

  /**
   * RECORDS.customFieldSearch by search, with pageSize in searchPreferences: a CustomerSearchAdvanced
   * whose every element with children in another namespace names its type (as advancedSearchRecord):
   * the search basic (platformCommon), its customFieldList and the row basic's (platformCore, where
   * SearchCustomFieldList and SearchColumnCustomFieldList declare customField), each customField (its
   * concrete kind: customField is declared abstract), the row parts and their columns. Keeps the
   * (The scenario's step keeps the request, as customFieldSearch.)
   */
  async customFieldSearch(spec: RecordsSpec['customFieldSearch'], pageSize: number): Promise<SearchRowsPage> {
    const { criterion } = spec;
    const rowParts: Record<string, string> = { basic: 'CustomerSearchRowBasic', contactJoin: 'ContactSearchRowBasic' };
    const columns = Object.fromEntries(
      Object.entries(spec.columns).map(([partName, partColumns]) => [
        partName,
        {
          ...this.typed('common', rowParts[partName]),
          ...Object.fromEntries(partColumns.map((column) => [column.name, this.typed('core', column.type)])),
          ...(partName === 'basic'
            ? {
                customFieldList: {
                  ...this.typed('core', 'SearchColumnCustomFieldList'),
                  customField: spec.customColumns.map((column) => ({ ...this.typed('core', column.type, { scriptId: column.scriptId }), customLabel: column.customLabel })),
                },
              }
            : {}),
        },
      ]),
    );
    const searchRecord = {
      ...this.typed('relationships', 'CustomerSearchAdvanced'),
      criteria: {
        basic: {
          ...this.typed('common', 'CustomerSearchBasic'),
          customFieldList: {
            ...this.typed('core', 'SearchCustomFieldList'),
            customField: [{ ...this.typed('core', criterion.type, { scriptId: criterion.scriptId, operator: criterion.operator }), searchValue: criterion.searchValue }],
          },
        },
      },
      columns,
    };
    const preferences = { searchPreferences: { pageSize } };
    const answer = await this.client.withHeader(preferences, () => this.call('search', { searchRecord }));
    return rowsPage(answer.searchResult, spec.columns, spec.customColumns);
  }

  /**
   * TransactionSearchAdvanced: criteria customerJoin internalId anyOf the customer, and the
   * columns of `spec`. node-soap writes an element's children in its parent's namespace unless the
   * element names its type (xsi:type, which XML Schema allows on any element), so the join's
   * search basic, each row part and each field name theirs: their children then go in the
   * namespace of the type, where the schema declares them.
   */
  private advancedSearchRecord(spec: RecordsSpec['advancedSearch'], customerId: string): Parsed {
    const rowParts: Record<string, string> = { basic: 'TransactionSearchRowBasic', customerJoin: 'CustomerSearchRowBasic' };
    const columns = Object.fromEntries(
      Object.entries(spec.columns).map(([partName, partColumns]) => [
        partName,
        {
          ...this.typed('common', rowParts[partName]),
          ...Object.fromEntries(
            partColumns.map((column) => [column.name, { ...this.typed('core', column.type), ...(column.customLabel === undefined ? {} : { customLabel: column.customLabel }) }]),
          ),
        },
      ]),
    );
    return {
      ...this.typed('sales', 'TransactionSearchAdvanced'),
      criteria: {
        customerJoin: {
          ...this.typed('common', 'CustomerSearchBasic'),
          internalId: { ...this.typed('core', 'SearchMultiSelectField', { operator: 'anyOf' }), searchValue: [{ attributes: { internalId: customerId } }] },
        },
      },
      columns,
    };
  }

  /**
   * RECORDS.connector, each step on its own (one failing does not hide the others; those needing an
   * earlier step's answer say so), keeping each call's request in `requests` (connector.search, …).
   * Every element whose children the schema declares in another namespace names its type (as the
   * advanced search does): the CustomerSearchBasic and its SearchStringField, the GetDeletedFilter.
   */
  async connector(spec: RecordsSpec['connector'], requests: SubmittedRequests): Promise<ConnectorReport> {
    const attempt = <T>(name: string, run: () => Promise<T>) => this.attempt(requests, `connector.${name}`, run);
    const customer = (one: { externalId: string; companyName: string }) => ({
      ...this.typed('relationships', 'Customer', { externalId: one.externalId }),
      companyName: one.companyName,
    });
    const serverTime = await attempt('getServerTime', async () => {
      const served = dateText((await this.call('getServerTime', {})).getServerTimeResult?.serverTime);
      if (served === null) throw new Error('getServerTime answered no serverTime');
      return { serverTime: served };
    });
    const search = await attempt('search', async () => {
      const searchRecord = {
        ...this.typed('common', 'CustomerSearchBasic'),
        companyName: { ...this.typed('core', 'SearchStringField', { operator: 'startsWith' }), searchValue: spec.companyNamePrefix },
      };
      const result = (await this.call('search', { searchRecord })).searchResult as Parsed;
      return { isSuccess: attrs(result?.status).isSuccess ?? null, totalRecords: result?.totalRecords ?? null, records: asList(result?.recordList?.record).length };
    });
    const upsertList = await attempt('upsertList', async () => ({
      records: asList<Parsed>((await this.call('upsertList', { record: spec.upserts.map(customer) })).writeResponseList?.writeResponse).map(writeResponse),
    }));
    const asyncAddList = await attempt('asyncAddList', async () => {
      const submitted = await this.submit('asyncAddList', { record: spec.adds.map(customer) });
      const { observations } = await this.client.poll(submitted.jobId);
      return {
        jobId: submitted.jobId,
        submittedStatus: submitted.status,
        submittedPercentCompleted: submitted.percentCompleted,
        status: observations[observations.length - 1].status,
        paged: await this.client.pageThrough(submitted.jobId),
      };
    });
    /** The added customer at `index` (of adds), as a RecordRef. */
    const target = (index = spec.deleteIndex) => {
      if ('error' in asyncAddList) throw new Error(`no added customer: ${asyncAddList.error}`);
      const internalId = asyncAddList.paged.pages.flatMap((page) => page.records)[index]?.baseRef?.internalId;
      if (typeof internalId !== 'string' || internalId === '') throw new Error(`no added customer ${index + 1}: ${JSON.stringify(asyncAddList.paged)}`);
      return this.typed('core', 'RecordRef', { internalId, type: 'customer' });
    };
    /** get's readResponse as node-soap parsed it, and its report. */
    const getRecord = async (index?: number): Promise<[Parsed | undefined, ConnectorReadReport]> => {
      const response = (await this.call('get', { baseRef: target(index) })).readResponse as Parsed;
      const record = response?.record as Parsed | undefined;
      return [
        record,
        {
          ...statusReport(response?.status)!,
          record: record
            ? {
                recordType: localName(attrs(record)['xsi:type']),
                internalId: attrs(record).internalId ?? null,
                externalId: attrs(record).externalId ?? null,
                companyName: record.companyName ?? null,
                dateCreated: dateText(record.dateCreated),
                lastModifiedDate: dateText(record.lastModifiedDate),
              }
            : null,
        },
      ];
    };
    const get = async () => (await getRecord())[1];
    const read = await attempt('get', get);
    const deleted = await attempt('delete', async () => writeResponse((await this.call('delete', { baseRef: target() })).writeResponse));
    const getAgain = await attempt('getAgain', get);
    const getDeleted = await attempt('getDeleted', async () => {
      if ('error' in serverTime) throw new Error(`no flow start: ${serverTime.error}`);
      const getDeletedFilter = {
        ...this.typed('core', 'GetDeletedFilter'),
        deletedDate: { attributes: { operator: 'onOrAfter' }, searchValue: serverTime.serverTime },
        type: { attributes: { operator: 'anyOf' }, searchValue: ['customer'] },
      };
      const result = (await this.call('getDeleted', { getDeletedFilter, pageIndex: 1 })).getDeletedResult as Parsed;
      return {
        isSuccess: attrs(result?.status).isSuccess ?? null,
        totalRecords: result?.totalRecords ?? null,
        deleted: asList<Parsed>(result?.deletedRecordList?.deletedRecord).map((one) => ({
          deletedDate: dateText(one.deletedDate),
          refType: one.record ? localName(attrs(one.record)['xsi:type']) : null,
          internalId: attrs(one.record).internalId ?? null,
          externalId: attrs(one.record).externalId ?? null,
          type: attrs(one.record).type ?? null,
        })),
      };
    });
    // The round trip: the record object get answered, sent back by update with companyName changed.
    // node-soap cannot write what it read as it read it: it keeps xsi:type as text (the answer's
    // prefix, undeclared in a request; the service refuses it) and writes a Date as an empty
    // element. So the record goes back with its xsi:type named as node-soap writes one, and its
    // Dates as the text node-soap read them from; nothing else changes.
    const writable = (record: Parsed): Parsed => {
      const { 'xsi:type': xsiType, ...attributes } = attrs(record);
      return {
        ...Object.fromEntries(Object.entries(record).map(([name, value]) => [name, value instanceof Date ? value.toISOString() : value])),
        attributes: { ...attributes, xsi_type: { type: localName(xsiType), xmlns: this.ns.relationships } },
      };
    };
    let asRead: Parsed | undefined;
    const roundTripGet = await attempt('roundTripGet', async () => {
      const [record, report] = await getRecord(spec.roundTripIndex);
      asRead = record;
      return report;
    });
    const getAfter = async () => (await getRecord(spec.roundTripIndex))[1];
    const sendBack = async (header?: Parsed): Promise<SentWriteReport> => {
      if (!asRead) throw new Error(`no record from get: ${JSON.stringify(roundTripGet)}`);
      const update = () => this.call('update', { record: { ...writable(asRead!), companyName: spec.roundTripCompanyName } });
      const answer = await (header ? this.client.withHeader(header, update) : update());
      return { ...writeResponse(answer.writeResponse), request: this.lastSubmitted };
    };
    const updateAsRead = await attempt('updateAsRead', () => sendBack());
    const getAfterRefusal = await attempt('getAfterRefusal', getAfter);
    const updateIgnoringReadOnly = await attempt('updateIgnoringReadOnly', () => sendBack({ preferences: { ignoreReadOnlyFields: true } }));
    const getAfterUpdate = await attempt('getAfterUpdate', getAfter);
    return {
      serverTime,
      search,
      upsertList,
      asyncAddList,
      get: read,
      delete: deleted,
      getAgain,
      getDeleted,
      roundTripGet,
      updateAsRead,
      getAfterRefusal,
      updateIgnoringReadOnly,
      getAfterUpdate,
    };
  }

  /**
   * Sends a request as node-soap writes it, expecting a refusal: the request and the fault; or,
   * when the server accepts it, the job it became, run to its end.
   */
  async sendAsWritten(operation: string, body: Parsed, header?: Parsed): Promise<RefusalReport> {
    let submitted: Parsed;
    try {
      const submit = () => this.submit(operation, body);
      submitted = await (header ? this.client.withHeader(header, submit) : submit());
    } catch (error) {
      if (!isSoapFault(error)) throw error;
      const status = (error as { response?: { status?: unknown } }).response?.status;
      return { request: this.lastSubmitted, httpStatus: typeof status === 'number' ? status : null, fault: faultReport(error) };
    }
    const { observations } = await this.client.poll(submitted.jobId);
    const answer = { jobId: submitted.jobId, submittedStatus: submitted.status, status: observations[observations.length - 1].status };
    return { request: this.lastSubmitted, httpStatus: 200, fault: { raised: false, answer } };
  }
}

/** One column of a row part (a list: the schema lets it repeat), its RecordRef as refReport; the list when it came more than once. */
function columnReport(values: Parsed | Parsed[] | undefined): SearchColumnReport | SearchColumnReport[] | null {
  const reports = asList(values).map((value: Parsed) => {
    const searchValue = value?.searchValue ?? null;
    return { searchValue: typeof searchValue === 'object' && searchValue !== null ? refReport(searchValue) : searchValue, customLabel: value?.customLabel ?? null };
  });
  // More than one would be a column answered twice: reported as the list, which no expectation matches.
  return reports.length === 0 ? null : reports.length === 1 ? reports[0] : reports;
}

/** A custom field column of a row basic's customFieldList: its xsi:type as written, attributes and elements. */
function customColumnReport(custom: Parsed): CustomColumnReport {
  return {
    type: localName(attrs(custom)['xsi:type']),
    typeNamespace: null,
    scriptId: attrs(custom).scriptId ?? null,
    internalId: attrs(custom).internalId ?? null,
    customLabel: custom.customLabel ?? null,
    searchValue: custom.searchValue ?? null,
  };
}

/**
 * A searchResult of rows: each row's type (its xsi:type as written) and the columns asked, by part;
 * with `customColumns` (custom field columns asked), also each customField of its basic customFieldList.
 */
function rowsPage(searchResult: Parsed | undefined, columns: RecordsSpec['advancedSearch']['columns'], customColumns?: unknown[]): SearchRowsPage {
  if (!searchResult) throw new Error('the answer holds no searchResult');
  return {
    isSuccess: attrs(searchResult.status).isSuccess ?? null,
    totalRecords: searchResult.totalRecords ?? null,
    pageSize: searchResult.pageSize ?? null,
    totalPages: searchResult.totalPages ?? null,
    pageIndex: searchResult.pageIndex ?? null,
    searchId: searchResult.searchId ?? null,
    hasRecordList: searchResult.recordList !== undefined && searchResult.recordList !== null,
    rows: asList<Parsed>(searchResult.searchRowList?.searchRow).map((row) => ({
      rowType: localName(attrs(row)['xsi:type']),
      rowTypeNamespace: null,
      parts: Object.fromEntries(
        Object.entries(columns).map(([partName, partColumns]) => [
          partName,
          Object.fromEntries(partColumns.map((column) => [column.name, columnReport(row[partName]?.[column.name]) as SearchColumnReport | null])),
        ]),
      ),
      ...(customColumns ? { customFields: asList<Parsed>(row.basic?.customFieldList?.customField).map(customColumnReport) } : {}),
    })),
  };
}

/** getSavedSearch's getSavedSearchResult: each recordRef's type (its xsi:type as written), attributes and name. */
function savedSearchList(result: Parsed | undefined): SavedSearchListReport {
  if (!result) throw new Error('the answer holds no getSavedSearchResult');
  return {
    isSuccess: attrs(result.status).isSuccess ?? null,
    totalRecords: result.totalRecords ?? null,
    refs: asList<Parsed>(result.recordRefList?.recordRef).map((ref) => ({
      refType: localName(attrs(ref)['xsi:type']),
      internalId: attrs(ref).internalId ?? null,
      scriptId: attrs(ref).scriptId ?? null,
      type: attrs(ref).type ?? null,
      name: ref.name ?? null,
    })),
  };
}

function internalIdOf(job: Part<WriteJobReport>, what: string): string {
  const id = 'error' in job ? undefined : job.page.records[0]?.baseRef?.internalId;
  if (typeof id !== 'string' || id === '') throw new Error(`no ${what}: ${JSON.stringify('error' in job ? job.error : job.page.records)}`);
  return id;
}

async function records(client: NodeSoapAsyncClient, spec: RecordsSpec, credentials: Credentials, requests: SubmittedRequests): Promise<RecordsReport> {
  return client.signedAs({ credentials }, () => recordsScenario(client, spec, credentials.account, requests));
}

async function recordsScenario(client: NodeSoapAsyncClient, spec: RecordsSpec, account: string, requests: SubmittedRequests): Promise<RecordsReport> {
  const rc = new NodeSoapRecords(client);
  // One step of the scenario, keeping the request node-soap submitted; when it fails, the error shows it.
  const step = async <T>(name: string, run: () => Promise<T>): Promise<Part<T>> => {
    rc.lastSubmitted = null;
    const result = await section(run);
    requests[name] = rc.lastSubmitted;
    if (typeof result === 'object' && result !== null && 'error' in result && rc.lastSubmitted) {
      (result as { error: string }).error += `\nthe request node-soap submitted: ${rc.lastSubmitted}`;
    }
    return result;
  };
  const addCustomer = await step('addCustomer', () => rc.write('asyncAddList', [rc.customer(spec.customer)]));
  const customerId = () => internalIdOf(addCustomer, 'customer internalId');
  const addSalesOrder = await step('addSalesOrder', () => rc.write('asyncAddList', [rc.salesOrder(spec.salesOrder, customerId())]));
  const getList = await step('getList', () =>
    rc.getList([
      { internalId: customerId(), type: 'customer' },
      { internalId: internalIdOf(addSalesOrder, 'sales order internalId'), type: 'salesOrder' },
    ]),
  );
  const update = await step('update', () => rc.write('asyncUpdateList', [rc.customerUpdate(customerId(), spec.update)]));
  const search = await step('search', () =>
    rc.sendAsWritten('asyncSearch', { searchRecord: rc.search(spec.searchFor) }, { searchPreferences: { bodyFieldsOnly: false, pageSize: spec.pageSize } }),
  );
  const advancedSearch = await step('advancedSearch', () => rc.advancedSearch(spec.advancedSearch, customerId(), spec.pageSize, requests));
  const savedSearch = await step('savedSearch', () => rc.savedSearch(spec.savedSearch, spec.pageSize, requests));
  const customFieldSearch = await step('customFieldSearch', () => rc.customFieldSearch(spec.customFieldSearch, spec.pageSize));
  const updateMissing = await step('updateMissing', () => rc.write('asyncUpdateList', [rc.customerUpdate(spec.missingInternalId, spec.update)]));
  const connector = await step('connector', () => rc.connector(spec.connector, requests));
  // Each part node-soap writes wrongly in a customer of its own, so each refusal names its own field.
  const addresses = await step('addresses', () =>
    rc.sendAsWritten('asyncAddList', { record: [rc.customer({ ...spec.customer, externalId: `${spec.customer.externalId}-addresses` }, { addresses: true })] }),
  );
  const customFields = await step('customFields', () =>
    rc.sendAsWritten('asyncAddList', { record: [rc.customer({ ...spec.customer, externalId: `${spec.customer.externalId}-custom-fields` }, { customFields: true })] }),
  );
  return {
    account,
    addCustomer,
    addSalesOrder,
    getList,
    update,
    search,
    advancedSearch,
    savedSearch,
    customFieldSearch,
    updateMissing,
    connector,
    refused: { addresses, customFields },
  };
}

async function runNodeSoap(wsdlUrl: string, createJobs: () => Promise<InteropJobs>): Promise<ClientReport> {
  // Signed for the scripted jobs' account unless told otherwise (signedAs).
  const client = await NodeSoapAsyncClient.create(wsdlUrl, CREDENTIALS.jobs);
  const jobs = await createJobs();
  const okPoll = await section(() => client.poll(jobs.ok));
  const endpoint = client.client.lastEndpoint ?? null;
  const requests: SubmittedRequests = {};
  return {
    client: `node-soap ${soapPackage.version}`,
    endpoint,
    polls: { ok: okPoll, errors: await section(() => client.poll(jobs.errors)) },
    results: { ok: await section(() => client.pageThrough(jobs.ok)), errors: await section(() => client.pageThrough(jobs.errors)) },
    search: await section(() => client.search(jobs.search)),
    records: await section(() => records(client, RECORDS, CREDENTIALS.records, requests)),
    faults: {
      invalidJobIdStatus: await section(() => client.expectFault(() => client.status(jobs.unknown))),
      invalidJobIdResult: await section(() => client.expectFault(() => client.result(jobs.unknown, 1))),
      invalidPageIndex: await section(() => client.expectFault(() => client.result(jobs.ok, UNREACHABLE_PAGE))),
      jobNotComplete: await section(() => client.jobNotComplete(jobs.slow)),
    },
    auth: {
      hmacSha1: await section(() => client.signedWithSha1(jobs.ok)),
      wrongTokenSecret: await section(() => client.wrongTokenSecret(jobs.ok)),
    },
    extra: { requests },
  };
}

/** Each element's namespaces (distinct, in order) as a request writes them. */
function namespacesIn(xml: string | null | undefined, elements: string[]): Record<string, Array<string | null>> {
  if (!xml) throw new Error('node-soap submitted no request for this step');
  return Object.fromEntries(elements.map((element) => [element, [...new Set(namespacesOfElements(xml, element))]]));
}

function describeNodeSoapNamespaces(context: () => InteropContext): void {
  describe("the namespaces node-soap writes a record's elements in", () => {
    const requests = () => (context().report.extra?.requests ?? {}) as SubmittedRequests;
    const v = () => context().version;
    const all = (elements: string[], namespace: string) => Object.fromEntries(elements.map((element) => [element, [namespace]]));

    it('writes what it sends in the round trip where the schemas declare it (customer in listRel, order and lines in tranSales, RecordRefs in platformMsgs)', () => {
      const rel = `urn:relationships_${v()}.lists.webservices.netsuite.com`;
      const sales = `urn:sales_${v()}.transactions.webservices.netsuite.com`;
      const messages = `urn:messages_${v()}.platform.webservices.netsuite.com`;
      const customerElements = ['companyName', 'email', 'isInactive', 'addressbookList', 'addressbook', 'defaultShipping', 'defaultBilling', 'label'];
      expect(namespacesIn(requests().addCustomer, ['record', ...customerElements])).toEqual({ record: [messages], ...all(customerElements, rel) });
      // Left out: the parts it cannot write correctly.
      expect(namespacesIn(requests().addCustomer, ['addressbookAddress', 'customFieldList'])).toEqual({ addressbookAddress: [], customFieldList: [] });
      const orderElements = ['entity', 'memo', 'itemList', 'item', 'description', 'quantity', 'rate', 'amount'];
      expect(namespacesIn(requests().addSalesOrder, ['record', ...orderElements])).toEqual({ record: [messages], ...all(orderElements, sales) });
      expect(namespacesIn(requests().getList, ['baseRef'])).toEqual({ baseRef: [messages] });
      expect(namespacesIn(requests().update, ['record', 'companyName'])).toEqual({ record: [messages], companyName: [rel] });
      expect(namespacesIn(requests().updateMissing, ['record', 'companyName'])).toEqual({ record: [messages], companyName: [rel] });
    });

    it("writes the tokenPassport and its children in platformCore, where TokenPassport's children are declared", () => {
      const core = `urn:core_${v()}.platform.webservices.netsuite.com`;
      const passport = ['tokenPassport', 'account', 'consumerKey', 'token', 'nonce', 'timestamp', 'signature'];
      expect(namespacesIn(requests().addCustomer, passport)).toEqual(all(passport, core));
    });

    it('writes the advanced search where the schemas declare it, each element whose children move namespace naming its type', () => {
      // TransactionSearchAdvanced's criteria and columns and their parts in tranSales, the search
      // basic's fields and the row basics' columns in platformCommon, their searchValue and customLabel in platformCore.
      const sales = `urn:sales_${v()}.transactions.webservices.netsuite.com`;
      const common = `urn:common_${v()}.platform.webservices.netsuite.com`;
      const core = `urn:core_${v()}.platform.webservices.netsuite.com`;
      const columns = ['type', 'memo', 'companyName'];
      for (const call of ['asyncSearch', 'search']) {
        const request = requests()[`advancedSearch.${call}`];
        expect(namespacesIn(request, ['criteria', 'columns', 'basic', 'customerJoin', 'internalId', ...columns, 'searchValue', 'customLabel'])).toEqual({
          ...all(['criteria', 'columns', 'basic', 'customerJoin'], sales),
          ...all(['internalId', ...columns], common),
          ...all(['searchValue', 'customLabel'], core),
        });
      }
    });

    it('writes the custom field search where the schemas declare it, each customField naming its concrete kind', () => {
      // CustomerSearchAdvanced's criteria and columns and their parts in listRel, the search basic's
      // and row parts' fields (customFieldList among them) in platformCommon, customField, its
      // searchValue and customLabel in platformCore; each customField typed as the kind asked.
      const rel = `urn:relationships_${v()}.lists.webservices.netsuite.com`;
      const common = `urn:common_${v()}.platform.webservices.netsuite.com`;
      const core = `urn:core_${v()}.platform.webservices.netsuite.com`;
      const request = requests().customFieldSearch;
      expect(
        namespacesIn(request, ['criteria', 'columns', 'basic', 'contactJoin', 'customFieldList', 'companyName', 'email', 'customField', 'searchValue', 'customLabel']),
      ).toEqual({
        ...all(['criteria', 'columns', 'basic', 'contactJoin'], rel),
        ...all(['customFieldList', 'companyName', 'email'], common),
        ...all(['customField', 'searchValue', 'customLabel'], core),
      });
      const { criterion, customColumns } = RECORDS.customFieldSearch;
      expect([...request!.matchAll(/<(?:\w+:)?customField\b[^>]*xsi:type="(?:\w+:)?(\w+)"/g)].map((match) => match[1])).toEqual([
        criterion.type,
        ...customColumns.map((column) => column.type),
      ]);
    });

    it("writes the connector flow's requests where the schemas declare them: the search basic's searchValue and the GetDeletedFilter's fields in platformCore", () => {
      const messages = `urn:messages_${v()}.platform.webservices.netsuite.com`;
      const rel = `urn:relationships_${v()}.lists.webservices.netsuite.com`;
      const common = `urn:common_${v()}.platform.webservices.netsuite.com`;
      const core = `urn:core_${v()}.platform.webservices.netsuite.com`;
      expect(namespacesIn(requests()['connector.search'], ['searchRecord', 'companyName', 'searchValue'])).toEqual({
        searchRecord: [messages],
        companyName: [common],
        searchValue: [core],
      });
      for (const call of ['connector.upsertList', 'connector.asyncAddList']) {
        expect(namespacesIn(requests()[call], ['record', 'companyName'])).toEqual({ record: [messages], companyName: [rel] });
      }
      for (const call of ['connector.get', 'connector.delete', 'connector.getAgain']) expect(namespacesIn(requests()[call], ['baseRef'])).toEqual({ baseRef: [messages] });
      expect(namespacesIn(requests()['connector.getDeleted'], ['getDeletedFilter', 'pageIndex', 'deletedDate', 'type', 'searchValue'])).toEqual({
        ...all(['getDeletedFilter', 'pageIndex'], messages),
        ...all(['deletedDate', 'type', 'searchValue'], core),
      });
    });

    it("writes address fields, custom fields and search values in their parent's namespace (the requests the server refuses)", () => {
      // Where the schemas declare them: Address's fields in platformCommon, CustomFieldList's
      // customField and SearchStringField's searchValue in platformCore. An element node-soap
      // gives an xsi:type stays in its parent's namespace; only its children move to the type's.
      const rel = `urn:relationships_${v()}.lists.webservices.netsuite.com`;
      const common = `urn:common_${v()}.platform.webservices.netsuite.com`;
      const core = `urn:core_${v()}.platform.webservices.netsuite.com`;
      expect(namespacesIn(requests().addresses, ['addressbookAddress', ...ADDRESS_FIELDS])).toEqual({ addressbookAddress: [rel], ...all(ADDRESS_FIELDS, rel) });
      expect(namespacesIn(requests().customFields, ['customFieldList', 'customField', 'value'])).toEqual({ customFieldList: [rel], customField: [rel], value: [core] });
      expect(namespacesIn(requests().search, ['searchRecord', 'companyName', 'searchValue'])).toEqual({
        searchRecord: [`urn:messages_${v()}.platform.webservices.netsuite.com`],
        companyName: [common],
        searchValue: [common],
      });
    });
  });
}

describeInterop({
  name: 'node-soap',
  // node-soap leaves attributes as text, and cannot resolve the type of searchResult's children
  // in AsyncSearchResult (an element ref inside the xsi:type's extension), so those ints stay
  // text too; search's and searchMoreWithId's searchResult, reached without an xsi:type, it types.
  // A record's own fields it types by the record's xsi:type; values in its sublists stay text.
  profile: {
    double: 'number',
    booleanAttribute: 'string',
    booleanElement: 'boolean',
    int: 'string',
    searchResponseInt: 'number',
    namespaces: false,
    typedFaultDetail: false,
    recordNamespaces: false,
    recordBoolean: 'string',
    recordDouble: 'string',
    xsiTypeAsTypeAttribute: false,
  },
  run: runNodeSoap,
  describeMore: describeNodeSoapNamespaces,
});
