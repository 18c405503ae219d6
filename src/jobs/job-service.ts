import type { Clock } from '../lib/clock';
import { AsyncJobError, LimitError, NotFoundError } from '../lib/errors';
import {
  ASYNC_OPERATIONS,
  asyncStatusOf,
  isTerminal,
  isWorkerJob,
  type AsyncOperation,
  type AsyncStatus,
  type ItemResult,
  type Job,
  type JobSample,
  type Scenario,
  type WorkerJob,
} from './job';
import type { ItemInput } from '../records/record';
import { randomIds, type IdSource } from './id-source';
import type { JobCount, JobFilter, JobProgress, JobStore, QueueAhead } from './job-store';
import { estimateRemainingSeconds, percentCompleted } from './eta';

/** The per-account limits a call may bring (from its account); absent ones take the settings. */
export interface AccountLimits {
  maxResultCalls: number;
  minPollIntervalSeconds: number;
}

/** Stands for "no limit" on result calls: the most an int column counts. */
const UNLIMITED_CALLS = 2_147_483_647;

export interface JobServiceSettings {
  retentionDays: number;
  /** getAsyncResult calls allowed per job; 0 for no limit. */
  maxResultCalls: number;
  resultPageSize: number;
  defaultRatePerSecond: number;
  /** Least time between two status polls of one job; 0 for none. */
  minPollIntervalSeconds: number;
}

export interface StatusView {
  jobId: string;
  status: AsyncStatus;
  percentCompleted: number;
  estRemainingDuration: number;
}

export interface ResultPage {
  job: WorkerJob;
  pageIndex: number;
  pageSize: number;
  totalPages: number;
  items: ItemResult[];
}

export interface ScriptedJob {
  account: string;
  operation: AsyncOperation;
  recordType: string;
  totalItems: number;
  ratePerSecond?: number;
  startAfterSeconds: number;
  scenario: Scenario;
  callbackUrl?: string;
}

/** Called when a job is created, so an in-process worker can wake without waiting for its poll. */
export type JobCreatedListener = () => void;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Failed items an admin view of a job lists; failedItems counts them all. */
const SHOWN_FAILURES = 100;

export class JobService {
  private readonly createdListeners: JobCreatedListener[] = [];

  constructor(
    private readonly store: JobStore,
    private readonly clock: Clock,
    private readonly settings: JobServiceSettings,
    private readonly ids: IdSource = randomIds,
  ) {}

  onJobCreated(listener: JobCreatedListener): void {
    this.createdListeners.push(listener);
  }

  async createJob(input: ScriptedJob): Promise<Job> {
    const now = this.clock.now();
    const [sysId] = await this.ids.sysIds(input.account, 1);
    const job = await this.store.insertJob({
      id: await this.ids.jobId(input.account, now),
      sysId,
      source: 'scripted',
      account: input.account,
      operation: input.operation,
      recordType: input.recordType,
      totalItems: input.totalItems,
      ratePerSecond: input.ratePerSecond ?? this.settings.defaultRatePerSecond,
      scenario: input.scenario,
      submittedAt: now,
      availableAt: new Date(now.getTime() + input.startAfterSeconds * 1000),
      expiresAt: new Date(now.getTime() + this.settings.retentionDays * DAY_MS),
      callbackUrl: input.callbackUrl,
    });
    for (const listener of this.createdListeners) listener();
    return job;
  }

  /**
   * A submit operation (asyncAddList…): queues a job that applies the inputs in order and answers
   * at once with its status, pending with 0.0 done and 0.0 to go, as NetSuite does.
   */
  async submit(account: string, operation: AsyncOperation, inputs: ItemInput[], scenario: Scenario = {}): Promise<StatusView> {
    const now = this.clock.now();
    const first = inputs[0];
    const recordType = (first && recordTypeOf(first)) ?? 'unknown';
    const [sysId] = await this.ids.sysIds(account, 1);
    const job = await this.store.insertJob({
      id: await this.ids.jobId(account, now),
      sysId,
      source: 'request',
      inputs,
      account,
      operation,
      recordType,
      // A search's size is known once it has run.
      totalItems: operation === 'asyncSearch' ? 0 : inputs.length,
      ratePerSecond: this.settings.defaultRatePerSecond,
      scenario,
      submittedAt: now,
      availableAt: now,
      expiresAt: new Date(now.getTime() + this.settings.retentionDays * DAY_MS),
    });
    for (const listener of this.createdListeners) listener();
    return { jobId: job.id, status: 'pending', percentCompleted: 0, estRemainingDuration: 0 };
  }

