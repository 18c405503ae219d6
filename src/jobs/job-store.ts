import type { ItemInput } from '../records/record';
import type { RecordStore } from '../records/record-store';
import type { SearchCriteria } from '../records/search';
import type { AsyncOperation, AsyncStatus, ItemResult, Job, JobSource, JobStatus, JobSample, RateState, Scenario, WorkerJob } from './job';

/** The port between the domain and Postgres. The faces and the worker use nothing else. */

export interface NewJob {
  id: string;
  source: JobSource;
  /** What a SOAP request submitted, one input per item (request jobs only). */
  inputs?: ItemInput[];
  account: string;
  operation: AsyncOperation;
  recordType: string;
  totalItems: number;
  ratePerSecond: number;
  scenario: Scenario;
  submittedAt: Date;
  availableAt: Date;
  expiresAt: Date;
  /** Told when the job ends; without one, the account's callback URL if it has one. */
  callbackUrl?: string | null;
  /** The job's ServiceNow sys_id; without one, the database makes one up. */
  sysId?: string;
}

export interface JobFilter {
  account?: string;
  status?: JobStatus;
  limit: number;
}

/** One worker step for one job, planned by `planAdvance` and applied atomically by the store. */
export interface Advance {
  status: AsyncStatus;
  /** A search learns its size when it runs; other jobs keep theirs. */
  totalItems: number;
  startedAt: Date;
  finishedAt: Date | null;
  processedItems: number;
  failedItems: number;
  failureCode: string | null;
  failureMessage: string | null;
  rate: RateState;
  nextRunAt: Date;
  /** Item outcomes in position order; `newInternalId` asks the store to assign one. */
  items: Array<ItemResult & { newInternalId: boolean }>;
  sample: JobSample | null;
}

/** What a worker step may use inside its transaction. */
export interface StepContext {
  /** The submitted inputs of positions [first, last], in order. */
  inputs(first: number, last: number): Promise<ItemInput[]>;
  records: RecordStore;
  /**
   * A search job's results: every match as it stands now, by internalId, written as the job's
   * items from position 1 without passing through this process. Returns how many there are.
   */
  saveSearchResults(search: SearchCriteria): Promise<number>;
}

export type ResultCall = { kind: 'counted'; job: Job } | { kind: 'exhausted' } | { kind: 'missing' };

/** What checkAsyncStatus reads of a job: its progress, not its inputs or results. */
export type JobProgress = Pick<Job, 'id' | 'source' | 'status' | 'totalItems' | 'processedItems' | 'ratePerSecond' | 'availableAt' | 'startedAt' | 'rate'>;

export interface JobCount {
  account: string;
  status: JobStatus;
  jobs: number;
}

/** Items still to do in the account's jobs queued before a job, and the account's latest rate. */
export interface QueueAhead {
  itemsAhead: number;
  recentRate: number | null;
}

export interface JobStore {
  insertJob(job: NewJob): Promise<Job>;
  /** The job if `account` owns it and it has not expired by `now`; undefined otherwise. */
  findJob(account: string, id: string, now: Date): Promise<Job | undefined>;
  /**
   * The job's progress (as findJob finds it), with what queueAhead would answer when it is
   * pending: one round trip, shared with other polls made at the same time. With `notPolledSince`
   * (an account's minimum poll interval), the poll is taken only if the job was not polled since
   * then, and marks it polled at `now`; `polled` says whether it was taken.
   */
  findJobProgress(account: string, id: string, now: Date, notPolledSince: Date | null): Promise<{ job: JobProgress; queue: QueueAhead; polled: boolean } | undefined>;
  /** Any job by id, whatever its account or age (admin use). */
  findJobById(id: string): Promise<Job | undefined>;
  listJobs(filter: JobFilter): Promise<Job[]>;
  /** Counts one getAsyncResult call; refuses once `maxCalls` calls were made. */
  countResultCall(account: string, id: string, now: Date, maxCalls: number): Promise<ResultCall>;
  /** Item outcomes with positions in [from, from + count), in order. */
  readItems(jobId: string, from: number, count: number): Promise<ItemResult[]>;
  /** The first `limit` failed item outcomes, in order. */
  readFailedItems(jobId: string, limit: number): Promise<ItemResult[]>;
  /** The newest `limit` progress samples, oldest first. */
  readSamples(jobId: string, limit: number): Promise<JobSample[]>;
  /** How many jobs each account has in each status, whatever their age. */
  countJobs(): Promise<JobCount[]>;
  /** Items still to do in the account's jobs queued before this one, and the account's latest rate. */
  queueAhead(job: Job): Promise<QueueAhead>;
  /**
   * Claims the job first in line that is due at `now` and may run (first in, first out per
   * account), runs `step` on it and applies its result, all in one transaction: a step commits
   * whole or not at all. When that job is scripted, up to `maxJobs` due scripted jobs go in the
   * same transaction. Returns how many jobs it advanced: 0 when none is due. Throws
   * StepFailedError for a lone job, BatchStepFailedError when a step of several failed.
   */
  advanceDueJobs(now: Date, step: (job: WorkerJob, context: StepContext) => Promise<Advance>, maxJobs: number): Promise<number>;
  /**
   * Counts a failed step against the job, if it still stands where the step began
   * (`processedItems`): retried at `retryAt` while fewer than `maxFailures` steps failed in a
   * row, else ended failed with `reason` (UNEXPECTED_ERROR). Returns true when it was ended.
   */
  recordStepFailure(jobId: string, processedItems: number, now: Date, retryAt: Date, maxFailures: number, reason: string): Promise<boolean>;
  /** When the next unfinished job falls due, or null when there is none. */
  nextDueAt(): Promise<Date | null>;
  /** The earliest time after `after` that a pending job becomes available; null when none will. */
  nextStartAt(after: Date): Promise<Date | null>;
}
