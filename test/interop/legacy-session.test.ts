import path from 'node:path';
import { systemClock } from '../../src/lib/clock';
import { requireProgram, runProgram } from '../helpers/programs';
import { adminHeaders, createJob, startTestService, type TestService } from '../helpers/service';

/**
 * Connectors from before token-based authentication, as real clients: Python zeep logs in on a
 * 2017_1 WSDL and rides the JSESSIONID cookie; PHP SoapClient discovers its host with
 * getDataCenterUrls first, as netsuite-php does, and follows the answer.
 */

const PYTHON = process.env.INTEROP_PYTHON ?? '/usr/bin/python3';
const ACCOUNT = 'LEGACY1';
const EMAIL = 'connector@legacy1.example';
const PASSWORD = 'c0nnector-pass';

let t: TestService;

beforeAll(async () => {
  requireProgram(PYTHON, ['-c', 'import zeep'], `zeep is not importable by ${PYTHON}: install python3-zeep: apt-get install python3-zeep`);
  requireProgram('php', ['-r', 'exit(class_exists("SoapClient") ? 0 : 1);'], 'PHP with SoapClient is missing: apt-get install php-cli php-soap');
  // The worker runs on real time, so the submitted job ends while zeep polls.
  t = await startTestService({ clock: systemClock, worker: true, env: { DEFAULT_RATE_PER_SECOND: '20' } });
  const admin = (route: string, body: unknown) =>
    fetch(`${t.url}/admin${route}`, { method: 'POST', headers: { ...adminHeaders, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  expect((await admin('/accounts', { id: ACCOUNT })).status).toBe(201);
  expect((await admin(`/accounts/${ACCOUNT}/users`, { email: EMAIL, password: PASSWORD, role: 3 })).status).toBe(201);
});
afterAll(() => t?.close());

it('zeep logs in on 2017_1, submits and polls with the cookie alone, logs out, and is refused after', async () => {
  const run = await runProgram(PYTHON, [path.join(__dirname, 'zeep_session.py'), `${t.url}/wsdl/v2017_1_0/netsuite.wsdl`, ACCOUNT, EMAIL, PASSWORD]);
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  const report = JSON.parse(run.stdout);
  expect(report.login).toEqual({ isSuccess: true, roles: ['3'] });
  expect(report.cookie).toEqual(['JSESSIONID']);
  expect(report.submitted).toMatchObject({ jobId: expect.stringMatching(/^ASYNCWEBSERVICES_LEGACY1_/), status: 'pending' });
  expect(report.polled.at(-1)).toBe('failed');
  expect(report.results).toEqual([
    { isSuccess: false, code: 'RCRD_DSNT_EXIST' },
    { isSuccess: false, code: 'RCRD_DSNT_EXIST' },
  ]);
  expect(report.logout).toBe(true);
  expect(report.afterLogout).toEqual({
    refused: true,
    faultstring: 'You must log in before performing a web service operation.',
    detail: 'invalidSessionFault',
    code: 'WS_LOG_IN_REQD',
  });
});

it('PHP SoapClient finds its host with getDataCenterUrls and follows it to this server', async () => {
  const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 2, account: ACCOUNT });
  const run = await runProgram('php', [path.join(__dirname, 'php_discovery.php'), `${t.url}/wsdl/v2020_1_0/netsuite.wsdl`, ACCOUNT, EMAIL, PASSWORD, jobId]);
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  const report = JSON.parse(run.stdout);
  expect(report.dataCenterUrls).toEqual({ webservicesDomain: t.url, systemDomain: t.url });
  expect(report.endpoint).toBe(`${t.url}/services/NetSuitePort_2020_1`);
  expect(Math.abs(Date.parse(report.serverTime) - Date.now())).toBeLessThan(60_000);
  expect(report.status).toEqual({ jobId, status: expect.stringMatching(/^(pending|processing|finished)$/) });
});
