import path from 'node:path';
import { systemClock } from '../../src/lib/clock';
import { adminHeaders, startTestService, type TestService } from '../helpers/service';
import { requireProgram } from '../helpers/programs';
import { EXAMPLES, runExample } from './run-program';
import { readSoapUiProject } from './soapui-project';
import { describeFailures, replaySoapUiProject } from './soapui-replay';
import { structureProblems } from './soapui-structure';
import { XPATH_MISSING, XPATH_PROGRAM } from './xpath';

/**
 * examples/soapui-project.xml: well-formed, shaped as SoapUI 5.x imports it and bound to what the
 * server's WSDL really has, and replayed against the whole service (on the system clock)
 * the way SoapUI's test runner would run it with -PemulatorUrl=…: every request sent, every
 * assertion evaluated on the real answer, the jobId transferred, the poll loop followed until the
 * job has ended. A replay with a wrong password must fail, so the assertions are shown to bite.
 */

const PROJECT_FILE = path.join(EXAMPLES, 'soapui-project.xml');

let service: TestService;

beforeAll(async () => {
  // On the system clock, with no worker loop: the replay below runs the worker itself, once the
  // suite has polled its job, so the job is still pending at the first poll however slow the machine.
  service = await startTestService({ worker: false, clock: systemClock, env: { DEFAULT_RATE_PER_SECOND: '2' } });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the worker every 100 ms from the account's first checkAsyncStatus until `done` settles. */
async function workAfterFirstPoll(done: Promise<unknown>): Promise<void> {
  let settled = false;
  void done.finally(() => (settled = true));
  const polls = async () => {
    const answer = await fetch(`${service.url}/admin/requests?operation=checkAsyncStatus`, { headers: adminHeaders });
    return ((await answer.json()) as { requests: unknown[] }).requests.length;
  };
  while (!settled && (await polls()) === 0) await sleep(50);
  while (!settled) {
    await service.service.worker.runDue();
    await sleep(100);
  }
}

afterAll(async () => {
  await service?.close();
});

const requireXmllint = () => requireProgram('xmllint', ['--version'], 'xmllint is missing: apt-get install libxml2-utils');
const requireXPath = () => requireProgram(XPATH_PROGRAM.command, XPATH_PROGRAM.args, XPATH_MISSING);

it('is well-formed XML (xmllint --noout)', async () => {
  requireXmllint();
  const run = await runExample('xmllint', ['--noout', PROJECT_FILE], {});
  expect({ code: run.code, errors: run.stderr }).toEqual({ code: 0, errors: '' });
});

it('is a SoapUI 5.x project bound to the served 2020_1 WSDL, every step and property reference resolvable', async () => {
  requireXPath();
  const project = readSoapUiProject(PROJECT_FILE);
  const definition = new URL(project.interfaces[0]?.definition ?? 'http://localhost/');
  expect(definition.pathname).toBe('/wsdl/v2020_1_0/netsuite.wsdl');
  const wsdl = await fetch(`${service.url}${definition.pathname}`);
  expect(wsdl.status).toBe(200);
  expect(structureProblems(project, await wsdl.text())).toEqual([]);

  // What the suite does, by step kind: a poll loop closed by a Conditional Goto, a jobId transfer.
  const [addAndRead] = project.testSuites[0].testCases;
  expect(addAndRead.steps.map((step) => `${step.kind}:${step.name}`)).toEqual([
    'request:asyncAddList',
    'transfer:Keep the jobId',
    'delay:Wait',
    'request:checkAsyncStatus',
    'goto:Poll again while it runs',
    'request:The job has finished',
    'request:getAsyncResult',
  ]);
  // Passport credentials of the demo user, on a version that still takes them.
  expect(project.properties).toMatchObject({ account: 'TSTDRV1234567', email: 'demo@example.com', password: 'demo-password' });
});

it('replayed against the live server: every request answers as its assertions expect', async () => {
  requireXPath();
  const project = readSoapUiProject(PROJECT_FILE);
  const replay = replaySoapUiProject(project, { emulatorUrl: service.url });
  await workAfterFirstPoll(replay);
  const results = await replay;
  expect(describeFailures(results)).toEqual([]);
  expect(results.map((r) => [r.testCase, r.passed])).toEqual([
    ['Add customers and read the result', true],
    ['Unknown job', true],
  ]);

  const [addAndRead] = results;
  const ran = addAndRead.runs.map((run) => run.step);
  // Polled, jumped back to Wait while the job ran (it had not started at the first poll), then went on once it had ended.
  expect(ran.filter((step) => step === 'checkAsyncStatus').length).toBeGreaterThanOrEqual(2);
  expect(addAndRead.runs.filter((run) => run.messages.includes('goto Wait')).length).toBe(ran.filter((step) => step === 'checkAsyncStatus').length - 1);
  expect(ran.slice(-3)).toEqual(['Poll again while it runs', 'The job has finished', 'getAsyncResult']);
  const evaluated = results.flatMap((r) => r.runs.flatMap((run) => run.assertions));
  expect(evaluated.length).toBeGreaterThanOrEqual(20);
  expect(evaluated.every((assertion) => assertion.passed)).toBe(true);

  // The job the replay submitted, as the server has it.
  const jobId = addAndRead.properties.jobId;
  expect(jobId).toMatch(/^ASYNCWEBSERVICES_TSTDRV1234567_/);
  const job = (await (await fetch(`${service.url}/admin/jobs/${jobId}`, { headers: adminHeaders })).json()) as Record<string, unknown>;
  expect(job).toMatchObject({ status: 'finished', totalItems: 3, failedItems: 0, operation: 'asyncAddList', resultCalls: 1 });
});

it('replayed with a wrong password: the first request fails its Not SOAP Fault assertion and the test case stops there', async () => {
  requireXPath();
  const project = readSoapUiProject(PROJECT_FILE);
  const [addAndRead] = await replaySoapUiProject(project, { emulatorUrl: service.url, password: 'not-the-demo-password' });
  expect(addAndRead.passed).toBe(false);
  expect(addAndRead.runs.map((run) => run.step)).toEqual(['asyncAddList']);
  const failed = addAndRead.runs[0].assertions.filter((a) => !a.passed);
  expect(failed.map((a) => a.name)).toEqual(['Not SOAP Fault', 'The new job is pending', 'Answers a job id']);
  expect(failed[0].message).toContain('You have entered an invalid email address or password');
});
