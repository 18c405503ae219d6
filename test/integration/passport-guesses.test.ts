import { createHook } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Authenticator, type RequestCredentials } from '../../src/accounts/authenticator';
import { DEFAULT_FAILED_LOGIN_LIMITS } from '../../src/accounts/login-throttle';
import { DEFAULT_PASSWORD_CHECK_LIMITS } from '../../src/accounts/password-checks';
import { Sessions } from '../../src/accounts/sessions';
import { PgAccountStore } from '../../src/db/pg-account-store';
import { PgSessionStore } from '../../src/db/pg-session-store';
import { AuthError } from '../../src/lib/errors';
import { adminHeaders, startTestService, type TestService } from '../helpers/service';
import { envelope, faultOf, postSoap } from '../helpers/soap';

/**
 * Passport guesses (the passport header and login, versions up to 2020_1) over SOAP: passwords are
 * checked on libuv's threadpool, a few at a time, one scrypt whoever is named, and an account
 * with too many failed logins is refused without checking anything.
 */

const ACCOUNT = 'GUESS1';
const EMAIL = 'clerk@guess1.example';
const PASSWORD = 'cl3rk-pass';
const FAILURE_LIMIT = DEFAULT_FAILED_LOGIN_LIMITS.perAccount;
const CHECKS_AT_ONCE = DEFAULT_PASSWORD_CHECK_LIMITS.atOnce;
/** The poll's answer once its passport is let in: no such job. */
const LET_IN = 'INVALID_JOB_ID';

/**
 * Counts scrypt calls in this process (the service runs in it) without timing anything: every
 * scrypt makes a SCRYPTREQUEST resource; only one run on the threadpool later calls back into
 * JavaScript (`before`), scryptSync never does.
 */
const scrypts = { started: 0, calledBack: 0, mostAtOnce: 0 };
const pending = new Set<number>();
createHook({
  init(id, type) {
    if (type !== 'SCRYPTREQUEST') return;
    scrypts.started++;
    pending.add(id);
    scrypts.mostAtOnce = Math.max(scrypts.mostAtOnce, pending.size);
  },
  before(id) {
    if (pending.delete(id)) scrypts.calledBack++;
  },
}).enable();

function countScrypts() {
  scrypts.started = scrypts.calledBack = scrypts.mostAtOnce = 0;
  pending.clear();
  return () => ({ scrypts: scrypts.started, offTheEventLoop: scrypts.calledBack, mostAtOnce: scrypts.mostAtOnce });
}

