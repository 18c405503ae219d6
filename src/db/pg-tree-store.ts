import type { Knex } from 'knex';
import { EXTERNAL_JOB_UNITS, type Job } from '../jobs/job';
import type { JobTree, NewStepItem, TreeWrite } from '../jobs/job-tree';
import type { StepItem, StepRow, StepState } from '../jobs/step';
import type { CreateOutcome, FoundNode, NewExternalJob, TreeStore } from '../jobs/tree-store';
import { toJob, type JobRow } from './pg-job-store';

/** The job tree in Postgres: the only SQL for job_steps and job_step_items. */

interface StepRecord {
  sys_id: string;
  job_id: string;
  parent_sys_id: string | null;
  step_order: number;
  position: number;
  name: string;
  state: StepState;
  percent_complete: string | number;
  message: string;
  detail_message: string;
  result: unknown;
  total_items: number;
  processed_items: number;
  failed_items: number;
  started_at: Date | null;
  completed_at: Date | null;
  updated_at: Date;
}

const CHUNK = 1000;
/** A nominal pace for an external job's first estimate: the whole job in a minute. */
const EXTERNAL_UNITS_PER_SECOND = EXTERNAL_JOB_UNITS / 60;

/** jsonb parameters go as JSON text: pg would turn a bare array into a Postgres array. */
const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));

const toStep = (row: StepRecord): StepRow => ({
  sysId: row.sys_id,
  jobId: row.job_id,
  parentSysId: row.parent_sys_id,
  order: row.step_order,
  position: row.position,
  name: row.name,
  state: row.state,
  percentComplete: Number(row.percent_complete),
  message: row.message,
  detailMessage: row.detail_message,
  result: row.result,
  totalItems: row.total_items,
  processedItems: row.processed_items,
  failedItems: row.failed_items,
  startedAt: row.started_at && new Date(row.started_at),
  completedAt: row.completed_at && new Date(row.completed_at),
  updatedAt: new Date(row.updated_at),
});

const toRecord = (step: StepRow): StepRecord => ({
  sys_id: step.sysId,
  job_id: step.jobId,
  parent_sys_id: step.parentSysId,
  step_order: step.order,
  position: step.position,
  name: step.name,
  state: step.state,
  percent_complete: Math.round(step.percentComplete * 100) / 100,
  message: step.message,
  detail_message: step.detailMessage,
  result: json(step.result),
  total_items: step.totalItems,
  processed_items: step.processedItems,
  failed_items: step.failedItems,
  started_at: step.startedAt,
  completed_at: step.completedAt,
  updated_at: step.updatedAt,
});

export class PgTreeStore implements TreeStore {
  constructor(private readonly db: Knex) {}

  async createExternalJob(job: NewExternalJob): Promise<CreateOutcome> {
    return this.db.transaction(async (trx) => {
      const inserted = await trx.raw(
        `insert into jobs (id, sys_id, source, account, operation, record_type, status, total_items, rate_per_second, scenario,
                           submitted_at, available_at, expires_at, next_run_at, updated_at,
                           name, reference_id, additional_data, message, client_id, client_request_hash, callback_url)
         values (?, ?, 'external', ?, null, null, 'pending', ?, ?, '{}', ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?)
         on conflict (account, client_id) where client_id is not null do nothing
         returning *`,
        [
          job.id,
          job.sysId,
          job.account,
          EXTERNAL_JOB_UNITS,
          EXTERNAL_UNITS_PER_SECOND,
          job.submittedAt,
          job.submittedAt,
          job.expiresAt,
          job.submittedAt,
          job.submittedAt,
          job.name,
          job.referenceId,
          json(job.additionalData),
          job.message,
          job.clientId,
          job.clientRequestHash,
          job.callbackUrl,
        ],
      );
      if (inserted.rows.length === 0) {
        const row = await trx<JobRow & { client_request_hash: string | null }>('jobs').where({ account: job.account, client_id: job.clientId }).first();
        if (!row) throw new Error(`job with client id ${job.clientId} neither inserted nor found`);
        if (row.client_request_hash !== job.clientRequestHash) return { kind: 'clash', job: toJob(row) };
        return { kind: 'existing', tree: { job: toJob(row), steps: await this.steps(trx, row.id) } };
      }
      for (let i = 0; i < job.steps.length; i += CHUNK) await trx('job_steps').insert(job.steps.slice(i, i + CHUNK).map(toRecord));
      return { kind: 'created', tree: { job: toJob(inserted.rows[0] as JobRow), steps: job.steps } };
    });
  }

  async readTree(account: string, jobId: string, now: Date): Promise<JobTree | undefined> {
    const row = await this.db<JobRow>('jobs').where({ id: jobId, account }).andWhere('expires_at', '>', now).first();
    return row ? { job: toJob(row), steps: await this.steps(this.db, row.id) } : undefined;
  }

