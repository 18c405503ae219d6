import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/compose/config';
import { silentLogger } from '../../src/lib/logger';
import { buildService } from '../../src/compose/serve';
import { ensureTestAccount, signTokenPassport, testCredentials, tokenPassportXml, unixNow, type Credentials } from '../helpers/credentials';
import { createTestDatabase } from '../helpers/database';
import { adminHeaders, createJob, startTestService, TEST_ADMIN_TOKEN, type TestService } from '../helpers/service';
import { envelope, faultOf, postSoap, statusOf } from '../helpers/soap';

/**
 * Who gets in, over SOAP, with signatures computed here as NetSuite computes them. Every refused
 * credential gets the same fault and message whatever was wrong; the login audit says what was.
 */

let t: TestService;
let jobId: string;
const ACCOUNT = 'AUTH1';
const credentials = testCredentials(ACCOUNT);

beforeAll(async () => {
  t = await startTestService();
  await ensureTestAccount(t.url, ACCOUNT, TEST_ADMIN_TOKEN);
  jobId = await createJob(t.url, { operation: 'asyncAddList', account: ACCOUNT, items: 1 });
});
afterAll(() => t.close());

const admin = (method: string, route: string, body?: unknown) =>
  fetch(`${t.url}/admin${route}`, { method, headers: { 'Content-Type': 'application/json', ...adminHeaders }, body: body === undefined ? undefined : JSON.stringify(body) });

const poll = (header: string, version = '2017_1', url = t.url, id = jobId) => postSoap(url, version, envelope('checkAsyncStatus', `<msg:jobId>${id}</msg:jobId>`, version, header));

const signed = (options: Parameters<typeof signTokenPassport>[1] = {}, who: Credentials = credentials, version = '2017_1') =>
  tokenPassportXml(signTokenPassport(who, options), version);

const INVALID_LOGIN = {
  faultcode: 'soapenv:Server.userException',
  faultstring: 'Invalid login attempt.',
  element: 'invalidCredentialsFault',
  code: 'USER_ERROR',
  message: 'Invalid login attempt.',
};

