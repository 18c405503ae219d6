import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaceClient } from '../helpers/json-faces';
import { customer, request, V } from '../helpers/record-requests';
import { adminHeaders, createJob, startTestService, type TestService } from '../helpers/service';
import { postSoap } from '../helpers/soap';

const SECRET = 'callback-test-secret-0123456789';

/** A receiver on loopback: each path answers from its script of statuses (the last one repeats). */
class Receiver {
  readonly received: Array<{ path: string; headers: IncomingHttpHeaders; text: string; body: any }> = [];
  private readonly scripts = new Map<string, number[]>();
  private server!: Server;
  url = '';

  script(path: string, statuses: number[]): string {
    this.scripts.set(path, [...statuses]);
    return `${this.url}${path}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => {
        const path = req.url ?? '/';
        this.received.push({ path, headers: req.headers, text, body: JSON.parse(text) });
        const script = this.scripts.get(path) ?? [404];
        const status = script.length > 1 ? script.shift()! : script[0];
        if (status === 0) return; // never answers
        res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status < 300 ? 'ok' : `receiver says ${status}`);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  on(path: string) {
    return this.received.filter((request) => request.path === path);
  }
}

let t: TestService;
const receiver = new Receiver();

beforeAll(async () => {
  await receiver.start();
  t = await startTestService({
    env: {
      CLOCK: 'manual',
      CALLBACK_SECRET: SECRET,
      CALLBACK_MAX_ATTEMPTS: '3',
      CALLBACK_RETRY_SECONDS: '0.05',
      CALLBACK_POLL_MS: '20',
      CALLBACK_TIMEOUT_MS: '400',
    },
  });
});
afterAll(async () => {
  await t.close();
  await receiver.stop();
});

async function advance(seconds: number): Promise<void> {
  const response = await fetch(`${t.url}/admin/clock/advance`, {
    method: 'POST',
    headers: { ...adminHeaders, 'Content-Type': 'application/json' },
    body: JSON.stringify({ seconds }),
  });
  expect(response.status).toBe(200);
}

async function deliveriesOf(jobId: string): Promise<any[]> {
  const response = await fetch(`${t.url}/admin/callbacks?job=${encodeURIComponent(jobId)}`, { headers: adminHeaders });
  return ((await response.json()) as { deliveries: any[] }).deliveries;
}

/** Waits (up to 15 s of real time) until the job's delivery has ended, and answers it. */
async function endedDelivery(jobId: string): Promise<any> {
  for (let i = 0; i < 300; i++) {
    const [delivery] = await deliveriesOf(jobId);
    if (delivery && delivery.state !== 'pending') return delivery;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the callback of ${jobId} did not end: ${JSON.stringify(await deliveriesOf(jobId))}`);
}

const signatureOf = (text: string) => `sha256=${createHmac('sha256', SECRET).update(text).digest('hex')}`;

it('POSTs the final status of a job, signed, once it ends', async () => {
  const url = receiver.script('/ok', [204]);
  const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 4, ratePerSecond: 2, failures: [{ item: 2, code: 'DUP_ENTITY' }], callbackUrl: url });
  await advance(1);
  // Not ended yet: nothing is sent.
  expect(await deliveriesOf(jobId)).toEqual([]);
  await advance(2);
  const delivery = await endedDelivery(jobId);
  expect(delivery).toMatchObject({ jobId, url, state: 'delivered', attempts: [{ attempt: 1, httpStatus: 204, error: null }] });

  const [sent] = receiver.on('/ok');
  expect(sent.headers['content-type']).toBe('application/json');
  expect(sent.headers['x-emulator-signature']).toBe(signatureOf(sent.text));
  expect(sent.headers['x-emulator-attempt']).toBe('1');
  expect(sent.headers['x-emulator-delivery']).toBe(delivery.id);
  expect(sent.body).toMatchObject({
    event: 'job.ended',
    jobId,
    account: 'TSTDRV1234567',
    status: 'finishedWithErrors',
    percentCompleted: 100,
    operation: 'asyncAddList',
    totalItems: 4,
    processedItems: 4,
    failedItems: 1,
    attempt: 1,
  });

  const shown = (await (await fetch(`${t.url}/admin/jobs/${jobId}`, { headers: adminHeaders })).json()) as any;
  expect(shown.callbackUrl).toBe(url);
  expect(shown.callbacks).toEqual([delivery]);
});

