import { Writable } from 'node:stream';

import { createLogger } from '../../src/lib/logger';
import { ManualClock } from '../../src/lib/clock';
import { ensureTestAccount, signTokenPassport, testCredentials, tokenPassportXml } from '../helpers/credentials';
import { createTestDatabase } from '../helpers/database';
import { adminHeaders, createJob, startTestService, TEST_ADMIN_TOKEN, type TestService } from '../helpers/service';
import { accountHeader, envelope, TEST_ACCOUNT } from '../helpers/soap';

/** Request logs, /metrics and /readyz, through the real HTTP server and a real pino logger. */

type LogLine = Record<string, unknown>;

/** A pino logger writing into memory: every line as the service wrote it, parsed. */
function capturingLogger() {
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ destination }), raw, lines: (): LogLine[] => raw.map((line) => JSON.parse(line) as LogLine) };
}

/** Posts a SOAP envelope as a client would and keeps the answer's headers. */
async function soap(url: string, operation: string, inner: string, header: string, headers: Record<string, string> = {}, version = '2017_1') {
  const response = await fetch(`${url}/services/NetSuitePort_${version}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: operation, ...headers },
    body: envelope(operation, inner, version, header),
  });
  return { status: response.status, requestId: response.headers.get('x-request-id'), text: await response.text() };
}

const poll = (url: string, jobId: string, headers: Record<string, string> = {}) => soap(url, 'checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`, accountHeader(), headers);

/** The value of the one sample of `name` whose labels include `labels`; undefined if none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((label) => [label[1], label[2]]));
    if (Object.entries(labels).every(([key, value]) => present[key] === value)) return Number(match[3]);
  }
  return undefined;
}

async function scrape(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

const capture = capturingLogger();
const clock = new ManualClock();
let test: TestService;
beforeAll(async () => {
  test = await startTestService({ logger: capture.logger, clock });
  await ensureTestAccount(test.url, TEST_ACCOUNT, TEST_ADMIN_TOKEN);
});
afterAll(() => test.close());

describe('request logs', () => {
  let jobId: string;
  beforeAll(async () => {
    jobId = await createJob(test.url, { operation: 'asyncAddList', recordType: 'customer', items: 3 });
  });

  const lineWith = (requestId: string | null) => {
    const found = capture.lines().filter((line) => line.requestId === requestId);
    expect(found).toHaveLength(1);
    return found[0];
  };

  it("logs a SOAP call once, under the caller's X-Request-Id, which the answer echoes", async () => {
    const answer = await poll(test.url, jobId, { 'X-Request-Id': 'trace-7.abc:1' });
    expect(answer.status).toBe(200);
    expect(answer.requestId).toBe('trace-7.abc:1');
    const line = lineWith('trace-7.abc:1');
    expect(line).toMatchObject({ level: 'info', message: 'SOAP call', operation: 'checkAsyncStatus', account: TEST_ACCOUNT, status: 200, version: '2017_1' });
    expect(line).not.toHaveProperty('faultCode');
    expect(typeof line.durationMs).toBe('number');
    expect(line.durationMs).toBeGreaterThanOrEqual(0);
    expect(typeof line.time).toBe('string');
  });

  it('logs a fault with its code and the account the credentials claimed', async () => {
    const forged = { ...signTokenPassport(testCredentials(TEST_ACCOUNT)), signature: 'bm90IHRoZSBzaWduYXR1cmU=' };
    const refused = await soap(test.url, 'checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`, tokenPassportXml(forged, '2017_1'));
    expect(refused.status).toBe(500);
    expect(refused.text).toContain('invalidCredentialsFault');
    expect(lineWith(refused.requestId)).toMatchObject({ message: 'SOAP call', operation: 'checkAsyncStatus', account: TEST_ACCOUNT, status: 500, faultCode: 'USER_ERROR' });

    // A long claimed account is cut for the line, never inside a character past U+FFFF.
    const claimed = `${'A'.repeat(63)}😀B`;
    const long = await soap(test.url, 'checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`, tokenPassportXml({ ...forged, account: claimed }, '2017_1'));
    expect(long.status).toBe(500);
    expect(lineWith(long.requestId)).toMatchObject({ status: 500, account: 'A'.repeat(63) });

    const missing = await soap(test.url, 'getAsyncResult', '<msg:jobId>NO_SUCH_JOB</msg:jobId><msg:pageIndex>1</msg:pageIndex>', accountHeader());
    expect(lineWith(missing.requestId)).toMatchObject({ operation: 'getAsyncResult', status: 500, faultCode: 'INVALID_JOB_ID' });

    const malformed = await fetch(`${test.url}/services/NetSuitePort_2017_1`, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body: '<not-soap' });
    expect(lineWith(malformed.headers.get('x-request-id'))).toMatchObject({ operation: 'unknown', status: 500, faultCode: 'soapenv:Client' });
  });

  it('makes an id when the caller gives none, and keeps only id characters of one it gives', async () => {
    const plain = await poll(test.url, jobId);
    expect(plain.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(lineWith(plain.requestId).operation).toBe('checkAsyncStatus');

    const hostile = await poll(test.url, jobId, { 'X-Request-Id': `a b"c}{<d>${'e'.repeat(200)}` });
    expect(hostile.requestId).toBe(`abcd${'e'.repeat(60)}`);
    lineWith(hostile.requestId);

    const unusable = await poll(test.url, jobId, { 'X-Request-Id': '"{}"' });
    expect(unusable.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs JSON face and admin calls with method, path, status and request id', async () => {
    const listed = await fetch(`${test.url}/admin/jobs?account=${TEST_ACCOUNT}`, { headers: { ...adminHeaders, 'X-Request-Id': 'admin-list-1' } });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('x-request-id')).toBe('admin-list-1');
    const line = lineWith('admin-list-1');
    expect(line).toMatchObject({ message: 'HTTP request', face: 'admin', method: 'GET', path: '/admin/jobs', status: 200 });
    expect(typeof line.durationMs).toBe('number');

    const refused = await fetch(`${test.url}/admin/jobs`, { headers: { 'X-Request-Id': 'admin-no-token' } });
    expect(refused.status).toBe(401);
    expect(lineWith('admin-no-token')).toMatchObject({ face: 'admin', status: 401 });

    const tracker = await fetch(`${test.url}/api/execution_tracker/nothing-here`, { headers: { 'X-Request-Id': 'sn-1' } });
    expect(lineWith('sn-1')).toMatchObject({ face: 'servicenow', method: 'GET', path: '/api/execution_tracker/nothing-here', status: tracker.status });
  });

  it('never writes a password, signature, token secret or the admin token', async () => {
    const credentials = testCredentials(TEST_ACCOUNT);
    const signed = signTokenPassport(credentials);
    await soap(test.url, 'checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`, tokenPassportXml(signed, '2017_1'));
    // A wrong signature and a passport login are refused: their secrets still must not show.
    const wrongSignature = 'd3JvbmctYnV0LXNlY3JldC1sb29raW5n';
    await soap(test.url, 'checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`, tokenPassportXml({ ...signTokenPassport(credentials), signature: wrongSignature }, '2017_1'));
    const password = 'hunter2-Pa55word';
    await soap(
      test.url,
      'checkAsyncStatus',
      `<msg:jobId>${jobId}</msg:jobId>`,
      `<passport xmlns="urn:core_2017_1.platform.webservices.netsuite.com"><email>ops@logs.example</email><password>${password}</password><account>${TEST_ACCOUNT}</account></passport>`,
    );
    await fetch(`${test.url}/admin/accounts/${TEST_ACCOUNT}/users`, {
      method: 'POST',
      headers: { ...adminHeaders, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'ops2@logs.example', password, role: 1000 }),
    });

    const written = capture.raw.join('\n');
    expect(capture.raw.length).toBeGreaterThan(5);
    for (const secret of [signed.signature, wrongSignature, credentials.consumerSecret, credentials.tokenSecret, password, TEST_ADMIN_TOKEN]) {
      expect(written).not.toContain(secret);
    }
  });
});

describe('/metrics', () => {
  it('counts SOAP calls by operation and status, and faults by code', async () => {
    const jobId = await createJob(test.url, { operation: 'asyncAddList', recordType: 'customer', items: 2 });
    const before = await scrape(test.url);
    const polls = { face: 'soap', operation: 'checkAsyncStatus', status: '200' };
    // Every operation's series exists before its first call.
    expect(sample(before, 'ase_requests_total', { face: 'soap', operation: 'asyncSearch', status: '200' })).toBe(0);
    const polled = sample(before, 'ase_requests_total', polls)!;
    const timed = sample(before, 'ase_request_duration_seconds_count', { face: 'soap', operation: 'checkAsyncStatus' })!;

    for (let i = 0; i < 3; i++) expect((await poll(test.url, jobId)).status).toBe(200);
    await soap(test.url, 'getAsyncResult', '<msg:jobId>NO_SUCH_JOB</msg:jobId><msg:pageIndex>1</msg:pageIndex>', accountHeader());
    await soap(test.url, 'getAsyncResult', `<msg:jobId>${jobId}</msg:jobId><msg:pageIndex>1</msg:pageIndex>`, accountHeader());

    const after = await scrape(test.url);
    expect(sample(after, 'ase_requests_total', polls)).toBe(polled + 3);
    expect(sample(after, 'ase_request_duration_seconds_count', { face: 'soap', operation: 'checkAsyncStatus' })).toBe(timed + 3);
    const faults = (code: string) => sample(after, 'ase_soap_faults_total', { operation: 'getAsyncResult', code }) ?? 0;
    const faultsBefore = (code: string) => sample(before, 'ase_soap_faults_total', { operation: 'getAsyncResult', code }) ?? 0;
    expect(sample(after, 'ase_requests_total', { face: 'soap', operation: 'getAsyncResult', status: '500' })).toBe(
      sample(before, 'ase_requests_total', { face: 'soap', operation: 'getAsyncResult', status: '500' })! + 2,
    );
    expect(faults('INVALID_JOB_ID')).toBe(faultsBefore('INVALID_JOB_ID') + 1);
    expect(faults('JOB_NOT_COMPLETE')).toBe(faultsBefore('JOB_NOT_COMPLETE') + 1);
  });

  it('counts JSON face calls by route pattern, not by id', async () => {
    await fetch(`${test.url}/admin/jobs/ONE`, { headers: adminHeaders });
    await fetch(`${test.url}/admin/jobs/TWO`, { headers: adminHeaders });
    const text = await scrape(test.url);
    expect(sample(text, 'ase_requests_total', { face: 'admin', operation: 'GET /jobs/:id', status: '404' })).toBe(2);
    expect(text).not.toContain('/admin/jobs/ONE');
  });

  it('reads jobs by status, worker lag and steps at scrape time', async () => {
    const count = (text: string, status: string) => sample(text, 'ase_jobs', { status, source: 'scripted' });
    const before = await scrape(test.url);
    const pending = count(before, 'pending')!;
    const finished = count(before, 'finished')!;
    const steps = sample(before, 'ase_worker_steps_total')!;
    await createJob(test.url, { operation: 'asyncAddList', recordType: 'customer', items: 2, ratePerSecond: 100 });
    await createJob(test.url, { operation: 'asyncAddList', recordType: 'customer', items: 2, ratePerSecond: 100 });
    clock.advance(12.5);
    const due = await scrape(test.url);
    expect(count(due, 'pending')).toBe(pending + 2);
    expect(sample(due, 'ase_worker_lag_seconds')).toBe(12.5);

    // Jobs of one account run one after another, each at its pace.
    for (let i = 0; i < 5; i++) {
      await test.service.worker.runDue();
      clock.advance(1);
    }
    const done = await scrape(test.url);
    expect(count(done, 'pending')).toBe(0);
    expect(count(done, 'finished')).toBeGreaterThanOrEqual(finished + 2);
    expect(sample(done, 'ase_worker_lag_seconds')).toBe(0);
    expect(sample(done, 'ase_worker_steps_total')).toBeGreaterThanOrEqual(steps + 2);
    expect(sample(done, 'ase_jobs', { status: 'cancelled', source: 'external' })).toBe(0);
    expect(sample(done, 'ase_database_up')).toBe(1);
  });

  it('shows pool use and the process metrics', async () => {
    const text = await scrape(test.url);
    for (const state of ['used', 'free', 'pending']) expect(sample(text, 'ase_db_pool_connections', { pool: 'knex', state })).toBeGreaterThanOrEqual(0);
    if (test.database.kind === 'postgres') expect(sample(text, 'ase_db_pool_connections', { pool: 'hot', state: 'free' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });
});

describe('/readyz', () => {
  it('is ready when migrated, and says which migration is missing when one is', async () => {
    const ready = await fetch(`${test.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });

    const table = () => test.database.db.from<{ id: number; name: string }>('knex_migrations');
    const last = (await table().orderBy('name', 'desc').first())!;
    await table().where({ name: last.name }).delete();
    const missing = await fetch(`${test.url}/readyz`);
    expect(missing.status).toBe(503);
    expect(await missing.json()).toMatchObject({ status: 'unready', pending: [last.name], reason: expect.stringContaining(last.name) });
    // Liveness is another question: the process is up.
    expect((await fetch(`${test.url}/healthz`)).status).toBe(200);

    await table().insert(last);
    expect((await fetch(`${test.url}/readyz`)).status).toBe(200);
  });

  it('is unready when the database is unreachable, while /healthz stays up', async () => {
    const database = await createTestDatabase();
    // The service is told its database is another's, so closing the database is this test's to do.
    const cut = await startTestService({ database });
    try {
      await database.handle.close();
      const unready = await fetch(`${cut.url}/readyz`);
      expect(unready.status).toBe(503);
      expect(await unready.json()).toMatchObject({ status: 'unready', reason: expect.stringMatching(/^The database is unreachable: /) });
      expect((await fetch(`${cut.url}/healthz`)).status).toBe(200);
      // /metrics still answers, and says the database is down.
      expect(sample(await scrape(cut.url), 'ase_database_up')).toBe(0);
    } finally {
      // Stopping frees the process's request slots in the database, which is gone: not this test's subject.
      await cut.close().catch(() => undefined);
      // Its handle is closed already (that close rejects); close() drops the server's database all the same.
      await database.close().catch(() => undefined);
    }
  });
});
