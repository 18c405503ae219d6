import { validateXML } from 'xmllint-wasm';
import type { ManualClock } from '../../src/lib/clock';
import { FaceClient } from '../helpers/json-faces';
import { adminHeaders, createJob, startTestService, type TestService } from '../helpers/service';
import { getAsyncResult } from '../helpers/soap';

/**
 * Characters XML 1.0 cannot carry (C0 controls but tab, LF and CR; U+FFFE, U+FFFF; lone
 * surrogates) are refused at the door of every JSON face, and replaced on the way out of every XML
 * answer, so a row stored before the rule still gives a well-formed answer.
 */

let t: TestService;
let a: FaceClient;
beforeAll(async () => {
  t = await startTestService();
  a = new FaceClient(t.url, 'XMLSAFE1');
});
afterAll(() => t.close());

/** Resolves when `xml` is well-formed for libxml2; rejects with its messages otherwise. */
async function expectWellFormed(xml: string): Promise<void> {
  const result = await validateXML({ xml: [{ fileName: 'answer.xml', contents: xml }], normalization: 'c14n' });
  if (!result.valid) throw new Error(`not well-formed XML:\n${result.rawOutput}\n${xml}`);
}

const postAdmin = (path: string, body: string, contentType = 'application/json') =>
  fetch(`${t.url}${path}`, { method: 'POST', headers: { ...adminHeaders, 'Content-Type': contentType }, body });

it.each([
  ['U+FFFE', 'body.name', { name: 'import \uFFFE' }],
  ['U+FFFF', 'body.message', { name: 'import', message: 'nearly \uFFFF' }],
  ['U+0001', 'body.additionalData.k[0]', { name: 'import', additionalData: { k: ['a\u0001b'] } }],
  ['U+001F', 'body.steps[0].steps[0].name', { name: 'import', steps: [{ name: 'outer', steps: [{ name: 'in\u001Fner' }] }] }],
])('refuses %s in a progress job with a 400 naming %s', async (_char, field, body) => {
  const answer = await a.request('POST', '/progress/jobs', body);
  expect(answer).toMatchObject({ status: 400, body: { field, error: expect.stringMatching(/XML cannot carry/) } });
});

it('refuses it in a progress report, an admin scenario and a fixtures document, and keeps tab, LF and CR', async () => {
  const job = await a.progress('POST', '/jobs', { name: 'tab\there\r\nand a line', steps: [{ name: 'Load' }] });
  expect(job.name).toBe('tab\there\r\nand a line');
  const report = await a.request('PATCH', `/progress/jobs/${job.id}/steps/${job.steps[0].sysId}`, { message: 'half \uFFFE' });
  expect(report).toMatchObject({ status: 400, body: { field: 'body.message' } });

  const scenario = { operation: 'asyncAddList', items: 2, failures: [{ item: 1, code: 'DUP_ENTITY', message: 'dup \uFFFF' }] };
  const admin = await postAdmin('/admin/jobs', JSON.stringify(scenario));
  expect(admin.status).toBe(400);
  expect(await admin.json()).toMatchObject({ field: 'body.failures[0].message' });

  const yaml = 'jobs:\n  - operation: asyncAddList\n    items: 1\n    fail: { afterItems: 0, message: "bad \\uFFFE" }\n';
  const fixtures = await postAdmin('/admin/fixtures', yaml, 'application/yaml');
  expect(fixtures.status).toBe(400);
  expect(await fixtures.json()).toMatchObject({ field: 'body.jobs[0].fail.message' });
});

it('answers /xmlhttp.do well-formed when stored rows hold what XML cannot carry', async () => {
  const job = await a.progress('POST', '/jobs', { name: 'Stored', steps: [{ name: 'Load' }] });
  // Rows written before the door refused such text, or straight into the database.
  await t.database.db('jobs').where({ id: job.id }).update({ name: 'name \uFFFE', message: 'msg \uFFFF \u0001', detail_message: 'detail \u0008' });
  await t.database.db('job_steps').where({ sys_id: job.steps[0].sysId }).update({ name: 'step \uFFFF', message: 'step \u000B msg' });

  const answer = await a.glideAjax({ sysparm_processor: 'AJAXProgressStatusChecker', sysparm_name: 'getStatus', sysparm_execution_id: job.sysId });
  expect(answer.status).toBe(200);
  await expectWellFormed(answer.text);
  const status = JSON.parse(answer.attributes.answer);
  expect(status).toMatchObject({ name: 'name \uFFFD', message: 'msg \uFFFD \u0001', detail_message: 'detail \u0008' });
  expect(status.children[0]).toMatchObject({ name: 'step \uFFFD', message: 'step \u000B msg' });
});

it('answers getAsyncResult well-formed when a stored failure message holds what XML cannot carry', async () => {
  const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 2, ratePerSecond: 100, fail: { afterItems: 1, message: 'went away' } });
  for (let i = 0; i < 5; i++) {
    (t.clock as ManualClock).advance(0.2);
    await t.service.worker.runDue();
  }
  await t.database.db('jobs').where({ id: jobId }).update({ failure_message: 'went \uFFFE away \u0002' });
  // postSoap checks the answer against the served XSDs, which a malformed answer fails.
  const answer = await getAsyncResult(t.url, jobId, 1);
  await expectWellFormed(answer.text);
  expect(answer.body.getAsyncResultResponse.asyncResult.writeResponseList.status.statusDetail.message).toBe('went \uFFFD away \uFFFD');
});