it('retries a receiver that fails twice, recording each attempt', async () => {
  const url = receiver.script('/flaky', [500, 503, 200]);
  const jobId = await createJob(t.url, { operation: 'asyncDeleteList', items: 1, ratePerSecond: 5, callbackUrl: url });
  await advance(1);
  const delivery = await endedDelivery(jobId);
  expect(delivery.state).toBe('delivered');
  expect(delivery.attempts.map((attempt: any) => [attempt.attempt, attempt.httpStatus])).toEqual([
    [1, 500],
    [2, 503],
    [3, 200],
  ]);
  expect(delivery.attempts[0].error).toBe('HTTP 500: receiver says 500');
  const sent = receiver.on('/flaky');
  expect(sent.map((request) => request.body.attempt)).toEqual([1, 2, 3]);
  for (const request of sent) expect(request.headers['x-emulator-signature']).toBe(signatureOf(request.text));
  // Each wait is longer than the one before (0.05 s, then 0.1 s).
  const times = delivery.attempts.map((attempt: any) => Date.parse(attempt.attemptedAt));
  expect(times[1] - times[0]).toBeGreaterThanOrEqual(50);
  expect(times[2] - times[1]).toBeGreaterThanOrEqual(100);
});

it('gives up after the last attempt, on errors and on silence', async () => {
  const down = receiver.script('/down', [500]);
  const silent = receiver.script('/silent', [0]);
  const failing = await createJob(t.url, {
    operation: 'asyncUpdateList',
    items: 1,
    ratePerSecond: 5,
    callbackUrl: down,
    fail: { afterItems: 0, code: 'UNEXPECTED_ERROR', message: 'Broken.' },
  });
  const quiet = await createJob(t.url, { operation: 'asyncUpdateList', items: 1, ratePerSecond: 5, callbackUrl: silent });
  await advance(1);
  const given = await endedDelivery(failing);
  expect(given.state).toBe('failed');
  expect(given.attempts).toHaveLength(3);
  expect(receiver.on('/down')[0].body).toMatchObject({ status: 'failed', failureCode: 'UNEXPECTED_ERROR', failureMessage: 'Broken.' });
  const unanswered = await endedDelivery(quiet);
  expect(unanswered.state).toBe('failed');
  expect(unanswered.attempts.map((attempt: any) => [attempt.httpStatus, attempt.error])).toEqual([
    [null, 'no answer within 400 ms'],
    [null, 'no answer within 400 ms'],
    [null, 'no answer within 400 ms'],
  ]);
  const failed = (await (await fetch(`${t.url}/admin/callbacks?state=failed`, { headers: adminHeaders })).json()) as any;
  expect(failed.deliveries.map((delivery: any) => delivery.jobId).sort()).toEqual([failing, quiet].sort());
});

it("uses the account's callback URL for SOAP-submitted jobs", async () => {
  const url = receiver.script('/account', [200]);
  const put = await fetch(`${t.url}/admin/accounts/TSTDRV1234567/callback`, {
    method: 'PUT',
    headers: { ...adminHeaders, 'Content-Type': 'application/json' },
    body: JSON.stringify({ url }),
  });
  expect(put.status).toBe(200);
  try {
    const answer = await postSoap(t.url, V, request('asyncAddList', customer('externalId="cb-1"', '<listRel:companyName>Callback Co</listRel:companyName>')));
    const jobId = answer.body.asyncAddListResponse.asyncStatusResult.jobId;
    await advance(5);
    const delivery = await endedDelivery(jobId);
    expect(delivery).toMatchObject({ url, state: 'delivered' });
    expect(receiver.on('/account')[0].body).toMatchObject({ jobId, status: 'finished', operation: 'asyncAddList', recordType: 'customer', processedItems: 1 });
  } finally {
    await fetch(`${t.url}/admin/accounts/TSTDRV1234567/callback`, {
      method: 'PUT',
      headers: { ...adminHeaders, 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: null }),
    });
  }
  const after = await (await fetch(`${t.url}/admin/accounts/TSTDRV1234567/callback`, { headers: adminHeaders })).json();
  expect(after).toEqual({ account: 'TSTDRV1234567', url: null });
});

