import { isTerminal, type Job, type RateState } from './job';

/**
 * percentCompleted and estRemainingDuration, as pure functions of a job's progress timestamps.
 *
 * The rate is an exponentially time-weighted average: every second of the job's history weighs
 * exp(-age / tau), and within each interval between two progress samples the items count as
 * spread evenly, so rate = (weighted items) / (weighted seconds). Each new sample is folded into
 * two decayed sums kept on the job row (`RateState`), so reading the rate needs no extra query.
 * tau is half the job's elapsed time (2 s to 10 min): the whole run counts, recent seconds most,
 * so pauses that recur (bursty work) stay in the rate while a lasting change shows within minutes.
 *
 * A stall is a silence longer than a third of the time the job had run when it began. While any
 * silence outlasts the gap the rate explains, the estimate grows second for second (a job stuck
 * for s seconds is expected to stay stuck about as long again); once work resumes, a stall's
 * silence is left out of the rate, so a job stuck once is not expected to crawl afterwards.
 */

const MIN_TAU_SECONDS = 2;
const MAX_TAU_SECONDS = 600;
const MIN_GRACE_SECONDS = 1;
/** A silence longer than this share of the elapsed time when it began is a stall. */
const STALL_SHARE = 1 / 3;

const seconds = (from: Date, to: Date): number => Math.max(0, (to.getTime() - from.getTime()) / 1000);

export function tauFor(elapsedSeconds: number): number {
  return Math.min(MAX_TAU_SECONDS, Math.max(MIN_TAU_SECONDS, elapsedSeconds / 2));
}

export const emptyRateState = (): RateState => ({ items: 0, seconds: 0, lastSampleAt: null });

/**
 * Folds the interval since the previous sample (or the start) into the decayed sums. Items are
 * taken as spread evenly over the interval, so a long interval weighs what its time span is worth
 * (at most tau), however long ago it began; a stall within it does not count (see the top).
 */
export function foldSample(state: RateState, startedAt: Date, at: Date, itemsSinceLast: number): RateState {
  const previous = state.lastSampleAt ?? startedAt;
  const dt = workingSeconds(state, seconds(startedAt, previous), seconds(previous, at), itemsSinceLast);
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

/**
 * The interval's length less a stall: the items took what the rate so far says they take, and
 * the rest of the interval was silence, a stall when longer than STALL_SHARE of `elapsedBefore`.
 */
function workingSeconds(state: RateState, elapsedBefore: number, dt: number, items: number): number {
  if (state.items <= 0 || state.seconds <= 0) return dt;
  const busy = items / (state.items / state.seconds);
  return dt - busy > STALL_SHARE * elapsedBefore ? Math.min(dt, busy) : dt;
}

/** Items per second over the samples so far, or null while there is no progress to judge by. */
export function currentRate(state: RateState): number | null {
  if (state.items <= 0 || state.seconds <= 0 || state.lastSampleAt === null) return null;
  return state.items / state.seconds;
}

/** How long the job has been silent beyond the gap between samples its rate explains. */
function overdueSeconds(state: RateState, rate: number, now: Date): number {
  if (state.lastSampleAt === null) return 0;
  return Math.max(0, seconds(state.lastSampleAt, now) - Math.max(MIN_GRACE_SECONDS, 2 / rate));
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
  const sampled = currentRate(job.rate);
  if (sampled !== null) return remaining / sampled + overdueSeconds(job.rate, sampled, now);
  const elapsed = seconds(job.startedAt, now);
  return remaining / (job.processedItems > 0 && elapsed > 0 ? job.processedItems / elapsed : queue.rate);
}

/** The estimate a naive client would make: elapsed / done x remaining (for comparison only). */
export function naiveRemainingSeconds(job: Pick<Job, 'startedAt' | 'totalItems' | 'processedItems'>, now: Date): number | null {
  if (job.startedAt === null || job.processedItems === 0) return null;
  const elapsed = seconds(job.startedAt, now);
  return (elapsed / job.processedItems) * (job.totalItems - job.processedItems);
}
