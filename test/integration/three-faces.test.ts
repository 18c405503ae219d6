import type { ManualClock } from '../../src/lib/clock';
import { FaceClient, shapeOf } from '../helpers/json-faces';
import { startTestService, type TestService } from '../helpers/service';
import { checkAsyncStatus, faultOf, getAsyncResult, statusOf, TEST_ACCOUNT } from '../helpers/soap';

/**
 * One job, reported through the progress API with two steps and item failures, read through all
 * three faces: NetSuite's checkAsyncStatus (SOAP), ServiceNow's getStatus (GlideAjax and REST) and
 * Salesforce's async process status. Each face's JSON is compared key by key, type by type and
 * level by level with an example laid out as the seeds lay theirs out.
 */

let t: TestService;
let client: FaceClient;
beforeAll(async () => {
  t = await startTestService();
  client = new FaceClient(t.url, TEST_ACCOUNT);
});
afterAll(() => t.close());
const clock = () => t.clock as ManualClock;

/** The Salesforce seed's record, field for field (our own values; items of both kinds, as there). */
const SALESFORCE_EXAMPLE = {
  referenceId: 'ORDER-77',
  asyncProcessName: 'Bulk repricing',
  asyncProcessId: 'some id',
  status: 'InProgress',
  message: 'Validate had errors',
  stepName: 'Price',
  currentStepNumber: 1,
  totalNumberOfSteps: 2,
  itemsProcessed: [
    {
      stepNumber: 0,
      stepName: 'Validate',
      status: 'Failed',
      currentNumberOfItemsProccessed: 6,
      totalNumberOfItemsToBeProccessed: 6,
      message: 'Completed with errors',
      successfully: ['line-1', 'line-2'],
      failed: [
        { items: [{ sku: 'X-9' }, 'line-3'], code: 5001, statusMessage: 'Invalid status' },
        { items: ['line-5', { sku: 'Z-1' }], code: 5004, statusMessage: 'Missing data' },
      ],
    },
    {
      stepNumber: 1,
      stepName: 'Price',
      status: 'InProgress',
      currentNumberOfItemsProccessed: 3,
      totalNumberOfItemsToBeProccessed: 6,
      message: 'Pricing',
      successfully: ['line-1', 'line-2', { sku: 'X-9' }],
      failed: [],
    },
  ],
  additionalData: { channel: ['web', 'partner'], owner: { team: 'pricing' }, note: 'nightly' },
};

/** The ServiceNow seed's getStatusLayer object with read access: every field, strings but result and the arrays. */
const SERVICENOW_LEAF = {
  name: 'Validate',
  state: '2',
  message: 'Completed with errors',
  detail_message: '',
  sys_id: 'hex',
  percent_complete: '100',
  updated_on: '2026-01-15 10:00:00',
  duration: '5 Seconds',
  children: [],
  results: [],
};

