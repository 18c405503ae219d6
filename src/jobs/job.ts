/** The job model: one row per asynchronous job, whichever face reads it. */

import type { RecordFields } from '../records/record';

/** platformCoreTyp:AsyncStatusType, in the order NetSuite's schema lists them. */
export const ASYNC_STATUSES = ['failed', 'finishedWithErrors', 'pending', 'processing', 'finished'] as const;
export type AsyncStatus = (typeof ASYNC_STATUSES)[number];

export const TERMINAL_STATUSES: readonly AsyncStatus[] = ['finished', 'finishedWithErrors', 'failed'];
export const isTerminal = (status: AsyncStatus): boolean => TERMINAL_STATUSES.includes(status);

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
}

/** Scripted jobs come from the admin API; request jobs from a SOAP submit operation. */
export type JobSource = 'scripted' | 'request';

export interface Job {
  id: string;
  source: JobSource;
  account: string;
  operation: AsyncOperation;
  recordType: string;
  status: AsyncStatus;
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
}

export interface RateState {
  items: number;
  seconds: number;
  lastSampleAt: Date | null;
}

/** The outcome of one item, as getAsyncResult reports it. */
export interface ItemResult {
  position: number;
  isSuccess: boolean;
  code: string | null;
  message: string | null;
  recordType: string;
  internalId: string | null;
  externalId: string | null;
  record: RecordFields | null;
}

export interface ProgressSample {
  at: Date;
  processed: number;
}