  /** checkAsyncStatus: the job's status, percent and estimate as of now. */
  async status(account: string, jobId: string, limits: Partial<AccountLimits> = {}): Promise<StatusView> {
    if (jobId.length > MAX_JOB_ID_LENGTH) throw invalidJobId(jobId);
    const now = this.clock.now();
    const interval = limits.minPollIntervalSeconds ?? this.settings.minPollIntervalSeconds;
    const found = await this.store.findJobProgress(account, jobId, now, interval > 0 ? new Date(now.getTime() - interval * 1000) : null);
    if (!found) throw invalidJobId(jobId);
    if (!found.polled) throw new LimitError('requestRate', 'WS_REQUEST_BLOCKED', `Job ${jobId} may be polled at most once every ${interval} seconds.`);
    return statusView(found.job, now, found.queue);
  }

  /** getAsyncResult: one page of a finished job's outcomes. */
  async resultPage(account: string, jobId: string, pageIndex: number, limits: Partial<AccountLimits> = {}): Promise<ResultPage> {
    if (jobId.length > MAX_JOB_ID_LENGTH) throw invalidJobId(jobId);
    const now = this.clock.now();
    const maxCalls = limits.maxResultCalls ?? this.settings.maxResultCalls;
    // 0 switches the limit off; the count is still kept.
    const call = await this.store.countResultCall(account, jobId, now, maxCalls > 0 ? maxCalls : UNLIMITED_CALLS);
    if (call.kind === 'missing') throw invalidJobId(jobId);
    if (call.kind === 'exhausted') throw callsExhausted(jobId, maxCalls);
    return this.page(call.job, jobId, pageIndex);
  }

  /**
   * What getAsyncResult would answer now, without counting a call: the dashboard shows a job's
   * results without using up the calls its client may make.
   */
  async peekResultPage(account: string, jobId: string, pageIndex: number, limits: Partial<AccountLimits> = {}): Promise<ResultPage> {
    const job = await this.store.findJob(account, jobId, this.clock.now());
    if (!job) throw invalidJobId(jobId);
    const maxCalls = limits.maxResultCalls ?? this.settings.maxResultCalls;
    if (maxCalls > 0 && job.resultCalls >= maxCalls) throw callsExhausted(jobId, maxCalls);
    return this.page(job, jobId, pageIndex);
  }

  /** Page `pageIndex` of a job whose result call was allowed. */
  private async page(job: Job, jobId: string, pageIndex: number): Promise<ResultPage> {
    if (!isTerminal(job.status)) {
      throw new AsyncJobError('JOB_NOT_COMPLETE', `Job ${jobId} is not complete (status ${asyncStatusOf(job.status)}); poll checkAsyncStatus until it ends.`);
    }
    if (!isWorkerJob(job)) {
      throw new AsyncJobError(
        'USER_ERROR',
        `Job ${jobId} was reported through the progress API and has no SOAP result: read it at /v1/asyncprocesses/${jobId} or /api/execution_tracker/${job.sysId}.`,
      );
    }
    const pageSize = this.pageSizeOf(job);
    const totalPages = Math.max(1, Math.ceil(job.processedItems / pageSize));
    if (!Number.isInteger(pageIndex) || pageIndex < 1 || pageIndex > totalPages) {
      throw new AsyncJobError('INVALID_PAGE_INDEX', `Invalid page index ${pageIndex}: job ${jobId} has ${totalPages} page(s), numbered from 1.`);
    }
    const from = (pageIndex - 1) * pageSize + 1;
    const items = await this.store.readItems(job.id, from, Math.min(pageSize, job.processedItems - from + 1));
    return { job, pageIndex, pageSize, totalPages, items };
  }

