import { planAdvance } from '../../src/jobs/advance';
import type { WorkerJob as Job } from '../../src/jobs/job';
import { emptyRateState } from '../../src/jobs/eta';

const T0 = Date.parse('2026-01-15T10:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const options = { pacing: true, tickMs: 200, batch: 500 };

function job(overrides: Partial<Job> = {}): Job {
  return {
    id: 'J',
    source: 'scripted',
    account: 'A',
    operation: 'asyncAddList',
    recordType: 'customer',
    status: 'pending',
    totalItems: 10,
    processedItems: 0,
    failedItems: 0,
    ratePerSecond: 2,
    scenario: {},
    submittedAt: at(0),
    availableAt: at(0),
    startedAt: null,
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

/** Applies a plan the way the store does, for the next step. */
const apply = (before: Job, plan: ReturnType<typeof planAdvance>): Job => ({
  ...before,
  status: plan.status,
  startedAt: plan.startedAt,
  finishedAt: plan.finishedAt,
  processedItems: plan.processedItems,
  failedItems: plan.failedItems,
  rate: plan.rate,
  failureCode: plan.failureCode,
  failureMessage: plan.failureMessage,
});

describe('planAdvance', () => {
  it('starts a pending job with nothing done yet and a first sample at zero', () => {
    const plan = planAdvance(job(), at(0), options);
    expect(plan).toMatchObject({ status: 'processing', processedItems: 0, items: [], sample: { processed: 0 } });
    expect(plan.startedAt).toEqual(at(0));
    expect(plan.nextRunAt).toEqual(at(0.5));
  });

  it('applies the items due at the scripted rate, in order', () => {
    const started = apply(job(), planAdvance(job(), at(0), options));
    const plan = planAdvance(started, at(2.2), options);
    expect(plan.items.map((item) => item.position)).toEqual([1, 2, 3, 4]);
    expect(plan.processedItems).toBe(4);
    expect(plan.nextRunAt).toEqual(at(2.5));
    expect(plan.items.every((item) => item.isSuccess && item.newInternalId)).toBe(true);
  });

  it('ends finished, finishedWithErrors or failed by the outcomes', () => {
    const run = (overrides: Partial<Job>) => planAdvance(apply(job(overrides), planAdvance(job(overrides), at(0), options)), at(60), options);
    expect(run({}).status).toBe('finished');
    const someFail = run({ scenario: { failures: { '3': { code: 'DUP_ENTITY', message: 'dup' } } } });
    expect(someFail).toMatchObject({ status: 'finishedWithErrors', failedItems: 1 });
    expect(someFail.items[2]).toMatchObject({ isSuccess: false, code: 'DUP_ENTITY', message: 'dup', newInternalId: false });
    const all: Record<string, { code: string; message: string }> = {};
    for (let i = 1; i <= 10; i++) all[i] = { code: 'RCRD_DSNT_EXIST', message: 'gone' };
    expect(run({ operation: 'asyncUpdateList', scenario: { failures: all } }).status).toBe('failed');
  });

  it('fails the whole job at its fail point, keeping what was done before', () => {
    const scenario = { fail: { afterItems: 3, code: 'UNEXPECTED_ERROR', message: 'boom' } };
    const started = apply(job({ scenario }), planAdvance(job({ scenario }), at(0), options));
    const plan = planAdvance(started, at(60), options);
    expect(plan).toMatchObject({ status: 'failed', processedItems: 3, failureCode: 'UNEXPECTED_ERROR', failureMessage: 'boom' });
    expect(plan.finishedAt).toEqual(at(60));
  });

  it('caps a step at the batch size and runs again at once', () => {
    const big = job({ totalItems: 5000, ratePerSecond: 1000 });
    const started = apply(big, planAdvance(big, at(0), options));
    const plan = planAdvance(started, at(3), options);
    expect(plan.processedItems).toBe(500);
    expect(plan.nextRunAt).toEqual(at(3));
  });

  it('looks at a very slow job again within a day, so its next run stays a real date', () => {
    const slow = job({ ratePerSecond: 1e-9, totalItems: 5 });
    const plan = planAdvance(apply(slow, planAdvance(slow, at(0), options)), at(1), options);
    expect(plan.nextRunAt.getTime()).toBe(at(1 + 24 * 3600).getTime());
  });

  it('does everything at once when pacing is off', () => {
    const plan = planAdvance(job({ totalItems: 50 }), at(0), { ...options, pacing: false, batch: 100 });
    expect(plan).toMatchObject({ status: 'finished', processedItems: 50 });
  });

  it('keeps given references: updates act on the given internalId, adds get a new one', () => {
    const records = [{ internalId: '77', externalId: 'ext-1' }];
    const update = job({ operation: 'asyncUpdateList', totalItems: 1, scenario: { records } });
    const item = planAdvance(apply(update, planAdvance(update, at(0), options)), at(5), options).items[0];
    expect(item).toMatchObject({ internalId: '77', externalId: 'ext-1', newInternalId: false });
    const add = job({ totalItems: 1, scenario: { records } });
    expect(planAdvance(apply(add, planAdvance(add, at(0), options)), at(5), options).items[0]).toMatchObject({ internalId: null, externalId: 'ext-1', newInternalId: true });
  });
});
