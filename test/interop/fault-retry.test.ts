import path from 'node:path';
import * as soap from 'soap';
import { ensureTestAccount, testCredentials } from '../helpers/credentials';
import { signedTokenPassport } from './node-soap-passport';
import { requireProgram, runProgram } from '../helpers/programs';
import { adminHeaders, createJob, startTestService, TEST_ADMIN_TOKEN, type TestService } from '../helpers/service';

/**
 * The retry test of issue 8 with real clients: a connector polls a job, is refused with
 * exceededConcurrentRequestLimitFault / WS_REQUEST_BLOCKED twice (an injected rule with a count of
 * two), backs off, and gets the job's status on the third try; the journal holds the three calls.
 * Once with node-soap in process, once with zeep under Debian's Python.
 */

const PYTHON = process.env.INTEROP_PYTHON ?? '/usr/bin/python3';
const VERSION = '2023_2';
const ACCOUNT = 'RETRY1';
const credentials = testCredentials(ACCOUNT);

let service: TestService;

beforeAll(async () => {
  service = await startTestService({ env: { CONCURRENT_REQUESTS_PER_ACCOUNT: '0' } });
  await ensureTestAccount(service.url, ACCOUNT, TEST_ADMIN_TOKEN);
});
afterAll(() => service?.close());

async function admin(method: string, route: string, body?: unknown): Promise<any> {
  const response = await fetch(`${service.url}/admin${route}`, {
    method,
    headers: { ...adminHeaders, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`${method} /admin${route} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** Two injected WS_REQUEST_BLOCKED faults for the job's polls; the rule's id. */
async function blockTwice(jobId: string): Promise<number> {
  const rule = await admin('POST', '/faults', {
    account: ACCOUNT,
    operation: 'checkAsyncStatus',
    jobId,
    count: 2,
    effect: { type: 'fault', element: 'exceededConcurrentRequestLimitFault', code: 'WS_REQUEST_BLOCKED' },
  });
  return rule.id;
}

/** The journal's account of the job's polls, oldest first. */
async function journalOf(jobId: string): Promise<unknown[]> {
  const { requests } = await admin('GET', `/requests?${new URLSearchParams({ jobId, operation: 'checkAsyncStatus' })}`);
  return requests.reverse().map((entry: any) => ({ status: entry.answer.status, faultCode: entry.faultCode, ruleId: entry.injected?.ruleId ?? null }));
}

const expectedJournal = (ruleId: number) => [
  { status: 500, faultCode: 'WS_REQUEST_BLOCKED', ruleId },
  { status: 500, faultCode: 'WS_REQUEST_BLOCKED', ruleId },
  { status: 200, faultCode: null, ruleId: null },
];

it('node-soap: retries WS_REQUEST_BLOCKED with back-off and gets the status on the third try', async () => {
  const jobId = await createJob(service.url, { operation: 'asyncAddList', account: ACCOUNT, items: 1 });
  const ruleId = await blockTwice(jobId);
  const client = await soap.createClientAsync(`${service.url}/services/NetSuitePort_${VERSION}?wsdl`);
  const core = `urn:core_${VERSION}.platform.webservices.netsuite.com`;
  // A function header is evaluated anew for each request: a new nonce every time.
  client.addSoapHeader(() => signedTokenPassport({ credentials, algorithm: 'HMAC-SHA256' }, core), '', '', '');

  const attempts: Array<Record<string, unknown>> = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const [answer] = await client.checkAsyncStatusAsync({ jobId });
      attempts.push({ status: answer.asyncStatusResult.status, jobId: answer.asyncStatusResult.jobId });
      break;
    } catch (error) {
      const fault = (error as { root?: any }).root?.Envelope?.Body?.Fault;
      if (!fault) throw error;
      const element = Object.keys(fault.detail).find((key) => key !== 'attributes')!;
      attempts.push({ fault: fault.detail[element].code, element });
      if (fault.detail[element].code !== 'WS_REQUEST_BLOCKED') break;
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
    }
  }
  expect(attempts).toEqual([
    { fault: 'WS_REQUEST_BLOCKED', element: 'exceededConcurrentRequestLimitFault' },
    { fault: 'WS_REQUEST_BLOCKED', element: 'exceededConcurrentRequestLimitFault' },
    { status: 'pending', jobId },
  ]);
  expect(await journalOf(jobId)).toEqual(expectedJournal(ruleId));
});

it('zeep: retries WS_REQUEST_BLOCKED with back-off and gets the status on the third try', async () => {
  requireProgram(PYTHON, ['-c', 'import zeep, lxml'], `zeep is not importable by ${PYTHON}: install python3-zeep: apt-get install python3-zeep`);
  const jobId = await createJob(service.url, { operation: 'asyncAddList', account: ACCOUNT, items: 1 });
  const ruleId = await blockTwice(jobId);
  const run = await runProgram(PYTHON, [path.join(__dirname, 'zeep_retry.py'), `${service.url}/wsdl/v${VERSION}_0/netsuite.wsdl`, JSON.stringify(credentials), jobId]);
  if (run.code !== 0) throw new Error(`zeep_retry.py exited ${run.code}: ${run.stderr}`);
  const message = 'SuiteTalk concurrent request limit exceeded. Request blocked.';
  expect(JSON.parse(run.stdout)).toEqual({
    attempts: [
      { fault: 'WS_REQUEST_BLOCKED', element: 'exceededConcurrentRequestLimitFault', message },
      { fault: 'WS_REQUEST_BLOCKED', element: 'exceededConcurrentRequestLimitFault', message },
      { status: 'pending', jobId },
    ],
  });
  expect(await journalOf(jobId)).toEqual(expectedJournal(ruleId));
});