  async listJobs(filter: JobFilter): Promise<Array<Job & { progress: StatusView }>> {
    const now = this.clock.now();
    const jobs = await this.store.listJobs(filter);
    return Promise.all(jobs.map(async (job) => ({ ...job, progress: await this.view(job, now) })));
  }

  /** Any job by id, whatever its account or age (admin use). */
  async jobById(jobId: string): Promise<Job> {
    const job = await this.store.findJobById(jobId);
    if (!job) throw new NotFoundError(`No job with id ${jobId}`);
    return job;
  }

  async showJob(jobId: string) {
    const job = await this.jobById(jobId);
    const now = this.clock.now();
    const [samples, failures] = await Promise.all([this.store.readSamples(job.id, 100), this.store.readFailedItems(job.id, SHOWN_FAILURES)]);
    return { ...job, progress: await this.view(job, now), samples, failures };
  }

  /** The newest `limit` progress samples, oldest first. */
  samples(job: Job, limit: number): Promise<JobSample[]> {
    return this.store.readSamples(job.id, limit);
  }

  /** The status as of now, as checkAsyncStatus would answer it (admin use: no poll is recorded). */
  statusOf(job: Job): Promise<StatusView> {
    return this.view(job, this.clock.now());
  }

  countJobs(): Promise<JobCount[]> {
    return this.store.countJobs();
  }

  pageSizeOf(job: WorkerJob): number {
    return ASYNC_OPERATIONS[job.operation].list === 'search' && job.scenario.pageSize ? job.scenario.pageSize : this.settings.resultPageSize;
  }

  /** The status as of `now`; a pending job's queue is read unless the caller read it already. */
  private async view(job: Job, now: Date, known?: QueueAhead): Promise<StatusView> {
    const ahead = job.status === 'pending' && job.source !== 'external' ? (known ?? (await this.store.queueAhead(job))) : NO_QUEUE;
    return statusView(job, now, ahead);
  }
}

const NO_QUEUE: QueueAhead = { itemsAhead: 0, recentRate: null };

/** checkAsyncStatus's answer for a job as of `now`, given the queue it waits in when pending. */
export function statusView(job: JobProgress, now: Date, ahead: QueueAhead): StatusView {
  // A reported job waits in no queue of ours: until its first report nothing says how long it takes.
  if (job.source === 'external' && job.status === 'pending') {
    return { jobId: job.id, status: 'pending', percentCompleted: 0, estRemainingDuration: 0 };
  }
  const queue = job.status === 'pending' ? { itemsAhead: ahead.itemsAhead, rate: ahead.recentRate ?? job.ratePerSecond } : { itemsAhead: 0, rate: job.ratePerSecond };
  return {
    jobId: job.id,
    status: asyncStatusOf(job.status),
    percentCompleted: percentCompleted(job),
    estRemainingDuration: estimateRemainingSeconds(job, now, queue),
  };
}

function recordTypeOf(input: ItemInput): string | undefined {
  switch (input.kind) {
    case 'record':
      return input.record.recordType;
    case 'ref':
      return input.ref.recordType;
    case 'search':
      return input.search.recordTypes[0];
    case 'initialize':
      return input.targetType;
  }
}

/** Longer than any id this service makes; such ids are refused without a look-up. */
const MAX_JOB_ID_LENGTH = 200;

const callsExhausted = (jobId: string, maxCalls: number) =>
  new AsyncJobError('INVALID_JOB_ID', `Job ${jobId} is no longer available: results of a job can be requested at most ${maxCalls} times.`);

// One message for unknown, foreign and expired ids alike, so a caller learns nothing from it.
const invalidJobId = (jobId: string) =>
  new AsyncJobError('INVALID_JOB_ID', `Invalid job id: ${jobId.length > MAX_JOB_ID_LENGTH ? `${jobId.slice(0, MAX_JOB_ID_LENGTH)}…` : jobId}`);
