import type { ManualClock } from '../../src/lib/clock';
import { adminHeaders, createJob, startTestService, type TestService } from '../helpers/service';
import { accountHeader, envelope, faultOf, postSoap, statusOf } from '../helpers/soap';

/** Sessions (login, JSESSIONID, logout, idleness, one request at a time), discovery, server time and governance, over SOAP. */

const ACCOUNT = 'SESS1';
const EMAIL = 'legacy@sess1.example';
const PASSWORD = 'l3gacy-pass';
const core = (version: string) => `urn:core_${version}.platform.webservices.netsuite.com`;

let t: TestService;
let clock: ManualClock;

const admin = (method: string, path: string, body?: unknown) =>
  fetch(`${t.url}/admin${path}`, { method, headers: { ...adminHeaders, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

beforeAll(async () => {
  t = await startTestService({ env: { SESSION_IDLE_SECONDS: '600' } });
  clock = t.clock as ManualClock;
  expect((await admin('POST', '/accounts', { id: ACCOUNT })).status).toBe(201);
  expect((await admin('POST', `/accounts/${ACCOUNT}/users`, { email: EMAIL, password: PASSWORD, role: 3 })).status).toBe(201);
});
afterAll(() => t.close());

function loginEnvelope(version: string, password = PASSWORD, account = ACCOUNT): string {
  return envelope(
    'login',
    `<msg:passport><c:email xmlns:c="${core(version)}">${EMAIL}</c:email><c:password xmlns:c="${core(version)}">${password}</c:password>` +
      `<c:account xmlns:c="${core(version)}">${account}</c:account></msg:passport>`,
    version,
  );
}

/** Logs in; answers the cookie to send back (JSESSIONID=…). */
async function login(version = '2017_1'): Promise<string> {
  const response = await fetch(`${t.url}/services/NetSuitePort_${version}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: 'login' },
    body: loginEnvelope(version),
  });
  expect(response.status).toBe(200);
  const setCookie = response.headers.get('set-cookie') ?? '';
  expect(setCookie).toMatch(/^JSESSIONID=[A-Za-z0-9_-]{32}; Path=\/; HttpOnly$/);
  return setCookie.split(';')[0];
}

const withCookie = (cookie: string, version: string, operation: string, inner: string) =>
  postSoap(t.url, version, envelope(operation, inner, version), { Cookie: cookie, SOAPAction: operation });

describe('login and sessions (versions up to 2020_1)', () => {
  it('answers login with the session, the user and the role list, schema-valid', async () => {
    const answer = await postSoap(t.url, '2017_1', loginEnvelope('2017_1'));
    expect(answer.status).toBe(200);
    const session = answer.body.loginResponse.sessionResponse;
    expect(session.status['@isSuccess']).toBe('true');
    expect(session.userId).toMatchObject({ '@internalId': expect.stringMatching(/^\d+$/), '@type': 'employee' });
    expect(session.wsRoleList.wsRole).toEqual({
      role: { '@internalId': '3', name: 'Administrator' },
      isDefault: 'true',
      isInactive: 'false',
      isLoggedInRole: 'true',
    });
  });

  it('runs requests with the cookie alone as the user, until logout', async () => {
    const cookie = await login('2017_1');
    const submitted = await withCookie(
      cookie,
      '2017_1',
      'asyncDeleteList',
      '<msg:baseRef xmlns:c="urn:core_2017_1.platform.webservices.netsuite.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="c:RecordRef" internalId="9" type="customer"/>',
    );
    const jobId = submitted.body.asyncDeleteListResponse.asyncStatusResult.jobId;
    expect(jobId).toMatch(/^ASYNCWEBSERVICES_SESS1_/);
    expect(statusOf(await withCookie(cookie, '2017_1', 'checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`)).status).toBe('pending');

    const out = await fetch(`${t.url}/services/NetSuitePort_2017_1`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml; charset=utf-8', Cookie: cookie },
      body: envelope('logout', '', '2017_1'),
    });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toBe('JSESSIONID=; Path=/; HttpOnly; Max-Age=0');
    expect(await out.text()).toContain('<platformMsgs:sessionResponse><platformCore:status isSuccess="true"/></platformMsgs:sessionResponse>');

    const after = faultOf(await withCookie(cookie, '2017_1', 'checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`));
    expect(after).toMatchObject({ element: 'invalidSessionFault', code: 'WS_LOG_IN_REQD' });
  });

  it('refuses a request with neither credentials nor a live session, and an unknown cookie', async () => {
    const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 1, account: ACCOUNT });
    expect(faultOf(await postSoap(t.url, '2017_1', envelope('checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`)))).toMatchObject({
      element: 'invalidSessionFault',
      code: 'WS_LOG_IN_REQD',
      message: 'You must log in before performing a web service operation.',
    });
    expect(faultOf(await withCookie('JSESSIONID=made-up-session-id', '2017_1', 'checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`)).code).toBe('WS_LOG_IN_REQD');
  });

  it('times an idle session out, on the service clock', async () => {
    const cookie = await login('2020_1');
    const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 1, account: ACCOUNT });
    clock.advance(599);
    // Each request counts as use: the session lives on.
    expect(statusOf(await withCookie(cookie, '2020_1', 'checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`)).jobId).toBe(jobId);
    clock.advance(599);
    expect(statusOf(await withCookie(cookie, '2020_1', 'checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`)).jobId).toBe(jobId);
    clock.advance(601);
    expect(faultOf(await withCookie(cookie, '2020_1', 'checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`))).toMatchObject({
      element: 'invalidSessionFault',
      code: 'SESSION_TIMED_OUT',
    });
  });

  it('refuses a second request on a session while the first runs', async () => {
    // The account's answers take 600 ms, so the first request holds its session that long.
    expect((await admin('PATCH', `/accounts/${ACCOUNT}`, { limits: { responseDelayMs: 600 } })).status).toBe(200);
    try {
      const cookie = await login('2017_1');
      const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 1, account: ACCOUNT });
      const poll = () => withCookie(cookie, '2017_1', 'checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`);
      // Both at once: whichever takes the session first is answered, the other refused.
      const answers = await Promise.all([poll(), poll()]);
      const refused = answers.filter((answer) => answer.status === 500);
      expect(refused).toHaveLength(1);
      expect(faultOf(refused[0])).toMatchObject({ element: 'exceededRequestLimitFault', code: 'WS_CONCUR_SESSION_DISALLWD' });
      expect(statusOf(answers.find((answer) => answer.status === 200)!).jobId).toBe(jobId);
      // Free again once the first was answered.
      expect(statusOf(await poll()).jobId).toBe(jobId);
    } finally {
      await admin('PATCH', `/accounts/${ACCOUNT}`, { limits: { responseDelayMs: null } });
    }
  });

  it('refuses a wrong password with invalidCredentialsFault and sets no cookie', async () => {
    const response = await fetch(`${t.url}/services/NetSuitePort_2017_1`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml; charset=utf-8' },
      body: loginEnvelope('2017_1', 'wrong-pass'),
    });
    expect(response.status).toBe(500);
    expect(response.headers.get('set-cookie')).toBeNull();
    const answer = await postSoap(t.url, '2017_1', loginEnvelope('2017_1', 'wrong-pass'));
    expect(faultOf(answer)).toMatchObject({ element: 'invalidCredentialsFault', code: 'INVALID_LOGIN_CREDENTIALS' });
  });

  it('has no login, logout or cookie sessions after 2020_1, in the WSDL or at the endpoint', async () => {
    for (const [version, present] of [
      ['2020_1', true],
      ['2020_2', false],
      ['2025_2', false],
    ] as const) {
      const wsdl = await (await fetch(`${t.url}/wsdl/v${version}_0/netsuite.wsdl`)).text();
      expect(wsdl.includes('<operation name="login">')).toBe(present);
      expect(wsdl.includes('<operation name="logout">')).toBe(present);
    }
    const answer = await postSoap(t.url, '2021_1', loginEnvelope('2021_1'));
    expect(faultOf(answer).faultcode).toBe('soapenv:Client');
    expect(faultOf(answer).faultstring).toMatch(/^Unknown operation login: this endpoint \(version 2021_1\) offers .*getDataCenterUrls/);
    expect(faultOf(answer).faultstring).not.toContain('logout');
  });
});

describe('getDataCenterUrls and getServerTime', () => {
  it('sends a client that looks its host up back to this server, without a login', async () => {
    const answer = await postSoap(t.url, '2020_1', envelope('getDataCenterUrls', `<msg:account>${ACCOUNT}</msg:account>`, '2020_1'));
    const result = answer.body.getDataCenterUrlsResponse.getDataCenterUrlsResult;
    expect(result.status['@isSuccess']).toBe('true');
    expect(result.dataCenterUrls).toEqual({ restDomain: t.url, webservicesDomain: t.url, systemDomain: t.url });
    // Following it, as a client does, reaches this endpoint.
    const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 1 });
    const followed = await postSoap(
      result.dataCenterUrls.webservicesDomain,
      '2020_1',
      envelope('checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`, '2020_1', accountHeader(undefined, '2020_1')),
    );
    expect(statusOf(followed).jobId).toBe(jobId);
  });

  it('refuses a malformed account with a fault', async () => {
    const answer = await postSoap(t.url, '2020_1', envelope('getDataCenterUrls', '<msg:account>not an account!</msg:account>', '2020_1'));
    expect(answer.status).toBe(500);
    expect(faultOf(answer).faultstring).toMatch(/account/);
  });

  it('answers the server clock (the manual one in tests)', async () => {
    const answer = await postSoap(t.url, '2023_2', envelope('getServerTime', '', '2023_2'));
    expect(answer.body.getServerTimeResponse.getServerTimeResult).toEqual({ status: { '@isSuccess': 'true' }, serverTime: clock.now().toISOString() });
  });
});

describe('governance info (from 2020_2)', () => {
  it('reports the concurrency limit the service enforces, per account', async () => {
    expect((await admin('PATCH', '/accounts/GOV1', {})).status).toBe(404);
    const signed = () => accountHeader('GOV1', '2023_2');
    const first = await postSoap(t.url, '2023_2', envelope('getAccountGovernanceInfo', '', '2023_2', signed()));
    expect(first.body.getAccountGovernanceInfoResponse.getAccountGovernanceInfoResult).toEqual({
      status: { '@isSuccess': 'true' },
      accountConcurrencyLimit: '5',
      unallocatedConcurrencyLimit: '5',
    });
    expect((await admin('PATCH', '/accounts/GOV1', { limits: { concurrentRequests: 15 } })).status).toBe(200);
    const integration = await postSoap(t.url, '2023_2', envelope('getIntegrationGovernanceInfo', '', '2023_2', signed()));
    expect(integration.body.getIntegrationGovernanceInfoResponse.getIntegrationGovernanceInfoResult).toEqual({
      status: { '@isSuccess': 'true' },
      integrationConcurrencyLimit: '15',
      limitType: '_account',
    });
  });

  it('needs credentials, and does not exist before 2020_2', async () => {
    expect(faultOf(await postSoap(t.url, '2023_2', envelope('getAccountGovernanceInfo', '', '2023_2'))).code).toBe('WS_LOG_IN_REQD');
    const old = await postSoap(t.url, '2020_1', envelope('getAccountGovernanceInfo', '', '2020_1', accountHeader(undefined, '2020_1')));
    expect(faultOf(old).faultstring).toMatch(/^Unknown operation getAccountGovernanceInfo/);
  });
});

describe('session holds and users', () => {
  it('lets only the holder free a session, even after its hold ran out', async () => {
    const { PgSessionStore } = await import('../../src/db/pg-session-store');
    const store = new PgSessionStore(t.database.db);
    const now = new Date();
    await store.createSession({ id: 'hold-test-session', account: ACCOUNT, email: EMAIL, role: 3, createdAt: now, lastUsedAt: now });
    // A hold that has already run out (a stalled request), then another request takes the session.
    expect(await store.occupy('hold-test-session', 'first', -10)).toBe(true);
    expect(await store.occupy('hold-test-session', 'second', 60)).toBe(true);
    // The stalled one finishing late must not free the second's hold.
    await store.vacate('hold-test-session', 'first');
    expect(await store.occupy('hold-test-session', 'third', 60)).toBe(false);
    await store.vacate('hold-test-session', 'second');
    expect(await store.occupy('hold-test-session', 'third', 60)).toBe(true);
  });

  it('frees the session of a process that stopped mid-request within the hold lease, not after 22 minutes', async () => {
    const { PgSessionStore } = await import('../../src/db/pg-session-store');
    const { Sessions } = await import('../../src/accounts/sessions');
    const { systemClock } = await import('../../src/lib/clock');
    const store = new PgSessionStore(t.database.db);
    const now = new Date();
    await store.createSession({ id: 'crashed-holder-session', account: ACCOUNT, email: EMAIL, role: 3, createdAt: now, lastUsedAt: now });
    const crashed = new Sessions(store, systemClock, { idleSeconds: 1200, leaseSeconds: 3 });
    const alive = new Sessions(store, systemClock, { idleSeconds: 1200, leaseSeconds: 3 });
    try {
      expect(await crashed.occupy('crashed-holder-session')).not.toBeNull();
      // The holding process dies: nothing renews or releases its hold.
      crashed.close();
      expect(await alive.occupy('crashed-holder-session')).toBeNull();
      let release: (() => Promise<void>) | null = null;
      for (let attempt = 0; attempt < 200 && !release; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        release = await alive.occupy('crashed-holder-session');
      }
      expect(release).not.toBeNull();
      await release!();
    } finally {
      crashed.close();
      alive.close();
    }
  });

  it("keeps a running request's session held past the lease, renewing it", async () => {
    const { PgSessionStore } = await import('../../src/db/pg-session-store');
    const { Sessions } = await import('../../src/accounts/sessions');
    const { systemClock } = await import('../../src/lib/clock');
    const store = new PgSessionStore(t.database.db);
    const now = new Date();
    await store.createSession({ id: 'renewed-session', account: ACCOUNT, email: EMAIL, role: 3, createdAt: now, lastUsedAt: now });
    const sessions = new Sessions(store, systemClock, { idleSeconds: 1200, leaseSeconds: 3 });
    try {
      const release = await sessions.occupy('renewed-session');
      expect(release).not.toBeNull();
      const leasedUntil = async () => new Date((await t.database.db('sessions').where({ id: 'renewed-session' }).first('busy_until')).busy_until).getTime();
      const first = await leasedUntil();
      let renewed = first;
      for (let attempt = 0; attempt < 200 && renewed === first; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        renewed = await leasedUntil();
      }
      expect(renewed).toBeGreaterThan(first);
      // Past the first lease: only renewal can keep the session held now.
      while (Date.now() <= first + 500) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await sessions.occupy('renewed-session')).toBeNull();
      await release!();
      expect(await sessions.occupy('renewed-session')).not.toBeNull();
    } finally {
      sessions.close();
    }
  });

  it('ends a session whose user was removed', async () => {
    expect((await admin('POST', `/accounts/${ACCOUNT}/users`, { email: 'temp@sess1.example', password: 'temp-pass', role: 3 })).status).toBe(201);
    const response = await fetch(`${t.url}/services/NetSuitePort_2017_1`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml; charset=utf-8' },
      body: loginEnvelope('2017_1').replace(EMAIL, 'temp@sess1.example').replace(PASSWORD, 'temp-pass'),
    });
    expect(response.status).toBe(200);
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
    const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 1, account: ACCOUNT });
    expect(statusOf(await withCookie(cookie, '2017_1', 'checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`)).jobId).toBe(jobId);
    expect((await admin('DELETE', `/accounts/${ACCOUNT}/users/${encodeURIComponent('temp@sess1.example')}`)).status).toBe(204);
    expect(faultOf(await withCookie(cookie, '2017_1', 'checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`)).code).toBe('WS_LOG_IN_REQD');
  });
});
