import { createHash } from 'node:crypto';
import type { ManualClock } from '../../src/lib/clock';
import { adminHeaders, createJob, startTestService, type TestService } from '../helpers/service';
import { accountHeader, checkAsyncStatus, envelope, faultOf, getAsyncResult, postSoap, statusOf } from '../helpers/soap';

/**
 * Injected faults through the admin API and real SOAP calls: which calls a rule matches, each
 * effect (a NetSuite fault, a 503, a delay, a dropped connection), expiry by count and by time,
 * seeded probabilities, the journal's record of each, and one count shared by two server processes.
 */

const ACCOUNT = 'FAULTS1';
const SETTINGS = { CONCURRENT_REQUESTS_PER_ACCOUNT: '0' };
const OTHER = 'FAULTS2';

let service: TestService;
let clock: ManualClock;

beforeAll(async () => {
  // No concurrency limit: a burst of calls must meet only the faults the rules inject.
  service = await startTestService({ env: SETTINGS });
  clock = service.clock as ManualClock;
});
afterAll(() => service?.close());
afterEach(async () => {
  await admin('DELETE', '/faults');
});

async function admin(method: string, path: string, body?: unknown, url = service.url): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/admin${path}`, {
    method,
    headers: { ...adminHeaders, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function addRule(rule: Record<string, unknown>, url = service.url): Promise<any> {
  const answer = await admin('POST', '/faults', rule, url);
  if (answer.status !== 201) throw new Error(`POST /admin/faults answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

async function journal(query: Record<string, string>): Promise<any[]> {
  return (await admin('GET', `/requests?${new URLSearchParams(query)}`)).body.requests;
}

const blocked = { type: 'fault', element: 'exceededConcurrentRequestLimitFault', code: 'WS_REQUEST_BLOCKED' };
const poll = (jobId: string, account = ACCOUNT, url = service.url) => checkAsyncStatus(url, jobId, '2017_1', account);
const newJob = (account = ACCOUNT) => createJob(service.url, { operation: 'asyncAddList', account, items: 1 });

describe('a NetSuite fault for the next N calls', () => {
  it("answers WS_REQUEST_BLOCKED twice, shaped as NetSuite's, then the truth", async () => {
    const jobId = await newJob();
    const rule = await addRule({ account: ACCOUNT, operation: 'checkAsyncStatus', count: 2, effect: blocked });
    expect(rule).toMatchObject({ account: ACCOUNT, operation: 'checkAsyncStatus', jobId: null, count: 2, matched: 0, fired: 0 });
    expect(rule.effect).toEqual({ ...blocked, message: 'SuiteTalk concurrent request limit exceeded. Request blocked.' });

    const answers = [await poll(jobId), await poll(jobId), await poll(jobId)];
    for (const answer of answers.slice(0, 2)) {
      expect(answer.status).toBe(500);
      expect(faultOf(answer)).toEqual({
        faultcode: 'soapenv:Server.userException',
        faultstring: 'SuiteTalk concurrent request limit exceeded. Request blocked.',
        element: 'exceededConcurrentRequestLimitFault',
        code: 'WS_REQUEST_BLOCKED',
        message: 'SuiteTalk concurrent request limit exceeded. Request blocked.',
      });
    }
    expect(answers[2].status).toBe(200);
    expect(statusOf(answers[2])).toMatchObject({ jobId, status: 'pending' });

    const [listed] = (await admin('GET', '/faults')).body.rules;
    expect(listed).toMatchObject({ id: rule.id, matched: 2, fired: 2, remaining: 0, active: false });
    const entries = await journal({ jobId });
    expect(entries.map((entry) => [entry.answer.status, entry.faultCode, entry.injected])).toEqual([
      [200, null, null],
      [500, 'WS_REQUEST_BLOCKED', { ruleId: rule.id, effect: 'fault' }],
      [500, 'WS_REQUEST_BLOCKED', { ruleId: rule.id, effect: 'fault' }],
    ]);
    expect(await journal({ injected: 'true', jobId })).toHaveLength(2);
  });

  it('matches only its account, its operation and, when it names one, its job', async () => {
    const [mine, another] = [await newJob(), await newJob()];
    const theirs = await newJob(OTHER);
    const rule = await addRule({
      account: ACCOUNT.toLowerCase(),
      operation: 'checkAsyncStatus',
      jobId: mine,
      effect: { type: 'fault', element: 'unexpectedErrorFault', code: 'UNEXPECTED_ERROR', message: 'Injected: the database is gone.' },
    });
    expect(rule.account).toBe(ACCOUNT);
    expect((await poll(another)).status).toBe(200);
    expect((await poll(theirs, OTHER)).status).toBe(200);
    // getAsyncResult of the job gets its real answer: the job has not run yet.
    expect(faultOf(await getAsyncResult(service.url, mine, 1, '2017_1', ACCOUNT))).toMatchObject({ element: 'asyncFault', code: 'JOB_NOT_COMPLETE' });
    for (let i = 0; i < 2; i++) {
      expect(faultOf(await poll(mine))).toEqual({
        faultcode: 'soapenv:Server.userException',
        faultstring: 'Injected: the database is gone.',
        element: 'unexpectedErrorFault',
        code: 'UNEXPECTED_ERROR',
        message: 'Injected: the database is gone.',
      });
    }
    // Without a count, it goes on until it is removed.
    expect((await admin('DELETE', `/faults/${rule.id}`)).status).toBe(204);
    expect((await poll(mine)).status).toBe(200);
    expect((await admin('DELETE', `/faults/${rule.id}`)).status).toBe(404);
  });

  it('ends at its time, by the service clock', async () => {
    const jobId = await newJob();
    const until = new Date(clock.now().getTime() + 60_000).toISOString();
    const rule = await addRule({ account: ACCOUNT, operation: 'checkAsyncStatus', until, effect: { type: 'fault', element: 'invalidSessionFault', code: 'SESSION_TIMED_OUT' } });
    expect(faultOf(await poll(jobId))).toMatchObject({ element: 'invalidSessionFault', code: 'SESSION_TIMED_OUT' });
    clock.advance(59);
    expect(faultOf(await poll(jobId))).toMatchObject({ code: 'SESSION_TIMED_OUT' });
    clock.advance(1);
    expect((await poll(jobId)).status).toBe(200);
    expect((await admin('GET', '/faults')).body.rules).toMatchObject([{ id: rule.id, fired: 2, remaining: null, active: false }]);
  });
});

