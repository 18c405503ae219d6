import type { ManualClock } from '../../src/lib/clock';
import { ensureTestAccount, signTokenPassport, testCredentials, tokenPassportXml } from '../helpers/credentials';
import { FaceClient } from '../helpers/json-faces';
import { adminHeaders, createJob, startTestService, TEST_ADMIN_TOKEN, type TestService } from '../helpers/service';
import { accountHeader, envelope, postSoap } from '../helpers/soap';

/**
 * The request journal, through the service's own HTTP: what a client sent (its secrets masked)
 * and what it was answered, the filters of GET /admin/requests, DELETE, and the retention caps.
 */

const ACCOUNT = 'JOURNAL1';
const OTHER = 'JOURNAL2';

let service: TestService;
let clock: ManualClock;

beforeAll(async () => {
  service = await startTestService({ env: { JOURNAL_MAX_BODY_BYTES: '100000' } });
  clock = service.clock as ManualClock;
});
afterAll(() => service?.close());

async function admin(url: string, method: string, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/admin${path}`, { method, headers: adminHeaders });
  return { status: response.status, body: await response.json() };
}

async function journal(query: Record<string, string> = {}, url = service.url): Promise<any[]> {
  const answer = await admin(url, 'GET', `/requests?${new URLSearchParams(query)}`);
  if (answer.status !== 200) throw new Error(`GET /admin/requests answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body.requests;
}

const poll = (jobId: string, account = ACCOUNT, requestId?: string, header = accountHeader(account), url = service.url) =>
  postSoap(url, '2017_1', envelope('checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`, '2017_1', header), {
    SOAPAction: 'checkAsyncStatus',
    ...(requestId ? { 'X-Request-Id': requestId } : {}),
  });