let t: TestService;
const admin = (method: string, path: string, body?: unknown) =>
  fetch(`${t.url}/admin${path}`, { method, headers: { ...adminHeaders, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

beforeAll(async () => {
  t = await startTestService();
  for (const account of [ACCOUNT, 'GUESS2']) {
    expect((await admin('POST', '/accounts', { id: account })).status).toBe(201);
    expect((await admin('POST', `/accounts/${account}/users`, { email: EMAIL, password: PASSWORD, role: 3 })).status).toBe(201);
  }
});
afterAll(() => t.close());

const core = 'urn:core_2017_1.platform.webservices.netsuite.com';
const passportXml = (email: string, password: string, account: string) =>
  `<email xmlns="${core}">${email}</email><password xmlns="${core}">${password}</password><account xmlns="${core}">${account}</account>`;
const poll = (email: string, password: string, account: string) =>
  postSoap(
    t.url,
    '2017_1',
    envelope('checkAsyncStatus', '<msg:jobId>ASYNCWEBSERVICES_NONE</msg:jobId>', '2017_1', `<msg:passport>${passportXml(email, password, account)}</msg:passport>`),
  );
const login = (email: string, password: string, account: string) =>
  postSoap(t.url, '2017_1', envelope('login', `<msg:passport>${passportXml(email, password, account)}</msg:passport>`), { SOAPAction: 'login' });
const codeOf = (answer: Awaited<ReturnType<typeof poll>>) => faultOf(answer).code;
const unknownAccount = () => `NOPE${randomBytes(6).toString('hex').toUpperCase()}`;

it('checks guessed passwords on the threadpool, a few at a time, while the event loop goes on', async () => {
  const counted = countScrypts();
  const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => poll(`guess${i}@nowhere.example`, 'guess', unknownAccount())));
  const faults = answers.map(faultOf);
  // A guess that found every check busy is refused at once, without one, as a limit to retry after.
  const checked = faults.filter((fault) => fault.element === 'invalidCredentialsFault' && fault.code === 'INVALID_LOGIN_CREDENTIALS').length;
  const busy = faults.filter((fault) => fault.element === 'exceededRequestLimitFault' && fault.code === 'WS_REQUEST_BLOCKED').length;
  expect(checked + busy).toBe(answers.length);
  expect(checked).toBeGreaterThan(0);
  const seen = counted();
  expect(seen).toEqual({ scrypts: checked, offTheEventLoop: checked, mostAtOnce: seen.mostAtOnce });
  expect(seen.mostAtOnce).toBeLessThanOrEqual(CHECKS_AT_ONCE);
});

it('runs exactly one scrypt for a known user, an unknown user and an unknown account alike', async () => {
  for (const [email, password, account, code] of [
    [EMAIL, PASSWORD, 'GUESS2', LET_IN],
    [EMAIL, 'wrong', 'GUESS2', 'INVALID_LOGIN_CREDENTIALS'],
    ['nobody@guess1.example', PASSWORD, 'GUESS2', 'INVALID_LOGIN_CREDENTIALS'],
    [EMAIL, PASSWORD, unknownAccount(), 'INVALID_LOGIN_CREDENTIALS'],
  ]) {
    const counted = countScrypts();
    expect(codeOf(await poll(email, password, account))).toBe(code);
    expect(counted()).toEqual({ scrypts: 1, offTheEventLoop: 1, mostAtOnce: 1 });
  }
});

it(`refuses an account's passports after ${FAILURE_LIMIT} failed logins without checking them, and no other account's`, async () => {
  for (let i = 0; i < FAILURE_LIMIT; i++) expect(codeOf(await poll(EMAIL, `wrong-${i}`, ACCOUNT))).toBe('INVALID_LOGIN_CREDENTIALS');

  const counted = countScrypts();
  const refused = faultOf(await poll(EMAIL, PASSWORD, ACCOUNT.toLowerCase()));
  expect(refused).toMatchObject({ faultcode: 'soapenv:Server.userException', element: 'invalidCredentialsFault', code: 'LOGIN_DISABLED' });
  expect(refused.message).toMatch(/^Too many failed login attempts for this account\. Try again in \d+ minutes?/);
  expect(faultOf(await login(EMAIL, PASSWORD, ACCOUNT))).toMatchObject({ element: 'invalidCredentialsFault', code: 'LOGIN_DISABLED' });
  expect(counted().scrypts).toBe(0);

  expect(codeOf(await poll(EMAIL, PASSWORD, 'GUESS2'))).toBe(LET_IN);
  const audit = (await (await admin('GET', `/login-audit?account=${ACCOUNT}&limit=3`)).json()) as { failures: Array<{ reason: string; method: string }> };
  expect(audit.failures.map((failure) => failure.reason)).toEqual([
    expect.stringMatching(/^too many failed logins for the account/),
    expect.stringMatching(/^too many failed logins for the account/),
    'wrong password',
  ]);
});

/** A SOAP request from a loopback address of its own (127.0.0.0/8 is all this machine's). */
function postFrom(localAddress: string, url: string, xml: string, soapAction: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const target = new URL(`${url}/services/NetSuitePort_2017_1`);
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        localAddress,
        headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: soapAction },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(xml);
  });
}

