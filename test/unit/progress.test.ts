import type { Job } from '../../src/jobs/job';
import { emptyRateState, estimateRemainingSeconds, foldSample, naiveRemainingSeconds, percentCompleted } from '../../src/jobs/eta';

const T0 = new Date('2026-01-15T10:00:00Z').getTime();
const at = (seconds: number) => new Date(T0 + seconds * 1000);

function job(overrides: Partial<Job> = {}): Job {
  return {
    id: 'J',
    source: 'scripted',
    account: 'A',
    operation: 'asyncAddList',
    recordType: 'customer',
    status: 'processing',
    totalItems: 1000,
    processedItems: 0,
    failedItems: 0,
    ratePerSecond: 10,
    scenario: {},
    submittedAt: at(0),
    availableAt: at(0),
    startedAt: at(0),
    finishedAt: null,
    expiresAt: at(86400),
    resultCalls: 0,
    failureCode: null,
    failureMessage: null,
    rate: emptyRateState(),
    sysId: '0'.repeat(32),
    name: null,
    referenceId: null,
    additionalData: null,
    message: null,
    detailMessage: null,
    result: null,
    clientId: null,
    callbackUrl: null,
    updatedAt: at(0),
    ...overrides,
  };
}

/**
 * Drives a job through a rate profile, one progress sample a second, as the worker would write
 * them; returns the job as of `until` seconds together with the true remaining time.
 */
function simulate(ratesBySecond: (second: number) => number, until: number, total = 1000) {
  let state = job({ totalItems: total });
  let done = 0;
  let exact = 0;
  for (let second = 1; second <= until; second++) {
    exact += ratesBySecond(second);
    const now = Math.floor(exact);
    const delta = now - done;
    if (delta > 0) {
      done = now;
      state = { ...state, processedItems: done, rate: foldSample(state.rate, state.startedAt!, at(second), delta) };
    }
  }
  let remainingTime = 0;
  let left = total - exact;
  for (let second = until + 1; left > 0 && second < until + 100_000; second++) {
    const rate = ratesBySecond(second);
    if (rate >= left) {
      remainingTime += left / rate;
      left = 0;
    } else {
      left -= rate;
      remainingTime += 1;
    }
  }
  return { job: state, now: at(until), truth: remainingTime };
}

const NO_QUEUE = { itemsAhead: 0, rate: 10 };

describe('percentCompleted', () => {
  it('is 0 while pending, the processed share while processing, 100 once finished', () => {
    expect(percentCompleted(job({ status: 'pending', processedItems: 0 }))).toBe(0);
    expect(percentCompleted(job({ processedItems: 250 }))).toBe(25);
    expect(percentCompleted(job({ status: 'finished', processedItems: 1000 }))).toBe(100);
    expect(percentCompleted(job({ status: 'finishedWithErrors', processedItems: 1000, failedItems: 3 }))).toBe(100);
  });

  it('keeps the share reached by a job that failed part way', () => {
    expect(percentCompleted(job({ status: 'failed', processedItems: 400 }))).toBe(40);
  });
});

describe('estRemainingDuration', () => {
  it('is 0 once the job has ended', () => {
    expect(estimateRemainingSeconds(job({ status: 'finished', processedItems: 1000 }), at(100), NO_QUEUE)).toBe(0);
    expect(estimateRemainingSeconds(job({ status: 'failed', processedItems: 10 }), at(100), NO_QUEUE)).toBe(0);
  });

  it('tracks a steady rate within 2%', () => {
    for (const until of [10, 30, 50, 80]) {
      const { job: state, now, truth } = simulate(() => 10, until);
      const estimate = estimateRemainingSeconds(state, now, NO_QUEUE);
      expect(Math.abs(estimate - truth) / truth).toBeLessThan(0.02);
    }
  });

  it('follows a rate that halves midway faster than the naive estimate', () => {
    const profile = (second: number) => (second <= 50 ? 10 : 5);
    for (const until of [70, 90, 110]) {
      const { job: state, now, truth } = simulate(profile, until);
      const estimate = estimateRemainingSeconds(state, now, NO_QUEUE);
      const naive = naiveRemainingSeconds(state, now)!;
      expect(Math.abs(estimate - truth)).toBeLessThan(Math.abs(naive - truth));
    }
    const settled = simulate(profile, 120);
    expect(Math.abs(estimateRemainingSeconds(settled.job, settled.now, NO_QUEUE) - settled.truth) / settled.truth).toBeLessThan(0.1);
  });

  it('grows while the job stalls and recovers when it resumes', () => {
    const profile = (second: number) => (second > 40 && second <= 70 ? 0 : 10);
    const before = simulate(profile, 40);
    const estimates = [45, 55, 65].map((until) => {
      const { job: state, now } = simulate(profile, until);
      return estimateRemainingSeconds(state, now, NO_QUEUE);
    });
    expect(estimates[0]).toBeGreaterThan(estimateRemainingSeconds(before.job, before.now, NO_QUEUE));
    expect(estimates[1]).toBeGreaterThan(estimates[0]);
    expect(estimates[2]).toBeGreaterThan(estimates[1]);

    const resumed = simulate(profile, 100);
    const estimate = estimateRemainingSeconds(resumed.job, resumed.now, NO_QUEUE);
    expect(Math.abs(estimate - resumed.truth) / resumed.truth).toBeLessThan(0.15);
  });

  it('does not treat the gap between two samples of a slow job as a stall: the end is that much nearer', () => {
    // One item every 4 seconds: the time since the last item is expected, not a stall.
    const { job: state } = simulate((second) => (second % 4 === 0 ? 1 : 0), 40, 100);
    const justAfter = estimateRemainingSeconds(state, at(40), NO_QUEUE);
    const justBeforeNext = estimateRemainingSeconds(state, at(43), NO_QUEUE);
    expect(justBeforeNext).toBeCloseTo(justAfter - 3, 5);
  });

  it('treats a silence as routine when the job has been that silent before, and grows the estimate past it', () => {
    // Ten items at once every 60 seconds, then nothing: a 50 s wait is the job's rhythm, 200 s is not.
    const { job: state } = simulate((second) => (second % 60 === 0 ? 10 : 0), 600, 1000);
    const afterBurst = estimateRemainingSeconds(state, at(600), NO_QUEUE);
    expect(estimateRemainingSeconds(state, at(650), NO_QUEUE)).toBeCloseTo(afterBurst - 50, 5);
    const stuck = estimateRemainingSeconds(state, at(800), NO_QUEUE);
    expect(stuck).toBeGreaterThan(estimateRemainingSeconds(state, at(700), NO_QUEUE));
    expect(stuck).toBeGreaterThan(afterBurst);
  });

  it('for a pending job, counts the wait to its start and the queue ahead at the recent rate', () => {
    const pending = job({ status: 'pending', startedAt: null, availableAt: at(30), totalItems: 100 });
    expect(estimateRemainingSeconds(pending, at(0), { itemsAhead: 300, rate: 20 })).toBeCloseTo(30 + 400 / 20, 5);
    expect(estimateRemainingSeconds(pending, at(60), { itemsAhead: 0, rate: 20 })).toBeCloseTo(5, 5);
  });

  it('falls back to the nominal rate before the first item', () => {
    const started = job({ startedAt: at(0), processedItems: 0, totalItems: 50 });
    expect(estimateRemainingSeconds(started, at(0), { itemsAhead: 0, rate: 5 })).toBeCloseTo(10, 5);
  });
});