describe('what a SOAP client sent', () => {
  it('keeps the request and its answer, with the tokenPassport signature masked and the rest as sent', async () => {
    const jobId = await createJob(service.url, { operation: 'asyncAddList', account: ACCOUNT, items: 2 });
    const passport = signTokenPassport(testCredentials(ACCOUNT));
    const answer = await poll(jobId, ACCOUNT, 'journal-tba-1', tokenPassportXml(passport, '2017_1'));
    expect(answer.status).toBe(200);

    const [entry, ...more] = await journal({ requestId: 'journal-tba-1' });
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      requestId: 'journal-tba-1',
      face: 'soap',
      account: ACCOUNT,
      operation: 'checkAsyncStatus',
      jobId,
      method: 'POST',
      path: '/services/NetSuitePort_2017_1',
      faultCode: null,
      injected: null,
      answer: { status: 200, body: answer.text, truncated: false },
    });
    expect(entry.answer.bytes).toBe(Buffer.byteLength(answer.text));
    expect(entry.request.headers).toMatchObject({ soapaction: 'checkAsyncStatus', 'x-request-id': 'journal-tba-1', 'content-type': 'text/xml; charset=utf-8' });
    // Everything as sent, but the signature: the nonce and token id say which credential was used.
    expect(entry.request.body).toContain(`<nonce>${passport.nonce}</nonce>`);
    expect(entry.request.body).toContain(`<token>${passport.token}</token>`);
    expect(entry.request.body).toContain('<signature algorithm="HMAC-SHA256">***</signature>');
    expect(JSON.stringify(entry)).not.toContain(passport.signature);
    expect(entry.request.bytes).toBe(entry.request.body.length - '***'.length + passport.signature.length);
    expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    expect(new Date(entry.at).toISOString()).toBe(clock.now().toISOString());
  });

  it('keeps a body byte for byte: tabs, line breaks, backslashes and characters past ASCII (COPY escapes them on a server)', async () => {
    const jobId = await createJob(service.url, { operation: 'asyncAddList', account: ACCOUNT, items: 1 });
    const inner = `\r\n\t<!-- C:\\exports\\run\\N \\. \\t tab:\t end -->\n\t<msg:jobId>${jobId}</msg:jobId>\r\n<!-- Größe 数据 😀 -->`;
    // With a byte order mark, which the service reads past and the journal keeps.
    const sent = `\uFEFF${envelope('checkAsyncStatus', inner, '2017_1', accountHeader(ACCOUNT))}`;
    const answer = await postSoap(service.url, '2017_1', sent, { SOAPAction: 'checkAsyncStatus', 'X-Request-Id': 'journal-escapes-1' });
    expect(answer.status).toBe(200);
    const [entry] = await journal({ requestId: 'journal-escapes-1' });
    // As sent, but for the signature, which is masked.
    expect(entry.request.body).toBe(sent.replace(/(<signature[^>]*>)[^<]+/, '$1***'));
    expect(entry.request.body).toContain('\r\n\t<!-- C:\\exports');
    expect(entry.request.bytes).toBe(Buffer.byteLength(sent));
    expect(entry.request.truncated).toBe(false);
    expect(entry.answer.body).toBe(answer.text);
    expect(entry.jobId).toBe(jobId);
  });

  it('keeps every entry of a batch larger than one COPY piece (64 KB), each body whole', async () => {
    const jobId = await createJob(service.url, { operation: 'asyncAddList', account: ACCOUNT, items: 1 });
    // 24 requests of about 9 KB, sent at once so they share a batch; multi-byte text throughout.
    const sent = Array.from({ length: 24 }, (_, i) =>
      envelope('checkAsyncStatus', `<!-- ${i} ${'Größe\t数据😀 '.repeat(600)} --><msg:jobId>${jobId}</msg:jobId>`, '2017_1', accountHeader(ACCOUNT)),
    );
    const answers = await Promise.all(sent.map((body, i) => postSoap(service.url, '2017_1', body, { SOAPAction: 'checkAsyncStatus', 'X-Request-Id': `journal-pieces-${i}` })));
    // A request past the account's concurrency limit is answered with a fault: journaled all the same.
    for (let i = 0; i < sent.length; i++) {
      const [entry] = await journal({ requestId: `journal-pieces-${i}` });
      expect(entry.request.body).toBe(sent[i].replace(/(<signature[^>]*>)[^<]+/, '$1***'));
      expect(entry.answer.body).toBe(answers[i].text);
      expect(entry.answer.status).toBe(answers[i].status);
    }
  });

  it('masks a password the client never closed, in a request refused as malformed', async () => {
    const sent = envelope(
      'checkAsyncStatus',
      '<msg:jobId>x</msg:jobId>',
      '2017_1',
      `<passport xmlns="urn:core_2017_1.platform.webservices.netsuite.com"><email>e@journal.example</email><password>Unclosed-s3cret`,
    );
    const answer = await postSoap(service.url, '2017_1', sent, { SOAPAction: 'checkAsyncStatus', 'X-Request-Id': 'journal-unclosed-1' });
    expect(answer.status).toBe(500);
    const [entry] = await journal({ requestId: 'journal-unclosed-1' });
    expect(entry.request.body).toContain('<password>***');
    expect(JSON.stringify(entry)).not.toContain('Unclosed-s3cret');
  });

  it('masks a passport password, and the values of Authorization and cookie headers', async () => {
    await ensureTestAccount(service.url, ACCOUNT, TEST_ADMIN_TOKEN);
    const created = await fetch(`${service.url}/admin/accounts/${ACCOUNT}/users`, {
      method: 'POST',
      headers: { ...adminHeaders, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'clerk@journal.example', password: 'Pa55-journal-secret' }),
    });
    expect(created.status).toBe(201);
    const jobId = await createJob(service.url, { operation: 'asyncAddList', account: ACCOUNT, items: 1 });
    const passport = `<passport xmlns="urn:core_2017_1.platform.webservices.netsuite.com"><email>clerk@journal.example</email><password>Pa55-journal-secret</password><account>${ACCOUNT}</account></passport>`;
    expect((await poll(jobId, ACCOUNT, 'journal-passport-1', passport)).status).toBe(200);
    const [soap] = await journal({ requestId: 'journal-passport-1' });
    expect(soap.request.body).toContain('<email>clerk@journal.example</email><password>***</password>');
    expect(JSON.stringify(soap)).not.toContain('Pa55-journal-secret');

    const face = new FaceClient(service.url, ACCOUNT);
    const answer = await face.request('GET', `/api/execution_tracker/${jobId}`, undefined, { Cookie: 'JSESSIONID=abc123secret; theme=dark', 'X-Request-Id': 'journal-basic-1' });
    expect(answer.status).toBe(200);
    const [json] = await journal({ requestId: 'journal-basic-1' });
    expect(json).toMatchObject({ face: 'servicenow', account: ACCOUNT, operation: 'GET /api/execution_tracker/:id', jobId, answer: { status: 200, body: answer.text } });
    expect(json.request.headers.authorization).toBe('Basic ***');
    expect(json.request.headers.cookie).toBe('JSESSIONID=***; theme=***');
    const { tokenSecret } = testCredentials(ACCOUNT);
    expect(JSON.stringify(json)).not.toContain(tokenSecret);
    expect(JSON.stringify(json)).not.toContain(face.authorization.slice('Basic '.length));
    expect(JSON.stringify(json)).not.toContain('abc123secret');
  });

  it('records the JSON faces with their bodies and the job they are about', async () => {
    const face = new FaceClient(service.url, ACCOUNT);
    const created = await face.request('POST', '/progress/jobs', { name: 'journal import', steps: [{ name: 'load' }] }, { 'X-Request-Id': 'journal-progress-1' });
    expect(created.status).toBe(201);
    const [entry] = await journal({ requestId: 'journal-progress-1' });
    expect(entry).toMatchObject({ face: 'progress', account: ACCOUNT, operation: 'POST /progress/jobs', jobId: created.body.id, answer: { status: 201 } });
    expect(JSON.parse(entry.request.body)).toEqual({ name: 'journal import', steps: [{ name: 'load' }] });

    const sf = await face.request('GET', `/v1/asyncprocesses/${encodeURIComponent(created.body.id)}`, undefined, { 'X-Request-Id': 'journal-sf-1' });
    expect(sf.status).toBe(200);
    expect(await journal({ requestId: 'journal-sf-1' })).toMatchObject([{ face: 'salesforce', operation: 'GET /v1/asyncprocesses/:id', jobId: created.body.id }]);
  });

  it('leaves the admin API out', async () => {
    await journal();
    expect(await journal({ operation: 'GET /admin/requests' })).toEqual([]);
    expect((await journal({ limit: '1000' })).filter((entry) => entry.path.startsWith('/admin'))).toEqual([]);
  });
});

