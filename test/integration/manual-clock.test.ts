import { adminHeaders, createJob, startTestService, type TestService } from '../helpers/service';
import { checkAsyncStatus, faultOf, getAsyncResult, statusOf } from '../helpers/soap';

const START = '2026-03-02T09:00:00.000Z';

async function advance(url: string, seconds: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/admin/clock/advance`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...adminHeaders },
    body: JSON.stringify({ seconds }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function clockOf(url: string): Promise<{ mode: string; now: string }> {
  const response = await fetch(`${url}/admin/clock`, { headers: adminHeaders });
  return (await response.json()) as { mode: string; now: string };
}

interface ShownJob {
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
  processedItems: number;
  progress: { percentCompleted: number; estRemainingDuration: number };
  samples: Array<{ at: string; processed: number }>;
}

async function showJob(url: string, jobId: string): Promise<ShownJob> {
  const response = await fetch(`${url}/admin/jobs/${jobId}`, { headers: adminHeaders });
  return (await response.json()) as ShownJob;
}

describe('CLOCK=manual', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ env: { CLOCK: 'manual', CLOCK_START: START, JOB_RETENTION_DAYS: '1' } });
  });
  afterAll(() => t.close());

  it('starts at CLOCK_START and says it is manual', async () => {
    const clock = await clockOf(t.url);
    expect(clock.mode).toBe('manual');
    expect(Date.parse(clock.now)).toBeGreaterThanOrEqual(Date.parse(START));
  });

  it('walks a job from pending to finishedWithErrors only when told, through SOAP', async () => {
    const jobId = await createJob(t.url, {
      operation: 'asyncAddList',
      items: 10,
      ratePerSecond: 1,
      failures: [{ item: 4, code: 'DUP_ENTITY' }],
    });
    expect(statusOf(await checkAsyncStatus(t.url, jobId)).status).toBe('pending');
    // Real time passing changes nothing.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(statusOf(await checkAsyncStatus(t.url, jobId)).status).toBe('pending');

    const moved = await advance(t.url, 5);
    expect(moved.status).toBe(200);
    expect(moved.body.steps).toEqual(expect.any(Number));
    const midway = statusOf(await checkAsyncStatus(t.url, jobId));
    expect(midway).toEqual({ jobId, status: 'processing', percentCompleted: 50, estRemainingDuration: 5 });

    await advance(t.url, 5);
    expect(statusOf(await checkAsyncStatus(t.url, jobId))).toEqual({ jobId, status: 'finishedWithErrors', percentCompleted: 100, estRemainingDuration: 0 });
    const page = await getAsyncResult(t.url, jobId, 1);
    expect(page.text).toContain('DUP_ENTITY');

    const shown = await showJob(t.url, jobId);
    // Samples fall inside the ten emulated seconds, not at the real times of the calls.
    const started = Date.parse(shown.startedAt!);
    expect(Date.parse(shown.finishedAt!) - started).toBe(10_000);
    expect(shown.samples.length).toBeGreaterThanOrEqual(3);
    for (const sample of shown.samples) expect(Date.parse(sample.at) - started).toBeLessThanOrEqual(10_000);
  });

  it('starts a delayed job at the moment it becomes available, even inside one long advance', async () => {
    const before = Date.parse((await clockOf(t.url)).now);
    const jobId = await createJob(t.url, { operation: 'asyncUpdateList', items: 3, ratePerSecond: 1, startAfterSeconds: 101 });
    await advance(t.url, 3600);
    const shown = await showJob(t.url, jobId);
    expect(shown.status).toBe('finished');
    expect(Date.parse(shown.startedAt!) - before).toBe(101_000);
    expect(Date.parse((await clockOf(t.url)).now) - before).toBe(3_600_000);
  });

  it('expires jobs once their retention has passed', async () => {
    const jobId = await createJob(t.url, { operation: 'asyncDeleteList', items: 1, ratePerSecond: 10 });
    await advance(t.url, 60);
    expect(statusOf(await checkAsyncStatus(t.url, jobId)).status).toBe('finished');
    await advance(t.url, 24 * 3600);
    expect(faultOf(await checkAsyncStatus(t.url, jobId)).code).toBe('INVALID_JOB_ID');
  });

  it('refuses a bad advance with a clear 400', async () => {
    for (const seconds of [-1, 'ten', null, 1e12]) {
      const answer = await advance(t.url, seconds);
      expect(answer.status).toBe(400);
      expect(String(answer.body.error)).toMatch(/seconds/);
    }
    const response = await fetch(`${t.url}/admin/clock/advance`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"seconds":1}' });
    expect(response.status).toBe(401);
  });
});

describe('the manual clock across runs', () => {
  it('gives the same progress, samples and answers for the same calls', async () => {
    const run = async () => {
      const t = await startTestService({ env: { CLOCK: 'manual', CLOCK_START: START } });
      try {
        const a = await createJob(t.url, { operation: 'asyncAddList', items: 40, ratePerSecond: 3 });
        const b = await createJob(t.url, { operation: 'asyncUpdateList', items: 12, ratePerSecond: 0.5, fail: { afterItems: 7, code: 'UNEXPECTED_ERROR' } });
        const seen: unknown[] = [];
        for (const seconds of [1, 2.5, 4, 0, 7, 30]) {
          await advance(t.url, seconds);
          for (const id of [a, b]) {
            const job = await showJob(t.url, id);
            seen.push({ ...statusOf(await checkAsyncStatus(t.url, id)), jobId: undefined, samples: job.samples, status: job.status });
          }
        }
        return seen;
      } finally {
        await t.close();
      }
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(JSON.stringify(first)).toContain('"failed"');
    // Two whole services, one after the other: on PGlite on a loaded machine that takes a while.
  }, 180_000);

  it('goes on from where it stopped after a restart', async () => {
    const t = await startTestService({ env: { CLOCK: 'manual', CLOCK_START: START } });
    await advance(t.url, 90);
    const before = (await clockOf(t.url)).now;
    await t.service.stop();
    const again = await startTestService({ env: { CLOCK: 'manual', CLOCK_START: START }, database: t.database });
    try {
      expect((await clockOf(again.url)).now).toBe(before);
    } finally {
      await again.close();
      await t.database.close();
    }
  });
});

describe('the system clock', () => {
  it('cannot be advanced, and says how to get one that can', async () => {
    const t = await startTestService({ env: { CLOCK: 'system' } });
    try {
      expect((await clockOf(t.url)).mode).toBe('system');
      const answer = await advance(t.url, 1);
      expect(answer.status).toBe(409);
      expect(answer.body.error).toMatch(/CLOCK=manual/);
    } finally {
      await t.close();
    }
  });
});