describe('a seeded fraction of calls', () => {
  /** What the rule draws for its n-th matching call: the first 32 bits of md5("seed:n") over 2^32. */
  const fires = (seed: number, n: number, probability: number) => parseInt(createHash('md5').update(`${seed}:${n}`).digest('hex').slice(0, 8), 16) / 2 ** 32 < probability;

  async function faultedCalls(seed: number, calls: number): Promise<boolean[]> {
    const jobId = await newJob();
    const rule = await addRule({ account: ACCOUNT, operation: 'checkAsyncStatus', probability: 0.4, seed, effect: blocked });
    const faulted: boolean[] = [];
    for (let i = 0; i < calls; i++) {
      const answer = await poll(jobId);
      faulted.push(answer.status === 500);
      if (answer.status === 500) expect(faultOf(answer).code).toBe('WS_REQUEST_BLOCKED');
    }
    expect((await admin('DELETE', `/faults/${rule.id}`)).status).toBe(204);
    return faulted;
  }

  it('faults the calls its seed picks, the same ones every time', async () => {
    const expected = Array.from({ length: 30 }, (_, i) => fires(42, i + 1, 0.4));
    // The seed picks some, not all.
    expect(expected.filter(Boolean).length).toBeGreaterThan(3);
    expect(expected.filter(Boolean).length).toBeLessThan(27);
    expect(await faultedCalls(42, 30)).toEqual(expected);
    expect(await faultedCalls(42, 30)).toEqual(expected);
    const other = Array.from({ length: 30 }, (_, i) => fires(7, i + 1, 0.4));
    expect(other).not.toEqual(expected);
    expect(await faultedCalls(7, 30)).toEqual(other);
  });

  it('stops after its count of faults, however many calls it let through', async () => {
    const jobId = await newJob();
    const rule = await addRule({ account: ACCOUNT, operation: 'checkAsyncStatus', probability: 0.4, seed: 42, count: 3, effect: blocked });
    const faulted: boolean[] = [];
    for (let i = 0; i < 30; i++) faulted.push((await poll(jobId)).status === 500);
    const drawn = Array.from({ length: 30 }, (_, i) => fires(42, i + 1, 0.4));
    const third = drawn.map((fired, i) => (fired ? i : -1)).filter((i) => i >= 0)[2];
    expect(faulted).toEqual(drawn.map((fired, i) => fired && i <= third));
    expect((await admin('GET', '/faults')).body.rules).toMatchObject([{ id: rule.id, fired: 3, matched: third + 1, active: false }]);
  });
});