describe('GET /admin/requests', () => {
  let jobA: string;
  let since: Date;

  beforeAll(async () => {
    since = clock.now();
    clock.advance(60);
    jobA = await createJob(service.url, { operation: 'asyncAddList', account: ACCOUNT, items: 1 });
    const jobB = await createJob(service.url, { operation: 'asyncAddList', account: OTHER, items: 1 });
    await poll(jobA, ACCOUNT, 'filter-1');
    clock.advance(60);
    await poll(jobB, OTHER, 'filter-2');
    await poll('ASYNCWEBSERVICES_JOURNAL1_000_unknown', ACCOUNT, 'filter-3');
    clock.advance(60);
    await postSoap(service.url, '2017_1', envelope('getAsyncResult', `<msg:jobId>${jobA}</msg:jobId><msg:pageIndex>1</msg:pageIndex>`, '2017_1', accountHeader(ACCOUNT)), {
      SOAPAction: 'getAsyncResult',
      'X-Request-Id': 'filter-4',
    });
  });

  const ids = (entries: any[]) => entries.map((entry) => entry.requestId).filter((id: string) => id.startsWith('filter-'));

  it('lists newest first, within a limit', async () => {
    expect(ids(await journal({ since: since.toISOString() }))).toEqual(['filter-4', 'filter-3', 'filter-2', 'filter-1']);
    expect(await journal({ since: since.toISOString(), limit: '2' })).toHaveLength(2);
  });

  it('filters by account, operation, fault code and job id', async () => {
    const after = since.toISOString();
    expect(ids(await journal({ since: after, account: 'journal2' }))).toEqual(['filter-2']);
    expect(ids(await journal({ since: after, account: ACCOUNT, operation: 'checkAsyncStatus' }))).toEqual(['filter-3', 'filter-1']);
    expect(ids(await journal({ since: after, faultCode: 'INVALID_JOB_ID' }))).toEqual(['filter-3']);
    expect(ids(await journal({ since: after, faultCode: 'JOB_NOT_COMPLETE' }))).toEqual(['filter-4']);
    expect(ids(await journal({ jobId: jobA }))).toEqual(['filter-4', 'filter-1']);
    expect(ids(await journal({ since: after, operation: 'getAsyncResult' }))).toEqual(['filter-4']);
  });

  it('filters by time: since inclusive, until exclusive', async () => {
    const at = (seconds: number) => new Date(since.getTime() + seconds * 1000).toISOString();
    expect(ids(await journal({ since: at(60), until: at(120) }))).toEqual(['filter-1']);
    expect(ids(await journal({ since: at(120), until: at(180) }))).toEqual(['filter-3', 'filter-2']);
    expect(ids(await journal({ since: at(180) }))).toEqual(['filter-4']);
  });

  it('refuses a filter it does not know, naming it', async () => {
    expect(await admin(service.url, 'GET', '/requests?since=yesterday')).toMatchObject({ status: 400, body: { field: 'since' } });
    expect(await admin(service.url, 'GET', '/requests?color=red')).toMatchObject({ status: 400 });
    expect(await admin(service.url, 'GET', '/requests?limit=0')).toMatchObject({ status: 400, body: { field: 'limit' } });
  });
});

