import type { ManualClock } from '../../src/clock';
import { createJob, startTestService, type TestService } from '../helpers/service';
import { checkAsyncStatus, envelope, faultOf, getAsyncResult, postSoap } from '../helpers/soap';

/**
 * Concurrent requests per account (5, as on a developer account). Five requests are held in
 * flight by a lock the test takes on their job's row; the sixth for the account is refused at
 * once, with the fault NetSuite sends for the credentials it carried.
 */

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(() => t.close());

const ACCOUNT = 'GOV1';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('refuses the sixth concurrent request of an account, and only while five are in flight', async () => {
  const jobId = await createJob(t.url, { operation: 'asyncAddList', account: ACCOUNT, items: 1, ratePerSecond: 100 });
  const clock = t.clock as ManualClock;
  clock.advance(1);
  await t.service.worker.runDue();
  clock.advance(1);
  await t.service.worker.runDue();

  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  // getAsyncResult counts its call with an UPDATE of the job row, which waits for this lock.
  const holder = t.database.db.transaction(async (trx) => {
    await trx('jobs').where({ id: jobId }).forUpdate().select('id');
    locked();
    await released;
  });
  await isLocked;

  const inFlight = Array.from({ length: 5 }, () => getAsyncResult(t.url, jobId, 1, '2017_1', ACCOUNT));
  await sleep(500);

  const blocked = await checkAsyncStatus(t.url, jobId, '2017_1', ACCOUNT);
  expect(blocked.status).toBe(500);
  expect(faultOf(blocked)).toMatchObject({
    faultcode: 'soapenv:Server.userException',
    element: 'exceededConcurrentRequestLimitFault',
    code: 'WS_REQUEST_BLOCKED',
    message: 'SuiteTalk concurrent request limit exceeded. Request blocked.',
  });
  const passport = `<passport xmlns="urn:core_2017_1.platform.webservices.netsuite.com"><email>a@b.c</email><password>x</password><account>${ACCOUNT}</account></passport>`;
  const underPassport = await postSoap(t.url, '2017_1', envelope('checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`, '2017_1', passport));
  expect(faultOf(underPassport)).toMatchObject({ element: 'exceededRequestLimitFault', code: 'WS_CONCUR_SESSION_DISALLWD' });

  // Another account is not refused (it may wait for the database like everyone else).
  const other = checkAsyncStatus(t.url, 'ASYNCWEBSERVICES_OTHER_1_0', '2017_1', 'OTHER_ACCOUNT');
  release();
  await holder;
  expect(faultOf(await other).code).toBe('INVALID_JOB_ID');
  expect((await Promise.all(inFlight)).map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
  // The slots are given back once the answers are sent.
  expect((await checkAsyncStatus(t.url, jobId, '2017_1', ACCOUNT)).status).toBe(200);
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
});
