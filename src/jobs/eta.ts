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
 * Jobs have a rhythm: a reporting system posts every so often, a bursty one works then waits.
 * The longest interval between samples seen lately (`gapSeconds`, fading as the job runs) is
 * that rhythm's routine silence. A silence up to it is normal and counts in the rate like any
 * other time. Beyond it the estimate grows second for second (a job stuck for s seconds is
 * expected to stay stuck about as long again). A stall is a silence longer than a third of the
 * time the job had run when it began and twice the routine one; once work resumes, a stall's
 * silence is left out of the rate, so a job stuck once is not expected to crawl afterwards.
 */

const MIN_TAU_SECONDS = 2;
const MAX_TAU_SECONDS = 600;
const MIN_GRACE_SECONDS = 1;
/** A silence longer than this share of the elapsed time when it began may be a stall… */
const STALL_SHARE = 1 / 3;
/** …when it also lasts this many times the job's routine silence. */
const STALL_ROUTINE_FACTOR = 2;
/** The rate's window spans at least this many routine silences. */
const CYCLES_IN_WINDOW = 8;

const seconds = (from: Date, to: Date): number => Math.max(0, (to.getTime() - from.getTime()) / 1000);

export function tauFor(elapsedSeconds: number): number {
  return Math.min(MAX_TAU_SECONDS, Math.max(MIN_TAU_SECONDS, elapsedSeconds / 2));
}

export const emptyRateState = (): RateState => ({ items: 0, seconds: 0, lastSampleAt: null, gapSeconds: 0 });

/**
 * Folds the interval since the previous sample (or the start) into the decayed sums. Items are
 * taken as spread evenly over the interval, so a long interval weighs what its time span is worth
 * (at most tau), however long ago it began; a stall within it does not count (see the top).
 */
export function foldSample(state: RateState, startedAt: Date, at: Date, itemsSinceLast: number): RateState {
  const previous = state.lastSampleAt ?? startedAt;
  const interval = seconds(previous, at);
  const busy = busySeconds(state, interval, itemsSinceLast);
  const stalled = interval - busy > STALL_SHARE * seconds(startedAt, previous) && interval > STALL_ROUTINE_FACTOR * state.gapSeconds;
  const dt = stalled ? busy : interval;
  if (dt === 0) return { ...state, items: state.items + itemsSinceLast, lastSampleAt: at };
  // A bursty job's rate spans several of its cycles, or it would swing with each burst.
  const tau = Math.max(tauFor(seconds(startedAt, at)), CYCLES_IN_WINDOW * state.gapSeconds);
  const decay = Math.exp(-dt / tau);
  const weight = tau * (1 - decay);
  const faded = state.gapSeconds * Math.exp(-interval / tau);
  return {
    items: state.items * decay + (itemsSinceLast / dt) * weight,
    seconds: state.seconds * decay + weight,
    lastSampleAt: at,
    gapSeconds: stalled ? faded : Math.max(interval, faded),
  };
}

/** How long the interval's items take at the rate so far (all of it while there is no rate yet). */
function busySeconds(state: RateState, interval: number, items: number): number {
  if (state.items <= 0 || state.seconds <= 0) return interval;
  return Math.min(interval, items / (state.items / state.seconds));
}

/** Items per second over the samples so far, or null while there is no progress to judge by. */
export function currentRate(state: RateState): number | null {
  if (state.items <= 0 || state.seconds <= 0 || state.lastSampleAt === null) return null;
  return state.items / state.seconds;
}

/**
 * What the time since the last sample does to the estimate. Within the job's routine silence the
 * work goes on unseen (a reporter's interval) or the pause is already in the rate (a bursty job's
 * wait), so that time passes off the estimate. Beyond it the job is stuck, and the estimate grows
 * for as long as it stays stuck.
 */
function silenceSeconds(state: RateState, rate: number, now: Date): number {
  if (state.lastSampleAt === null) return 0;
  const silent = seconds(state.lastSampleAt, now);
  const routine = Math.max(MIN_GRACE_SECONDS, 2 / rate, state.gapSeconds);
  return silent <= routine ? -silent : silent - 2 * routine;
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
  if (sampled !== null) return Math.max(0, remaining / sampled + silenceSeconds(job.rate, sampled, now));
  const elapsed = seconds(job.startedAt, now);
  return remaining / (job.processedItems > 0 && elapsed > 0 ? job.processedItems / elapsed : queue.rate);
}

/** The estimate a naive client would make: elapsed / done x remaining (for comparison only). */
export function naiveRemainingSeconds(job: Pick<Job, 'startedAt' | 'totalItems' | 'processedItems'>, now: Date): number | null {
  if (job.startedAt === null || job.processedItems === 0) return null;
  const elapsed = seconds(job.startedAt, now);
  return (elapsed / job.processedItems) * (job.totalItems - job.processedItems);
}
