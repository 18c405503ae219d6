import type { ManualClock } from '../../src/lib/clock';
import { FaceClient } from '../helpers/json-faces';
import { adminHeaders, createJob, startTestService, type TestService } from '../helpers/service';
import { checkAsyncStatus, statusOf } from '../helpers/soap';

/** The progress API: idempotent creation, every kind of report, refusals, concurrent reporters, and its effect on the other faces. */

let t: TestService;
let a: FaceClient;
beforeAll(async () => {
  t = await startTestService();
  a = new FaceClient(t.url, 'PROG_A1');
});
afterAll(() => t.close());
const clock = () => t.clock as ManualClock;

it('answers a retried create with the job the first one made, and refuses a client id reused for another request', async () => {
  const body = { clientId: 'import-42', name: 'Import 42', referenceId: 'R-42', steps: [{ name: 'Load', totalItems: 10 }] };
  const first = await a.request('POST', '/progress/jobs', body);
  expect(first.status).toBe(201);
  expect(first.headers.get('location')).toBe(`/progress/jobs/${encodeURIComponent(first.body.id)}`);
  const retry = await a.request('POST', '/progress/jobs', body);
  expect(retry.status).toBe(200);
  expect(retry.body).toEqual(first.body);
  const clash = await a.request('POST', '/progress/jobs', { ...body, name: 'Import 43' });
  expect(clash.status).toBe(409);
  expect(clash.body).toMatchObject({ field: 'clientId', error: expect.stringContaining(first.body.id) });
  // Another account may use the same client id for its own job.
  const b = new FaceClient(t.url, 'PROG_B1');
  const theirs = await b.request('POST', '/progress/jobs', body);
  expect(theirs.status).toBe(201);
  expect(theirs.body.id).not.toBe(first.body.id);
  const [{ n }] = await t.database.db('jobs').where({ client_id: 'import-42' }).count({ n: '*' });
  expect(Number(n)).toBe(2);
});

it('sets and increments percent and item counts, derives percent from items, and records progress samples', async () => {
  const job = await a.progress('POST', '/jobs', { name: 'Counts', steps: [{ name: 'Only', totalItems: 200 }] });
  const step = job.steps[0].sysId;
  clock().advance(1);
  let now = await a.progress('PATCH', `/jobs/${job.id}/steps/${step}`, { incrementProcessedItems: 50 });
  expect(now.steps[0]).toMatchObject({ processedItems: 50, percentComplete: 25, state: 'running' });
  expect(now.percentComplete).toBe(25);
  clock().advance(1);
  now = await a.progress('PATCH', `/jobs/${job.id}/steps/${step}`, { processedItems: 100, message: 'half', detailMessage: 'rows 1-100', result: [1, 'two', { three: 3 }] });
  expect(now.steps[0]).toMatchObject({ processedItems: 100, percentComplete: 50, message: 'half', detailMessage: 'rows 1-100', result: [1, 'two', { three: 3 }] });
  now = await a.progress('PATCH', `/jobs/${job.id}/steps/${step}`, { incrementPercentComplete: 10.5 });
  expect(now.steps[0].percentComplete).toBe(60.5);
  const samples = await t.database.db('job_progress').where({ job_id: job.id }).orderBy('id').select('processed');
  // In hundredths of a percent: 25 % (the first report starts the job), then 50 %, then 60.5 %.
  expect(samples.map((sample) => sample.processed)).toEqual([2500, 5000, 6050]);
  const soap = statusOf(await checkAsyncStatus(t.url, job.id, '2017_1', 'PROG_A1'));
  expect(soap).toMatchObject({ status: 'processing', percentCompleted: 60.5 });
  expect(soap.estRemainingDuration).toBeGreaterThan(0);
});

it('estimates the time left from the reports: a steady 1 % a second leaves about 50 s at 50 %', async () => {
  const job = await a.progress('POST', '/jobs', {
    name: 'Steady',
    steps: [
      { name: 'Load', totalItems: 100 },
      { name: 'Apply', totalItems: 100 },
    ],
  });
  const load = job.steps[0].sysId;
  // 2 items a second on the first of two equal steps: the job moves 1 % a second.
  for (let second = 1; second <= 50; second++) {
    clock().advance(1);
    await a.progress('PATCH', `/jobs/${job.id}/steps/${load}`, { incrementProcessedItems: 2 });
  }
  const soap = statusOf(await checkAsyncStatus(t.url, job.id, '2017_1', 'PROG_A1'));
  expect(soap.percentCompleted).toBe(50);
  expect(soap.estRemainingDuration).toBeGreaterThan(45);
  expect(soap.estRemainingDuration).toBeLessThan(55);
});

