import type { Knex } from 'knex';
import { isWorkerJob, type AsyncOperation, type ItemResult, type Job, type JobSource, type JobStatus, type JobSample, type Scenario, type WorkerJob } from '../jobs/job';
import type { Advance, JobCount, JobFilter, JobStore, NewJob, QueueAhead, ResultCall, StepContext } from '../jobs/job-store';
import { BatchStepFailedError, StepFailedError } from '../jobs/step-failures';
import type { ItemInput } from '../records/record';
import { arrayLiteral } from './hot-query';
import { commitOrVerify } from './committed-transaction';
import { lockAccountRecords, PgRecordStore } from './pg-record-store';
import { copyMatches } from './pg-search-copy';
import { ITEMS_AHEAD, RECENT_RATE, RUNNABLE, UNFINISHED } from './job-conditions';
import type { StatusAnswer } from './request-path-batch';
import type { Database } from './database';

/** The JobStore on Postgres (a server through pg, or PGlite). A poll's read is in request-path-batch.ts, trees in pg-tree-store.ts. */

export interface JobRow {
  id: string;
  source: JobSource;
  account: string;
  operation: AsyncOperation | null;
  record_type: string | null;
  status: JobStatus;
  total_items: number;
  processed_items: number;
  failed_items: number;
  rate_per_second: number;
  scenario: Scenario;
  submitted_at: Date;
  available_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  expires_at: Date;
  result_calls: number;
  failure_code: string | null;
  failure_message: string | null;
  rate_items: number;
  rate_seconds: number;
  rate_gap_seconds: number;
  last_sample_at: Date | null;
  sys_id: string;
  name: string | null;
  reference_id: string | null;
  additional_data: unknown;
  message: string | null;
  detail_message: string | null;
  result: unknown;
  client_id: string | null;
  callback_url: string | null;
  updated_at: Date;
}

interface ItemRow {
  position: number;
  is_success: boolean;
  code: string | null;
  message: string | null;
  record_type: string;
  internal_id: string | null;
  external_id: string | null;
  record: ItemResult['record'];
}

const ITEM_INSERT_CHUNK = 1000;

const toDate = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    source: row.source,
    account: row.account,
    operation: row.operation,
    recordType: row.record_type,
    status: row.status,
    totalItems: row.total_items,
    processedItems: row.processed_items,
    failedItems: row.failed_items,
    ratePerSecond: Number(row.rate_per_second),
    scenario: row.scenario,
    submittedAt: new Date(row.submitted_at),
    availableAt: new Date(row.available_at),
    startedAt: toDate(row.started_at),
    finishedAt: toDate(row.finished_at),
    expiresAt: new Date(row.expires_at),
    resultCalls: row.result_calls,
    failureCode: row.failure_code,
    failureMessage: row.failure_message,
    rate: { items: Number(row.rate_items), seconds: Number(row.rate_seconds), lastSampleAt: toDate(row.last_sample_at), gapSeconds: Number(row.rate_gap_seconds) },
    sysId: row.sys_id,
    name: row.name,
    referenceId: row.reference_id,
    additionalData: row.additional_data,
    message: row.message,
    detailMessage: row.detail_message,
    result: row.result,
    clientId: row.client_id,
    callbackUrl: row.callback_url ?? null,
    updatedAt: new Date(row.updated_at),
  };
}

function toItem(row: ItemRow): ItemResult {
  return {
    position: row.position,
    isSuccess: row.is_success,
    code: row.code,
    message: row.message,
    recordType: row.record_type,
    internalId: row.internal_id,
    externalId: row.external_id,
    record: row.record,
  };
}

export interface PgJobStoreOptions {
  /**
   * How long a step's transaction may sit idle before Postgres ends its session: the lease on the
   * job. A worker that hangs mid-step (frozen, cut off) loses the job's row lock after this, and
   * another worker takes the job over; a killed worker loses it at once, with its connection.
   */
  leaseSeconds: number;
  /** Hears of a job taken as inserted although the database never confirmed its COMMIT (commitOrVerify). */
  onUnverifiedCommit?: (jobId: string, error: unknown) => void;
}

