import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { StepRow, StepState } from '../jobs/step';

/** The job tree's steps in Postgres: the only SQL for job_steps. */

/** A step to add, with its children. */
export interface NewStep {
  name: string;
  order?: number;
  state?: StepState;
  totalItems?: number;
  children?: NewStep[];
}

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

/** A ServiceNow sys_id: 32 lower-case hex characters. */
export const newSysId = (): string => randomBytes(16).toString('hex');

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

export class PgStepStore {
  constructor(private readonly db: Knex) {}

  /**
   * Adds the steps (and their children, depth first) under `parentSysId` (null: the job's top
   * level), in one transaction; returns their rows in the order given.
   */
  async addSteps(jobId: string, parentSysId: string | null, steps: NewStep[], now: Date): Promise<StepRow[]> {
    return this.db.transaction(async (trx) => {
      const [{ last }] = await trx('job_steps').where({ job_id: jobId }).max({ last: 'position' });
      let position = Number(last ?? 0);
      const rows: StepRecord[] = [];
      const visit = (parent: string | null, level: NewStep[]) => {
        for (const step of level) {
          const sysId = newSysId();
          rows.push({
            sys_id: sysId,
            job_id: jobId,
            parent_sys_id: parent,
            step_order: step.order ?? 0,
            position: ++position,
            name: step.name,
            state: step.state ?? 'pending',
            percent_complete: 0,
            message: '',
            detail_message: '',
            result: null,
            total_items: step.totalItems ?? 0,
            processed_items: 0,
            failed_items: 0,
            started_at: null,
            completed_at: null,
            updated_at: now,
          });
          visit(sysId, step.children ?? []);
        }
      };
      visit(parentSysId, steps);
      if (rows.length > 0) await trx('job_steps').insert(rows);
      return rows.map(toStep);
    });
  }

  /** Every step of the job, in the order they were added; none when the job has none. */
  async readSteps(jobId: string): Promise<StepRow[]> {
    return (await this.db<StepRecord>('job_steps').where({ job_id: jobId }).orderBy('position')).map(toStep);
  }
}