describe('tokenPassport', () => {
  it.each([
    ['HMAC-SHA256', 'sha256'],
    ['HMAC_SHA256', 'sha256'],
    ['hmac-sha256', 'sha256'],
    ['HMAC-SHA1', 'sha1'],
    ['HMAC_SHA1', 'sha1'],
  ] as const)('lets in a request signed with %s', async (spelling, algorithm) => {
    const answer = await poll(signed({ algorithm, spelling }));
    expect(answer.status).toBe(200);
    expect(statusOf(answer).jobId).toBe(jobId);
  });

  it('compares account ids case aside and takes _SB1 and -sb1 alike, signing what the client sent', async () => {
    await ensureTestAccount(t.url, '1234567_SB1', TEST_ADMIN_TOKEN);
    const sandboxJob = await createJob(t.url, { operation: 'asyncAddList', account: '1234567_SB1', items: 1 });
    for (const spelling of ['1234567_SB1', '1234567-sb1', '1234567_sb1']) {
      const answer = await poll(signed({}, { ...testCredentials('1234567_SB1'), account: spelling }), '2017_1', t.url, sandboxJob);
      expect(answer.status).toBe(200);
    }
  });

  const refusals: Array<[string, () => string, RegExp]> = [
    ['a wrong signature', () => signed().replace(/<signature([^>]*)>[^<]+</, '<signature$1>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=<'), /wrong signature/],
    ['a wrong token secret', () => signed({}, { ...credentials, tokenSecret: 'not-the-secret' }), /wrong signature/],
    ['a wrong consumer secret', () => signed({}, { ...credentials, consumerSecret: 'not-the-secret' }), /wrong signature/],
    ['an unknown token', () => signed({}, { ...credentials, tokenId: 'no-such-token' }), /unknown token/],
    ['an unknown account', () => signed({}, { ...credentials, account: 'NOSUCH999' }), /another account/],
    ["another integration's consumer key", () => signed({}, { ...credentials, consumerKey: testCredentials('TSTDRV1234567').consumerKey }), /consumer key/],
    ['a timestamp over five minutes old', () => signed({ timestamp: unixNow() - 310 }), /old \(window 300 s\)/],
    ['a timestamp over five minutes ahead', () => signed({ timestamp: unixNow() + 310 }), /in the future/],
    ['a nonce too short', () => signed({ nonce: 'abc12' }), /nonce/],
    ['a nonce with other characters', () => signed({ nonce: 'abc-123-def' }), /nonce/],
    ['an algorithm NetSuite does not take', () => signed({ spelling: 'HMAC-MD5' }), /unsupported signature algorithm/],
    ['no signature', () => signed().replace(/<signature[^>]*>[^<]+<\/signature>/, ''), /missing/],
    ['a timestamp that is not a number', () => signed().replace(/<timestamp>\d+</, '<timestamp>soon<'), /timestamp/],
  ];

  it.each(refusals)('refuses %s with the one invalid-login fault, and audits why', async (_what, header, reason) => {
    const answer = await poll(header());
    expect(answer.status).toBe(500);
    expect(faultOf(answer)).toEqual(INVALID_LOGIN);
    const audit = (await (await admin('GET', '/login-audit?limit=1')).json()) as { failures: Array<{ reason: string; method: string }> };
    expect(audit.failures[0]).toMatchObject({ method: 'tba' });
    expect(audit.failures[0].reason).toMatch(reason);
  });

  it('takes a timestamp just inside the window', async () => {
    expect((await poll(signed({ timestamp: unixNow() - 290 }))).status).toBe(200);
    expect((await poll(signed({ timestamp: unixNow() + 290 }))).status).toBe(200);
  });

  it('refuses a nonce the token used before, but not the same nonce from another token', async () => {
    const nonce = 'replay0123456789';
    expect((await poll(signed({ nonce }))).status).toBe(200);
    expect(faultOf(await poll(signed({ nonce })))).toEqual(INVALID_LOGIN);
    await ensureTestAccount(t.url, 'AUTH2', TEST_ADMIN_TOKEN);
    const other = await createJob(t.url, { operation: 'asyncAddList', account: 'AUTH2', items: 1 });
    expect((await poll(signed({ nonce }, testCredentials('AUTH2')), '2017_1', t.url, other)).status).toBe(200);
  });

  it('refuses a replayed poll that was read while its nonce was recorded, before saying anything of the job', async () => {
    // Without concurrency slots or rationed polls, a poll reads its job while the nonce is stored.
    await ensureTestAccount(t.url, 'AUTH_AHEAD', TEST_ADMIN_TOKEN);
    expect((await admin('PATCH', '/accounts/AUTH_AHEAD', { limits: { concurrentRequests: 0 } })).status).toBe(200);
    const own = await createJob(t.url, { operation: 'asyncAddList', account: 'AUTH_AHEAD', items: 1 });
    const who = testCredentials('AUTH_AHEAD');
    const nonce = 'ahead0123456789';
    expect(statusOf(await poll(signed({ nonce }, who), '2017_1', t.url, own)).jobId).toBe(own);
    expect(faultOf(await poll(signed({ nonce }, who), '2017_1', t.url, own))).toEqual(INVALID_LOGIN);
    // A replay of a poll for a job that is not there gets the same refusal, not INVALID_JOB_ID.
    const missing = 'ahead9876543210';
    expect(faultOf(await poll(signed({ nonce: missing }, who), '2017_1', t.url, 'NO_SUCH_JOB'))).toMatchObject({ code: 'INVALID_JOB_ID' });
    expect(faultOf(await poll(signed({ nonce: missing }, who), '2017_1', t.url, 'NO_SUCH_JOB'))).toEqual(INVALID_LOGIN);
  });

  it('refuses a replayed get that was read while its nonce was recorded, before saying anything of the record', async () => {
    // get only reads, as a poll does: without concurrency slots it reads while the nonce is stored.
    await ensureTestAccount(t.url, 'AUTH_GET', TEST_ADMIN_TOKEN);
    expect((await admin('PATCH', '/accounts/AUTH_GET', { limits: { concurrentRequests: 0 } })).status).toBe(200);
    const who = testCredentials('AUTH_GET');
    const core = 'urn:core_2017_1.platform.webservices.netsuite.com';
    const get = (header: string, internalId: string) =>
      postSoap(
        t.url,
        '2017_1',
        envelope(
          'get',
          `<msg:baseRef xmlns:core="${core}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="core:RecordRef" type="customer" internalId="${internalId}"/>`,
          '2017_1',
          header,
        ),
      );
    const nonce = 'getahead0123456789';
    expect((await get(signed({ nonce }, who), '1')).body.getResponse.readResponse.status.statusDetail.code).toBe('RCRD_DSNT_EXIST');
    expect(faultOf(await get(signed({ nonce }, who), '1'))).toEqual(INVALID_LOGIN);
  });

  it('refuses a revoked token and a disabled integration, and lets in a re-enabled one', async () => {
    await ensureTestAccount(t.url, 'AUTH_REVOKE', TEST_ADMIN_TOKEN);
    const own = await createJob(t.url, { operation: 'asyncAddList', account: 'AUTH_REVOKE', items: 1 });
    const who = testCredentials('AUTH_REVOKE');
    expect((await poll(signed({}, who), '2017_1', t.url, own)).status).toBe(200);

    expect((await admin('PATCH', `/integrations/${who.consumerKey}`, { enabled: false })).status).toBe(204);
    expect(faultOf(await poll(signed({}, who), '2017_1', t.url, own))).toEqual(INVALID_LOGIN);
    expect((await admin('PATCH', `/integrations/${who.consumerKey}`, { enabled: true })).status).toBe(204);
    expect((await poll(signed({}, who), '2017_1', t.url, own)).status).toBe(200);

    expect((await admin('POST', `/tokens/${who.tokenId}/revoke`)).status).toBe(204);
    expect(faultOf(await poll(signed({}, who), '2017_1', t.url, own))).toEqual(INVALID_LOGIN);
    const audit = (await (await admin('GET', '/login-audit?account=auth_revoke&limit=1')).json()) as { failures: Array<{ reason: string }> };
    expect(audit.failures[0].reason).toBe('the token is revoked');
  });

  it('answers a token whose role lacks the Web Services permission with insufficientPermissionFault', async () => {
    await ensureTestAccount(t.url, 'AUTH_ROLE', TEST_ADMIN_TOKEN);
    const who = { ...testCredentials('AUTH_ROLE'), tokenId: 'no-ws-token', tokenSecret: 'no-ws-secret' };
    const created = await admin('POST', '/accounts/AUTH_ROLE/tokens', {
      consumerKey: who.consumerKey,
      tokenId: who.tokenId,
      tokenSecret: who.tokenSecret,
      role: 1001,
      webServices: false,
    });
    expect(created.status).toBe(201);
    expect(faultOf(await poll(signed({}, who)))).toMatchObject({
      element: 'insufficientPermissionFault',
      code: 'INSUFFICIENT_PERMISSION',
      faultcode: 'soapenv:Server.userException',
    });
  });

  it('answers tokenPassport sent with applicationInfo as ambiguous', async () => {
    const applicationInfo = '<applicationInfo xmlns="urn:messages_2017_1.platform.webservices.netsuite.com"><applicationId>1234-ABCD</applicationId></applicationInfo>';
    expect(faultOf(await poll(signed() + applicationInfo))).toEqual({ ...INVALID_LOGIN, faultstring: 'Ambiguous authentication', message: 'Ambiguous authentication' });
  });

  it('takes header elements marked xsi:nil as absent, as JAX-WS sends unused headers', async () => {
    const xsi = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
    const nil =
      `<applicationInfo xmlns="urn:messages_2017_1.platform.webservices.netsuite.com" ${xsi} xsi:nil="true"/>` +
      `<passport xmlns="urn:messages_2017_1.platform.webservices.netsuite.com" ${xsi} xsi:nil="1"/>`;
    expect(statusOf(await poll(signed() + nil)).status).toBe('pending');
    // Without the nil mark the same applicationInfo still makes the login ambiguous.
    const empty = '<applicationInfo xmlns="urn:messages_2017_1.platform.webservices.netsuite.com"/>';
    expect(faultOf(await poll(signed() + empty)).faultstring).toBe('Ambiguous authentication');
  });

  it('answers a request without credentials with invalidSessionFault', async () => {
    expect(faultOf(await poll(''))).toEqual({
      faultcode: 'soapenv:Server.userException',
      faultstring: 'You must log in before performing a web service operation.',
      element: 'invalidSessionFault',
      code: 'WS_LOG_IN_REQD',
      message: 'You must log in before performing a web service operation.',
    });
  });
});

