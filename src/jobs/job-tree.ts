import { randomBytes } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors';
import { EXTERNAL_JOB_UNITS, isTerminal, type Job, type JobSample } from './job';
import { foldSample } from './eta';
import { buildStepTree, isEnded, MAX_STEPS_PER_JOB, nodePercent, type NewStep, type StepItem, type StepRow, type StepState } from './step';

/**
 * What the progress API does to a job's tree, as pure functions of the job and its steps as they
 * stand (read under a lock on the job's row): each change yields the rows to write, so the store
 * applies it in one transaction and two reporters never lose each other's updates.
 */

/** A ServiceNow sys_id: 32 lower-case hex characters. */
export const newSysId = (): string => randomBytes(16).toString('hex');

export interface JobTree {
  job: Job;
  /** Every step of the job, in the order they were added. */
  steps: StepRow[];
}

export interface ItemFailureGroup {
  items: unknown[];
  code: string | number | null;
  message: string | null;
}

/** Fields a reporter sets (or, for the increments, adds to); absent ones stay as they are. */
export interface NodeUpdate {
  percentComplete?: number;
  incrementPercentComplete?: number;
  totalItems?: number;
  processedItems?: number;
  incrementProcessedItems?: number;
  message?: string;
  detailMessage?: string;
  result?: unknown;
  /** The job only. */
  name?: string;
  referenceId?: string | null;
  additionalData?: unknown;
}

export type EndState = 'successful' | 'failed' | 'cancelled';

export type TreeChange =
  | { kind: 'update'; update: NodeUpdate }
  | { kind: 'items'; successes: unknown[]; failures: ItemFailureGroup[] }
  | { kind: 'end'; state: EndState; message?: string; detailMessage?: string; result?: unknown }
  | { kind: 'children'; steps: NewStep[] };

export interface NewStepItem extends StepItem {
  stepSysId: string;
}

/** The rows a change writes. */
export interface TreeWrite {
  job: Job;
  /** Existing steps whose values changed, as they are now. */
  changed: StepRow[];
  added: StepRow[];
  items: NewStepItem[];
  sample: JobSample | null;
}

/** A node as the change sees it: the job's own figures or one step's. */
type NodeValues = Pick<
  StepRow,
  'state' | 'percentComplete' | 'message' | 'detailMessage' | 'result' | 'totalItems' | 'processedItems' | 'failedItems' | 'startedAt' | 'completedAt'
>;

