import { spawn, spawnSync } from 'node:child_process';
import { systemClock } from '../../src/clock';
import type { Logger } from '../../src/logger';
import { createJob, startTestService, type TestService } from '../helpers/service';

/**
 * What the interop suites share: the scripted jobs, the report every client produces about what it
 * read, and one set of expectations for all clients. Each client suite (node-soap, zeep, PHP) says
 * how to run its client and which native types its language gives; `describeInterop` does the rest,
 * once per SuiteTalk version, each on a service of its own (own database, own job queue).
 */

export const VERSIONS = ['2017_1', '2023_2'] as const;
export type Version = (typeof VERSIONS)[number];

const DEFAULT_ACCOUNT = 'TSTDRV1234567';
export const UNKNOWN_JOB_ID = `ASYNCWEBSERVICES_${DEFAULT_ACCOUNT}_000000000000000000000000000_deadbeef`;
const RESULT_PAGE_SIZE = 2;
const UNREACHABLE_PAGE = 99;

const ns = (version: string) => ({
  messages: `urn:messages_${version}.platform.webservices.netsuite.com`,
  faults: `urn:faults_${version}.platform.webservices.netsuite.com`,
  relationships: `urn:relationships_${version}.lists.webservices.netsuite.com`,
});

/** Both served WSDL addresses are used: the first version by its /wsdl path, the others by ?wsdl. */
export function wsdlUrlFor(baseUrl: string, version: Version): string {
  return version === VERSIONS[0] ? `${baseUrl}/wsdl/v${version}_0/netsuite.wsdl` : `${baseUrl}/services/NetSuitePort_${version}?wsdl`;
}

// ---------------------------------------------------------------------------------------------
// The jobs. All in the default account (clients send no header), so they share one FIFO queue:
// they are created in this order with the same start delay, so they run in this order, and the
// slow job, created last, holds up nothing. The delay lets a client load the WSDL and poll
// before the first job starts, so it sees it pending.

const START_AFTER_SECONDS = 1.5;
const OK_EXTERNAL_IDS = ['ok-1', 'ok-2', 'ok-3', 'ok-4', 'ok-5', 'ok-6'];

const UPSERTS = [
  { externalId: 'up-1' },
  { externalId: 'up-2' },
  { internalId: '7003', externalId: 'up-3' },
  { externalId: 'up-4' },
  { internalId: '7005', externalId: 'up-5' },
];
const UPSERT_FAILURES = [
  { item: 2, code: 'DUP_ENTITY', message: 'This entity already exists.' },
  { item: 5, code: 'INVALID_FLD_VALUE', message: 'Invalid value for field email: not-an-address.' },
];

