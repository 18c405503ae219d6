import { concludeStep, planAdvance, stepRange, type AdvanceOptions } from '../jobs/advance';
import type { WorkerJob } from '../jobs/job';
import type { Advance, StepContext } from '../jobs/job-store';
import { applyItem } from './record-operations';
import type { RecordSchemas } from '../records/record-store';
import { withDatesAt } from '../records/search-dates';

/**
 * One step of one job: a scripted job's outcomes come from its scenario; a request job applies
 * its submitted records, in order, to the record store inside the step's transaction.
 */
export async function runStep(job: WorkerJob, context: StepContext, now: Date, options: AdvanceOptions, schemas: RecordSchemas): Promise<Advance> {
  if (job.source === 'scripted') return planAdvance(job, now, options);
  if (job.operation === 'asyncSearch') return runSearch(job, context, now, options);
  const range = stepRange(job, now, options);
  const inputs = range.last >= range.first ? await context.inputs(range.first, range.last) : [];
  const items: Advance['items'] = [];
  for (const [index, input] of inputs.entries()) {
    if (input.kind === 'search') throw new Error(`job ${job.id} has a search among its inputs`);
    const outcome = await applyItem(context.records, job.account, job.operation, input, now, schemas);
    items.push({ ...outcome, position: range.first + index, newInternalId: false });
  }
  return concludeStep(job, now, range, items, options);
}

/** A search runs whole on its first step: the matches, as they stand then, are its results. */
async function runSearch(job: WorkerJob, context: StepContext, now: Date, options: AdvanceOptions): Promise<Advance> {
  const [input] = await context.inputs(1, 1);
  if (input?.kind !== 'search') throw new Error(`search job ${job.id} has no search criteria`);
  const startedAt = job.startedAt ?? now;
  // A search that cannot run (a saved search that is not there) fails before it finds anything.
  if (job.scenario.fail) return concludeStep(job, now, { startedAt, first: 1, last: 0, due: 0 }, [], options);
  const found = await context.saveSearchResults(withDatesAt(input.search, now));
  const sized = { ...job, totalItems: found };
  return concludeStep(sized, now, { startedAt, first: 1, last: found, due: found }, [], options);
}
