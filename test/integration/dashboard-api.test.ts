import type { ManualClock } from '../../src/lib/clock';
import { etaHistory } from '../../src/jobs/eta-history';
import { FaceClient } from '../helpers/json-faces';
import { adminHeaders, createJob, startTestService, type TestService } from '../helpers/service';
import { checkAsyncStatus, getAsyncResult, statusOf, TEST_ACCOUNT } from '../helpers/soap';

/**
 * What the dashboard (/ui) reads: its files, served without data; the job board; a job's ETA
 * replayed from its samples, step tree and each face's answer, all behind the admin token.
 */

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(() => t.close());
const clock = () => t.clock as ManualClock;

async function admin(path: string): Promise<any> {
  const response = await fetch(`${t.url}/admin${path}`, { headers: adminHeaders });
  if (response.status !== 200) throw new Error(`GET /admin${path} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** Moves the clock and lets the worker do what is due by then. */
async function advance(seconds: number): Promise<void> {
  clock().advance(seconds);
  await t.service.worker.runDue();
}

const withoutHeader = (envelope: string) => envelope.replace(/<soapenv:Header>.*<\/soapenv:Header>/, '');

describe('the dashboard files', () => {
  test('are served at /ui without the token, hold no data and allow nothing from elsewhere', async () => {
    const home = await fetch(`${t.url}/`, { redirect: 'manual' });
    expect([home.status, home.headers.get('location')]).toEqual([302, '/ui/']);
    const redirect = await fetch(`${t.url}/ui?account=X`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/ui/?account=X');
    const page = await fetch(`${t.url}/ui/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="board.js"></script>');
    const job = await fetch(`${t.url}/ui/jobs/ANY_JOB_ID`);
    expect(await job.text()).toContain('<script type="module" src="../job.js"></script>');
    for (const file of ['common.js', 'board.js', 'job.js', 'eta-chart.js']) {
      const script = await fetch(`${t.url}/ui/${file}`);
      expect([file, script.status, script.headers.get('content-type')]).toEqual([file, 200, 'text/javascript; charset=utf-8']);
    }
    expect((await fetch(`${t.url}/ui/dashboard.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  test('the data they read needs the admin token', async () => {
    const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 1 });
    for (const path of ['/board', `/jobs/${jobId}/eta`, `/jobs/${jobId}/step-tree`, `/jobs/${jobId}/answers`]) {
      const response = await fetch(`${t.url}/admin${path}`, { headers: { Authorization: 'Bearer not-the-admin-token' } });
      expect([path, response.status]).toEqual([path, 401]);
    }
  });
});

describe('the board', () => {
  test('counts jobs by account and state and lists them without their scenarios', async () => {
    const other = 'TSTDRV7654321';
    const first = await createJob(t.url, { operation: 'asyncAddList', items: 2, account: other, ratePerSecond: 100 });
    const second = await createJob(t.url, { operation: 'asyncAddList', items: [{ externalId: 'A' }], account: other, startAfterSeconds: 3600 });
    await advance(0);
    await advance(1);
    const board = await admin(`/board?account=${other}`);
    expect(board.counts.filter((row: { account: string }) => row.account === other)).toEqual([
      { account: other, status: 'finished', jobs: 1 },
      { account: other, status: 'pending', jobs: 1 },
    ]);
    expect(board.jobs.map((job: { id: string }) => job.id)).toEqual([second, first]);
    expect(board.jobs[0]).not.toHaveProperty('scenario');
    expect(board.jobs[0]).toMatchObject({ status: 'pending', totalItems: 1, progress: { status: 'pending', percentCompleted: 0 } });
    expect((await admin(`/board?account=${other}&status=finished`)).jobs.map((job: { id: string }) => job.id)).toEqual([first]);
  });
});

describe("a job's ETA over time", () => {
  test('is at each sample what checkAsyncStatus answered then, and the replay ends where the worker did', async () => {
    const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 10, ratePerSecond: 1 });
    const polled = new Map<string, number>();
    // Steady, then a pause (the estimate's stall rule), then steady again.
    for (const seconds of [0, 0.5, 0.5, 1, 0.5, 3, 0.5, 0.5, 1, 1, 2]) {
      await advance(seconds);
      const answer = statusOf(await checkAsyncStatus(t.url, jobId));
      polled.set(clock().now().toISOString(), answer.estRemainingDuration);
    }
    const eta = await admin(`/jobs/${jobId}/eta`);
    expect(eta).toMatchObject({ status: 'finished', fromStart: true, current: { estRemainingDuration: 0 } });
    expect(eta.points).toHaveLength(8);
    for (const point of eta.points) {
      // checkAsyncStatus writes at most two decimals.
      if (polled.has(point.at)) expect([point.at, Math.round(point.estimate * 100) / 100]).toEqual([point.at, polled.get(point.at)]);
    }
    expect(eta.points.filter((point: { at: string }) => polled.has(point.at))).toHaveLength(8);
    expect(eta.points.at(-1)).toMatchObject({ processed: 10, percent: 100, estimate: 0, actual: 0 });
    // The time it really had left, from each sample to the end.
    const finishedAt = Date.parse(eta.finishedAt);
    for (const point of eta.points) expect(point.actual).toBeCloseTo((finishedAt - Date.parse(point.at)) / 1000, 6);

    const job = await t.service.jobs.jobById(jobId);
    const replayed = etaHistory(job, await t.service.jobs.samples(job, 1000)).rate;
    expect(replayed.lastSampleAt).toEqual(job.rate.lastSampleAt);
    for (const key of ['items', 'seconds', 'gapSeconds'] as const) expect(replayed[key]).toBeCloseTo(job.rate[key], 9);
  });

  test("of a reported job follows its reports, and the replay ends at the job's stored rate", async () => {
    const client = new FaceClient(t.url, TEST_ACCOUNT);
    const created = await client.progress('POST', '/jobs', { name: 'Reported', steps: [{ name: 'Only', totalItems: 10 }] });
    const step = created.steps[0].sysId;
    for (const seconds of [1, 1, 4, 1]) {
      clock().advance(seconds);
      await client.progress('PATCH', `/jobs/${created.id}/steps/${step}`, { incrementProcessedItems: 2 });
    }
    const eta = await admin(`/jobs/${created.id}/eta`);
    expect(eta.points.map((point: { percent: number }) => point.percent)).toEqual([20, 40, 60, 80]);
    expect(eta.points.at(-1).estimate).toBeCloseTo(statusOf(await checkAsyncStatus(t.url, created.id)).estRemainingDuration, 2);
    const job = await t.service.jobs.jobById(created.id);
    const replayed = etaHistory(job, await t.service.jobs.samples(job, 1000)).rate;
    for (const key of ['items', 'seconds', 'gapSeconds'] as const) expect(replayed[key]).toBeCloseTo(job.rate[key], 9);
  });
});

describe("a job's step tree", () => {
  test("gives each node's percent as the faces report it and each step's failed items", async () => {
    const client = new FaceClient(t.url, TEST_ACCOUNT);
    const created = await client.progress('POST', '/jobs', {
      name: 'Tree',
      steps: [
        { name: 'Check', totalItems: 2 },
        { name: 'Apply', steps: [{ name: 'A' }, { name: 'B' }] },
      ],
    });
    const [check, apply] = created.steps;
    await client.progress('POST', `/jobs/${created.id}/steps/${check.sysId}/items`, { successes: ['x'], failures: [{ items: [{ sku: 'Y' }], code: 'E1', statusMessage: 'Bad' }] });
    await client.progress('PATCH', `/jobs/${created.id}/steps/${apply.steps[1].sysId}`, { percentComplete: 40 });
    const { steps } = await admin(`/jobs/${created.id}/step-tree`);
    expect(steps).toMatchObject([
      { name: 'Check', state: 'running', percent: 100, processedItems: 2, failedItems: 1, failures: [{ item: { sku: 'Y' }, code: 'E1', message: 'Bad' }], children: [] },
      {
        name: 'Apply',
        state: 'pending',
        percent: 20,
        failures: [],
        children: [
          { name: 'A', percent: 0 },
          { name: 'B', percent: 40 },
        ],
      },
    ]);
    const soapJob = await createJob(t.url, { operation: 'asyncAddList', items: 1 });
    expect(await admin(`/jobs/${soapJob}/step-tree`)).toEqual({ steps: [] });
  });
});

describe("each face's answer", () => {
  test('is what the face answers, and reading it records no poll and counts no result call', async () => {
    const account = 'TSTDRV2468';
    const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 3, account, failures: [{ item: 2, code: 'DUP_ENTITY' }] });
    // The account allows one getAsyncResult call a job, and paces polls.
    await checkAsyncStatus(t.url, jobId, '2017_1', account);
    const limits = await fetch(`${t.url}/admin/accounts/${account}`, {
      method: 'PATCH',
      headers: { ...adminHeaders, 'Content-Type': 'application/json' },
      body: JSON.stringify({ limits: { maxResultCalls: 1, minPollIntervalSeconds: 60 } }),
    });
    expect(limits.status).toBe(200);

    const pending = await admin(`/jobs/${jobId}/answers?version=2017_1`);
    expect(pending.getAsyncResult.status).toBe(500);
    expect(pending.getAsyncResult.body).toContain('<platformFaults:code>JOB_NOT_COMPLETE</platformFaults:code>');
    await advance(0);
    await advance(5);

    const answers = await admin(`/jobs/${jobId}/answers?version=2017_1`);
    await admin(`/jobs/${jobId}/answers?version=2017_1`);
    expect(answers.version).toBe('2017_1');
    expect(answers.versions).toContain('2025_2');
    // The dashboard's reads took neither the poll the account paces nor its one result call.
    const polled = await checkAsyncStatus(t.url, jobId, '2017_1', account);
    expect(answers.checkAsyncStatus).toEqual({
      request: `POST /services/NetSuitePort_2017_1 (SOAPAction: checkAsyncStatus) jobId=${jobId}`,
      status: 200,
      format: 'xml',
      body: withoutHeader(polled.text),
    });
    const result = await getAsyncResult(t.url, jobId, 1, '2017_1', account);
    expect(result.status).toBe(200);
    expect(answers.getAsyncResult).toMatchObject({ status: 200, body: withoutHeader(result.text) });

    const client = new FaceClient(t.url, account);
    const tracker = await client.request('GET', `/api/execution_tracker/${(await t.service.jobs.jobById(jobId)).sysId}`);
    expect(JSON.parse(answers.executionTracker.body)).toEqual(tracker.body);
    const process = await client.request('GET', `/v1/asyncprocesses/${jobId}`);
    expect(answers.asyncProcessStatus).toMatchObject({ status: 200, request: `GET /v1/asyncprocesses/${jobId}` });
    expect(JSON.parse(answers.asyncProcessStatus.body)).toEqual(process.body);

    // Its one call made, the account's client is refused; the dashboard says so too.
    const after = await admin(`/jobs/${jobId}/answers?version=2017_1`);
    expect(after.getAsyncResult.status).toBe(500);
    expect(after.getAsyncResult.body).toContain('<platformFaults:code>INVALID_JOB_ID</platformFaults:code>');
    expect(after.getAsyncResult.body).toContain('can be requested at most 1 times');
  });

  test('an unknown version is refused, naming the field', async () => {
    const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 1 });
    const response = await fetch(`${t.url}/admin/jobs/${jobId}/answers?version=2099_1`, { headers: adminHeaders });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { field: string }).field).toBe('version');
  });
});