it('tells the progress API job reporter when its job ends', async () => {
  const url = receiver.script('/progress', [200]);
  const face = new FaceClient(t.url, 'CALLBACK1');
  const job = await face.progress('POST', '/jobs', { name: 'Nightly import', referenceId: 'NIGHT-1', callbackUrl: url, steps: [{ name: 'Load' }] });
  expect(job.callbackUrl).toBe(url);
  await face.progress('POST', `/jobs/${job.id}/fail`, { message: 'Source unreachable' });
  const delivery = await endedDelivery(job.id);
  expect(delivery.state).toBe('delivered');
  expect(receiver.on('/progress')[0].body).toMatchObject({ jobId: job.id, status: 'failed', name: 'Nightly import', referenceId: 'NIGHT-1' });
  expect(receiver.on('/progress')[0].body).not.toHaveProperty('totalItems');
});

it('tells of a cancelled job too, as failed', async () => {
  const url = receiver.script('/cancelled', [200]);
  const face = new FaceClient(t.url, 'CALLBACK1');
  const job = await face.progress('POST', '/jobs', { name: 'Abandoned import', callbackUrl: url });
  await face.progress('POST', `/jobs/${job.id}/cancel`, { message: 'Stopped by the operator' });
  const delivery = await endedDelivery(job.id);
  expect(delivery.state).toBe('delivered');
  expect(receiver.on('/cancelled')[0].body).toMatchObject({ jobId: job.id, status: 'failed', name: 'Abandoned import' });
});

it("reads no more of a failing receiver's answer than it reports", async () => {
  const big = createServer((req, res) => {
    req.resume();
    res.writeHead(500, { 'Content-Type': 'text/plain' });
    // An endless answer: the attempt must end without reading it all.
    const chunk = 'x'.repeat(64 * 1024);
    const pump = () => {
      while (res.write(chunk));
    };
    res.on('drain', pump);
    pump();
  });
  await new Promise<void>((resolve) => big.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(big.address() as AddressInfo).port}/endless`;
    const jobId = await createJob(t.url, { operation: 'asyncDeleteList', items: 1, ratePerSecond: 5, callbackUrl: url });
    await advance(1);
    const delivery = await endedDelivery(jobId);
    expect(delivery.state).toBe('failed');
    for (const attempt of delivery.attempts) {
      expect(attempt.httpStatus).toBe(500);
      expect(attempt.error).toBe(`HTTP 500: ${'x'.repeat(300)}`);
    }
  } finally {
    big.closeAllConnections();
    await new Promise((resolve) => big.close(resolve));
  }
});

it('refuses callback URLs that are not http(s)', async () => {
  for (const callbackUrl of ['ftp://example.test/x', 'not a url', 'http://user:pw@example.test/']) {
    const response = await fetch(`${t.url}/admin/jobs`, {
      method: 'POST',
      headers: { ...adminHeaders, 'Content-Type': 'application/json' },
      body: JSON.stringify({ operation: 'asyncAddList', items: 1, callbackUrl }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ field: 'callbackUrl', error: expect.stringContaining('http://') });
  }
  const put = await fetch(`${t.url}/admin/accounts/TSTDRV1234567/callback`, {
    method: 'PUT',
    headers: { ...adminHeaders, 'Content-Type': 'application/json' },
    body: JSON.stringify({ url: 'javascript:alert(1)' }),
  });
  expect(put.status).toBe(400);
});

it('shows the signing secret to the admin only', async () => {
  const shown = (await (await fetch(`${t.url}/admin/callbacks/secret`, { headers: adminHeaders })).json()) as any;
  expect(shown.secret).toBe(SECRET);
  expect((await fetch(`${t.url}/admin/callbacks/secret`)).status).toBe(401);
});
