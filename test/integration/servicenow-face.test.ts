import { FaceClient } from '../helpers/json-faces';
import { startTestService, type TestService } from '../helpers/service';
import { RecordRequests, customer } from '../helpers/record-requests';

/** The ServiceNow face's edges, as the seed's getStatus has them: not found, access denied, order, GlideAjax. */

let t: TestService;
let a: FaceClient;
let b: FaceClient;
beforeAll(async () => {
  t = await startTestService();
  a = new FaceClient(t.url, 'SNOW_A1');
  b = new FaceClient(t.url, 'SNOW_B1');
});
afterAll(() => t.close());

const names = (node: any): unknown => (node.children.length ? { [node.name]: node.children.map(names) } : node.name);

it('answers an unknown id with the not-found object, state "-1", through both endpoints', async () => {
  const unknown = '0123456789abcdef0123456789abcdef';
  const expected = { name: 'Record not found', message: 'Record not found', state: '-1', sys_id: unknown, children: [], results: [] };
  expect(await a.getStatus(unknown)).toEqual(expected);
  const rest = await a.request('GET', `/api/execution_tracker/${unknown}`);
  expect(rest).toMatchObject({ status: 200, body: expected });
  // Ids longer than any this service makes, and odd characters, are simply not found.
  const long = 'x'.repeat(5000);
  expect((await a.getStatus(long)).state).toBe('-1');
  expect((await a.getStatus(`' or 1=1 --`)).sys_id).toBe(`' or 1=1 --`);
});

it('shows another account\'s tracker as "Access denied" with state "1", every level, and no data', async () => {
  const job = await a.progress('POST', '/jobs', { name: 'Secret import', message: 'row 5 of 9', steps: [{ name: 'Load', steps: [{ name: 'Parse' }] }] });
  await a.progress('PATCH', `/jobs/${job.id}/steps/${job.steps[0].sysId}`, { percentComplete: 40, message: 'loading secrets' });
  const denied = await b.getStatus(job.sysId);
  const parse = job.steps[0].steps[0];
  expect(denied).toEqual({
    name: 'Access denied',
    message: 'Access denied',
    state: '1',
    sys_id: job.sysId,
    children: [
      {
        name: 'Access denied',
        message: 'Access denied',
        state: '1',
        sys_id: job.steps[0].sysId,
        children: [{ name: 'Access denied', message: 'Access denied', state: '1', sys_id: parse.sysId, children: [], results: [] }],
        results: [],
      },
    ],
    results: [],
  });
  expect((await b.request('GET', `/api/execution_tracker/${job.steps[0].sysId}`)).body).toMatchObject({ name: 'Access denied', state: '1' });
  // The owner sees it all.
  expect(await a.getStatus(job.sysId)).toMatchObject({ name: 'Secret import', message: 'row 5 of 9', state: '1', percent_complete: '40' });
});

