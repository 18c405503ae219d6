import { buildStepTree, countSteps, durationDisplay, type StepRow } from '../../src/jobs/step';

const row = (sysId: string, parentSysId: string | null, order: number, position: number): StepRow => ({
  sysId,
  jobId: 'J',
  parentSysId,
  order,
  position,
  name: sysId,
  state: 'pending',
  percentComplete: 0,
  message: '',
  detailMessage: '',
  result: null,
  totalItems: 0,
  processedItems: 0,
  failedItems: 0,
  startedAt: null,
  completedAt: null,
  updatedAt: new Date(0),
});

const shape = (nodes: ReturnType<typeof buildStepTree>): unknown => nodes.map((node) => (node.children.length ? { [node.name]: shape(node.children) } : node.name));

describe('buildStepTree', () => {
  it('orders every level by order, whatever order the steps were added in, three levels deep', () => {
    const rows = [row('b', null, 2, 1), row('a', null, 1, 2), row('b2', 'b', 20, 3), row('b1', 'b', 10, 4), row('b1y', 'b1', 5, 5), row('b1x', 'b1', 1, 6), row('a1', 'a', 0, 7)];
    expect(shape(buildStepTree(rows))).toEqual([{ a: ['a1'] }, { b: [{ b1: ['b1x', 'b1y'] }, 'b2'] }]);
  });

  it('keeps siblings of equal order in the order they were added, and shows an orphan at the top', () => {
    expect(shape(buildStepTree([row('second', null, 0, 2), row('first', null, 0, 1), row('orphan', 'gone', 0, 3)]))).toEqual(['first', 'second', 'orphan']);
  });
});

describe('durationDisplay', () => {
  it.each([
    [0, '0 Seconds'],
    [999, '0 Seconds'],
    [1000, '1 Second'],
    [65_000, '1 Minute 5 Seconds'],
    [7_201_000, '2 Hours 1 Second'],
    [90_061_000, '1 Day 1 Hour 1 Minute 1 Second'],
    [-5000, '0 Seconds'],
  ])('shows %d ms as "%s"', (ms, text) => {
    expect(durationDisplay(ms)).toBe(text);
  });
});

describe('countSteps', () => {
  type Spec = { children?: Spec[] };
  const wide = (width: number, children: number): Spec[] => Array.from({ length: width }, () => ({ children: Array.from({ length: children }, () => ({})) }));
  const childrenOf = (step: Spec) => step.children;

  it('counts steps at every depth', () => {
    expect(countSteps(wide(3, 4), childrenOf)).toBe(15);
    expect(countSteps([{ children: [{ children: [{}] }] }], childrenOf)).toBe(3);
    expect(countSteps([], childrenOf)).toBe(0);
  });

  it('stops just past the limit, however large the forest, and walks a chain of any depth without recursion', () => {
    expect(countSteps(wide(600, 600), childrenOf, 1000)).toBe(1001);
    let chain: Spec = {};
    for (let depth = 0; depth < 200_000; depth++) chain = { children: [chain] };
    expect(countSteps([chain], childrenOf)).toBe(200_001);
  });
});
