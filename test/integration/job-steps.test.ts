import { PgStepStore } from '../../src/db/pg-step-store';
import { buildStepTree, type StepNode } from '../../src/jobs/step';
import { createJob, startTestService, type TestService } from '../helpers/service';

/** The job tree in Postgres: steps to any depth, read back ordered by `order` at every level. */

let t: TestService;
let steps: PgStepStore;
beforeAll(async () => {
  t = await startTestService();
  steps = new PgStepStore(t.database.db);
});
afterAll(() => t.close());

const names = (nodes: StepNode[]): unknown => nodes.map((node) => (node.children.length ? { [node.name]: names(node.children) } : node.name));

it('stores a tree three levels deep added out of order, and reads it back ordered, with 32-hex sys_ids', async () => {
  const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 2 });
  const now = new Date('2026-11-23T10:00:00Z');
  await steps.addSteps(jobId, null, [
    { name: 'apply', order: 200, children: [{ name: 'apply lines', order: 2 }, { name: 'apply header', order: 1 }] },
    {
      name: 'validate',
      order: 100,
      totalItems: 2,
      children: [{ name: 'validate fields', order: 20, children: [{ name: 'custom fields', order: 9 }, { name: 'standard fields', order: 3 }] }, { name: 'validate refs', order: 30 }],
    },
  ], now);
  // Added later, under an existing step, yet ordered before its siblings.
  const [validate] = (await steps.readSteps(jobId)).filter((step) => step.name === 'validate');
  await steps.addSteps(jobId, validate.sysId, [{ name: 'validate schema', order: 10 }], now);

  const tree = buildStepTree(await steps.readSteps(jobId));
  expect(names(tree)).toEqual([
    { validate: ['validate schema', { 'validate fields': ['standard fields', 'custom fields'] }, 'validate refs'] },
    { apply: ['apply header', 'apply lines'] },
  ]);
  const all = await steps.readSteps(jobId);
  expect(all).toHaveLength(9);
  for (const step of all) expect(step.sysId).toMatch(/^[0-9a-f]{32}$/);
  expect(tree[0]).toMatchObject({ state: 'pending', percentComplete: 0, totalItems: 2, updatedAt: now });
  // The job itself has a sys_id of its own, for the ServiceNow face.
  const [{ sys_id: jobSysId }] = await t.database.db('jobs').where({ id: jobId }).select('sys_id');
  expect(jobSysId).toMatch(/^[0-9a-f]{32}$/);
  expect(all.map((step) => step.sysId)).not.toContain(jobSysId);
});

it('goes with its job', async () => {
  const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 1 });
  await steps.addSteps(jobId, null, [{ name: 'only', children: [{ name: 'inner' }] }], new Date());
  await t.database.db('jobs').where({ id: jobId }).delete().returning('id');
  expect(await steps.readSteps(jobId)).toEqual([]);
});
