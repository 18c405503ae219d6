import { FaceClient } from '../helpers/json-faces';
import { customer, RecordRequests } from '../helpers/record-requests';
import { startTestService, type TestService } from '../helpers/service';

/** The Salesforce face's edges: several processes under one reference id, the three query flags, errors in the envelope. */

let t: TestService;
let a: FaceClient;
let b: FaceClient;
let first: any;
let second: any;
beforeAll(async () => {
  t = await startTestService();
  a = new FaceClient(t.url, 'SFDC_A1');
  b = new FaceClient(t.url, 'SFDC_B1');
  const make = async (client: FaceClient, name: string) => {
    const job = await client.progress('POST', '/jobs', {
      name,
      referenceId: 'QUOTE-12324',
      steps: [
        { name: 'Validate', totalItems: 3 },
        { name: 'Price', totalItems: 3 },
      ],
    });
    await client.progress('POST', `/jobs/${job.id}/steps/${job.steps[0].sysId}/items`, {
      successes: ['q-1'],
      failures: [
        { items: ['q-2'], code: 5001, statusMessage: 'Invalid status' },
        { items: [{ line: 3 }], code: 5001, statusMessage: 'Invalid status' },
      ],
    });
    return job;
  };
  first = await make(a, 'Bulk CPQ one');
  second = await make(a, 'Bulk CPQ two');
  // Another account's process under the same reference id never shows.
  await make(b, 'Bulk CPQ of B');
});
afterAll(() => t.close());

const get = (client: FaceClient, path: string) => client.request('GET', path);

it('answers every process under a reference id, oldest first, and one record for a process id', async () => {
  const byReference = await get(a, '/v1/asyncprocesses/QUOTE-12324');
  expect(byReference.status).toBe(200);
  expect(byReference.body.AsyncProcessStatus.map((process: any) => [process.asyncProcessId, process.asyncProcessName, process.referenceId])).toEqual([
    [first.id, 'Bulk CPQ one', 'QUOTE-12324'],
    [second.id, 'Bulk CPQ two', 'QUOTE-12324'],
  ]);
  const byId = await get(a, `/v1/asyncprocesses/${second.id}`);
  expect(byId.body.AsyncProcessStatus.map((process: any) => process.asyncProcessId)).toEqual([second.id]);
  // Failures sharing a code and message are one entry.
  expect(byId.body.AsyncProcessStatus[0].itemsProcessed[0]).toMatchObject({
    stepNumber: 0,
    stepName: 'Validate',
    status: 'InProgress',
    currentNumberOfItemsProccessed: 3,
    totalNumberOfItemsToBeProccessed: 3,
    successfully: ['q-1'],
    failed: [{ items: ['q-2', { line: 3 }], code: 5001, statusMessage: 'Invalid status' }],
  });
  // The same under the path a Salesforce org serves it at.
  expect((await get(a, `/services/apexrest/vlocity_cmt/v1/asyncprocesses/${second.id}`)).body).toEqual(byId.body);
});

it('drops what each query flag says it drops, and nothing else', async () => {
  const full = (await get(a, `/v1/asyncprocesses/${first.id}`)).body.AsyncProcessStatus[0];
  const quiet = (await get(a, `/v1/asyncprocesses/${first.id}?verbose=false`)).body.AsyncProcessStatus[0];
  const { itemsProcessed, ...summary } = full;
  expect(quiet).toEqual(summary);
  expect(itemsProcessed).toHaveLength(2);

  const noLists = (await get(a, `/v1/asyncprocesses/${first.id}?itemsList=FALSE`)).body.AsyncProcessStatus[0];
  expect(noLists.itemsProcessed).toEqual(itemsProcessed.map(({ successfully: _s, failed: _f, ...step }: any) => step));

  const noMessages = (await get(a, `/v1/asyncprocesses/${first.id}?failMessage=false`)).body.AsyncProcessStatus[0];
  expect(noMessages.itemsProcessed[0].failed).toEqual([{ items: ['q-2', { line: 3 }], code: 5001 }]);
  expect(noMessages.itemsProcessed[0].successfully).toEqual(['q-1']);
  expect({ ...noMessages, itemsProcessed: undefined }).toEqual({ ...full, itemsProcessed: undefined });

  const explicit = (await get(a, `/v1/asyncprocesses/${first.id}?verbose=true&itemsList=true&failMessage=true`)).body.AsyncProcessStatus[0];
  expect(explicit).toEqual(full);
});

it('answers input errors with 400 and the same envelope', async () => {
  const flag = await get(a, `/v1/asyncprocesses/${first.id}?verbose=maybe`);
  expect(flag.status).toBe(400);
  expect(flag.body).toEqual({ code: 400, statusMessage: 'Input Error', technicalMessage: expect.stringContaining('verbose'), AsyncProcessStatus: [] });
  const unknown = await get(a, '/v1/asyncprocesses/NO-SUCH-REFERENCE');
  expect(unknown).toMatchObject({ status: 400, body: { code: 400, statusMessage: 'Input Error', AsyncProcessStatus: [] } });
  expect(unknown.body.technicalMessage).toContain('NO-SUCH-REFERENCE');
  // Another account's process id is unknown here.
  expect((await get(b, `/v1/asyncprocesses/${first.id}`)).status).toBe(400);
  const post = await a.request('POST', `/v1/asyncprocesses/${first.id}`, {});
  expect(post).toMatchObject({ status: 400, body: { code: 400, statusMessage: 'Input Error' } });
  const anonymous = await fetch(`${t.url}/v1/asyncprocesses/${first.id}`);
  expect(anonymous.status).toBe(401);
  expect(await anonymous.json()).toMatchObject({ code: 401, AsyncProcessStatus: [] });
});

it('shows a SOAP job as one step, its records as items and its failures grouped by code', async () => {
  const r = new RecordRequests(t);
  const company = (name: string) => `<listRel:companyName>${name}</listRel:companyName>`;
  const jobId = await r.submitAndRun(
    'asyncAddList',
    customer('externalId="sf-1"', company('One')) + customer('externalId="sf-1"', company('Again')) + customer('externalId="sf-2"', company('Two')),
    { account: 'SFDC_A1' },
  );
  const [process] = (await get(a, `/v1/asyncprocesses/${jobId}`)).body.AsyncProcessStatus;
  expect(process).toMatchObject({
    asyncProcessName: 'asyncAddList customer',
    status: 'Failed',
    stepName: 'asyncAddList',
    currentStepNumber: 0,
    totalNumberOfSteps: 1,
    referenceId: null,
    additionalData: {},
  });
  const [step] = process.itemsProcessed;
  expect(step).toMatchObject({ stepNumber: 0, status: 'Failed', currentNumberOfItemsProccessed: 3, totalNumberOfItemsToBeProccessed: 3 });
  expect(step.successfully).toEqual([
    { position: 1, internalId: expect.any(String), externalId: 'sf-1' },
    { position: 3, internalId: expect.any(String), externalId: 'sf-2' },
  ]);
  expect(step.failed).toEqual([{ items: [{ position: 2, externalId: 'sf-1' }], code: 'DUP_ENTITY', statusMessage: expect.stringContaining('sf-1') }]);
});