describe('HTTP effects', () => {
  it('answers 503 with Retry-After, once', async () => {
    const jobId = await newJob();
    const rule = await addRule({ account: ACCOUNT, operation: 'checkAsyncStatus', count: 1, effect: { type: 'http503', retryAfterSeconds: 7 } });
    const response = await fetch(`${service.url}/services/NetSuitePort_2017_1`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: 'checkAsyncStatus', 'X-Request-Id': 'fault-503' },
      body: envelope('checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`, '2017_1', accountHeader(ACCOUNT)),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('Service Unavailable');
    expect((await poll(jobId)).status).toBe(200);
    expect(await journal({ requestId: 'fault-503' })).toMatchObject([{ answer: { status: 503 }, faultCode: null, injected: { ruleId: rule.id, effect: 'http503' } }]);
  });

  it('delays the real answer', async () => {
    const jobId = await newJob();
    const rule = await addRule({ account: ACCOUNT, operation: 'checkAsyncStatus', count: 1, effect: { type: 'delay', ms: 50 } });
    const delayed = await postSoap(service.url, '2017_1', envelope('checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`, '2017_1', accountHeader(ACCOUNT)), {
      'X-Request-Id': 'fault-delay',
    });
    expect(statusOf(delayed)).toMatchObject({ jobId, status: 'pending' });
    expect(await journal({ requestId: 'fault-delay' })).toMatchObject([{ answer: { status: 200, body: delayed.text }, injected: { ruleId: rule.id, effect: 'delay' } }]);
    expect((await admin('GET', '/faults')).body.rules).toMatchObject([{ fired: 1, active: false }]);
  });

  it('drops the connection without an answer', async () => {
    const jobId = await newJob();
    const rule = await addRule({ account: ACCOUNT, operation: 'checkAsyncStatus', count: 1, effect: { type: 'drop' } });
    await expect(
      fetch(`${service.url}/services/NetSuitePort_2017_1`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml; charset=utf-8', 'X-Request-Id': 'fault-drop' },
        body: envelope('checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`, '2017_1', accountHeader(ACCOUNT)),
      }),
    ).rejects.toThrow();
    expect((await poll(jobId)).status).toBe(200);
    expect(await journal({ requestId: 'fault-drop' })).toMatchObject([{ answer: { status: null, body: null, bytes: 0 }, injected: { ruleId: rule.id, effect: 'drop' } }]);
  });
});

describe('the admin API', () => {
  it('refuses a rule it cannot apply, naming the field', async () => {
    const base = { account: ACCOUNT, operation: 'checkAsyncStatus', effect: blocked };
    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ ...base, effect: { ...blocked, element: 'tooManyCooksFault' } }, 'effect.element'],
      [{ ...base, effect: { ...blocked, code: 'NOT_A_CODE' } }, 'effect.code'],
      [{ ...base, effect: { type: 'explode' } }, 'effect.type'],
      [{ ...base, effect: { type: 'delay' } }, 'effect.ms'],
      [{ ...base, probability: 0 }, 'probability'],
      [{ ...base, count: 0 }, 'count'],
      [{ ...base, until: 'tomorrow' }, 'until'],
      [{ ...base, account: 'not an account' }, 'account'],
      [{ ...base, operation: '<x>' }, 'operation'],
      [{ ...base, colour: 'red' }, 'body'],
    ];
    for (const [rule, field] of refusals) {
      const answer = await admin('POST', '/faults', rule);
      expect([answer.status, answer.body.field]).toEqual([400, field]);
    }
    expect((await admin('GET', '/faults')).body.rules).toEqual([]);
  });

  it('DELETE /admin/faults removes every rule', async () => {
    const jobId = await newJob();
    await addRule({ account: ACCOUNT, operation: 'checkAsyncStatus', effect: blocked });
    await addRule({ account: ACCOUNT, operation: 'getAsyncResult', effect: blocked });
    expect((await poll(jobId)).status).toBe(500);
    expect(await admin('DELETE', '/faults')).toEqual({ status: 200, body: { deleted: 2 } });
    expect((await poll(jobId)).status).toBe(200);
    expect((await admin('GET', '/faults')).body.rules).toEqual([]);
  });
});

describe('two server processes on one database', () => {
  it("share a rule's count: N faults in all, however the calls are spread", async () => {
    const jobId = await newJob();
    const rule = await addRule({ account: ACCOUNT, operation: 'checkAsyncStatus', count: 3, effect: blocked });
    const second = await startTestService({ env: SETTINGS, database: service.database });
    try {
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => poll(jobId, ACCOUNT, i % 2 === 0 ? service.url : second.url)));
      expect(answers.filter((answer) => answer.status === 500)).toHaveLength(3);
      expect(answers.filter((answer) => answer.status === 200)).toHaveLength(9);
      expect((await admin('GET', '/faults')).body.rules).toMatchObject([{ id: rule.id, fired: 3, active: false }]);
    } finally {
      await second.close();
    }
  });
});
