import { ASYNC_OPERATIONS, type ItemResult, type WorkerJob } from './job';
import type { Advance } from './job-store';
import { foldSample } from './eta';

export interface AdvanceOptions {
  /** When false, every item is due at once (for benchmarks and impatient suites). */
  pacing: boolean;
  /** Least time between two steps of one job, so samples stay few for fast jobs. */
  tickMs: number;
  /** Most items one step applies. */
  batch: number;
}

/** However slow a job, it is looked at again within a day (dates stay in range, samples keep coming). */
const MAX_STEP_GAP_MS = 24 * 60 * 60 * 1000;

/** The items one step applies: positions first..last (none when last < first). */
export interface StepRange {
  startedAt: Date;
  first: number;
  last: number;
  /** Items due by now at the job's rate (may exceed last when the batch limit bites). */
  due: number;
}

/** Which items are due by `now` at the job's scripted rate, within the batch and fail point. */
export function stepRange(job: WorkerJob, now: Date, options: AdvanceOptions): StepRange {
  const startedAt = job.startedAt ?? now;
  const elapsed = Math.max(0, (now.getTime() - startedAt.getTime()) / 1000);
  const due = options.pacing ? Math.min(job.totalItems, Math.floor(elapsed * job.ratePerSecond + 1e-9)) : job.totalItems;
  let last = Math.min(due, job.processedItems + options.batch);
  const failAt = job.scenario.fail?.afterItems;
  if (failAt !== undefined) last = Math.min(last, failAt);
  return { startedAt, first: job.processedItems + 1, last: Math.max(last, job.processedItems), due };
}

/** Where the job goes once the range's items have their outcomes. Pure: the store applies it. */
export function concludeStep(job: WorkerJob, now: Date, range: StepRange, items: Advance['items'], options: AdvanceOptions): Advance {
  const target = range.last;
  const failedItems = job.failedItems + items.filter((item) => !item.isSuccess).length;
  const failAt = job.scenario.fail?.afterItems;

  let status: Advance['status'] = 'processing';
  let failureCode: string | null = null;
  let failureMessage: string | null = null;
  if (failAt !== undefined && target >= failAt && job.scenario.fail) {
    status = 'failed';
    failureCode = job.scenario.fail.code;
    failureMessage = job.scenario.fail.message;
  } else if (target >= job.totalItems) {
    status = failedItems === 0 ? 'finished' : failedItems < job.totalItems ? 'finishedWithErrors' : 'failed';
  }
  const ended = status !== 'processing';

  const advanced = target - job.processedItems;
  const rate = advanced > 0 ? foldSample(job.rate, range.startedAt, now, advanced) : job.rate;
  const firstStep = job.startedAt === null;
  return {
    status,
    totalItems: job.totalItems,
    startedAt: range.startedAt,
    finishedAt: ended ? now : null,
    processedItems: target,
    failedItems,
    failureCode,
    failureMessage,
    rate,
    nextRunAt: ended ? now : nextRun(job, range, now, options),
    items,
    sample: advanced > 0 || firstStep || ended ? { at: now, processed: target } : null,
  };
}

/** One step of a scripted job, whose outcomes the scenario decides. */
export function planAdvance(job: WorkerJob, now: Date, options: AdvanceOptions): Advance {
  const range = stepRange(job, now, options);
  const items: Advance['items'] = [];
  for (let position = range.first; position <= range.last; position++) items.push(scriptedOutcome(job, position));
  return concludeStep(job, now, range, items, options);
}

function nextRun(job: WorkerJob, range: StepRange, now: Date, options: AdvanceOptions): Date {
  // Items already due but left by the batch limit (or no pacing at all): run again straight away.
  if (!options.pacing || range.due > range.last) return now;
  const nextItemDue = range.startedAt.getTime() + Math.ceil(((range.last + 1) / job.ratePerSecond) * 1000);
  return new Date(Math.min(now.getTime() + MAX_STEP_GAP_MS, Math.max(now.getTime() + options.tickMs, nextItemDue)));
}

function scriptedOutcome(job: WorkerJob, position: number): ItemResult & { newInternalId: boolean } {
  const given = job.scenario.records?.[position - 1];
  const failure = job.scenario.failures?.[String(position)];
  const adds = job.operation === 'asyncAddList' || job.operation === 'asyncInitializeList';
  const returnsRecord = ASYNC_OPERATIONS[job.operation].list !== 'write';
  // Adds get a fresh internalId; other operations act on the given one, or on an existing record
  // the scenario left unnamed (which gets an id too, so results stay referable).
  const newInternalId = !failure && (adds || !given?.internalId) && job.operation !== 'asyncInitializeList';
  return {
    position,
    isSuccess: !failure,
    code: failure?.code ?? null,
    message: failure?.message ?? null,
    recordType: job.recordType,
    internalId: adds ? null : (given?.internalId ?? null),
    externalId: given?.externalId ?? null,
    record: returnsRecord && !failure ? (given?.fields ?? {}) : null,
    newInternalId,
  };
}
