import { once } from 'node:events';
import net from 'node:net';
import { DEMO } from '../../src/accounts/demo';
import type { Logger } from '../../src/lib/logger';
import { ensureTestAccount } from '../helpers/credentials';
import { FaceClient } from '../helpers/json-faces';
import { startServiceProcess, type ServiceProcess } from '../helpers/service-process';
import { adminHeaders, startTestService, TEST_ADMIN_TOKEN, type TestService } from '../helpers/service';

/**
 * Hostile callers of the JSON faces (issue 18): nothing reads a body before its caller is
 * authenticated, no nesting reaches a recursion or ends the process, and a request whose client
 * went away is counted as aborted, never as answered.
 */

const ACCOUNT = 'HOSTILE1';
const MB = 1024 * 1024;

interface LogLine {
  message: string;
  details: Record<string, unknown>;
}

/**
 * A logger that keeps its lines and tells who waits for one; its 'HTTP request' line for the
 * request id `throwFor` throws, as a broken log destination would.
 */
function watchingLogger(throwFor: string) {
  const lines: LogLine[] = [];
  const waiting: Array<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }> = [];
  const keep = (message: string, details: unknown) => {
    const line = { message, details: (details ?? {}) as Record<string, unknown> };
    lines.push(line);
    for (const waiter of waiting.filter((one) => one.match(line))) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  };
  const logger: Logger = {
    info(message, details) {
      keep(message, details);
      if (message === 'HTTP request' && details?.requestId === throwFor) throw new Error('the log destination is gone');
    },
    error: (message, details) => keep(message, details),
  };
  const lineWhere = (match: (line: LogLine) => boolean): Promise<LogLine> =>
    new Promise((resolve) => {
      const seen = lines.find(match);
      if (seen) resolve(seen);
      else waiting.push({ match, resolve });
    });
  return { logger, lineWhere };
}

const scrape = async (url: string) => (await fetch(`${url}/metrics`)).text();

/** A connection that speaks raw HTTP/1.1, so a test controls every byte of the body it sends. */
async function connect(url: string) {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  await once(socket, 'connect');
  let answer = '';
  socket.setEncoding('latin1').on('data', (chunk: string) => (answer += chunk));
  // EPIPE or ECONNRESET once the server has hung up on a body it will not read: expected.
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const head = (method: string, path: string, headers: Record<string, string>) =>
    `${method} ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n${Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('')}\r\n`;
  return { socket, closed, head, answer: () => answer };
}

/**
 * POSTs `size` bytes of body (`{"x":"xx…x"}`, cheap to parse) at the pace the server reads them, until
 * all is sent or the server hangs up. Answers what the server said and how many body bytes the
 * client could hand over: all of them only if the server read (or drained) the body.
 */
async function upload(url: string, path: string, headers: Record<string, string>, size: number): Promise<{ answer: string; sent: number }> {
  const connection = await connect(url);
  const { socket } = connection;
  let open = true;
  void connection.closed.then(() => (open = false));
  socket.write(connection.head('POST', path, { 'Content-Type': 'application/json', ...headers, 'Content-Length': String(size) }));
  const [opening, filler, closing] = [Buffer.from('{"x":"'), Buffer.alloc(64 * 1024, 'x'), Buffer.from('"}')];
  let sent = 0;
  while (sent < size && open) {
    const left = size - sent;
    const piece = sent === 0 ? opening : left === closing.length ? closing : filler.subarray(0, Math.min(filler.length, left - closing.length));
    sent += piece.length;
    if (!socket.write(piece)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), connection.closed]);
  }
  // Whatever the server did, the client is done: it waits for the server's answer and its hang-up.
  if (open) socket.end();
  await connection.closed;
  return { answer: connection.answer(), sent };
}

