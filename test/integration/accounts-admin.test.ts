import { adminHeaders, startTestService, type TestService } from '../helpers/service';

/** Accounts and credentials through the admin API: what it creates, shows, refuses and hides. */

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(() => t.close());

const call = async (method: string, route: string, body?: unknown, headers: Record<string, string> = adminHeaders) => {
  const response = await fetch(`${t.url}/admin${route}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
};

it('refuses every account route without the admin token', async () => {
  for (const [method, route] of [
    ['GET', '/accounts'],
    ['POST', '/accounts'],
    ['GET', '/accounts/TSTDRV1234567'],
    ['PATCH', '/accounts/TSTDRV1234567'],
    ['DELETE', '/accounts/TSTDRV1234567'],
    ['POST', '/accounts/TSTDRV1234567/integrations'],
    ['PATCH', '/integrations/demo-consumer-key'],
    ['POST', '/accounts/TSTDRV1234567/tokens'],
    ['POST', '/tokens/demo-token-id/revoke'],
    ['POST', '/accounts/TSTDRV1234567/users'],
    ['GET', '/login-audit'],
  ]) {
    const body = method === 'GET' ? undefined : {};
    expect((await call(method, route, body, {})).status).toBe(401);
    expect((await call(method, route, body, { Authorization: 'Bearer not-the-token-at-all' })).status).toBe(401);
  }
  // Nothing was changed by the refused calls.
  expect((await call('GET', '/accounts/TSTDRV1234567')).body.tokens[0].revokedAt).toBeNull();
});

it('has the demo account of a fresh install, with its integration, token and passport user, and no secrets', async () => {
  const { status, body } = await call('GET', '/accounts/tstdrv1234567');
  expect(status).toBe(200);
  expect(body).toMatchObject({
    id: 'TSTDRV1234567',
    name: 'Demo account',
    integrations: [{ consumerKey: 'demo-consumer-key', enabled: true }],
    tokens: [{ tokenId: 'demo-token-id', role: 3, webServices: true, revokedAt: null }],
    users: [{ email: 'demo@example.com', role: 3 }],
    requestsInFlight: 0,
  });
  expect(JSON.stringify(body)).not.toMatch(/secret|password/i);
});

it('creates an account, shows generated secrets once, and keeps ids in one form', async () => {
  const created = await call('POST', '/accounts', { id: '555-sb1', name: 'Sandbox', limits: { concurrentRequests: 15 } });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ id: '555_SB1', name: 'Sandbox', limits: { concurrentRequests: 15, maxResultCalls: null, minPollIntervalSeconds: null } });
  expect((await call('POST', '/accounts', { id: '555_sb1' })).status).toBe(409);

  const integration = await call('POST', '/accounts/555_SB1/integrations', { name: 'Connector' });
  expect(integration.status).toBe(201);
  expect(integration.body.consumerKey).toMatch(/^[0-9a-f]{64}$/);
  expect(integration.body.consumerSecret).toMatch(/^[0-9a-f]{64}$/);
  const token = await call('POST', '/accounts/555_SB1/tokens', { consumerKey: integration.body.consumerKey });
  expect(token.status).toBe(201);
  expect(token.body.tokenSecret).toMatch(/^[0-9a-f]{64}$/);

  const shown = JSON.stringify((await call('GET', '/accounts/555_SB1')).body);
  expect(shown).toContain(token.body.tokenId);
  expect(shown).not.toContain(token.body.tokenSecret);
  expect(shown).not.toContain(integration.body.consumerSecret);
  expect((await call('GET', '/accounts')).body.accounts.map((account: { id: string }) => account.id)).toEqual(expect.arrayContaining(['555_SB1', 'TSTDRV1234567']));
});

it('refuses a consumer key or token id that belongs to another account', async () => {
  await call('POST', '/accounts', { id: 'OWNER_A' });
  await call('POST', '/accounts', { id: 'OWNER_B' });
  await call('POST', '/accounts/OWNER_A/integrations', { name: 'a', consumerKey: 'shared-ck', consumerSecret: 's' });
  expect((await call('POST', '/accounts/OWNER_B/integrations', { name: 'b', consumerKey: 'shared-ck', consumerSecret: 'theirs' })).status).toBe(409);
  await call('POST', '/accounts/OWNER_A/tokens', { consumerKey: 'shared-ck', tokenId: 'shared-tk', tokenSecret: 's' });
  await call('POST', '/accounts/OWNER_B/integrations', { name: 'b', consumerKey: 'ck-b', consumerSecret: 's' });
  expect((await call('POST', '/accounts/OWNER_B/tokens', { consumerKey: 'ck-b', tokenId: 'shared-tk', tokenSecret: 'theirs' })).status).toBe(409);
  // A token needs an integration of its own account.
  expect((await call('POST', '/accounts/OWNER_B/tokens', { consumerKey: 'shared-ck' })).status).toBe(404);
});

it('names the field of a bad request, and answers 404 for what does not exist', async () => {
  expect(await call('POST', '/accounts', { id: 'has space' })).toMatchObject({ status: 400, body: { field: 'id' } });
  expect(await call('POST', '/accounts', { id: 'X1', limits: { concurrentRequests: -1 } })).toMatchObject({ status: 400, body: { field: 'limits.concurrentRequests' } });
  expect(await call('POST', '/accounts', { id: 'X1', limits: { burst: 3 } })).toMatchObject({ status: 400, body: { field: 'limits' } });
  expect(await call('POST', '/accounts/TSTDRV1234567/users', { email: 'not-an-email', password: 'x' })).toMatchObject({ status: 400, body: { field: 'email' } });
  expect((await call('GET', '/accounts/NOPE')).status).toBe(404);
  expect((await call('PATCH', '/accounts/NOPE', { name: 'x' })).status).toBe(404);
  expect((await call('POST', '/tokens/nope/revoke')).status).toBe(404);
  expect((await call('PATCH', '/integrations/nope', { enabled: false })).status).toBe(404);
  expect((await call('DELETE', '/accounts/TSTDRV1234567/users/nobody@example.com')).status).toBe(404);
});

it('changes limits, and puts one back to the service-wide setting with null', async () => {
  await call('POST', '/accounts', { id: 'LIMITS1', limits: { maxResultCalls: 3, minPollIntervalSeconds: 60 } });
  const changed = await call('PATCH', '/accounts/LIMITS1', { limits: { maxResultCalls: null, responseDelayMs: 250 } });
  expect(changed).toMatchObject({ status: 200, body: { limits: { maxResultCalls: null, minPollIntervalSeconds: 60, responseDelayMs: 250 } } });
});

it('deletes an account with its credentials, and a passport user', async () => {
  await call('POST', '/accounts', { id: 'GONE1' });
  await call('POST', '/accounts/GONE1/users', { email: 'Gone@Example.com', password: 'x' });
  expect((await call('DELETE', '/accounts/GONE1/users/gone@example.com')).status).toBe(204);
  expect((await call('GET', '/accounts/GONE1')).body.users).toEqual([]);
  await call('POST', '/accounts/GONE1/integrations', { name: 'x', consumerKey: 'gone-ck', consumerSecret: 's' });
  expect((await call('DELETE', '/accounts/GONE1')).status).toBe(204);
  expect((await call('GET', '/accounts/GONE1')).status).toBe(404);
  expect(await t.database.db('integrations').where({ consumer_key: 'gone-ck' }).first()).toBeUndefined();
});
