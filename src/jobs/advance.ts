import { ASYNC_OPERATIONS, type ItemResult, type Job } from './job';
import type { Advance } from './job-store';
import { foldSample } from './progress';

export interface AdvanceOptions {
  /** When false, every item is due at once (for benchmarks and impatient suites). */
  pacing: boolean;
  /** Least time between two steps of one job, so samples stay few for fast jobs. */
  tickMs: number;
  /** Most items one step applies. */
  batch: number;
}

/**
 * Plans one worker step: which items are due by `now` at the job's scripted rate, what each one's
 * outcome is, and where the job's status goes. Pure: the store applies the result.
 */
export function planAdvance(job: Job, now: Date, options: AdvanceOptions): Advance {
  const startedAt = job.startedAt ?? now;
  const elapsed = Math.max(0, (now.getTime() - startedAt.getTime()) / 1000);
  const due = options.pacing ? Math.min(job.totalItems, Math.floor(elapsed * job.ratePerSecond + 1e-9)) : job.totalItems;
  const failAt = job.scenario.fail?.afterItems;
  let target = Math.min(due, job.processedItems + options.batch);
  if (failAt !== undefined) target = Math.min(target, failAt);
  target = Math.max(target, job.processedItems);

  const items: Advance['items'] = [];
  let failedItems = job.failedItems;
  for (let position = job.processedItems + 1; position <= target; position++) {
    const item = itemOutcome(job, position);
    if (!item.isSuccess) failedItems++;
    items.push(item);
  }

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
  const rate = advanced > 0 ? foldSample(job.rate, startedAt, now, advanced) : job.rate;
  const firstStep = job.startedAt === null;
  const sample = advanced > 0 || firstStep || ended ? { at: now, processed: target } : null;

  return {
    status,
    startedAt,
    finishedAt: ended ? now : null,
    processedItems: target,
    failedItems,
    failureCode,
    failureMessage,
    rate,
    nextRunAt: ended ? now : nextRun(job, startedAt, now, target, due, options),
    items,
    sample,
  };
}

function nextRun(job: Job, startedAt: Date, now: Date, target: number, due: number, options: AdvanceOptions): Date {
  // Items already due but left by the batch limit (or no pacing at all): run again straight away.
  if (!options.pacing || due > target) return now;
  const nextItemDue = startedAt.getTime() + Math.ceil(((target + 1) / job.ratePerSecond) * 1000);
  return new Date(Math.max(now.getTime() + options.tickMs, nextItemDue));
}

function itemOutcome(job: Job, position: number): ItemResult & { newInternalId: boolean } {
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
