import * as soap from 'soap';
import {
  describeInterop,
  type ClientReport,
  type FaultReport,
  type InteropJobs,
  type Part,
  type PollReport,
  type SearchReport,
  type StatusReport,
  type WritePageReport,
  type PagedResultReport,
} from './interop';

/**
 * node-soap's client (the `soap` package), in process. node-soap gives parsed objects: element
 * text converted by the schema where it can resolve the element's type, attributes as text under
 * `attributes` (so isSuccess is 'true'/'false' and xsi:type is kept as written), and a rejected
 * promise for a fault, whose `root` is the parsed fault envelope.
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

class NodeSoapAsyncClient {
  private constructor(readonly client: soap.Client) {}

  static async create(wsdlUrl: string): Promise<NodeSoapAsyncClient> {
    return new NodeSoapAsyncClient(await soap.createClientAsync(wsdlUrl));
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
      const fields = Object.fromEntries(CONTACT_FIELDS.map((field) => [field, record?.[field] ?? null]));
      report.records.push({
        recordType: localName(attrs(record)['xsi:type']),
        recordTypeNamespace: null,
        internalId: attrs(record).internalId ?? null,
        externalId: attrs(record).externalId ?? null,
        fields,
        fieldTypes: Object.fromEntries(Object.entries(fields).map(([field, value]) => [field, typeName(value)])),
      });
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

function writePage(result: Parsed | null, pageIndex: number): WritePageReport {
  const list = result?.writeResponseList as Parsed | undefined;
  return {
    pageIndex,
    resultType: localName(attrs(result)['xsi:type']),
    resultTypeNamespace: null,
    hasWriteResponseList: list !== undefined && list !== null,
    listStatus: statusReport(list?.status),
    records: asList<Parsed>(list?.writeResponse).map((response) => {
      const ref = response.baseRef as Parsed | undefined;
      return {
        ...statusReport(response.status)!,
        baseRef: ref
          ? { refType: localName(attrs(ref)['xsi:type']), internalId: attrs(ref).internalId ?? null, externalId: attrs(ref).externalId ?? null, type: attrs(ref).type ?? null }
          : null,
      };
    }),
  };
}

async function runNodeSoap(wsdlUrl: string, createJobs: () => Promise<InteropJobs>): Promise<ClientReport> {
  const client = await NodeSoapAsyncClient.create(wsdlUrl);
  const jobs = await createJobs();
  const okPoll = await section(() => client.poll(jobs.ok));
  const endpoint = client.client.lastEndpoint ?? null;
  return {
    client: `node-soap ${require('soap/package.json').version}`,
    endpoint,
    polls: { ok: okPoll, errors: await section(() => client.poll(jobs.errors)) },
    results: { ok: await section(() => client.pageThrough(jobs.ok)), errors: await section(() => client.pageThrough(jobs.errors)) },
    search: await section(() => client.search(jobs.search)),
    faults: {
      invalidJobIdStatus: await section(() => client.expectFault(() => client.status(jobs.unknown))),
      invalidJobIdResult: await section(() => client.expectFault(() => client.result(jobs.unknown, 1))),
      invalidPageIndex: await section(() => client.expectFault(() => client.result(jobs.ok, UNREACHABLE_PAGE))),
      jobNotComplete: await section(() => client.jobNotComplete(jobs.slow)),
    },
  };
}

describeInterop({
  name: 'node-soap',
  // node-soap leaves attributes as text, and cannot resolve the type of searchResult's children
  // (an element ref inside the xsi:type's extension), so those ints stay text too.
  profile: { double: 'number', booleanAttribute: 'string', booleanElement: 'boolean', int: 'string', namespaces: false, typedFaultDetail: false },
  run: runNodeSoap,
});