describe('the limit on failed logins from one address, over SOAP', () => {
  const faultCode = (xml: string) => /<platformFaults:code>([^<]*)</.exec(xml)?.[1] ?? 'none';
  const loginXml = (password: string, account: string) => envelope('login', `<msg:passport>${passportXml(EMAIL, password, account)}</msg:passport>`);
  const pollXml = (password: string, account: string) =>
    envelope('checkAsyncStatus', '<msg:jobId>ASYNCWEBSERVICES_NONE</msg:jobId>', '2017_1', `<msg:passport>${passportXml(EMAIL, password, account)}</msg:passport>`);

  it('refuses every passport from an address after its failures, without a scrypt, and no other address', async () => {
    const limited = await startTestService({ env: { LOGIN_FAILURE_LIMIT_PER_ADDRESS: '3' }, database: t.database });
    try {
      for (let i = 0; i < 3; i++)
        expect(faultCode(await postFrom('127.0.0.3', limited.url, pollXml('guess', unknownAccount()), 'checkAsyncStatus'))).toBe('INVALID_LOGIN_CREDENTIALS');
      const counted = countScrypts();
      const refused = await postFrom('127.0.0.3', limited.url, pollXml(PASSWORD, 'GUESS2'), 'checkAsyncStatus');
      expect(faultCode(refused)).toBe('LOGIN_DISABLED');
      expect(refused).toContain('Too many failed login attempts from this address.');
      expect(faultCode(await postFrom('127.0.0.3', limited.url, loginXml(PASSWORD, 'GUESS2'), 'login'))).toBe('LOGIN_DISABLED');
      expect(counted().scrypts).toBe(0);
      // Another address is let in, by the header and by login.
      expect(faultCode(await postFrom('127.0.0.4', limited.url, pollXml(PASSWORD, 'GUESS2'), 'checkAsyncStatus'))).toBe(LET_IN);
      expect(await postFrom('127.0.0.4', limited.url, loginXml(PASSWORD, 'GUESS2'), 'login')).toContain('isSuccess="true"');
    } finally {
      await limited.close();
    }
  });
});

describe('the limit on failed logins from one address, as the window runs', () => {
  let now = Date.parse('2026-01-15T10:00:00Z');
  let authenticator: Authenticator;
  let opened: Sessions;
  afterAll(() => opened.close());
  beforeAll(() => {
    opened = new Sessions(new PgSessionStore(t.database.db), { now: () => new Date(now) }, { idleSeconds: 1200, leaseSeconds: 30 });
    authenticator = new Authenticator(
      new PgAccountStore(t.database.handle),
      { now: () => new Date(now) },
      {
        mode: 'on',
        timestampWindowSeconds: 300,
        defaultAccount: 'TSTDRV1234567',
        defaults: { concurrentRequests: 5, maxResultCalls: 20, minPollIntervalSeconds: 0, responseDelayMs: 0 },
        failedLogins: { perAccount: 100, perAddress: 3, windowSeconds: 60 },
      },
      opened,
    );
  });

  const passport = (account: string, password = PASSWORD) => ({ email: EMAIL, password, account });
  const header = (address: string, account: string, password?: string): RequestCredentials => ({
    passport: passport(account, password),
    applicationInfo: false,
    passportAllowed: true,
    version: '2017_1',
    address,
  });
  const outcome = (promise: Promise<unknown>) =>
    promise.then(
      () => 'let in',
      (error: unknown) => (error instanceof AuthError ? `${error.code} ${error.message}` : String(error)),
    );

  it('refuses every passport from an address after its failures, without a scrypt, until the window ends', async () => {
    for (let i = 0; i < 3; i++) {
      expect(await outcome(authenticator.authenticateAhead(header('10.0.0.1', unknownAccount())))).toMatch(/^INVALID_LOGIN_CREDENTIALS /);
    }
    const counted = countScrypts();
    const refused = 'LOGIN_DISABLED Too many failed login attempts from this address. Try again in 1 minute.';
    expect(await outcome(authenticator.authenticateAhead(header('10.0.0.1', 'GUESS2')))).toBe(refused);
    expect(await outcome(authenticator.login(passport('GUESS2'), '10.0.0.1'))).toBe(refused);
    expect(counted().scrypts).toBe(0);

    expect(await outcome(authenticator.authenticateAhead(header('10.0.0.2', 'GUESS2')))).toBe('let in');
    expect(await outcome(authenticator.login(passport('GUESS2'), '10.0.0.2'))).toBe('let in');
    now += 60_000;
    expect(await outcome(authenticator.login(passport('GUESS2'), '10.0.0.1'))).toBe('let in');
  });

  it('does not count a right password against its address', async () => {
    for (let i = 0; i < 10; i++) expect(await outcome(authenticator.login(passport('GUESS2'), '10.0.0.3'))).toBe('let in');
    expect(await outcome(authenticator.login(passport('GUESS2', 'wrong'), '10.0.0.3'))).toMatch(/^INVALID_LOGIN_CREDENTIALS /);
  });
});
