import { FaceClient } from '../helpers/json-faces';
import { startTestService, type TestService } from '../helpers/service';

/**
 * The progress API's caps: steps per request at every depth together, counted before anything is
 * built; steps per job, however many requests add them; items per request.
 */

let t: TestService;
let a: FaceClient;
beforeAll(async () => {
  t = await startTestService();
  a = new FaceClient(t.url, 'CAPS1');
});
afterAll(() => t.close());

const stepRows = async (): Promise<number> => Number((await t.database.db('job_steps').count({ n: '*' }))[0].n);
const jobRows = async (): Promise<number> => Number((await t.database.db('jobs').where({ account: 'CAPS1' }).count({ n: '*' }))[0].n);
/** `width` steps of `children` children each, with one-letter names to keep the body small. */
const forest = (width: number, children: number) => Array.from({ length: width }, () => ({ name: 's', steps: Array.from({ length: children }, () => ({ name: 'c' })) }));

it('refuses 600 steps of 600 children each (360,600 steps in one body under 5 MB) naming the cap, and writes no row', async () => {
  const body = JSON.stringify({ name: 'Wide', steps: forest(600, 600) });
  expect(body.length).toBeLessThan(5 * 1024 * 1024);
  const answer = await a.request('POST', '/progress/jobs', body);
  expect(answer).toMatchObject({ status: 400, body: { field: 'body.steps', error: expect.stringContaining('at most 1000 steps') } });
  expect(await stepRows()).toBe(0);
  expect(await jobRows()).toBe(0);
});

it('takes 1,000 steps at every depth together in one request, and refuses 1,001 added to a step', async () => {
  const job = await a.progress('POST', '/jobs', { name: 'Exactly', steps: forest(10, 99) });
  expect(await stepRows()).toBe(1000);
  const over = await a.request('POST', `/progress/jobs/${job.id}/steps/${job.steps[0].sysId}/steps`, { steps: forest(7, 142) });
  expect(over).toMatchObject({ status: 400, body: { field: 'body.steps', error: expect.stringContaining('at most 1000 steps') } });
  expect(await stepRows()).toBe(1000);
});

it('refuses steps past 5,000 in one job, however many requests add them, so a read of a job stays bounded', async () => {
  const job = await a.progress('POST', '/jobs', { name: 'Grown', steps: forest(1, 999) });
  const parent = job.steps[0].sysId;
  for (let request = 1; request < 5; request++) await a.progress('POST', `/jobs/${job.id}/steps/${parent}/steps`, { steps: forest(1000, 0) });
  const rowsOfJob = async () => Number((await t.database.db('job_steps').where({ job_id: job.id }).count({ n: '*' }))[0].n);
  expect(await rowsOfJob()).toBe(5000);
  const over = await a.request('POST', `/progress/jobs/${job.id}/steps`, { steps: [{ name: 'one more' }] });
  expect(over).toMatchObject({ status: 409, body: { field: 'steps', error: expect.stringContaining('at most 5000 steps') } });
  expect(await rowsOfJob()).toBe(5000);
  const read = await a.progress('GET', `/jobs/${job.id}`);
  expect(read.steps[0].steps).toHaveLength(4999);
});

it('refuses more than 10,000 items in one request, counted across successes and failure groups', async () => {
  const job = await a.progress('POST', '/jobs', { name: 'Items', steps: [{ name: 'Load' }] });
  const body = { successes: Array.from({ length: 6000 }, () => 1), failures: [{ items: Array.from({ length: 4001 }, () => 2), code: 'E' }] };
  const over = await a.request('POST', `/progress/jobs/${job.id}/steps/${job.steps[0].sysId}/items`, body);
  expect(over).toMatchObject({ status: 400, body: { error: expect.stringContaining('at most 10000 items') } });
  expect(Number((await t.database.db('job_step_items').count({ n: '*' }))[0].n)).toBe(0);
});