  async changeTree(account: string, jobId: string, now: Date, plan: (tree: JobTree) => TreeWrite): Promise<JobTree | undefined> {
    return this.db.transaction(async (trx) => {
      const locked = await trx.raw('select * from jobs where id = ? and account = ? and expires_at > ? for update', [jobId, account, now]);
      if (locked.rows.length === 0) return undefined;
      const before: JobTree = { job: toJob(locked.rows[0] as JobRow), steps: await this.steps(trx, jobId) };
      const write = plan(before);
      await trx('jobs').where({ id: jobId }).update(jobColumns(write.job));
      for (const step of write.changed) {
        const { sys_id: sysId, ...values } = toRecord(step);
        await trx('job_steps').where({ sys_id: sysId }).update(values);
      }
      for (let i = 0; i < write.added.length; i += CHUNK) await trx('job_steps').insert(write.added.slice(i, i + CHUNK).map(toRecord));
      const items = write.items.map(itemRecord);
      for (let i = 0; i < items.length; i += CHUNK) await trx('job_step_items').insert(items.slice(i, i + CHUNK));
      if (write.sample) await trx('job_progress').insert({ job_id: jobId, sampled_at: write.sample.at, processed: write.sample.processed });
      const updated = new Map(before.steps.map((step) => [step.sysId, step]));
      for (const step of [...write.changed, ...write.added]) updated.set(step.sysId, step);
      return { job: write.job, steps: [...updated.values()] };
    });
  }

  async findNode(id: string, now: Date): Promise<FoundNode | undefined> {
    const job = await this.db<JobRow>('jobs')
      .where((q) => q.where({ id }).orWhere({ sys_id: id }))
      .andWhere('expires_at', '>', now)
      .first();
    if (job) return { tree: { job: toJob(job), steps: await this.steps(this.db, job.id) }, sysId: job.sys_id };
    const step = await this.db('job_steps as s').join('jobs as j', 'j.id', 's.job_id').where('s.sys_id', id).andWhere('j.expires_at', '>', now).first('j.*');
    if (!step) return undefined;
    return { tree: { job: toJob(step as JobRow), steps: await this.steps(this.db, (step as JobRow).id) }, sysId: id };
  }

  async findProcesses(account: string, idOrReference: string, now: Date, limit: number): Promise<JobTree[]> {
    const live = () => this.db<JobRow>('jobs').where({ account }).andWhere('expires_at', '>', now);
    const byId = await live().andWhere({ id: idOrReference }).first();
    const rows = byId ? [byId] : await live().andWhere({ reference_id: idOrReference }).orderBy('seq').limit(limit);
    if (rows.length === 0) return [];
    const steps = (
      await this.db<StepRecord>('job_steps')
        .whereIn(
          'job_id',
          rows.map((row) => row.id),
        )
        .orderBy('position')
    ).map(toStep);
    return rows.map((row) => ({ job: toJob(row), steps: steps.filter((step) => step.jobId === row.id) }));
  }

  async readStepItems(stepSysIds: string[]): Promise<Map<string, StepItem[]>> {
    const found = new Map<string, StepItem[]>(stepSysIds.map((sysId) => [sysId, []]));
    if (stepSysIds.length === 0) return found;
    const rows = await this.db('job_step_items').whereIn('step_sys_id', stepSysIds).orderBy('id');
    for (const row of rows) {
      found.get(row.step_sys_id)?.push({ item: row.item, isSuccess: row.is_success, code: row.code, message: row.message });
    }
    return found;
  }

  /** One statement: a window numbers each step's failures, so no step's successes are read at all. */
  async readStepFailures(stepSysIds: string[], limit: number): Promise<Map<string, StepItem[]>> {
    const found = new Map<string, StepItem[]>(stepSysIds.map((sysId) => [sysId, []]));
    if (stepSysIds.length === 0) return found;
    const result = await this.db.raw(
      `select step_sys_id, item, is_success, code, message from (
         select i.*, row_number() over (partition by step_sys_id order by id) as n
           from job_step_items i where step_sys_id = any(?::text[]) and not is_success) failed
        where n <= ? order by step_sys_id, id`,
      [stepSysIds, limit],
    );
    for (const row of result.rows) {
      found.get(row.step_sys_id)?.push({ item: row.item, isSuccess: row.is_success, code: row.code, message: row.message });
    }
    return found;
  }

  private async steps(db: Knex, jobId: string): Promise<StepRow[]> {
    return (await db<StepRecord>('job_steps').where({ job_id: jobId }).orderBy('position')).map(toStep);
  }
}

function jobColumns(job: Job) {
  return {
    status: job.status,
    started_at: job.startedAt,
    finished_at: job.finishedAt,
    processed_items: job.processedItems,
    failure_code: job.failureCode,
    failure_message: job.failureMessage,
    rate_items: job.rate.items,
    rate_seconds: job.rate.seconds,
    rate_gap_seconds: job.rate.gapSeconds,
    last_sample_at: job.rate.lastSampleAt,
    name: job.name,
    reference_id: job.referenceId,
    additional_data: json(job.additionalData),
    message: job.message,
    detail_message: job.detailMessage,
    result: json(job.result),
    updated_at: job.updatedAt,
  };
}

const itemRecord = (item: NewStepItem) => ({
  step_sys_id: item.stepSysId,
  // A JSON null item is kept as JSON null, not as a missing value.
  item: JSON.stringify(item.item ?? null),
  is_success: item.isSuccess,
  code: json(item.code),
  message: item.message,
});
