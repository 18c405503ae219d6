/** The job model: one row per asynchronous job, whichever face reads it. */

import type { Outcome } from '../records/record-store';
import type { SearchRows } from '../records/search';

/** platformCoreTyp:AsyncStatusType, in the order NetSuite's schema lists them. */
export const ASYNC_STATUSES = ['failed', 'finishedWithErrors', 'pending', 'processing', 'finished'] as const;
export type AsyncStatus = (typeof ASYNC_STATUSES)[number];

/** A job's own status: NetSuite's, plus cancellation, which checkAsyncStatus reports as failed. */
export type JobStatus = AsyncStatus | 'cancelled';
export const asyncStatusOf = (status: JobStatus): AsyncStatus => (status === 'cancelled' ? 'failed' : status);

export const TERMINAL_STATUSES: readonly JobStatus[] = ['finished', 'finishedWithErrors', 'failed', 'cancelled'];
export const isTerminal = (status: JobStatus): boolean => TERMINAL_STATUSES.includes(status);

/** The operations that create a job, and the concrete asyncResult subtype each one yields. */
export const ASYNC_OPERATIONS = {
  asyncAddList: { resultType: 'AsyncAddListResult', list: 'write', maxItems: 400 },
  asyncUpdateList: { resultType: 'AsyncUpdateListResult', list: 'write', maxItems: 200 },
  asyncUpsertList: { resultType: 'AsyncUpsertListResult', list: 'write', maxItems: 200 },
  asyncDeleteList: { resultType: 'AsyncDeleteListResult', list: 'write', maxItems: 400 },
  asyncGetList: { resultType: 'AsyncGetListResult', list: 'read', maxItems: 2000 },
  asyncInitializeList: { resultType: 'AsyncInitializeListResult', list: 'read', maxItems: 2000 },
  asyncSearch: { resultType: 'AsyncSearchResult', list: 'search', maxItems: Number.MAX_SAFE_INTEGER },
} as const;
export type AsyncOperation = keyof typeof ASYNC_OPERATIONS;
export const isAsyncOperation = (name: string): name is AsyncOperation => Object.hasOwn(ASYNC_OPERATIONS, name);

/** What the worker does for one item: succeed, or fail with a NetSuite status code. */
export interface ItemFailure {
  code: string;
  message: string;
}

/** A record as a scenario gives it: references plus field values of its record type. */
export interface ScenarioRecord {
  internalId?: string;
  externalId?: string;
  fields?: Record<string, string | number | boolean>;
}

/** The scripted behaviour of a job, kept with it so any worker can carry it out. */
export interface Scenario {
  /** Items given one by one; absent when the scenario gave a count. */
  records?: ScenarioRecord[];
  /** 1-based item position → failure. */
  failures?: Record<string, ItemFailure>;
  /** The whole job fails once this many items have been processed. */
  fail?: { afterItems: number; code: string; message: string };
  /** asyncSearch: records per page of getAsyncResult. */
  pageSize?: number;
  /** asyncSearch: searchPreferences.bodyFieldsOnly, records without their sublists (NetSuite's default, true). */
  bodyFieldsOnly?: boolean;
  /** asyncSearch: an advanced search's columns, its results answered as rows of them. */
  rows?: SearchRows;
}

/**
 * Scripted jobs come from the admin API, request jobs from a SOAP submit operation (the worker
 * runs both); external jobs are reported by another system through the progress API.
 */
export type JobSource = 'scripted' | 'request' | 'external';

export interface Job {
  id: string;
  source: JobSource;
  account: string;
  /** The SOAP operation that made the job; null for an external job. */
  operation: AsyncOperation | null;
  recordType: string | null;
  status: JobStatus;
  /**
   * Worker jobs count records; an external job counts its progress in hundredths of a percent
   * (total 10,000), so one rate estimate serves both.
   */
  totalItems: number;
  processedItems: number;
  failedItems: number;
  ratePerSecond: number;
  scenario: Scenario;
  submittedAt: Date;
  availableAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  expiresAt: Date;
  resultCalls: number;
  failureCode: string | null;
  failureMessage: string | null;
  /** Decayed sums the worker keeps so the ETA needs no extra query (see progress.ts). */
  rate: RateState;
  /** The job as a ServiceNow tracker: 32 hex characters. */
  sysId: string;
  /** What the ServiceNow and Salesforce faces call the job; null for SOAP jobs. */
  name: string | null;
  /** Salesforce's reference id: several jobs may share one. */
  referenceId: string | null;
  additionalData: unknown;
  message: string | null;
  detailMessage: string | null;
  result: unknown;
  /** The id the client chose when it created the job through the progress API. */
  clientId: string | null;
  /** Where the job's final status is POSTed when it ends; null for none. */
  callbackUrl: string | null;
  updatedAt: Date;
}

/** A job the worker runs: one a SOAP operation or the admin API made. */
export type WorkerJob = Job & { operation: AsyncOperation; recordType: string };
export const isWorkerJob = (job: Job): job is WorkerJob => job.operation !== null && job.recordType !== null;

/** An external job's progress units: hundredths of a percent. */
export const EXTERNAL_JOB_UNITS = 10_000;

export interface RateState {
  items: number;
  seconds: number;
  lastSampleAt: Date | null;
  /** The job's routine silence: the longest interval between samples lately (see progress.ts). */
  gapSeconds: number;
}

/** The outcome of one item, as getAsyncResult reports it. */
export interface ItemResult extends Outcome {
  position: number;
}

export interface JobSample {
  at: Date;
  processed: number;
}