const CONTACTS = [
  { internalId: '9101', externalId: 'ct-1', fields: { entityId: 'Ada Lovelace', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', isInactive: false } },
  { internalId: '9102', externalId: 'ct-2', fields: { firstName: 'Grace', lastName: 'Hopper', isInactive: true } },
  { internalId: '9103', fields: { firstName: 'Edsger' } },
  { internalId: '9104', externalId: 'ct-4' },
  { internalId: '9105', fields: { lastName: 'Müller & Søn <ltd>' } },
];

export const SCENARIOS = {
  /** An add job that succeeds: 6 records, 3 pages of 2. */
  ok: {
    operation: 'asyncAddList',
    recordType: 'customer',
    items: OK_EXTERNAL_IDS.map((externalId) => ({ externalId })),
    ratePerSecond: 20,
    startAfterSeconds: START_AFTER_SECONDS,
  },
  /** An upsert job where records 2 and 5 fail: finishedWithErrors, pages of 2, 2 and 1. */
  errors: {
    operation: 'asyncUpsertList',
    recordType: 'customer',
    items: UPSERTS,
    failures: UPSERT_FAILURES,
    ratePerSecond: 20,
    startAfterSeconds: START_AFTER_SECONDS,
  },
  /** A contact search: one page of 5 whole records. */
  search: {
    operation: 'asyncSearch',
    recordType: 'contact',
    items: CONTACTS,
    pageSize: 5,
    ratePerSecond: 20,
    startAfterSeconds: START_AFTER_SECONDS,
  },
  /** Still running while the suite lasts: getAsyncResult on it is JOB_NOT_COMPLETE. */
  slow: {
    operation: 'asyncAddList',
    recordType: 'customer',
    items: 100,
    ratePerSecond: 1,
    startAfterSeconds: START_AFTER_SECONDS,
  },
} as const;

export interface InteropJobs {
  ok: string;
  errors: string;
  search: string;
  slow: string;
  unknown: string;
}

async function createInteropJobs(url: string): Promise<InteropJobs> {
  const ok = await createJob(url, SCENARIOS.ok);
  const errors = await createJob(url, SCENARIOS.errors);
  const search = await createJob(url, SCENARIOS.search);
  const slow = await createJob(url, SCENARIOS.slow);
  return { ok, errors, search, slow, unknown: UNKNOWN_JOB_ID };
}

/** The jobs as key=value arguments, as zeep_client.py and php_client.php take them. */
export const jobArguments = (jobs: InteropJobs): string[] => Object.entries(jobs).map(([key, id]) => `${key}=${id}`);

// ---------------------------------------------------------------------------------------------
// The report: what a client read, in the client's own terms (values as it gave them, and the
// name of their type in its language). Any part may instead be { error } when the client threw.

export interface StatusObservation {
  status: string;
  percentCompleted: unknown;
  percentCompletedType: string;
  estRemainingDuration: unknown;
  estRemainingDurationType: string;
}

export interface PollReport {
  observations: StatusObservation[];
}

export interface StatusReport {
  isSuccess: unknown;
  isSuccessType: string;
  statusDetails: Array<{ code: unknown; message: unknown; type: unknown }>;
}

export interface WriteRecordReport extends StatusReport {
  baseRef: { refType: string | null; internalId: unknown; externalId: unknown; type: unknown } | null;
}

export interface WritePageReport {
  pageIndex: number;
  /** The concrete type the client built for asyncResult (from its xsi:type). */
  resultType: string | null;
  /** Its namespace, for clients that expose one. */
  resultTypeNamespace: string | null;
  hasWriteResponseList: boolean;
  listStatus: StatusReport | null;
  records: WriteRecordReport[];
}

export interface FaultReport {
  raised: boolean;
  faultcode?: string | null;
  faultstring?: string | null;
  /** Local name of the element in detail, e.g. asyncFault. */
  detailElement?: string | null;
  detailNamespace?: string | null;
  /** The type the client made of the detail element, where it makes one (zeep: AsyncFault). */
  detailType?: string | null;
  code?: unknown;
  message?: unknown;
  /** The code read through the typed detail, where there is one. */
  typedCode?: unknown;
  /** The call went through instead of faulting: what it answered. */
  answer?: unknown;
  pageIndex?: number;
  statusBefore?: string;
  statusAfter?: string;
}

export interface PagedResultReport {
  pages: WritePageReport[];
  /** The fault that ended paging (the page after the last). */
  end: FaultReport | null;
}

export interface SearchRecordReport {
  recordType: string | null;
  recordTypeNamespace: string | null;
  internalId: unknown;
  externalId: unknown;
  fields: Record<string, unknown>;
  fieldTypes: Record<string, string>;
}

export interface SearchReport {
  resultType: string | null;
  resultTypeNamespace: string | null;
  hasSearchResult: boolean;
  status?: StatusReport | null;
  totalRecords?: unknown;
  totalRecordsType?: string;
  pageSize?: unknown;
  pageSizeType?: string;
  totalPages?: unknown;
  totalPagesType?: string;
  pageIndex?: unknown;
  pageIndexType?: string;
  records: SearchRecordReport[];
}

export type Part<T> = T | { error: string };

export interface ClientReport {
  client: string;
  /** The address the client sent its calls to (from the WSDL's soap:address). */
  endpoint: string | null;
  polls: { ok: Part<PollReport>; errors: Part<PollReport> };
  results: { ok: Part<PagedResultReport>; errors: Part<PagedResultReport> };
  search: Part<SearchReport>;
  faults: {
    invalidJobIdStatus: Part<FaultReport>;
    invalidJobIdResult: Part<FaultReport>;
    invalidPageIndex: Part<FaultReport>;
    jobNotComplete: Part<FaultReport>;
  };
}

/** A part of the report, or a failure saying what the client threw. */
export function part<T>(value: Part<T> | undefined, what: string): T {
  if (value === undefined) throw new Error(`the client's report has no ${what}`);
  if (value && typeof value === 'object' && 'error' in value && typeof (value as { error: unknown }).error === 'string') {
    throw new Error(`${what}: the client failed: ${(value as { error: string }).error}`);
  }
  return value as T;
}

// ---------------------------------------------------------------------------------------------
// Running the clients.

/** How a client's language names the types of values it reads, and what else it can tell. */
export interface ClientProfile {
  /** xsd:double elements (percentCompleted, estRemainingDuration). */
  double: string;
  /** The xsd:boolean isSuccess attribute. */
  booleanAttribute: string;
  /** xsd:boolean elements (Contact.isInactive). */
  booleanElement: string;
  /** xsd:int elements of searchResult (totalRecords, ...). */
  int: string;
  /** Whether the client tells the namespaces of the types it builds and of fault details. */
  namespaces: boolean;
  /** Whether the client reads a fault's detail element as its schema type. */
  typedFaultDetail: boolean;
}

export interface InteropClient {
  name: string;
  profile: ClientProfile;
  /** Throws, saying what to install, when the client cannot run on this machine. */
  checkInstalled?(): void;
  /**
   * Builds the client from `wsdlUrl` and reports what it reads. It calls `createJobs` once, as
   * soon as it is ready to poll (so it sees the first job pending).
   */
  run(wsdlUrl: string, createJobs: () => Promise<InteropJobs>): Promise<ClientReport>;
}

/** Fails with an install hint when `command args` cannot run (missing program or module). */
export function requireProgram(command: string, args: string[], hint: string): void {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : (result.stderr || result.stdout || `exit status ${result.status}`).trim();
    throw new Error(`${hint}\n(\`${[command, ...args].join(' ')}\` failed: ${why})`);
  }
}

/** Runs a client program; resolves to the JSON it printed, or rejects with its output. */
export function runJsonProgram(command: string, args: string[], timeoutMs = 90_000): Promise<ClientReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${command}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const shown = `${command} ${args.join(' ')}`;
      if (code !== 0) {
        reject(new Error(`${shown} ended with ${signal ? `signal ${signal}` : `exit status ${code}`}\nstderr:\n${stderr}\nstdout:\n${stdout}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as ClientReport);
      } catch (error) {
        reject(new Error(`${shown} printed no JSON report (${(error as Error).message})\nstderr:\n${stderr}\nstdout:\n${stdout}`));
      }
    });
  });
}

/** A logger that keeps the service's errors, so a suite can check none were logged. */
function collectingLogger(errors: string[]): Logger {
  return {
    info: () => undefined,
    error: (message, details) => errors.push(`${message} ${JSON.stringify(details, (_key, value: unknown) => (value instanceof Error ? value.stack : value))}`),
  };
}

// ---------------------------------------------------------------------------------------------
// The suite.

const IN_PROGRESS = ['pending', 'processing'];
const STATUS_ORDER: Record<string, number> = { pending: 0, processing: 1, finished: 2, finishedWithErrors: 2, failed: 2 };

function expectStatusWalk(observations: StatusObservation[], profile: ClientProfile, final: string): void {
  expect(observations.length).toBeGreaterThan(0);
  for (const seen of observations) {
    expect(Object.keys(STATUS_ORDER)).toContain(seen.status);
    // Read as numbers, not as text: the element types are xsd:double.
    expect(seen.percentCompletedType).toBe(profile.double);
    expect(seen.estRemainingDurationType).toBe(profile.double);
    expect(typeof seen.percentCompleted).toBe('number');
    expect(typeof seen.estRemainingDuration).toBe('number');
    expect(seen.percentCompleted as number).toBeGreaterThanOrEqual(0);
    expect(seen.percentCompleted as number).toBeLessThanOrEqual(100);
    expect(seen.estRemainingDuration as number).toBeGreaterThanOrEqual(0);
    if (seen.status === 'pending') expect(seen.percentCompleted).toBe(0);
  }
  // Statuses only move forward, and so does the percentage.
  for (let i = 1; i < observations.length; i++) {
    expect(STATUS_ORDER[observations[i].status]).toBeGreaterThanOrEqual(STATUS_ORDER[observations[i - 1].status]);
    expect(observations[i].percentCompleted as number).toBeGreaterThanOrEqual(observations[i - 1].percentCompleted as number);
  }
  const last = observations[observations.length - 1];
  expect(last.status).toBe(final);
  expect(last.percentCompleted).toBe(100);
  expect(last.estRemainingDuration).toBe(0);
  expect(observations.slice(0, -1).every((seen) => IN_PROGRESS.includes(seen.status))).toBe(true);
}

function expectAsyncFault(fault: FaultReport, code: string, profile: ClientProfile, version: Version): void {
  expect(fault.raised).toBe(true);
  expect(fault.faultcode).toMatch(/(^|:)Server\.userException$/);
  expect(fault.detailElement).toBe('asyncFault');
  if (profile.namespaces) expect(fault.detailNamespace).toBe(ns(version).faults);
  if (profile.typedFaultDetail) {
    expect(fault.detailType).toBe('AsyncFault');
    expect(fault.typedCode).toBe(code);
  }
  expect(fault.code).toBe(code);
  expect(typeof fault.message).toBe('string');
  expect(fault.message).not.toBe('');
  expect(fault.faultstring).toBe(fault.message);
}

function expectWritePages(
  paged: PagedResultReport,
  expected: { resultType: string; pageSizes: number[] },
  profile: ClientProfile,
  version: Version,
): WriteRecordReport[] {
  expect(paged.pages.map((page) => page.pageIndex)).toEqual(expected.pageSizes.map((_, i) => i + 1));
  for (const page of paged.pages) {
    // The trap: without xsi:type, zeep reads asyncResult as the empty abstract type (its
    // writeResponseList is None) and PHP as an empty stdClass.
    expect({ pageIndex: page.pageIndex, resultType: page.resultType, hasWriteResponseList: page.hasWriteResponseList }).toEqual({
      pageIndex: page.pageIndex,
      resultType: expected.resultType,
      hasWriteResponseList: true,
    });
    if (profile.namespaces) expect(page.resultTypeNamespace).toBe(ns(version).messages);
    expect(page.listStatus).not.toBeNull();
    expect(page.listStatus!.isSuccessType).toBe(profile.booleanAttribute);
    expect(String(page.listStatus!.isSuccess)).toBe('true');
  }
  expect(paged.pages.map((page) => page.records.length)).toEqual(expected.pageSizes);
  // Paging ends where the pages end.
  expect(paged.end).not.toBeNull();
  expectAsyncFault(paged.end!, 'INVALID_PAGE_INDEX', profile, version);
  expect(paged.end!.pageIndex).toBe(expected.pageSizes.length + 1);
  const records = paged.pages.flatMap((page) => page.records);
  for (const record of records) {
    expect(record.isSuccessType).toBe(profile.booleanAttribute);
    expect(record.baseRef).not.toBeNull();
    expect(record.baseRef!.refType).toBe('RecordRef');
  }
  return records;
}

/**
 * The interop suite for one client: for each version, a service of its own, the jobs, one run of
 * the client, and the same expectations of what every client must be able to read.
 */
export function describeInterop(client: InteropClient): void {
  describe.each(VERSIONS)(`${client.name} client, SuiteTalk %s`, (version) => {
    const { profile } = client;
    let t: TestService | undefined;
    let report: ClientReport;
    const serverErrors: string[] = [];

    beforeAll(async () => {
      client.checkInstalled?.();
      t = await startTestService({
        worker: true,
        clock: systemClock,
        logger: collectingLogger(serverErrors),
        env: { RESULT_PAGE_SIZE: String(RESULT_PAGE_SIZE), WORKER_POLL_MS: '50' },
      });
      const url = t.url;
      report = await client.run(wsdlUrlFor(url, version), () => createInteropJobs(url));
    });
    afterAll(async () => {
      await t?.close();
    });

    it('calls the endpoint named by soap:address', () => {
      expect(report.endpoint).toBe(`${t!.url}/services/NetSuitePort_${version}`);
    });

    it('polls checkAsyncStatus from pending or processing to finished, reading numbers', () => {
      const { observations } = part(report.polls.ok, 'polling the ok job');
      expect(IN_PROGRESS).toContain(observations[0].status);
      expectStatusWalk(observations, profile, 'finished');
    });

    it('sees the job with failing records end finishedWithErrors', () => {
      const { observations } = part(report.polls.errors, 'polling the errors job');
      expectStatusWalk(observations, profile, 'finishedWithErrors');
    });

    it('pages getAsyncResult of an add job: AsyncAddListResult with RecordRefs', () => {
      const paged = part(report.results.ok, 'paging the ok job');
      const records = expectWritePages(paged, { resultType: 'AsyncAddListResult', pageSizes: [2, 2, 2] }, profile, version);
      expect(records.map((record) => String(record.isSuccess))).toEqual(OK_EXTERNAL_IDS.map(() => 'true'));
      expect(records.map((record) => record.statusDetails)).toEqual(OK_EXTERNAL_IDS.map(() => []));
      expect(records.map((record) => record.baseRef!.externalId)).toEqual(OK_EXTERNAL_IDS);
      const internalIds = records.map((record) => record.baseRef!.internalId);
      for (const id of internalIds) expect(id).toMatch(/^\d+$/);
      expect(new Set(internalIds).size).toBe(internalIds.length);
    });

    it('pages getAsyncResult of an upsert job with failures: per-record status and statusDetail codes', () => {
      const paged = part(report.results.errors, 'paging the errors job');
      const records = expectWritePages(paged, { resultType: 'AsyncUpsertListResult', pageSizes: [2, 2, 1] }, profile, version);
      expect(records.map((record) => String(record.isSuccess))).toEqual(['true', 'false', 'true', 'true', 'false']);
      expect(records.map((record) => record.baseRef!.externalId)).toEqual(UPSERTS.map((item) => item.externalId));
      expect(records[0].baseRef!.internalId).toMatch(/^\d+$/);
      expect(records[1].baseRef!.internalId ?? null).toBeNull();
      expect(records[2].baseRef!.internalId).toBe('7003');
      expect(records[4].baseRef!.internalId).toBe('7005');
      expect(records[0].statusDetails).toEqual([]);
      expect(records[1].statusDetails).toEqual([{ code: 'DUP_ENTITY', message: UPSERT_FAILURES[0].message, type: 'ERROR' }]);
      expect(records[4].statusDetails).toEqual([{ code: 'INVALID_FLD_VALUE', message: UPSERT_FAILURES[1].message, type: 'ERROR' }]);
    });

    it('reads each RecordRef\'s type attribute (customer), not its xsi:type', () => {
      // RecordRef has an attribute named type; a client matching attributes by local name
      // alone (PHP's SoapClient) takes whichever attribute called "type" comes first.
      const records = [part(report.results.ok, 'paging the ok job'), part(report.results.errors, 'paging the errors job')].flatMap((paged) =>
        paged.pages.flatMap((page) => page.records),
      );
      expect(records).toHaveLength(OK_EXTERNAL_IDS.length + UPSERTS.length);
      expect(records.map((record) => record.baseRef?.type)).toEqual(records.map(() => 'customer'));
    });

    it('reads asyncSearch results: AsyncSearchResult with records typed Contact', () => {
      const search = part(report.search, 'reading the search job');
      expect({ resultType: search.resultType, hasSearchResult: search.hasSearchResult }).toEqual({
        resultType: 'AsyncSearchResult',
        hasSearchResult: true,
      });
      if (profile.namespaces) expect(search.resultTypeNamespace).toBe(ns(version).messages);
      expect(String(search.status?.isSuccess)).toBe('true');
      expect({ totalRecords: search.totalRecords, pageSize: search.pageSize, totalPages: search.totalPages, pageIndex: search.pageIndex }).toEqual(
        profile.int === 'string' ? { totalRecords: '5', pageSize: '5', totalPages: '1', pageIndex: '1' } : { totalRecords: 5, pageSize: 5, totalPages: 1, pageIndex: 1 },
      );
      expect([search.totalRecordsType, search.pageSizeType, search.totalPagesType, search.pageIndexType]).toEqual(Array(4).fill(profile.int));
      expect(search.records.map((record) => record.recordType)).toEqual(CONTACTS.map(() => 'Contact'));
      if (profile.namespaces) expect(search.records.map((record) => record.recordTypeNamespace)).toEqual(CONTACTS.map(() => ns(version).relationships));
      expect(search.records.map((record) => record.internalId)).toEqual(CONTACTS.map((contact) => contact.internalId));
      expect(search.records.map((record) => record.externalId ?? null)).toEqual(CONTACTS.map((contact) => ('externalId' in contact ? contact.externalId : null)));
      expect(search.records.map((record) => withoutNulls(record.fields))).toEqual(CONTACTS.map((contact) => ('fields' in contact ? contact.fields : {})));
      expect(search.records[0].fieldTypes.isInactive).toBe(profile.booleanElement);
      expect(search.records[1].fieldTypes.isInactive).toBe(profile.booleanElement);
    });

    it('reads INVALID_JOB_ID for an unknown job id from checkAsyncStatus and getAsyncResult', () => {
      expectAsyncFault(part(report.faults.invalidJobIdStatus, 'checkAsyncStatus of an unknown job'), 'INVALID_JOB_ID', profile, version);
      expectAsyncFault(part(report.faults.invalidJobIdResult, 'getAsyncResult of an unknown job'), 'INVALID_JOB_ID', profile, version);
    });

    it('reads JOB_NOT_COMPLETE for getAsyncResult on a job still processing', () => {
      const fault = part(report.faults.jobNotComplete, 'getAsyncResult of the slow job');
      expect(fault.statusBefore).toBe('processing');
      expect(fault.statusAfter).toBe('processing');
      expectAsyncFault(fault, 'JOB_NOT_COMPLETE', profile, version);
    });

    it(`reads INVALID_PAGE_INDEX for page ${UNREACHABLE_PAGE} of a finished job`, () => {
      expectAsyncFault(part(report.faults.invalidPageIndex, `getAsyncResult page ${UNREACHABLE_PAGE}`), 'INVALID_PAGE_INDEX', profile, version);
    });

    it('logged no errors on the service', () => {
      expect(serverErrors).toEqual([]);
    });
  });
}

function withoutNulls(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null && value !== undefined));
}