describe('retention', () => {
  // One service with all three caps: at most 3 entries, none older than an hour, bodies cut inside the signature.
  const passport = signTokenPassport(testCredentials(ACCOUNT));
  const request = (jobId: string) => envelope('checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`, '2017_1', tokenPassportXml(passport, '2017_1'));
  // The header comes before the body, so the cut falls 10 bytes into the signature whatever the job id.
  const draft = request('x');
  const cut = Buffer.byteLength(draft.slice(0, draft.indexOf(passport.signature) + 10));
  let limited: TestService;
  let limitedClock: ManualClock;
  let jobId: string;
  const pollLimited = (requestId: string) => poll(jobId, ACCOUNT, requestId, accountHeader(ACCOUNT), limited.url);
  const requestIds = async () => (await journal({}, limited.url)).map((entry) => entry.requestId);

  beforeAll(async () => {
    limited = await startTestService({ env: { JOURNAL_MAX_ENTRIES: '3', JOURNAL_MAX_AGE_HOURS: '1', JOURNAL_MAX_BODY_BYTES: String(cut) } });
    limitedClock = limited.clock as ManualClock;
    jobId = await createJob(limited.url, { operation: 'asyncAddList', account: ACCOUNT, items: 1 });
  });
  afterAll(() => limited?.close());
  beforeEach(async () => {
    expect((await admin(limited.url, 'DELETE', '/requests')).status).toBe(200);
  });

  it('keeps at most JOURNAL_MAX_ENTRIES, the newest', async () => {
    for (let i = 1; i <= 7; i++) await pollLimited(`count-${i}`);
    expect(await requestIds()).toEqual(['count-7', 'count-6', 'count-5']);
  });

  it('lets older entries go a generation at a time: the table holds the newest 3 and at most as many before them', async () => {
    const stored = async () => Number((await limited.database.db('request_journal').count({ n: '*' }))[0].n);
    for (let i = 1; i <= 20; i++) {
      await pollLimited(`turn-${i}`);
      // Each read writes what waits first, so every call is a batch of its own here.
      expect(await requestIds()).toEqual(Array.from({ length: Math.min(i, 3) }, (_, k) => `turn-${i - k}`));
      expect(await stored()).toBeLessThanOrEqual(6);
    }
    expect(await stored()).toBeGreaterThanOrEqual(3);
  });

  it('drops entries older than JOURNAL_MAX_AGE_HOURS, by the service clock', async () => {
    await pollLimited('age-old');
    limitedClock.advance(40 * 60);
    await pollLimited('age-middle');
    expect(await requestIds()).toEqual(['age-middle', 'age-old']);
    limitedClock.advance(30 * 60);
    await pollLimited('age-new');
    expect(await requestIds()).toEqual(['age-new', 'age-middle']);
  });

  it('cuts bodies at JOURNAL_MAX_BODY_BYTES, still masking a secret the cut falls in', async () => {
    const xml = request(jobId);
    const answer = await postSoap(limited.url, '2017_1', xml, { SOAPAction: 'checkAsyncStatus', 'X-Request-Id': 'cut-1' });
    expect(answer.status).toBe(200);
    const [entry] = await journal({ requestId: 'cut-1' }, limited.url);
    expect(entry.request).toMatchObject({ bytes: Buffer.byteLength(xml), truncated: true });
    expect(entry.request.body.endsWith('<signature algorithm="HMAC-SHA256">***')).toBe(true);
    expect(JSON.stringify(entry)).not.toContain(passport.signature.slice(0, 10));
    expect(entry.answer).toMatchObject({ bytes: Buffer.byteLength(answer.text), truncated: true, body: answer.text.slice(0, cut) });
  });
});

describe('clearing and switching off', () => {
  it('DELETE /admin/requests clears it', async () => {
    expect((await journal()).length).toBeGreaterThan(0);
    const cleared = await admin(service.url, 'DELETE', '/requests');
    expect(cleared.status).toBe(200);
    expect(cleared.body.deleted).toBeGreaterThan(0);
    expect(await journal()).toEqual([]);
  });

  it('JOURNAL=off records nothing and says so', async () => {
    const off = await startTestService({ env: { JOURNAL: 'off' } });
    try {
      const jobId = await createJob(off.url, { operation: 'asyncAddList', account: ACCOUNT, items: 1 });
      expect((await poll(jobId, ACCOUNT, 'off-1', accountHeader(ACCOUNT), off.url)).status).toBe(200);
      const answer = await admin(off.url, 'GET', '/requests');
      expect(answer.status).toBe(409);
      expect(answer.body.error).toContain('JOURNAL=off');
      expect(Number((await off.database.db('request_journal').count({ n: '*' }))[0].n)).toBe(0);
    } finally {
      await off.close();
    }
  });
});

describe('a declared size past 2 GB', () => {
  it('is journaled with the size declared, and costs no other entry its place', async () => {
    const { connect } = await import('node:net');
    const { port } = new URL(service.url);
    // Refused on its Content-Length alone, before a byte of the body is read.
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          'POST /services/NetSuitePort_2017_1 HTTP/1.1\r\nHost: journal.test\r\nContent-Type: text/xml\r\n' +
            'X-Request-Id: journal-huge-1\r\nContent-Length: 3000000000\r\n\r\n<soapenv:Envelope',
        );
      });
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk;
        if (text.includes('</soapenv:Envelope>')) socket.destroy();
      });
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toContain('exceededRequestSizeFault');
    const jobId = await createJob(service.url, { operation: 'asyncAddList', account: ACCOUNT, items: 1 });
    await poll(jobId, ACCOUNT, 'journal-huge-2');
    const [huge] = await journal({ requestId: 'journal-huge-1' });
    expect(huge.request.bytes).toBe(3_000_000_000);
    expect(huge.request.truncated).toBe(true);
    expect(await journal({ requestId: 'journal-huge-2' })).toHaveLength(1);
  });
});
