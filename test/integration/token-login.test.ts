import { Authenticator } from '../../src/accounts/authenticator';
import { PgAccountStore } from '../../src/db/pg-account-store';
import { AuthError } from '../../src/lib/errors';
import { ensureTestAccount, testCredentials } from '../helpers/credentials';
import { adminHeaders, startTestService, TEST_ADMIN_TOKEN, type TestService } from '../helpers/service';

/** A token id and secret standing for their account, as the JSON faces will take them (HTTP Basic). */

let t: TestService;
let authenticator: Authenticator;
beforeAll(async () => {
  t = await startTestService();
  authenticator = new Authenticator(
    new PgAccountStore(t.database.handle),
    { now: () => new Date() },
    {
      mode: 'on',
      timestampWindowSeconds: 300,
      defaultAccount: 'TSTDRV1234567',
      defaults: { concurrentRequests: 5, maxResultCalls: 20, minPollIntervalSeconds: 0, responseDelayMs: 0 },
    },
  );
  await ensureTestAccount(t.url, 'BASIC1', TEST_ADMIN_TOKEN);
});
afterAll(() => t.close());

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'let in',
    (error: unknown) => (error instanceof AuthError ? `${error.fault} ${error.code} ${error.message}` : String(error)),
  );

it('lets in a token with its secret, as its account', async () => {
  const who = testCredentials('BASIC1');
  expect(await authenticator.authenticateToken(who.tokenId, who.tokenSecret)).toMatchObject({ account: 'BASIC1', method: 'tba', credential: who.tokenId });
});

it('refuses an unknown token, a wrong secret, a revoked token and a disabled integration alike', async () => {
  const who = testCredentials('BASIC1');
  const expected = 'invalidCredentials USER_ERROR Invalid login attempt.';
  expect(await refusal(authenticator.authenticateToken('no-such-token', who.tokenSecret))).toBe(expected);
  expect(await refusal(authenticator.authenticateToken(who.tokenId, 'wrong'))).toBe(expected);
  await fetch(`${t.url}/admin/integrations/${who.consumerKey}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json', ...adminHeaders }, body: '{"enabled":false}' });
  expect(await refusal(authenticator.authenticateToken(who.tokenId, who.tokenSecret))).toBe(expected);
  await fetch(`${t.url}/admin/integrations/${who.consumerKey}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json', ...adminHeaders }, body: '{"enabled":true}' });
  await fetch(`${t.url}/admin/tokens/${who.tokenId}/revoke`, { method: 'POST', headers: adminHeaders });
  expect(await refusal(authenticator.authenticateToken(who.tokenId, who.tokenSecret))).toBe(expected);
  const audit = (await (await fetch(`${t.url}/admin/login-audit?limit=4`, { headers: adminHeaders })).json()) as { failures: Array<{ reason: string }> };
  expect(audit.failures.map((failure) => failure.reason)).toEqual(['the token is revoked', 'the integration is disabled', 'wrong token secret', 'unknown token id']);
});