describe('passport', () => {
  const passport = (version: string, email: string, password: string, account = ACCOUNT, role = '') =>
    `<passport xmlns="urn:core_${version}.platform.webservices.netsuite.com"><email>${email}</email><password>${password}</password>` +
    `<account>${account}</account>${role}</passport>`;

  beforeAll(async () => {
    expect((await admin('POST', `/accounts/${ACCOUNT}/users`, { email: 'Clerk@Auth1.example', password: 'cl3rk-pass', role: 1000 })).status).toBe(201);
  });

  it("lets in the account's user on versions up to 2020_1, email case aside, with or without the role", async () => {
    expect((await poll(passport('2017_1', 'clerk@auth1.example', 'cl3rk-pass'))).status).toBe(200);
    expect((await poll(passport('2020_1', 'CLERK@AUTH1.EXAMPLE', 'cl3rk-pass', 'auth1', '<role internalId="1000"/>'), '2020_1')).status).toBe(200);
  });

  it('refuses a wrong password, an unknown user, another account and another role alike', async () => {
    const expected = {
      faultcode: 'soapenv:Server.userException',
      faultstring: 'You have entered an invalid email address or password. Please try again.',
      element: 'invalidCredentialsFault',
      code: 'INVALID_LOGIN_CREDENTIALS',
      message: 'You have entered an invalid email address or password. Please try again.',
    };
    for (const header of [
      passport('2017_1', 'clerk@auth1.example', 'wrong'),
      passport('2017_1', 'nobody@auth1.example', 'cl3rk-pass'),
      passport('2017_1', 'clerk@auth1.example', 'cl3rk-pass', 'AUTH2'),
      passport('2017_1', 'clerk@auth1.example', 'cl3rk-pass', ACCOUNT, '<role internalId="3"/>'),
    ]) {
      expect(faultOf(await poll(header))).toEqual(expected);
    }
  });

  it('is refused on versions after 2020_1, which have no passport', async () => {
    const fault = faultOf(await poll(passport('2021_1', 'clerk@auth1.example', 'cl3rk-pass'), '2021_1'));
    expect(fault).toMatchObject({ element: 'invalidCredentialsFault', code: 'USER_ERROR' });
    expect(fault.message).toMatch(/not supported in version 2021_1; use token-based authentication/);
  });
});

