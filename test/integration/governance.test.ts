import type { ManualClock } from '../../src/lib/clock';
import { ensureTestAccount } from '../helpers/credentials';
import { adminHeaders, createJob, startTestService, TEST_ADMIN_TOKEN, type TestService } from '../helpers/service';
import { checkAsyncStatus, envelope, faultOf, getAsyncResult, postSoap } from '../helpers/soap';

/**
 * NetSuite's governance, per account: concurrent requests (5, as on a developer account), calls
 * to getAsyncResult per job, and an optional least time between polls of a job. Requests are made
 * slow the way a user would: the account's emulated response delay holds each in flight.
 */

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(() => t.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function configure(account: string, limits: Record<string, number | null>): Promise<void> {
  await ensureTestAccount(t.url, account, TEST_ADMIN_TOKEN);
  const response = await fetch(`${t.url}/admin/accounts/${account}`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json', ...adminHeaders },
    body: JSON.stringify({ limits }),
  });
  expect(response.status).toBe(200);
}

async function inFlight(account: string): Promise<number> {
  const response = await fetch(`${t.url}/admin/accounts/${account}`, { headers: adminHeaders });
  return ((await response.json()) as { requestsInFlight: number }).requestsInFlight;
}

/** Waits until the account has `count` requests in flight (as the admin API reports it). */
async function untilInFlight(account: string, count: number): Promise<void> {
  for (let i = 0; i < 200 && (await inFlight(account)) !== count; i++) await sleep(25);
  expect(await inFlight(account)).toBe(count);
}

describe('concurrent requests per account', () => {
  it('refuses the sixth of six concurrent slow requests with the fault for its credentials; other accounts are unaffected', async () => {
    const ACCOUNT = 'GOV1';
    await configure(ACCOUNT, { responseDelayMs: 3000 });
    const jobId = await createJob(t.url, { operation: 'asyncAddList', account: ACCOUNT, items: 1 });
    const slow = Array.from({ length: 5 }, () => checkAsyncStatus(t.url, jobId, '2017_1', ACCOUNT));
    await untilInFlight(ACCOUNT, 5);

    const blocked = await checkAsyncStatus(t.url, jobId, '2017_1', ACCOUNT);
    expect(blocked.status).toBe(500);
    expect(faultOf(blocked)).toEqual({
      faultcode: 'soapenv:Server.userException',
      faultstring: 'SuiteTalk concurrent request limit exceeded. Request blocked.',
      element: 'exceededConcurrentRequestLimitFault',
      code: 'WS_REQUEST_BLOCKED',
      message: 'SuiteTalk concurrent request limit exceeded. Request blocked.',
    });

    // Under passport (versions up to 2020_1) NetSuite answers with exceededRequestLimitFault.
    const user = await fetch(`${t.url}/admin/accounts/${ACCOUNT}/users`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...adminHeaders },
      body: JSON.stringify({ email: 'ops@gov1.example', password: 'gov1-password' }),
    });
    expect(user.status).toBe(201);
    const passport = `<passport xmlns="urn:core_2017_1.platform.webservices.netsuite.com"><email>ops@gov1.example</email><password>gov1-password</password><account>${ACCOUNT}</account></passport>`;
    const underPassport = await postSoap(t.url, '2017_1', envelope('checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`, '2017_1', passport));
    expect(faultOf(underPassport)).toMatchObject({ element: 'exceededRequestLimitFault', code: 'WS_CONCUR_SESSION_DISALLWD' });

    // Another account is answered at once.
    const otherJob = await createJob(t.url, { operation: 'asyncAddList', account: 'GOV_OTHER', items: 1 });
    expect((await checkAsyncStatus(t.url, otherJob, '2017_1', 'GOV_OTHER')).status).toBe(200);

    expect((await Promise.all(slow)).map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    // The slots are given back once the answers are sent.
    await untilInFlight(ACCOUNT, 0);
    await configure(ACCOUNT, { responseDelayMs: 0 });
    expect((await checkAsyncStatus(t.url, jobId, '2017_1', ACCOUNT)).status).toBe(200);
  });

  it("takes each account's own limit, and none at 0", async () => {
    await configure('GOV_ONE', { concurrentRequests: 1, responseDelayMs: 1500 });
    const jobId = await createJob(t.url, { operation: 'asyncAddList', account: 'GOV_ONE', items: 1 });
    const first = checkAsyncStatus(t.url, jobId, '2017_1', 'GOV_ONE');
    await untilInFlight('GOV_ONE', 1);
    expect(faultOf(await checkAsyncStatus(t.url, jobId, '2017_1', 'GOV_ONE')).code).toBe('WS_REQUEST_BLOCKED');
    expect((await first).status).toBe(200);

    await configure('GOV_MANY', { concurrentRequests: 0, responseDelayMs: 1000 });
    const many = await createJob(t.url, { operation: 'asyncAddList', account: 'GOV_MANY', items: 1 });
    const answers = await Promise.all(Array.from({ length: 12 }, () => checkAsyncStatus(t.url, many, '2017_1', 'GOV_MANY')));
    expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(200));
  });
});

