import { isTerminal, type Job, type RateState } from './job';

/**
 * percentCompleted and estRemainingDuration, as pure functions of a job's progress timestamps.
 *
 * The rate is an exponentially time-weighted average: every second of the job's history weighs
 * exp(-age / tau), and within each interval between two progress samples the items count as
 * spread evenly, so rate = (weighted items) / (weighted seconds). The worker folds each new sample into two decayed sums kept on
 * the job row (`RateState`), so reading the rate needs no extra query. tau grows with the job's
 * elapsed time (a sixth of it, 2 s to 10 min): short jobs follow changes quickly, long ones are
 * not thrown by a burst. Time since the last sample counts as an interval with no items once it
 * exceeds the gap the current rate explains, so a stalled job's estimate grows while it stalls.
 */

const MIN_TAU_SECONDS = 2;
const MAX_TAU_SECONDS = 600;
const MIN_GRACE_SECONDS = 1;

const seconds = (from: Date, to: Date): number => Math.max(0, (to.getTime() - from.getTime()) / 1000);

export function tauFor(elapsedSeconds: number): number {
  return Math.min(MAX_TAU_SECONDS, Math.max(MIN_TAU_SECONDS, elapsedSeconds / 6));
}

export const emptyRateState = (): RateState => ({ items: 0, seconds: 0, lastSampleAt: null });

/**
 * Folds the interval since the previous sample (or the start) into the decayed sums. Items are
 * taken as spread evenly over the interval, so a long interval weighs what its time span is worth
 * (at most tau), however long ago it began.
 */
export function foldSample(state: RateState, startedAt: Date, at: Date, itemsSinceLast: number): RateState {
  const previous = state.lastSampleAt ?? startedAt;
  const dt = seconds(previous, at);
  if (dt === 0) return { ...state, items: state.items + itemsSinceLast, lastSampleAt: at };
  const tau = tauFor(seconds(startedAt, at));
  const decay = Math.exp(-dt / tau);
  const weight = tau * (1 - decay);
  return {
    items: state.items * decay + (itemsSinceLast / dt) * weight,
    seconds: state.seconds * decay + weight,
    lastSampleAt: at,
  };
}

/** Items per second as of `now`, or null while there is no progress to judge by. */
export function currentRate(state: RateState, startedAt: Date, now: Date): number | null {
  if (state.items <= 0 || state.seconds <= 0 || state.lastSampleAt === null) return null;
  const sampled = state.items / state.seconds;
  const sinceLast = seconds(state.lastSampleAt, now);
  const overdue = sinceLast - Math.max(MIN_GRACE_SECONDS, 2 / sampled);
  if (overdue <= 0) return sampled;
  const tau = tauFor(seconds(startedAt, now));
  const decay = Math.exp(-overdue / tau);
  const rate = (state.items * decay) / (state.seconds * decay + tau * (1 - decay));
  return rate > 0 ? rate : null;
}

export function percentCompleted(job: Pick<Job, 'status' | 'totalItems' | 'processedItems'>): number {
  if (job.status === 'pending' || job.totalItems === 0) return job.status === 'finished' ? 100 : 0;
  if (job.status === 'finished' || job.status === 'finishedWithErrors') return 100;
  return Math.min(100, (job.processedItems / job.totalItems) * 100);
}

/** What the estimate of a pending job needs to know about the queue it waits in. */
export interface QueueContext {
  /** Items still to process in the account's jobs that run before this one. */
  itemsAhead: number;
  /** The account's recent rate, or the job's nominal rate when there is no history. */
  rate: number;
}

export function estimateRemainingSeconds(
  job: Pick<Job, 'status' | 'availableAt' | 'startedAt' | 'totalItems' | 'processedItems' | 'rate'>,
  now: Date,
  queue: QueueContext,
): number {
  if (isTerminal(job.status)) return 0;
  if (job.status === 'pending' || job.startedAt === null) {
    const wait = seconds(now, job.availableAt);
    return wait + (queue.itemsAhead + job.totalItems) / queue.rate;
  }
  const remaining = job.totalItems - job.processedItems;
  if (remaining <= 0) return 0;
  const elapsed = seconds(job.startedAt, now);
  const rate =
    currentRate(job.rate, job.startedAt, now) ??
    (job.processedItems > 0 && elapsed > 0 ? job.processedItems / elapsed : queue.rate);
  return remaining / rate;
}

/** The estimate a naive client would make: elapsed / done x remaining (for comparison only). */
export function naiveRemainingSeconds(job: Job, now: Date): number | null {
  if (job.startedAt === null || job.processedItems === 0) return null;
  const elapsed = seconds(job.startedAt, now);
  return (elapsed / job.processedItems) * (job.totalItems - job.processedItems);
}