export class PgJobStore implements JobStore {
  constructor(
    private readonly db: Database,
    private readonly options: PgJobStoreOptions = { leaseSeconds: 30 },
  ) {}

  /**
   * Inserts a pending job due at its available time, with its inputs; returns it as stored. A
   * COMMIT whose answer was lost is asked about before the insert is reported failed (commitOrVerify).
   */
  async insertJob(job: NewJob): Promise<Job> {
    return commitOrVerify(
      this.db.knex,
      async (trx) => {
        const [row] = await trx<JobRow>('jobs')
          .insert({
            id: job.id,
            source: job.source,
            account: job.account,
            operation: job.operation,
            record_type: job.recordType,
            status: 'pending',
            total_items: job.totalItems,
            rate_per_second: job.ratePerSecond,
            scenario: JSON.stringify(job.scenario),
            submitted_at: job.submittedAt,
            available_at: job.availableAt,
            expires_at: job.expiresAt,
            next_run_at: job.availableAt,
            updated_at: job.submittedAt,
            callback_url: job.callbackUrl ?? null,
            ...(job.sysId ? { sys_id: job.sysId } : {}),
          } as never)
          .returning('*');
        const inputs = (job.inputs ?? []).map((payload, index) => ({ job_id: job.id, position: index + 1, payload: JSON.stringify(payload) }));
        for (let i = 0; i < inputs.length; i += ITEM_INSERT_CHUNK) await trx('job_inputs').insert(inputs.slice(i, i + ITEM_INSERT_CHUNK));
        return toJob(row as JobRow);
      },
      async () => (await this.db.knex('jobs').where({ id: job.id }).first('id')) !== undefined,
      (error) => this.options.onUnverifiedCommit?.(job.id, error),
    );
  }

  /** Zero rows when the id is unknown, owned by another account, or expired. */
  async findJob(account: string, id: string, now: Date): Promise<Job | undefined> {
    const row = await this.db.knex<JobRow>('jobs').where({ id, account }).andWhere('expires_at', '>', now).first();
    return row ? toJob(row) : undefined;
  }

  /** Polls made while the database is busy share one statement, with their nonces (src/db/request-path-batch.ts). */
  findJobProgress(account: string, id: string, now: Date, notPolledSince: Date | null): Promise<StatusAnswer> {
    return this.db.requestPath.jobStatus({ account, id, now, notPolledSince });
  }

  async findJobById(id: string): Promise<Job | undefined> {
    const row = await this.db.knex<JobRow>('jobs').where({ id }).first();
    return row ? toJob(row) : undefined;
  }

  /** Newest first. */
  async listJobs(filter: JobFilter): Promise<Job[]> {
    const query = this.db.knex<JobRow>('jobs').orderBy('seq', 'desc').limit(filter.limit);
    if (filter.account) query.where({ account: filter.account });
    if (filter.status) query.where({ status: filter.status });
    return (await query).map(toJob);
  }

  /** One atomic increment guarded by the limit; a second look tells an exhausted job from a missing one. */
  async countResultCall(account: string, id: string, now: Date, maxCalls: number): Promise<ResultCall> {
    const [row] = await this.db
      .knex<JobRow>('jobs')
      .where({ id, account })
      .andWhere('expires_at', '>', now)
      .andWhere('result_calls', '<', maxCalls)
      .increment('result_calls', 1)
      .returning('*');
    if (row) return { kind: 'counted', job: toJob(row as JobRow) };
    const exists = await this.db.knex('jobs').where({ id, account }).andWhere('expires_at', '>', now).first('id');
    return exists ? { kind: 'exhausted' } : { kind: 'missing' };
  }

  /** Rows in position order; fewer than `count` at the end of the job. */
  async readItems(jobId: string, from: number, count: number): Promise<ItemResult[]> {
    const rows = await this.db
      .knex<ItemRow>('job_items')
      .where('job_id', jobId)
      .andWhere('position', '>=', from)
      .andWhere('position', '<', from + count)
      .orderBy('position');
    return rows.map(toItem);
  }