it('refuses what cannot be: too many items, an unknown step or job, a change after the end, wrong types', async () => {
  const job = await a.progress('POST', '/jobs', { name: 'Strict', steps: [{ name: 'Only', totalItems: 2 }] });
  const step = job.steps[0].sysId;
  const over = await a.request('POST', `/progress/jobs/${job.id}/steps/${step}/items`, { successes: ['a', 'b', 'c'] });
  expect(over).toMatchObject({ status: 400, body: { field: 'items', error: expect.stringContaining('more than the step') } });
  expect((await a.request('PATCH', `/progress/jobs/${job.id}/steps/${'f'.repeat(32)}`, { message: 'x' })).status).toBe(404);
  expect((await a.request('PATCH', `/progress/jobs/NO-SUCH-JOB`, { message: 'x' })).status).toBe(404);
  expect((await a.request('PATCH', `/progress/jobs/${job.id}/steps/${step}`, { percentComplete: 101 })).body).toMatchObject({ field: 'percentComplete' });
  expect((await a.request('PATCH', `/progress/jobs/${job.id}/steps/${step}`, { processedItems: '3' })).body).toMatchObject({ field: 'processedItems' });
  expect((await a.request('PATCH', `/progress/jobs/${job.id}/steps/${step}`, { colour: 'red' })).status).toBe(400);
  expect((await a.request('PATCH', `/progress/jobs/${job.id}`, { processedItems: 1 })).status).toBe(400);
  expect((await a.request('POST', `/progress/jobs/${job.id}/items`, { successes: ['a'] })).body).toMatchObject({ field: 'step' });
  expect((await a.request('POST', '/progress/jobs', '{"name": "broken"')).status).toBe(400);
  expect((await a.request('POST', '/progress/jobs', {})).body).toMatchObject({ field: 'name' });
  let deep: any = { name: 'leaf' };
  for (let i = 0; i < 30; i++) deep = { name: `level ${i}`, steps: [deep] };
  expect((await a.request('POST', '/progress/jobs', { name: 'Deep', steps: [deep] })).status).toBe(400);

  await a.progress('POST', `/jobs/${job.id}/steps/${step}/fail`, { message: 'bad input' });
  const again = await a.request('PATCH', `/progress/jobs/${job.id}/steps/${step}`, { message: 'later' });
  expect(again).toMatchObject({ status: 409, body: { error: expect.stringContaining('already ended (failed)') } });
  await a.progress('POST', `/jobs/${job.id}/fail`, { message: 'gave up' });
  expect((await a.request('POST', `/progress/jobs/${job.id}/success`)).status).toBe(409);
  expect(statusOf(await checkAsyncStatus(t.url, job.id, '2017_1', 'PROG_A1')).status).toBe('failed');
  // Text Postgres cannot store is refused, naming where it is; such ids are simply unknown.
  expect((await a.request('POST', '/progress/jobs', '{"name": "nul \\u0000 here"}')).body).toMatchObject({ field: 'body.name' });
  expect((await a.request('POST', '/progress/jobs', '{"name": "x", "additionalData": {"k": ["\\ud800"]}}')).body).toMatchObject({ field: 'body.additionalData.k[0]' });
  expect((await a.request('PATCH', `/progress/jobs/${job.id}%00`, { message: 'x' })).status).toBe(404);
  expect((await a.getStatus('abc\u0000')).state).toBe('-1');
  expect((await a.request('GET', '/v1/asyncprocesses/%ED%A0%80')).body).toMatchObject({ code: 400, statusMessage: 'Input Error' });
  expect((await a.request('GET', '/api/execution_tracker/%ED%A0%80')).body).toMatchObject({ field: 'path' });
  const nulCredentials = await fetch(`${t.url}/progress/jobs/${job.id}`, { headers: { Authorization: `Basic ${Buffer.from('tk-\u0000:x').toString('base64')}` } });
  expect(nulCredentials.status).toBe(401);
  // The admin API lists reported jobs with the rest.
  const admin = await fetch(`${t.url}/admin/jobs/${job.id}`, { headers: adminHeaders });
  expect(admin.status).toBe(200);
  expect(await admin.json()).toMatchObject({ id: job.id, source: 'external', name: 'Strict', status: 'failed', operation: null });
  const big = await a.request('POST', '/progress/jobs', { name: 'Big', additionalData: 'x'.repeat(6 * 1024 * 1024) });
  expect(big.status).toBe(413);
  expect((await a.request('GET', `/v1/asyncprocesses/${encodeURIComponent("' or '1'='1")}`)).status).toBe(400);
  // Another account's job is not there at all.
  expect((await new FaceClient(t.url, 'PROG_B1').request('GET', `/progress/jobs/${job.id}`)).status).toBe(404);
  expect((await fetch(`${t.url}/progress/jobs/${job.id}`)).status).toBe(401);
});