describe('on the service in this process', () => {
  let t: TestService;
  let face: FaceClient;
  const watch = watchingLogger('throwing-log-1');

  beforeAll(async () => {
    t = await startTestService({ logger: watch.logger });
    face = new FaceClient(t.url, ACCOUNT);
    await ensureTestAccount(t.url, ACCOUNT, TEST_ADMIN_TOKEN);
  });
  afterAll(() => t?.close());

  const wrongSecret = `Basic ${Buffer.from(`tk-${ACCOUNT}:not-the-secret`).toString('base64')}`;

  // 20 MB: more than the kernel buffers of both ends hold, so only a server that reads can take it all.
  it.each([
    ['the admin API without a token', '/admin/jobs', {}],
    ['the admin API with a wrong token', '/admin/jobs', { Authorization: 'Bearer not-the-token' }],
    ['the progress API without credentials', '/progress/jobs', {}],
    ['the progress API with a wrong secret', '/progress/jobs', { Authorization: wrongSecret }],
    ['ServiceNow xmlhttp.do without credentials', '/xmlhttp.do', { 'Content-Type': 'application/x-www-form-urlencoded' }],
    ['Salesforce without credentials', '/v1/asyncprocesses/ANY', {}],
  ])('answers an unauthenticated 20 MB body to %s with 401 and hangs up without reading it', async (_what, path, headers: Record<string, string>) => {
    const size = 20 * MB;
    const { answer, sent } = await upload(t.url, path, headers, size);
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toMatch(/\r\nConnection: close\r\n/i);
    expect(sent).toBeLessThan(size);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it("still reads an authenticated body up to the face's limit", async () => {
    const big = await face.request('POST', '/progress/jobs', { name: 'Large data', additionalData: 'x'.repeat(4 * MB) });
    expect(big.status).toBe(201);
    const admin = await fetch(`${t.url}/admin/jobs`, {
      method: 'POST',
      headers: { ...adminHeaders, 'Content-Type': 'application/json' },
      body: JSON.stringify({ operation: 'asyncAddList', account: ACCOUNT, items: 1, padding: 'x'.repeat(8 * MB) }),
    });
    // Read whole and refused on its field, not on its size.
    expect(admin.status).toBe(400);
    expect(await admin.json()).toMatchObject({ field: expect.stringMatching(/padding|body/) });
  });

  it('answers a JSON body in a charset it does not read with 415 or 400, never a 500, and reads UTF-16', async () => {
    const post = (charset: string, body: string | Buffer) =>
      fetch(`${t.url}/progress/jobs`, { method: 'POST', headers: { Authorization: face.authorization, 'Content-Type': `application/json; charset=${charset}` }, body });
    expect((await post('utf-16le', Buffer.from(JSON.stringify({ name: 'UTF-16 [[' }), 'utf16le'))).status).toBe(201);
    expect((await post('latin1', '{"name": "x"}')).status).toBe(415);
    const utf32 = await post('utf-32', '{"name": "x"}');
    expect([utf32.status, await utf32.json()]).toEqual([400, { error: expect.stringMatching(/send JSON in UTF-8/), field: 'body' }]);
  });

  it('counts and logs a request whose client went away mid-body as aborted, not as answered', async () => {
    const connection = await connect(t.url);
    const headers = { Authorization: face.authorization, 'Content-Type': 'application/json', 'Content-Length': String(MB), 'X-Request-Id': 'aborted-upload-1' };
    connection.socket.write(connection.head('POST', '/progress/jobs', headers));
    connection.socket.end('{"name": "never finished", "additionalData": "');
    const line = await watch.lineWhere((one) => one.message === 'HTTP request' && one.details.requestId === 'aborted-upload-1');
    expect(line.details).toMatchObject({ face: 'progress', method: 'POST', status: 'aborted' });
    const metrics = await scrape(t.url);
    expect(metrics).toMatch(/^ase_requests_total\{face="progress",operation="POST \(no route\)",status="aborted"\} 1$/m);
    expect(metrics).not.toMatch(/^ase_requests_total\{face="progress",operation="POST \(no route\)",status="200"\}/m);
  });

  it('counts and logs a SOAP request whose client went away mid-body as aborted, not as answered', async () => {
    const connection = await connect(t.url);
    const headers = { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: 'checkAsyncStatus', 'Content-Length': String(MB), 'X-Request-Id': 'aborted-soap-1' };
    connection.socket.write(connection.head('POST', '/services/NetSuitePort_2023_2', headers));
    connection.socket.end('<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>');
    const line = await watch.lineWhere((one) => one.message === 'SOAP call' && one.details.requestId === 'aborted-soap-1');
    expect(line.details).toMatchObject({ operation: 'unknown', status: 'aborted' });
    const metrics = await scrape(t.url);
    expect(metrics).toMatch(/^ase_requests_total\{face="soap",operation="unknown",status="aborted"\} 1$/m);
    // The SOAP series are declared at 0 from the start: nothing was counted as answered.
    expect(metrics).toMatch(/^ase_requests_total\{face="soap",operation="unknown",status="200"\} 0$/m);
  });

  it("logs and counts an error in a request's side work (its log line) and keeps serving", async () => {
    const answered = await fetch(`${t.url}/api/execution_tracker/NOTHING`, { headers: { Authorization: face.authorization, 'X-Request-Id': 'throwing-log-1' } });
    expect(answered.status).toBe(200);
    const line = await watch.lineWhere((one) => one.message === 'request side work failed');
    expect(line.details).toMatchObject({ work: 'log', requestId: 'throwing-log-1' });
    expect(await scrape(t.url)).toMatch(/^ase_side_work_errors_total\{work="log"\} 1$/m);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });
});

describe('on the service in a process of its own', () => {
  let service: ServiceProcess;
  const demo = `Basic ${Buffer.from(`${DEMO.tokenId}:${DEMO.tokenSecret}`).toString('base64')}`;

  beforeAll(async () => {
    service = await startServiceProcess({ ADMIN_TOKEN: TEST_ADMIN_TOKEN });
  });
  afterAll(() => service?.stop());

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${service.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
  const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

  it('refuses JSON nested 8,000 deep on every face, from any caller, and keeps serving', async () => {
    const deep = nested(8000);
    const refusals = [
      await post('/progress/jobs', deep, { Authorization: demo }),
      await post('/progress/jobs', deep),
      await post('/progress/jobs', `{"name":"x","additionalData":${deep}}`, { Authorization: demo }),
      await post('/admin/jobs', deep, adminHeaders),
      await post('/admin/jobs', deep),
    ];
    expect(await Promise.all(refusals.map(async (answer) => [answer.status, ((await answer.json()) as { field?: string }).field]))).toEqual([
      [400, 'body'],
      [401, undefined],
      [400, 'body'],
      [400, 'body'],
      [401, undefined],
    ]);
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    expect(service.child.exitCode).toBeNull();
  });

  it('counts brackets in strings as text, and refuses a million levels as it does eight thousand', async () => {
    const inText = await post('/progress/jobs', JSON.stringify({ name: 'brackets', message: '['.repeat(3000), additionalData: { note: '{'.repeat(1000) } }), {
      Authorization: demo,
    });
    expect(inText.status).toBe(201);
    const million = await post('/progress/jobs', nested(1_000_000), { Authorization: demo });
    expect(million.status).toBe(400);
    expect(await million.json()).toMatchObject({ error: expect.stringMatching(/nests deeper than \d+ levels/), field: 'body' });
    const object = await post('/admin/jobs', '{"a":'.repeat(200_000) + '1' + '}'.repeat(200_000), adminHeaders);
    expect(object.status).toBe(400);
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    expect(service.child.exitCode).toBeNull();
  });
});