const JOB_STATE: Record<Job['status'], StepState> = {
  pending: 'pending',
  processing: 'running',
  finished: 'successful',
  finishedWithErrors: 'successful',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** A job's status in the tracker vocabulary. */
export const jobState = (job: Job): StepState => JOB_STATE[job.status];

/**
 * Applies one change to `target` (a step's sys_id, or null for the job itself) at `now`. Refuses
 * a change to a job or step that has ended (409), an unknown step (404) and values out of range
 * (400, naming the field).
 */
export function planChange(tree: JobTree, target: string | null, change: TreeChange, now: Date, nextSysId: () => string = newSysId): TreeWrite {
  const { job } = tree;
  if (job.source !== 'external') {
    throw new ConflictError('jobId', `Job ${job.id} is a ${job.operation} job that this service runs itself; only jobs created through the progress API take reports.`);
  }
  if (isTerminal(job.status)) throw new ConflictError('state', `Job ${job.id} has already ended (${job.status}); it takes no more progress.`);
  const steps = new Map(tree.steps.map((step) => [step.sysId, { ...step }]));
  const step = target === null ? undefined : steps.get(target);
  if (target !== null && !step) throw new NotFoundError(`Job ${job.id} has no step ${target}.`);
  if (step && isEnded(step.state)) throw new ConflictError('state', `Step ${step.sysId} (${step.name}) has already ended (${step.state}); it takes no more progress.`);

  const changed = new Set<string>();
  const added: StepRow[] = [];
  const items: NewStepItem[] = [];
  const next: Job = { ...job, updatedAt: now };
  // Reporting progress starts what it reports on; adding steps only shapes the tree.
  if (change.kind !== 'children') {
    if (next.status === 'pending') Object.assign(next, { status: 'processing', startedAt: now });
    if (step) {
      if (step.state === 'pending') Object.assign(step, { state: 'running', startedAt: step.startedAt ?? now });
      step.updatedAt = now;
      changed.add(step.sysId);
    }
  }

  switch (change.kind) {
    case 'update': {
      const { name, referenceId, additionalData, ...values } = change.update;
      if (step) {
        if (name !== undefined || referenceId !== undefined || additionalData !== undefined) {
          throw new ValidationError(
            name !== undefined ? 'name' : referenceId !== undefined ? 'referenceId' : 'additionalData',
            'name, referenceId and additionalData belong to the job, not to a step.',
          );
        }
        Object.assign(step, updateNode(step, values));
      } else {
        for (const field of ['totalItems', 'processedItems', 'incrementProcessedItems'] as const) {
          if (values[field] !== undefined) throw new ValidationError(field, 'Item counts belong to steps: add a step and count its items there.');
        }
        const updated = updateNode(jobValues(next), values);
        if (values.percentComplete !== undefined || values.incrementPercentComplete !== undefined) {
          next.processedItems = Math.round(updated.percentComplete * (EXTERNAL_JOB_UNITS / 100));
        }
        Object.assign(next, { message: updated.message, detailMessage: updated.detailMessage, result: updated.result });
        if (name !== undefined) next.name = name;
        if (referenceId !== undefined) next.referenceId = referenceId;
        if (additionalData !== undefined) next.additionalData = additionalData;
      }
      break;
    }
    case 'items': {
      if (!step) throw new ValidationError('step', 'Item outcomes belong to steps: post them to /progress/jobs/<id>/steps/<sys_id>/items.');
      const failedCount = change.failures.reduce((sum, group) => sum + group.items.length, 0);
      const processed = step.processedItems + change.successes.length + failedCount;
      checkProcessed(step.totalItems, processed, 'items');
      for (const item of change.successes) items.push({ stepSysId: step.sysId, item, isSuccess: true, code: null, message: null });
      for (const group of change.failures) {
        for (const item of group.items) items.push({ stepSysId: step.sysId, item, isSuccess: false, code: group.code, message: group.message });
      }
      Object.assign(step, { processedItems: processed, failedItems: step.failedItems + failedCount });
      if (step.totalItems > 0) step.percentComplete = percentOfItems(step.processedItems, step.totalItems);
      break;
    }
    case 'end': {
      const ended = { state: change.state, completedAt: now } as Partial<NodeValues>;
      if (change.message !== undefined) ended.message = change.message;
      if (change.detailMessage !== undefined) ended.detailMessage = change.detailMessage;
      if (change.result !== undefined) ended.result = change.result;
      if (step) {
        Object.assign(step, ended, change.state === 'successful' ? { percentComplete: 100 } : {});
      } else {
        endJob(next, [...steps.values()], change, now);
        if (change.state === 'cancelled') {
          // Whatever was still to run will not run now.
          for (const open of steps.values()) {
            if (!isEnded(open.state)) {
              Object.assign(open, { state: 'cancelled', completedAt: now, updatedAt: now });
              changed.add(open.sysId);
            }
          }
        }
      }
      break;
    }
    case 'children': {
      const last = tree.steps.reduce((max, row) => Math.max(max, row.position), 0);
      const rows = newStepRows(job.id, target, change.steps, last, now, nextSysId);
      checkStepsPerJob(job.id, tree.steps.length, rows.length);
      for (const row of rows) {
        added.push(row);
        steps.set(row.sysId, row);
      }
      break;
    }
  }

  if (next.status === 'processing') {
    const units = treeUnits([...steps.values()]);
    if (units !== null) next.processedItems = Math.max(next.processedItems, units);
  }
  let sample: JobSample | null = null;
  if (next.processedItems !== job.processedItems || (job.status === 'pending' && next.status !== 'pending')) {
    sample = { at: now, processed: next.processedItems };
    next.rate = foldSample(job.rate, next.startedAt ?? now, now, Math.max(0, next.processedItems - job.processedItems));
  }
  return { job: next, changed: [...changed].map((sysId) => steps.get(sysId) as StepRow), added, items, sample };
}

/** Refuses steps that would take a job past MAX_STEPS_PER_JOB (409, naming the cap). */
export function checkStepsPerJob(jobId: string, holding: number, adding: number): void {
  if (holding + adding <= MAX_STEPS_PER_JOB) return;
  throw new ConflictError('steps', `A job holds at most ${MAX_STEPS_PER_JOB} steps: job ${jobId} holds ${holding}, and these ${adding} would make ${holding + adding}.`);
}

/** New steps as rows, depth first, under `parent` (null: the job's top level), numbered after `lastPosition`. */
export function newStepRows(jobId: string, parent: string | null, specs: NewStep[], lastPosition: number, now: Date, nextSysId: () => string = newSysId): StepRow[] {
  const rows: StepRow[] = [];
  let position = lastPosition;
  const visit = (parentSysId: string | null, level: NewStep[]) => {
    for (const spec of level) {
      const row: StepRow = {
        sysId: nextSysId(),
        jobId,
        parentSysId,
        order: spec.order ?? 0,
        position: ++position,
        name: spec.name,
        state: 'pending',
        percentComplete: 0,
        message: '',
        detailMessage: '',
        result: null,
        totalItems: spec.totalItems ?? 0,
        processedItems: 0,
        failedItems: 0,
        startedAt: null,
        completedAt: null,
        updatedAt: now,
      };
      rows.push(row);
      visit(row.sysId, spec.children ?? []);
    }
  };
  visit(parent, specs);
  return rows;
}

/** The job's progress in units from its tree, or null when it has no steps. */
function treeUnits(steps: StepRow[]): number | null {
  const roots = buildStepTree(steps);
  if (roots.length === 0) return null;
  const mean = roots.reduce((sum, node) => sum + nodePercent(node), 0) / roots.length;
  return Math.round(Math.min(100, mean) * (EXTERNAL_JOB_UNITS / 100));
}

function jobValues(job: Job): NodeValues {
  return {
    state: jobState(job),
    percentComplete: (job.processedItems / EXTERNAL_JOB_UNITS) * 100,
    message: job.message ?? '',
    detailMessage: job.detailMessage ?? '',
    result: job.result,
    totalItems: 0,
    processedItems: 0,
    failedItems: 0,
    startedAt: job.startedAt,
    completedAt: job.finishedAt,
  };
}

function updateNode(node: NodeValues, update: Omit<NodeUpdate, 'name' | 'referenceId' | 'additionalData'>): NodeValues {
  const out = { ...node };
  if (update.totalItems !== undefined) out.totalItems = update.totalItems;
  if (update.processedItems !== undefined) out.processedItems = update.processedItems;
  if (update.incrementProcessedItems !== undefined) out.processedItems += update.incrementProcessedItems;
  if (update.totalItems !== undefined || update.processedItems !== undefined || update.incrementProcessedItems !== undefined) {
    if (out.processedItems < out.failedItems) {
      throw new ValidationError('processedItems', `A step cannot have processed fewer items (${out.processedItems}) than have failed (${out.failedItems}).`);
    }
    checkProcessed(out.totalItems, out.processedItems, update.totalItems !== undefined ? 'totalItems' : 'processedItems');
    if (out.totalItems > 0) out.percentComplete = percentOfItems(out.processedItems, out.totalItems);
  }
  if (update.percentComplete !== undefined) out.percentComplete = update.percentComplete;
  if (update.incrementPercentComplete !== undefined) out.percentComplete = clampPercent(out.percentComplete + update.incrementPercentComplete);
  if (update.message !== undefined) out.message = update.message;
  if (update.detailMessage !== undefined) out.detailMessage = update.detailMessage;
  if (update.result !== undefined) out.result = update.result;
  return out;
}

function endJob(job: Job, steps: StepRow[], change: Extract<TreeChange, { kind: 'end' }>, now: Date): void {
  if (change.message !== undefined) job.message = change.message;
  if (change.detailMessage !== undefined) job.detailMessage = change.detailMessage;
  if (change.result !== undefined) job.result = change.result;
  job.finishedAt = now;
  if (change.state === 'successful') {
    const withErrors = steps.some((step) => step.failedItems > 0 || step.state === 'failed');
    job.status = withErrors ? 'finishedWithErrors' : 'finished';
    job.processedItems = EXTERNAL_JOB_UNITS;
  } else if (change.state === 'failed') {
    job.status = 'failed';
    job.failureCode = 'USER_ERROR';
    job.failureMessage = change.message ?? job.message ?? 'The job failed.';
  } else {
    job.status = 'cancelled';
    job.failureMessage = change.message ?? 'The job was cancelled.';
  }
}

function checkProcessed(total: number, processed: number, field: string): void {
  if (processed < 0) throw new ValidationError(field, `Processed items cannot go below 0 (would be ${processed}).`);
  if (total > 0 && processed > total) {
    throw new ValidationError(field, `That makes ${processed} processed items, more than the step's ${total}; raise totalItems first.`);
  }
}

const clampPercent = (value: number): number => Math.min(100, Math.max(0, value));
const percentOfItems = (processed: number, total: number): number => clampPercent((processed / total) * 100);

/** What the ServiceNow and Salesforce faces call a job: its name, or for a SOAP job its operation and record type. */
export const jobDisplayName = (job: Job): string => job.name ?? [job.operation, job.recordType].filter(Boolean).join(' ');

/** A job's message: the one reported, else for a worker job how far it got (or why it failed). */
export function jobDisplayMessage(job: Job): string {
  if (job.message !== null) return job.message;
  if (job.source === 'external') return job.failureMessage ?? '';
  if (job.status === 'failed' && job.failureMessage) return job.failureMessage;
  const failed = job.failedItems > 0 ? `, ${job.failedItems} failed` : '';
  return `${job.processedItems} of ${job.totalItems} items processed${failed}`;
}