it('cancels a job and whatever of it was still to run; SOAP says failed, ServiceNow "4", Salesforce Cancelled', async () => {
  const job = await a.progress('POST', '/jobs', { name: 'Cancel me', referenceId: 'CANCEL-1', steps: [{ name: 'Done' }, { name: 'Running' }, { name: 'Waiting' }] });
  const [done, running] = job.steps;
  await a.progress('POST', `/jobs/${job.id}/steps/${done.sysId}/success`);
  await a.progress('PATCH', `/jobs/${job.id}/steps/${running.sysId}`, { percentComplete: 30 });
  const cancelled = await a.progress('POST', `/jobs/${job.id}/cancel`, { message: 'stopped by operator' });
  expect(cancelled).toMatchObject({ state: 'cancelled', status: 'failed', message: 'stopped by operator' });
  expect(cancelled.steps.map((step: any) => step.state)).toEqual(['successful', 'cancelled', 'cancelled']);
  expect(statusOf(await checkAsyncStatus(t.url, job.id, '2017_1', 'PROG_A1')).status).toBe('failed');
  expect(await a.getStatus(job.sysId)).toMatchObject({ state: '4', message: 'stopped by operator' });
  const [process] = (await a.request('GET', '/v1/asyncprocesses/CANCEL-1')).body.AsyncProcessStatus;
  expect(process.status).toBe('Cancelled');
  expect(process.itemsProcessed.map((step: any) => step.status)).toEqual(['Success', 'Cancelled', 'Cancelled']);
});

it('counts every one of many concurrent reports: the job row is locked while a report is applied', async () => {
  const job = await a.progress('POST', '/jobs', { name: 'Busy', steps: [{ name: 'Load', totalItems: 1000 }] });
  const step = job.steps[0].sysId;
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? a.progress('PATCH', `/jobs/${job.id}/steps/${step}`, { incrementProcessedItems: 5 })
        : a.progress('POST', `/jobs/${job.id}/steps/${step}/items`, { successes: [`s-${i}`], failures: [{ items: [`f-${i}`], code: 'E1' }] }),
    ),
  );
  const after = await a.progress('GET', `/jobs/${job.id}`);
  expect(after.steps[0]).toMatchObject({ processedItems: 10 * 5 + 10 * 2, failedItems: 10 });
  const [{ n }] = await t.database.db('job_step_items').where({ step_sys_id: step }).count({ n: '*' });
  expect(Number(n)).toBe(20);
});

it('leaves reported jobs to their reporters: the worker never runs them, and they hold up no SOAP job', async () => {
  const reported = await new FaceClient(t.url, 'TSTDRV1234567').progress('POST', '/jobs', { name: 'Long-running report' });
  const scripted = await createJob(t.url, { operation: 'asyncAddList', items: 2, ratePerSecond: 100 });
  for (let i = 0; i < 5; i++) {
    clock().advance(1);
    await t.service.worker.runDue();
  }
  expect(statusOf(await checkAsyncStatus(t.url, scripted)).status).toBe('finished');
  const [row] = await t.database.db('jobs').where({ id: reported.id }).select('status', 'processed_items');
  expect(row).toEqual({ status: 'pending', processed_items: 0 });
  // Until it reports, nothing says how long it will take.
  expect(statusOf(await checkAsyncStatus(t.url, reported.id))).toMatchObject({ status: 'pending', percentCompleted: 0, estRemainingDuration: 0 });
  // Nor may a reporter move a job the worker runs.
  const refused = await new FaceClient(t.url, 'TSTDRV1234567').request('POST', `/progress/jobs/${scripted}/cancel`);
  expect(refused).toMatchObject({ status: 409, body: { field: 'jobId', error: expect.stringContaining('only jobs created through the progress API') } });
});

it('forgets a job once it expires, on every face', async () => {
  const job = await a.progress('POST', '/jobs', { name: 'Short-lived', referenceId: 'EXPIRES-1' });
  clock().advance(31 * 24 * 3600);
  expect((await a.request('GET', `/progress/jobs/${job.id}`)).status).toBe(404);
  expect((await a.request('PATCH', `/progress/jobs/${job.id}`, { message: 'late' })).status).toBe(404);
  expect((await a.getStatus(job.sysId)).state).toBe('-1');
  expect((await a.request('GET', '/v1/asyncprocesses/EXPIRES-1')).status).toBe(400);
});
