import { concludeStep, planAdvance, stepRange, type AdvanceOptions } from '../jobs/advance';
import type { Job } from '../jobs/job';
import type { Advance, StepContext } from '../jobs/job-store';
import { applyItem } from '../records/record-operations';

/**
 * One step of one job: a scripted job's outcomes come from its scenario; a request job applies
 * its submitted records, in order, to the record store inside the step's transaction.
 */
export async function runStep(job: Job, context: StepContext, now: Date, options: AdvanceOptions): Promise<Advance> {
  if (job.source === 'scripted') return planAdvance(job, now, options);
  const range = stepRange(job, now, options);
  const inputs = range.last >= range.first ? await context.inputs(range.first, range.last) : [];
  const items: Advance['items'] = [];
  for (const [index, input] of inputs.entries()) {
    const outcome = await applyItem(context.records, job.account, job.operation, input, now);
    items.push({ ...outcome, position: range.first + index, newInternalId: false });
  }
  return concludeStep(job, now, range, items, options);
}