describe('getAsyncResult calls per job', () => {
  async function finishedJob(account: string): Promise<string> {
    const jobId = await createJob(t.url, { operation: 'asyncAddList', account, items: 1, ratePerSecond: 100 });
    const clock = t.clock as ManualClock;
    for (let i = 0; i < 3; i++) {
      clock.advance(1);
      await t.service.worker.runDue();
    }
    return jobId;
  }

  it("follows the account's own limit, and none at 0", async () => {
    await configure('GOV_TWO_CALLS', { maxResultCalls: 2 });
    const limited = await finishedJob('GOV_TWO_CALLS');
    expect((await getAsyncResult(t.url, limited, 1, '2017_1', 'GOV_TWO_CALLS')).status).toBe(200);
    expect((await getAsyncResult(t.url, limited, 1, '2017_1', 'GOV_TWO_CALLS')).status).toBe(200);
    expect(faultOf(await getAsyncResult(t.url, limited, 1, '2017_1', 'GOV_TWO_CALLS'))).toMatchObject({
      code: 'INVALID_JOB_ID',
      message: `Job ${limited} is no longer available: results of a job can be requested at most 2 times.`,
    });

    await configure('GOV_NO_CAP', { maxResultCalls: 0 });
    const unlimited = await finishedJob('GOV_NO_CAP');
    for (let i = 0; i < 25; i++) expect((await getAsyncResult(t.url, unlimited, 1, '2017_1', 'GOV_NO_CAP')).status).toBe(200);
  });
});

describe('a minimum polling interval per job', () => {
  let paced: TestService;
  beforeAll(async () => {
    paced = await startTestService({ env: { MIN_POLL_INTERVAL_SECONDS: '60' } });
  });
  afterAll(() => paced.close());

  it('answers exceededRequestLimitFault to a poll sooner than the interval, for that job only', async () => {
    const first = await createJob(paced.url, { operation: 'asyncAddList', items: 1 });
    const second = await createJob(paced.url, { operation: 'asyncAddList', items: 1 });
    expect((await checkAsyncStatus(paced.url, first)).status).toBe(200);
    const early = await checkAsyncStatus(paced.url, first);
    expect(faultOf(early)).toMatchObject({
      element: 'exceededRequestLimitFault',
      code: 'WS_REQUEST_BLOCKED',
      message: `Job ${first} may be polled at most once every 60 seconds.`,
    });
    expect((await checkAsyncStatus(paced.url, second)).status).toBe(200);
    (paced.clock as ManualClock).advance(60);
    expect((await checkAsyncStatus(paced.url, first)).status).toBe(200);
    // An unknown job is still just unknown.
    expect(faultOf(await checkAsyncStatus(paced.url, 'ASYNCWEBSERVICES_X_1_00000000')).code).toBe('INVALID_JOB_ID');
  });

  it('is set per account too: an account may have it off while the service has it on, or the other way', async () => {
    await configure('GOV_POLL', { minPollIntervalSeconds: 10 });
    const jobId = await createJob(t.url, { operation: 'asyncAddList', account: 'GOV_POLL', items: 1 });
    expect((await checkAsyncStatus(t.url, jobId, '2017_1', 'GOV_POLL')).status).toBe(200);
    expect(faultOf(await checkAsyncStatus(t.url, jobId, '2017_1', 'GOV_POLL')).code).toBe('WS_REQUEST_BLOCKED');
    (t.clock as ManualClock).advance(10);
    expect((await checkAsyncStatus(t.url, jobId, '2017_1', 'GOV_POLL')).status).toBe(200);

    await ensureTestAccount(paced.url, 'GOV_FREE', TEST_ADMIN_TOKEN);
    await fetch(`${paced.url}/admin/accounts/GOV_FREE`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', ...adminHeaders },
      body: JSON.stringify({ limits: { minPollIntervalSeconds: 0 } }),
    });
    const free = await createJob(paced.url, { operation: 'asyncAddList', account: 'GOV_FREE', items: 1 });
    for (let i = 0; i < 3; i++) expect((await checkAsyncStatus(paced.url, free, '2017_1', 'GOV_FREE')).status).toBe(200);
  });
});