describe('AUTHENTICATION=off', () => {
  let open: TestService;
  beforeAll(async () => {
    open = await startTestService({ env: { AUTHENTICATION: 'off' } });
  });
  afterAll(() => open.close());

  it('checks no credential: a request acts for the account its header names, or DEFAULT_ACCOUNT', async () => {
    const mine = await createJob(open.url, { operation: 'asyncAddList', account: 'OPEN1', items: 1 });
    const named = `<tokenPassport xmlns="urn:core_2017_1.platform.webservices.netsuite.com"><account>open1</account></tokenPassport>`;
    expect((await poll(named, '2017_1', open.url, mine)).status).toBe(200);
    expect(faultOf(await poll('', '2017_1', open.url, mine)).code).toBe('INVALID_JOB_ID');
    const theDefault = await createJob(open.url, { operation: 'asyncAddList', items: 1 });
    expect((await poll('', '2017_1', open.url, theDefault)).status).toBe(200);
    const malformed = `<tokenPassport xmlns="urn:core_2017_1.platform.webservices.netsuite.com"><account>X Y</account></tokenPassport>`;
    expect(faultOf(await poll(malformed, '2017_1', open.url, mine)).faultcode).toBe('soapenv:Client');
  });
});

describe('SEED_FILE', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ase-seed-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the accounts, integrations, tokens and users it names, at every start', async () => {
    const file = path.join(dir, 'seed.json');
    const seeded = { account: '7654321_SB2', consumerKey: 'seed-ck', consumerSecret: 'seed-cs', tokenId: 'seed-tk', tokenSecret: 'seed-ts' };
    writeFileSync(
      file,
      JSON.stringify({
        accounts: [
          {
            id: seeded.account,
            name: 'Seeded sandbox',
            limits: { concurrentRequests: 2 },
            integrations: [
              {
                name: 'Connector',
                consumerKey: seeded.consumerKey,
                consumerSecret: seeded.consumerSecret,
                tokens: [
                  { tokenId: seeded.tokenId, tokenSecret: seeded.tokenSecret },
                  { tokenId: 'seed-revoked', tokenSecret: 'x', revoked: true },
                ],
              },
            ],
            users: [{ email: 'ops@seed.example', password: 'seed-pass' }],
          },
        ],
      }),
    );
    const seededService = await startTestService({ env: { SEED_FILE: file } });
    try {
      const job = await createJob(seededService.url, { operation: 'asyncAddList', account: seeded.account, items: 1 });
      expect((await poll(signed({}, seeded), '2017_1', seededService.url, job)).status).toBe(200);
      expect(faultOf(await poll(signed({}, { ...seeded, tokenId: 'seed-revoked', tokenSecret: 'x' }), '2017_1', seededService.url, job))).toEqual(INVALID_LOGIN);
      const passportHeader = `<passport xmlns="urn:core_2017_1.platform.webservices.netsuite.com"><email>ops@seed.example</email><password>seed-pass</password><account>${seeded.account}</account></passport>`;
      expect((await poll(passportHeader, '2017_1', seededService.url, job)).status).toBe(200);
      const details = await (await fetch(`${seededService.url}/admin/accounts/7654321-sb2`, { headers: adminHeaders })).json();
      expect(details).toMatchObject({ id: '7654321_SB2', name: 'Seeded sandbox', limits: { concurrentRequests: 2, maxResultCalls: null } });
    } finally {
      await seededService.close();
    }
  });

  it('stops the start with a message naming the file and the field', async () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ accounts: [{ id: 'OK1', integrations: [{ name: 'x', consumerKey: 'k' }] }] }));
    const database = await createTestDatabase();
    try {
      const config = loadConfig({ PORT: '0', ADMIN_TOKEN: TEST_ADMIN_TOKEN, SEED_FILE: file });
      await expect(buildService(config, { database: database.handle, logger: silentLogger, worker: false })).rejects.toThrow(
        `SEED_FILE ${file}: accounts[0].integrations[0].consumerSecret: `,
      );
    } finally {
      await database.close();
    }
  });
});
