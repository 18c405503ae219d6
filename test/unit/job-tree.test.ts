import type { Job } from '../../src/jobs/job';
import { newStepRows, planChange, type JobTree } from '../../src/jobs/job-tree';
import { emptyRateState } from '../../src/jobs/eta';
import { buildStepTree, MAX_STEPS_PER_JOB, nodePercent } from '../../src/jobs/step';

const T0 = Date.parse('2026-01-15T10:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);

function externalJob(overrides: Partial<Job> = {}): Job {
  return {
    id: 'J',
    source: 'external',
    account: 'A',
    operation: null,
    recordType: null,
    status: 'pending',
    totalItems: 10_000,
    processedItems: 0,
    failedItems: 0,
    ratePerSecond: 1,
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
    name: 'job',
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

/** Applies a change and returns the tree as the store would hold it after. */
function apply(tree: JobTree, target: string | null, change: Parameters<typeof planChange>[2], now: Date): JobTree {
  const write = planChange(tree, target, change, now);
  const steps = new Map(tree.steps.map((step) => [step.sysId, step]));
  for (const step of [...write.changed, ...write.added]) steps.set(step.sysId, step);
  return { job: write.job, steps: [...steps.values()] };
}

describe('the job tree', () => {
  it('makes a parent as far along as the mean of its children, or its own figure if further', () => {
    const leaf = (state: 'pending' | 'successful', percentComplete: number) => ({ state, percentComplete, children: [] });
    expect(nodePercent({ state: 'running', percentComplete: 0, children: [leaf('successful', 0), leaf('pending', 50)] })).toBe(75);
    expect(nodePercent({ state: 'running', percentComplete: 90, children: [leaf('pending', 10), leaf('pending', 20)] })).toBe(90);
    expect(nodePercent({ state: 'successful', percentComplete: 0, children: [leaf('pending', 0)] })).toBe(100);
  });

  it("derives the job's progress from nested steps, starts what is reported on, and samples the change", () => {
    const steps = newStepRows('J', null, [{ name: 'a', children: [{ name: 'a1' }, { name: 'a2' }] }, { name: 'b' }], 0, at(0));
    const [a, a1] = steps;
    let tree: JobTree = { job: externalJob(), steps };
    tree = apply(tree, a1.sysId, { kind: 'update', update: { percentComplete: 50 } }, at(10));
    // a = mean(50, 0) = 25; job = mean(25, 0) = 12.5 %.
    expect(tree.job).toMatchObject({ status: 'processing', startedAt: at(10), processedItems: 1250 });
    expect(tree.steps.find((step) => step.sysId === a1.sysId)).toMatchObject({ state: 'running', startedAt: at(10) });
    // The parent was not reported on; it stays pending, yet shows its children's progress.
    const parent = buildStepTree(tree.steps)[0];
    expect(parent).toMatchObject({ sysId: a.sysId, state: 'pending' });
    expect(nodePercent(parent)).toBe(25);
    const write = planChange(tree, a1.sysId, { kind: 'end', state: 'successful' }, at(20));
    expect(write.sample).toEqual({ at: at(20), processed: 2500 });
    expect(write.job.rate.items).toBeGreaterThan(0);
  });

  it('ends a job as finished with errors when any step had failed items, and as finished otherwise', () => {
    const steps = newStepRows('J', null, [{ name: 'only', totalItems: 2 }], 0, at(0));
    let tree: JobTree = { job: externalJob(), steps };
    const clean = apply(tree, null, { kind: 'end', state: 'successful' }, at(1));
    expect(clean.job).toMatchObject({ status: 'finished', processedItems: 10_000, finishedAt: at(1) });
    tree = apply(tree, steps[0].sysId, { kind: 'items', successes: ['x'], failures: [{ items: ['y'], code: 1, message: 'no' }] }, at(1));
    expect(apply(tree, null, { kind: 'end', state: 'successful' }, at(2)).job.status).toBe('finishedWithErrors');
  });

  it('adds steps up to MAX_STEPS_PER_JOB and refuses one more (409 naming the cap)', () => {
    const flat = (count: number) => Array.from({ length: count }, () => ({ name: 's' }));
    const tree: JobTree = { job: externalJob(), steps: newStepRows('J', null, flat(MAX_STEPS_PER_JOB - 2), 0, at(0)) };
    expect(planChange(tree, null, { kind: 'children', steps: flat(2) }, at(1)).added).toHaveLength(2);
    expect(() => planChange(tree, null, { kind: 'children', steps: flat(3) }, at(1))).toThrow(
      expect.objectContaining({ field: 'steps', message: expect.stringContaining(`at most ${MAX_STEPS_PER_JOB} steps`) }),
    );
  });
});