it('refuses a request without credentials, or with a wrong secret, with 401', async () => {
  const job = await a.progress('POST', '/jobs', { name: 'Guarded' });
  const anonymous = await fetch(`${t.url}/api/execution_tracker/${job.sysId}`);
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic /);
  expect(await anonymous.json()).toMatchObject({ error: { message: 'User Not Authenticated' }, status: 'failure' });
  const wrong = await fetch(`${t.url}/xmlhttp.do`, {
    method: 'POST',
    headers: { Authorization: `Basic ${Buffer.from('tk-SNOW_A1:not-the-secret').toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `sysparm_processor=AJAXProgressStatusChecker&sysparm_name=getStatus&sysparm_execution_id=${job.sysId}`,
  });
  expect(wrong.status).toBe(401);
  expect(await wrong.text()).toContain('error="Invalid login attempt."');
});

it('orders a tree three levels deep by order at every level, whatever order it was built in', async () => {
  const job = await a.progress('POST', '/jobs', {
    name: 'Deploy',
    steps: [
      {
        name: 'apply',
        order: 200,
        steps: [
          { name: 'apply lines', order: 2 },
          { name: 'apply header', order: 1 },
        ],
      },
      {
        name: 'validate',
        order: 100,
        steps: [
          {
            name: 'validate fields',
            order: 20,
            steps: [
              { name: 'custom fields', order: 9 },
              { name: 'standard fields', order: 3 },
            ],
          },
          { name: 'validate refs', order: 30 },
        ],
      },
    ],
  });
  const validate = job.steps.find((step: any) => step.name === 'validate');
  // Added later, under an existing step, yet ordered before its siblings.
  await a.progress('POST', `/jobs/${job.id}/steps/${validate.sysId}/steps`, { steps: [{ name: 'validate schema', order: 10 }] });
  const tracker = await a.getStatus(job.sysId);
  expect(names(tracker)).toEqual({
    Deploy: [{ validate: ['validate schema', { 'validate fields': ['standard fields', 'custom fields'] }, 'validate refs'] }, { apply: ['apply header', 'apply lines'] }],
  });
  // A step's sys_id answers its own subtree.
  expect(names(await a.getStatus(validate.sysId))).toEqual({ validate: ['validate schema', { 'validate fields': ['standard fields', 'custom fields'] }, 'validate refs'] });
  const sysIds = JSON.stringify(tracker).match(/"sys_id":"[^"]*"/g) ?? [];
  expect(sysIds).toHaveLength(10);
  for (const entry of sysIds) expect(entry).toMatch(/^"sys_id":"[0-9a-f]{32}"$/);
});

it('carries any text through the answer attribute intact: quotes, markup, newlines, tabs, non-Latin', async () => {
  const message = 'line 1 "quoted" <b>&amp;</b>\nline 2\ttabbed — 日本語 \u{1F600}';
  const job = await a.progress('POST', '/jobs', { name: 'Odd <text> & "quotes"', message });
  const answer = await a.getStatus(job.sysId);
  expect(answer).toMatchObject({ name: 'Odd <text> & "quotes"', message });
  expect(answer).toEqual((await a.request('GET', `/api/execution_tracker/${job.sysId}`)).body);
});

it('reads its parameters from the query string as well, and says what it answers to', async () => {
  const job = await a.progress('POST', '/jobs', { name: 'Query' });
  const response = await fetch(`${t.url}/xmlhttp.do?sysparm_processor=AJAXProgressStatusChecker&sysparm_name=getStatus&sysparm_execution_id=${job.sysId}`, {
    method: 'POST',
    headers: { Authorization: a.authorization },
  });
  expect(response.status).toBe(200);
  expect(await response.text()).toContain('sysparm_processor="AJAXProgressStatusChecker"');
  const other = await a.glideAjax({ sysparm_processor: 'SomeOtherAjax', sysparm_name: 'run' });
  expect(other.status).toBe(400);
  expect(other.attributes.error).toContain('AJAXProgressStatusChecker');
  const missing = await a.glideAjax({ sysparm_processor: 'AJAXProgressStatusChecker', sysparm_name: 'getStatus' });
  expect(missing).toMatchObject({ status: 400, attributes: { error: 'sysparm_execution_id is required.' } });
});

it('shows a SOAP job as a tracker: its operation, progress and message', async () => {
  const r = new RecordRequests(t);
  const jobId = await r.submitAndRun(
    'asyncAddList',
    customer('externalId="snow-1"', '<listRel:companyName>One</listRel:companyName>') + customer('', '<listRel:companyName>Two</listRel:companyName>'),
    { account: 'SNOW_A1' },
  );
  const [{ sys_id: sysId }] = await t.database.db('jobs').where({ id: jobId }).select('sys_id');
  const tracker = await a.getStatus(jobId);
  expect(tracker).toMatchObject({ name: 'asyncAddList customer', state: '2', sys_id: sysId, percent_complete: '100', children: [] });
  expect(tracker.message).toMatch(/^2 of 2 items processed/);
  expect(await a.getStatus(sysId)).toEqual(tracker);
});
