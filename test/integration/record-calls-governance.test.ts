import { ensureTestAccount } from '../helpers/credentials';
import { customer, ref, request, V } from '../helpers/record-requests';
import { adminHeaders, startTestService, TEST_ADMIN_TOKEN, type TestService } from '../helpers/service';
import { faultOf, postSoap } from '../helpers/soap';

/**
 * NetSuite's governance on the synchronous record operations, as on the asynchronous ones: the
 * account's concurrent-request limit and response delay, the request size limit, injected faults
 * and the request journal. A call refused writes nothing.
 */

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ env: { MAX_REQUEST_BYTES: String(64 * 1024) } });
});
afterAll(() => t.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${t.url}/admin${path}`, {
    method,
    headers: { ...adminHeaders, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function configure(account: string, limits: Record<string, number>): Promise<void> {
  await ensureTestAccount(t.url, account, TEST_ADMIN_TOKEN);
  expect((await admin('PATCH', `/accounts/${account}`, { limits })).status).toBe(200);
}

const send = (operation: string, inner: string, account: string) => postSoap(t.url, V, request(operation, inner, { account }));
const company = (externalId: string) => customer(`externalId="${externalId}"`, `<listRel:companyName>${externalId}</listRel:companyName>`);
const written = async (account: string, externalId: string) =>
  (await send('get', ref(`type="customer" externalId="${externalId}"`), account)).body.getResponse.readResponse.status['@isSuccess'] === 'true';

describe('the concurrent-request limit and response delay', () => {
  it('holds a get for the delay, refuses an addList over the limit with WS_REQUEST_BLOCKED, and the refused list writes nothing', async () => {
    const account = 'GOV_SYNC';
    // Long enough for the addList to arrive while the get holds the slot, on a busy machine too.
    await configure(account, { concurrentRequests: 1, responseDelayMs: 5000 });
    const slow = send('get', ref('type="customer" externalId="nobody"'), account);
    for (let i = 0; i < 200 && (await admin('GET', `/accounts/${account}`)).body.requestsInFlight !== 1; i++) await sleep(25);
    expect((await admin('GET', `/accounts/${account}`)).body.requestsInFlight).toBe(1);

    const refused = await send('addList', company('blocked-1') + company('blocked-2'), account);
    expect(refused.status).toBe(500);
    expect(faultOf(refused)).toMatchObject({ element: 'exceededConcurrentRequestLimitFault', code: 'WS_REQUEST_BLOCKED' });
    expect((await slow).status).toBe(200);

    await configure(account, { concurrentRequests: 1, responseDelayMs: 0 });
    expect(await written(account, 'blocked-1')).toBe(false);
    expect((await send('addList', company('blocked-1'), account)).status).toBe(200);
    expect(await written(account, 'blocked-1')).toBe(true);
  });
});

describe('the request size limit', () => {
  it('answers exceededRequestSizeFault to an upsertList past MAX_REQUEST_BYTES, writing none of it', async () => {
    const account = 'GOV_SIZE';
    await ensureTestAccount(t.url, account, TEST_ADMIN_TOKEN);
    const big = Array.from({ length: 90 }, (_, i) => customer(`externalId="big-${i}"`, `<listRel:comments>${'x'.repeat(1000)}</listRel:comments>`)).join('');
    const answer = await send('upsertList', big, account);
    expect(faultOf(answer)).toMatchObject({ element: 'exceededRequestSizeFault', code: 'USER_ERROR' });
    expect(await written(account, 'big-0')).toBe(false);
  });
});

describe('injected faults and the journal', () => {
  it('answers an injected fault to the operation its rule names, writing nothing, then the truth; the journal keeps both calls', async () => {
    const account = 'GOV_INJECT';
    await ensureTestAccount(t.url, account, TEST_ADMIN_TOKEN);
    const rule = await admin('POST', '/faults', {
      account,
      operation: 'upsertList',
      count: 1,
      effect: { type: 'fault', element: 'unexpectedErrorFault', code: 'UNEXPECTED_ERROR', message: 'Injected: try again.' },
    });
    expect(rule.status).toBe(201);
    // Another operation of the account is not matched.
    expect((await send('add', company('inject-0'), account)).status).toBe(200);

    const faulted = await send('upsertList', company('inject-1'), account);
    expect(faultOf(faulted)).toMatchObject({ element: 'unexpectedErrorFault', code: 'UNEXPECTED_ERROR', message: 'Injected: try again.' });
    expect(await written(account, 'inject-1')).toBe(false);
    const retried = await send('upsertList', company('inject-1'), account);
    expect(retried.body.upsertListResponse.writeResponseList.writeResponse.status['@isSuccess']).toBe('true');

    const entries = (await admin('GET', `/requests?${new URLSearchParams({ account, operation: 'upsertList' })}`)).body.requests;
    expect(entries.map((entry: any) => [entry.operation, entry.answer.status, entry.faultCode, entry.injected?.effect ?? null])).toEqual([
      ['upsertList', 200, null, null],
      ['upsertList', 500, 'UNEXPECTED_ERROR', 'fault'],
    ]);
    expect(entries[0].request.body).toContain('inject-1');
    expect(entries[0].answer.body).toContain('<platformMsgs:upsertListResponse');
  });
});