it('reports one job through the progress API and reads it the same through SOAP, ServiceNow and Salesforce', async () => {
  const created = await client.progress('POST', '/jobs', {
    clientId: 'reprice-2026-01-15',
    name: 'Bulk repricing',
    referenceId: 'ORDER-77',
    additionalData: SALESFORCE_EXAMPLE.additionalData,
    steps: [
      { name: 'Validate', order: 0, totalItems: 6 },
      { name: 'Price', order: 1, totalItems: 6 },
    ],
  });
  const [validate, price] = created.steps;
  expect(created).toMatchObject({ state: 'pending', status: 'pending', percentComplete: 0 });
  expect(created.sysId).toMatch(/^[0-9a-f]{32}$/);

  clock().advance(5);
  await client.progress('POST', `/jobs/${created.id}/steps/${validate.sysId}/items`, {
    successes: ['line-1', 'line-2'],
    failures: [
      { items: [{ sku: 'X-9' }, 'line-3'], code: 5001, statusMessage: 'Invalid status' },
      { items: ['line-5', { sku: 'Z-1' }], code: 5004, statusMessage: 'Missing data' },
    ],
  });
  await client.progress('POST', `/jobs/${created.id}/steps/${validate.sysId}/success`, { message: 'Completed with errors' });
  clock().advance(5);
  await client.progress('POST', `/jobs/${created.id}/steps/${price.sysId}/items`, { successes: ['line-1', 'line-2', { sku: 'X-9' }] });
  await client.progress('PATCH', `/jobs/${created.id}/steps/${price.sysId}`, { message: 'Pricing' });
  const reported = await client.progress('PATCH', `/jobs/${created.id}`, { message: 'Validate had errors' });
  expect(reported).toMatchObject({ state: 'running', status: 'processing', percentComplete: 75 });
  expect(reported.steps.map((step: any) => [step.name, step.state, step.processedItems, step.failedItems, step.percentComplete])).toEqual([
    ['Validate', 'successful', 6, 4, 100],
    ['Price', 'running', 3, 0, 50],
  ]);

  // NetSuite: percent from the tree (mean of 100 and 50), an estimate from the same samples.
  const soap = statusOf(await checkAsyncStatus(t.url, created.id));
  expect(soap).toMatchObject({ jobId: created.id, status: 'processing', percentCompleted: 75 });
  expect(soap.estRemainingDuration).toBeGreaterThan(0);

  // Salesforce: the seed's record, name for name and type for type, and these very values.
  const salesforce = await client.request('GET', `/v1/asyncprocesses/${created.id}`);
  expect(salesforce.status).toBe(200);
  expect(Object.keys(salesforce.body)).toEqual(['code', 'statusMessage', 'technicalMessage', 'AsyncProcessStatus']);
  expect(salesforce.body).toMatchObject({ code: 200, statusMessage: 'Success', technicalMessage: null });
  const [process] = salesforce.body.AsyncProcessStatus;
  expect(shapeOf(process)).toEqual(shapeOf(SALESFORCE_EXAMPLE));
  expect(Object.keys(process)).toEqual(Object.keys(SALESFORCE_EXAMPLE));
  expect(Object.keys(process.itemsProcessed[0])).toEqual(Object.keys(SALESFORCE_EXAMPLE.itemsProcessed[0]));
  expect(process).toEqual({ ...SALESFORCE_EXAMPLE, asyncProcessId: created.id });

  // ServiceNow: the REST face and GlideAjax give the same object, shaped as getStatusLayer builds it.
  const rest = await client.request('GET', `/api/execution_tracker/${created.sysId}`);
  expect(rest.status).toBe(200);
  expect(rest.headers.get('content-type')).toMatch(/^application\/json/);
  const ajax = await client.getStatus(created.sysId);
  expect(ajax).toEqual(rest.body);
  const tracker = rest.body;
  const {
    children: [first, second],
    ...root
  } = tracker;
  const { children: _none, ...leafWithoutChildren } = SERVICENOW_LEAF;
  expect(shapeOf(root)).toEqual(shapeOf(leafWithoutChildren));
  expect(shapeOf(first)).toEqual(shapeOf(SERVICENOW_LEAF));
  expect(Object.keys(first)).toEqual(Object.keys(SERVICENOW_LEAF));
  expect(root).toMatchObject({
    name: 'Bulk repricing',
    state: '1',
    message: 'Validate had errors',
    sys_id: created.sysId,
    percent_complete: '75',
    updated_on: '2026-01-15 10:00:10',
    duration: '5 Seconds',
    results: [],
  });
  expect(first).toEqual({ ...SERVICENOW_LEAF, sys_id: validate.sysId, updated_on: '2026-01-15 10:00:05', duration: '0 Seconds' });
  expect(second).toMatchObject({ name: 'Price', state: '1', message: 'Pricing', percent_complete: '50', sys_id: price.sysId, duration: '0 Seconds' });

  // Ending the job: finished with errors on SOAP, successful on ServiceNow, Failed on Salesforce.
  clock().advance(65);
  await client.progress('POST', `/jobs/${created.id}/steps/${price.sysId}/items`, { successes: ['line-3', 'line-4', 'line-5'] });
  await client.progress('POST', `/jobs/${created.id}/steps/${price.sysId}/success`, { message: 'Priced' });
  const ended = await client.progress('POST', `/jobs/${created.id}/success`, { message: 'Done, with errors', result: { priced: 6 } });
  expect(ended).toMatchObject({ state: 'successful', status: 'finishedWithErrors', percentComplete: 100 });
  expect(statusOf(await checkAsyncStatus(t.url, created.id))).toMatchObject({ status: 'finishedWithErrors', percentCompleted: 100, estRemainingDuration: 0 });
  expect(await client.getStatus(created.sysId)).toMatchObject({ state: '2', percent_complete: '100', duration: '1 Minute 10 Seconds', result: { priced: 6 } });
  const [done] = (await client.request('GET', `/v1/asyncprocesses/ORDER-77`)).body.AsyncProcessStatus;
  expect(done).toMatchObject({ status: 'Failed', message: 'Done, with errors', stepName: 'Price', currentStepNumber: 1 });
  expect(done.itemsProcessed[1]).toMatchObject({ status: 'Success', currentNumberOfItemsProccessed: 6 });

  // Such a job has no SOAP result to page; getAsyncResult says where to read it.
  const fault = faultOf(await getAsyncResult(t.url, created.id, 1));
  expect(fault).toMatchObject({ element: 'asyncFault', code: 'USER_ERROR' });
  expect(fault.message).toContain(`/api/execution_tracker/${created.sysId}`);
});