  /** The first `limit` failed item outcomes, in order (a scan of the job's items; for admin views). */
  async readFailedItems(jobId: string, limit: number): Promise<ItemResult[]> {
    const rows = await this.db.knex<ItemRow>('job_items').where('job_id', jobId).andWhere('is_success', false).orderBy('position').limit(limit);
    return rows.map(toItem);
  }

  /** The newest `limit` samples, returned oldest first. */
  async readSamples(jobId: string, limit: number): Promise<JobSample[]> {
    const rows = await this.db
      .knex('job_progress')
      .where('job_id', jobId)
      .orderBy([
        { column: 'sampled_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit)
      .select('sampled_at', 'processed');
    return rows.reverse().map((row) => ({ at: new Date(row.sampled_at), processed: row.processed }));
  }

  /** One row per account and status that has jobs. */
  async countJobs(): Promise<JobCount[]> {
    const rows: Array<{ account: string; status: JobStatus; jobs: string | number }> = await this.db
      .knex('jobs')
      .groupBy('account', 'status')
      .orderBy(['account', 'status'])
      .select('account', 'status')
      .count({ jobs: '*' });
    return rows.map((row) => ({ account: row.account, status: row.status, jobs: Number(row.jobs) }));
  }

  /** Items left in the account's unfinished jobs queued before this one, and the rate of its latest started job: one statement. */
  async queueAhead(job: Job): Promise<QueueAhead> {
    const result = await this.db.knex.raw(`select ${ITEMS_AHEAD('j')} as items, ${RECENT_RATE('j')} as rate from jobs j where j.id = ?`, [job.id]);
    const row = result.rows[0] as { items: string | number; rate: number | null } | undefined;
    return { itemsAhead: Number(row?.items ?? 0), recentRate: row?.rate === null || row?.rate === undefined ? null : Number(row.rate) };
  }

  /**
   * Locks up to `limit` jobs that are due at `now` and may run, first in line first: not expired,
   * and no earlier-queued live job of their account unfinished. With `besides`, only scripted jobs
   * other than that one. Claiming also sets the lease on the step's transaction (set_config, local).
   */
  private async claimDue(trx: Knex.Transaction, now: Date, limit: number, besides: string | null): Promise<Job[]> {
    const claimed = await trx.raw(
      `select j.*, set_config('idle_in_transaction_session_timeout', ?, true) as lease from jobs j
        where j.${UNFINISHED} and j.${RUNNABLE} and j.next_run_at <= ? and j.expires_at > ?
          and (?::text is null or (j.source = 'scripted' and j.id <> ?))
          and not exists (
            select 1 from jobs o
             where o.account = j.account and o.${UNFINISHED} and o.${RUNNABLE} and o.available_at <= ? and o.expires_at > ?
               and (o.available_at, o.seq) < (j.available_at, j.seq))
        order by j.next_run_at, j.seq
        limit ?
        for update of j skip locked`,
      [`${this.options.leaseSeconds}s`, now, now, besides, besides, now, now, limit],
    );
    return (claimed.rows as JobRow[]).map(toJob);
  }

  async advanceDueJobs(now: Date, step: (job: WorkerJob, context: StepContext) => Promise<Advance>, maxJobs: number): Promise<number> {
    return this.db.knex.transaction(async (trx) => {
      const [first] = await this.claimDue(trx, now, 1, null);
      if (!first) return 0;
      // A request job's step reads and writes records, and may fail on its own: it runs alone.
      // Scripted jobs' steps only compute, so other due ones join the first in its transaction;
      // only those are locked, so nothing another worker could take is held meanwhile.
      const batch = first.source === 'scripted' && maxJobs > 1 ? [first, ...(await this.claimDue(trx, now, maxJobs - 1, first.id))] : [first];
      // A request job writes its account's records: as the synchronous record calls do, after their lock.
      if (first.source === 'request') await lockAccountRecords(trx, first.account);
      const steps: JobStep[] = [];
      try {
        for (const job of batch) {
          if (!isWorkerJob(job)) throw new Error(`job ${job.id} has no operation for the worker to run`);
          steps.push({ job, advance: await step(job, stepContext(trx, job)) });
        }
        await insertItems(trx, steps);
        await saveAdvances(trx, steps, now);
      } catch (error) {
        // Anything that fails after the claim counts against the job, so one bad job cannot hold up
        // the others by failing outside the step's own code; in a batch, the worker finds which.
        if (batch.length > 1) throw new BatchStepFailedError(batch.length, error);
        throw new StepFailedError(batch[0].id, batch[0].processedItems, error);
      }
      return steps.length;
    });
  }

  /**
   * One guarded update: ends the job once the failures reach the limit, else reschedules it. A job
   * that moved on since the failed claim (another worker took over after a lost lease) is left be.
   */
  async recordStepFailure(jobId: string, processedItems: number, now: Date, retryAt: Date, maxFailures: number, reason: string): Promise<boolean> {
    const result = await this.db.knex.raw(
      `update jobs set
         step_failures = step_failures + 1,
         status = case when step_failures + 1 >= ? then 'failed' else status end,
         finished_at = case when step_failures + 1 >= ? then ? else finished_at end,
         updated_at = case when step_failures + 1 >= ? then ? else updated_at end,
         failure_code = case when step_failures + 1 >= ? then 'UNEXPECTED_ERROR' else failure_code end,
         failure_message = case when step_failures + 1 >= ? then ? else failure_message end,
         next_run_at = ?
       where id = ? and processed_items = ? and ${UNFINISHED} and ${RUNNABLE}
       returning status`,
      [maxFailures, maxFailures, now, maxFailures, now, maxFailures, maxFailures, reason, retryAt, jobId, processedItems],
    );
    return result.rows[0]?.status === 'failed';
  }

  /** Earliest next_run_at of unfinished jobs; null when there are none. */
  async nextDueAt(): Promise<Date | null> {
    const row = await this.db.knex('jobs').whereRaw(UNFINISHED).whereRaw(RUNNABLE).min({ due: 'next_run_at' }).first();
    return row?.due ? new Date(row.due) : null;
  }

  async nextStartAt(after: Date): Promise<Date | null> {
    const row = await this.db
      .knex('jobs')
      .where({ status: 'pending' })
      .whereRaw(RUNNABLE)
      .andWhere('available_at', '>', after)
      .andWhere('expires_at', '>', after)
      .min({ start: 'available_at' })
      .first();
    return row?.start ? new Date(row.start) : null;
  }
}

interface JobStep {
  job: WorkerJob;
  advance: Advance;
}

function stepContext(trx: Knex.Transaction, job: WorkerJob): StepContext {
  return {
    records: new PgRecordStore(trx),
    inputs: async (first, last) => {
      const rows = await trx('job_inputs').where('job_id', job.id).whereBetween('position', [first, last]).orderBy('position').select('payload');
      return rows.map((row) => row.payload as ItemInput);
    },
    saveSearchResults: (search) => copyMatches(trx, job.account, search, { table: 'job_items', jobId: job.id }),
  };
}

/**
 * The steps' results in one statement of column arrays (a few parameters, not nine per row, for
 * Postgres to parse). Items that need an internalId take the next ones of their account, in
 * position order, from the same per-account counter SOAP adds use, so scripted and real records
 * never share an id.
 */
async function insertItems(trx: Knex.Transaction, steps: JobStep[]): Promise<void> {
  const rows = steps.flatMap(({ job, advance }) => advance.items.map((item) => ({ job, item })));
  if (rows.length === 0) return;
  const column = (pick: (row: (typeof rows)[number]) => unknown) => arrayLiteral(rows.map(pick));
  await trx.raw(
    `with items as (
       select * from unnest(?::text[], ?::text[], ?::int[], ?::boolean[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::jsonb[], ?::boolean[])
         as i(job_id, account, position, is_success, code, message, record_type, internal_id, external_id, record, new_id)),
     wanted as (select account, count(*)::int as n from items where new_id group by account),
     counter as (
       insert into account_counters (account, next_internal_id) select account, 1001 + n from wanted
       on conflict (account) do update set next_internal_id = account_counters.next_internal_id + excluded.next_internal_id - 1001
       returning account, next_internal_id)
     insert into job_items (job_id, position, is_success, code, message, record_type, internal_id, external_id, record)
     select i.job_id, i.position, i.is_success, i.code, i.message, i.record_type,
            case when i.new_id
              then (c.next_internal_id - w.n + count(*) filter (where i.new_id) over (partition by i.account order by i.job_id, i.position) - 1)::text
              else i.internal_id end,
            i.external_id, i.record
       from items i left join counter c on c.account = i.account left join wanted w on w.account = i.account`,
    [
      column(({ job }) => job.id),
      column(({ job }) => job.account),
      column(({ item }) => item.position),
      column(({ item }) => item.isSuccess),
      column(({ item }) => item.code),
      column(({ item }) => item.message),
      column(({ item }) => item.recordType),
      column(({ item }) => item.internalId),
      column(({ item }) => item.externalId),
      column(({ item }) => (item.record === null ? null : JSON.stringify(item.record))),
      column(({ item }) => item.newInternalId),
    ],
  );
}

/**
 * Each job's guarded update (it must still stand where its step began) and its progress sample,
 * for every step in one statement; a job that moved meanwhile fails the whole transaction.
 */
async function saveAdvances(trx: Knex.Transaction, steps: JobStep[], now: Date): Promise<void> {
  const column = (pick: (step: JobStep) => unknown) => arrayLiteral(steps.map(pick));
  const result = await trx.raw(
    `with changes as (
       select * from unnest(?::text[], ?::text[], ?::int[], ?::text[], ?::int[], ?::timestamptz[], ?::timestamptz[], ?::int[], ?::int[], ?::text[], ?::text[],
                            ?::float8[], ?::float8[], ?::float8[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[], ?::int[])
         as c(id, was_status, was_processed, status, total_items, started_at, finished_at, processed_items, failed_items, failure_code, failure_message,
              rate_items, rate_seconds, rate_gap_seconds, last_sample_at, next_run_at, sampled_at, sampled)),
     updated as (
       update jobs j set status = c.status, total_items = c.total_items, started_at = c.started_at, finished_at = c.finished_at,
              processed_items = c.processed_items, failed_items = c.failed_items, failure_code = c.failure_code, failure_message = c.failure_message,
              rate_items = c.rate_items, rate_seconds = c.rate_seconds, rate_gap_seconds = c.rate_gap_seconds, last_sample_at = c.last_sample_at,
              next_run_at = c.next_run_at, step_failures = 0, updated_at = ?
         from changes c
        where j.id = c.id and j.status = c.was_status and j.processed_items = c.was_processed
        returning j.id),
     sampled as (
       insert into job_progress (job_id, sampled_at, processed)
       select c.id, c.sampled_at, c.sampled from changes c join updated u on u.id = c.id where c.sampled_at is not null)
     select count(*)::int as updated from updated`,
    [
      column(({ job }) => job.id),
      column(({ job }) => job.status),
      column(({ job }) => job.processedItems),
      column(({ advance }) => advance.status),
      column(({ advance }) => advance.totalItems),
      column(({ advance }) => advance.startedAt),
      column(({ advance }) => advance.finishedAt),
      column(({ advance }) => advance.processedItems),
      column(({ advance }) => advance.failedItems),
      column(({ advance }) => advance.failureCode),
      column(({ advance }) => advance.failureMessage),
      column(({ advance }) => advance.rate.items),
      column(({ advance }) => advance.rate.seconds),
      column(({ advance }) => advance.rate.gapSeconds),
      column(({ advance }) => advance.rate.lastSampleAt),
      column(({ advance }) => advance.nextRunAt),
      column(({ advance }) => advance.sample?.at ?? null),
      column(({ advance }) => advance.sample?.processed ?? null),
      now,
    ],
  );
  const updated = result.rows[0].updated as number;
  if (updated !== steps.length) throw new Error(`${steps.length - updated} of ${steps.length} jobs changed while they were being advanced`);
}
