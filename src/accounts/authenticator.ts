import type { Clock } from '../lib/clock';
import { AuthError, LimitError, ValidationError } from '../lib/errors';
import { ACCOUNT_ID_PATTERN, ACCOUNT_ID_RULE, normalizeAccountId } from '../jobs/account-id';
import { effectiveLimits, type Limits, type Principal } from './account';
import type { AccountStore, LoginFailure } from './account-store';
import { DEFAULT_FAILED_LOGIN_LIMITS, LoginThrottle, type FailedLoginLimits, type LoginRefusal } from './login-throttle';
import { DEFAULT_PASSWORD_CHECK_LIMITS, PasswordChecks, type PasswordCheckLimits } from './password-checks';
import type { Session, Sessions } from './sessions';
import { hmacAlgorithm, NONCE_PATTERN, sameSecret, sign, signatureBase, TIMESTAMP_PATTERN, UNUSABLE_PASSWORD_HASH, type TokenPassport } from './token-passport';

/**
 * Decides who a request acts for, from the credentials its headers carry, the way NetSuite does.
 * Every refusal of a credential answers the same fault and message whatever was wrong with it; the
 * reason goes to the login audit (GET /admin/login-audit) instead.
 */

/** The credential headers of one request, as the face read them. */
export interface RequestCredentials {
  tokenPassport?: Partial<TokenPassport>;
  passport?: { email?: string; password?: string; account?: string; role?: string };
  applicationInfo: boolean;
  /** Whether the request's version has the passport header (up to 2020_1). */
  passportAllowed: boolean;
  /** The JSESSIONID cookie's value, if the request carried one. */
  sessionId?: string;
  /** The request's SOAP version, for messages. */
  version: string;
  /** The client's network address, for the limit on failed logins from one address. */
  address?: string;
}

export interface AuthenticatorOptions {
  /** `off`: no credential is checked, the request acts for the account its header names. */
  mode: 'on' | 'off';
  /** How far a tokenPassport timestamp may be from now, either way, in seconds. */
  timestampWindowSeconds: number;
  defaultAccount: string;
  defaults: Limits;
  /** Failed passport logins allowed per account and per address (DEFAULT_FAILED_LOGIN_LIMITS when absent). */
  failedLogins?: FailedLoginLimits;
  /** How many passwords are checked at once (DEFAULT_PASSWORD_CHECK_LIMITS when absent). */
  passwordChecks?: PasswordCheckLimits;
}

export const INVALID_LOGIN = 'Invalid login attempt.';
export const INVALID_PASSPORT_LOGIN = 'You have entered an invalid email address or password. Please try again.';
export const NOT_LOGGED_IN = 'You must log in before performing a web service operation.';
export const BASIC_NEEDED = 'Send a token id and its token secret with HTTP Basic authentication (user name: token id, password: token secret).';
export const AMBIGUOUS = 'Ambiguous authentication';
export const SESSION_TIMED_OUT = 'Your connection has timed out. Please log in again.';
export const NO_WEB_SERVICES = 'Permission Violation: the role you are logged in with does not have the Web Services permission.';
export const CHECKS_BUSY = 'Too many logins are being checked at once. Try again in a few seconds.';

const CONFIRMED: Promise<void> = Promise.resolve();
/** NetSuite's Administrator role, for sessions opened without a check. */
const ADMINISTRATOR_ROLE = 3;

// A secret to sign with when the token is unknown, so that case costs what a wrong signature does.
const ABSENT_SECRET = 'absent-secret-of-the-same-length-as-most-secrets-0000000000000000';

/** The fault for a passport refused by the limit on failed logins, whoever it names. */
function lockedOut(refusal: LoginRefusal, limits: FailedLoginLimits, address: string | undefined, now: Date): AuthError {
  const minutes = Math.max(1, Math.ceil((refusal.until - now.getTime()) / 60_000));
  const whose = refusal.by === 'account' ? 'for this account' : 'from this address';
  const reason =
    refusal.by === 'account'
      ? `too many failed logins for the account (${limits.perAccount} within ${limits.windowSeconds} s)`
      : `too many failed logins from ${address} (${limits.perAddress} within ${limits.windowSeconds} s)`;
  return new AuthError('invalidCredentials', 'LOGIN_DISABLED', `Too many failed login attempts ${whose}. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, reason);
}

export class Authenticator {
  private readonly throttle: LoginThrottle;
  private readonly passwordChecks: PasswordChecks;

  constructor(
    private readonly store: AccountStore,
    /** The wall clock: clients stamp tokenPassports with real time, whatever clock jobs run on. */
    private readonly clock: Clock,
    private readonly options: AuthenticatorOptions,
    /** Sessions of versions up to 2020_1 (login, JSESSIONID); without them, cookies mean nothing. */
    private readonly sessions?: Sessions,
  ) {
    // One authenticator per process: the count of failures and the bound on checks are this process's.
    this.throttle = new LoginThrottle(options.failedLogins ?? DEFAULT_FAILED_LOGIN_LIMITS, () => clock.now().getTime());
    this.passwordChecks = new PasswordChecks(options.passwordChecks ?? DEFAULT_PASSWORD_CHECK_LIMITS);
  }

  /**
   * login(passport): checks the passport as a passport header is checked, then opens a session.
   * With authentication off, the session is opened for the account the passport names, unchecked.
   * `address` is the client's, for the limit on failed logins from one address.
   */
  async login(passport: NonNullable<RequestCredentials['passport']>, address?: string): Promise<{ principal: Principal; session: Session; role: number }> {
    if (!this.sessions) throw new Error('sessions are not set up');
    let user: { principal: Principal; email: string; role: number };
    if (this.options.mode === 'off') {
      const principal = await this.unchecked({ passport, applicationInfo: false, passportAllowed: true, version: '' });
      const role = Number(passport.role);
      user = { principal, email: passport.email ?? '', role: Number.isInteger(role) && passport.role ? role : ADMINISTRATOR_ROLE };
    } else {
      user = await this.checkPassport(passport, address);
    }
    const session = await this.sessions.open({ account: user.principal.account, email: user.email, role: user.role });
    return { principal: { ...user.principal, sessionId: session.id }, session, role: user.role };
  }

  /** The session a request's cookie names, if it is live; refused as NetSuite refuses it otherwise. */
  private async sessionLogin(sessionId: string): Promise<Principal> {
    const found = await this.sessions!.use(sessionId);
    if (found.kind === 'expired') throw new AuthError('invalidSession', 'SESSION_TIMED_OUT', SESSION_TIMED_OUT, 'the session was idle too long');
    if (found.kind !== 'live') throw new AuthError('invalidSession', 'WS_LOG_IN_REQD', NOT_LOGGED_IN, `session ${found.kind}`);
    const { session } = found;
    // The user may have been removed, or lost Web Services, since logging in: the session goes with it.
    const user = await this.store.findPassportUser(session.account, session.email);
    if (!user) throw new AuthError('invalidSession', 'WS_LOG_IN_REQD', NOT_LOGGED_IN, "the session's user is gone");
    if (!user.user.webServices) {
      throw new AuthError('insufficientPermission', 'INSUFFICIENT_PERMISSION', NO_WEB_SERVICES, `role ${user.user.role} lacks Web Services`);
    }
    return { account: session.account, method: 'passport', credential: session.email, limits: effectiveLimits(user.account.limits, this.options.defaults), sessionId };
  }

  async authenticate(credentials: RequestCredentials): Promise<Principal> {
    const { principal, confirmed } = await this.authenticateAhead(credentials);
    await confirmed;
    return principal;
  }

  /**
   * Like authenticate, but a tokenPassport's nonce is recorded while the caller goes on:
   * `confirmed` settles once it is, and rejects as authenticate would when the nonce was used
   * before (or the role lacks Web Services). Until it settles, the principal may only serve work
   * whose result can be thrown away: nothing may be written or answered on its behalf.
   */
  async authenticateAhead(credentials: RequestCredentials): Promise<{ principal: Principal; confirmed: Promise<void> }> {
    if (this.options.mode === 'off') return { principal: await this.unchecked(credentials), confirmed: CONFIRMED };
    const { tokenPassport, applicationInfo } = credentials;
    const passport = credentials.passportAllowed ? credentials.passport : undefined;
    if (tokenPassport && (applicationInfo || passport)) {
      throw await this.refuse(new AuthError('invalidCredentials', 'USER_ERROR', AMBIGUOUS, 'tokenPassport sent with another kind of login'), {
        account: tokenPassport.account ?? null,
        method: 'tba',
        credential: tokenPassport.token ?? null,
      });
    }
    if (tokenPassport) return this.tokenLogin(tokenPassport);
    if (passport) return { principal: (await this.checkPassport(passport, credentials.address)).principal, confirmed: CONFIRMED };
    if (credentials.sessionId && credentials.passportAllowed && this.sessions) {
      return { principal: await this.sessionLogin(credentials.sessionId), confirmed: CONFIRMED };
    }
    if (credentials.passport) {
      throw await this.refuse(
        new AuthError(
          'invalidCredentials',
          'USER_ERROR',
          `Logging in with email and password (passport) is not supported in version ${credentials.version}; use token-based authentication (tokenPassport).`,
          'passport on a version without it',
        ),
        { account: credentials.passport.account ?? null, method: 'passport', credential: credentials.passport.email ?? null },
      );
    }
    throw new AuthError('invalidSession', 'WS_LOG_IN_REQD', NOT_LOGGED_IN, 'no credentials');
  }

  /**
   * For the JSON faces: a token id and its secret (HTTP Basic), standing for the token's account.
   * Refused alike for an unknown token, a wrong secret, a revoked token or a disabled integration.
   */
  async authenticateToken(tokenId: string, tokenSecret: string): Promise<Principal> {
    const attempt = { account: null, method: 'tba' as const, credential: tokenId };
    const invalid = (reason: string) => this.refuse(new AuthError('invalidCredentials', 'USER_ERROR', INVALID_LOGIN, reason), attempt);
    const found = await this.store.findToken(tokenId);
    const matches = sameSecret(tokenSecret, found?.tokenSecret ?? ABSENT_SECRET);
    if (!found) throw await invalid('unknown token id');
    if (!matches) throw await invalid('wrong token secret');
    if (found.token.revokedAt) throw await invalid('the token is revoked');
    if (!found.integration.enabled) throw await invalid('the integration is disabled');
    return { account: found.account.id, method: 'tba', credential: tokenId, limits: effectiveLimits(found.account.limits, this.options.defaults) };
  }

  /**
   * For the JSON faces: a token id and secret sent with HTTP Basic. With authentication off, no
   * credential is checked and the request acts for the account it names (or the default one).
   */
  async authenticateBasic(basic: { tokenId: string; tokenSecret: string } | undefined, namedAccount: string | undefined): Promise<Principal> {
    if (this.options.mode === 'off') {
      return this.unchecked({ tokenPassport: { account: namedAccount }, applicationInfo: false, passportAllowed: false, version: '' });
    }
    if (!basic) throw new AuthError('invalidSession', 'SESSION_TIMED_OUT', BASIC_NEEDED, 'no credentials');
    return this.authenticateToken(basic.tokenId, basic.tokenSecret);
  }

  private async unchecked(credentials: RequestCredentials): Promise<Principal> {
    const named = credentials.tokenPassport?.account ?? (credentials.passportAllowed ? credentials.passport?.account : undefined);
    if (named && !ACCOUNT_ID_PATTERN.test(named)) {
      throw new ValidationError('account', `The account in the request header ${ACCOUNT_ID_RULE}.`);
    }
    const account = normalizeAccountId(named || this.options.defaultAccount);
    const row = await this.store.findAccount(account);
    return { account, method: 'none', credential: null, limits: effectiveLimits(row?.limits, this.options.defaults) };
  }

  private async tokenLogin(passport: Partial<TokenPassport>): Promise<{ principal: Principal; confirmed: Promise<void> }> {
    const attempt = { account: passport.account ?? null, method: 'tba' as const, credential: passport.token ?? null };
    const invalid = (reason: string) => this.refuse(new AuthError('invalidCredentials', 'USER_ERROR', INVALID_LOGIN, reason), attempt);
    const { account, consumerKey, token, nonce, timestamp, signature, algorithm } = passport;
    if (!account || !consumerKey || !token || !nonce || !timestamp || !signature) throw await invalid('a tokenPassport element is missing or empty');
    const hmac = hmacAlgorithm(algorithm ?? '');
    if (!hmac) throw await invalid(`unsupported signature algorithm "${algorithm ?? ''}"`);
    if (!NONCE_PATTERN.test(nonce)) throw await invalid('the nonce is not 6-64 letters and digits');
    if (!TIMESTAMP_PATTERN.test(timestamp)) throw await invalid('the timestamp is not Unix seconds');
    const now = this.clock.now();
    const skew = Number(timestamp) - now.getTime() / 1000;
    if (Math.abs(skew) > this.options.timestampWindowSeconds) {
      throw await invalid(`the timestamp is ${Math.round(Math.abs(skew))} s ${skew < 0 ? 'old' : 'in the future'} (window ${this.options.timestampWindowSeconds} s)`);
    }
    const found = await this.store.findToken(token);
    const base = signatureBase({ account, consumerKey, token, nonce, timestamp });
    const expected = sign(base, found?.consumerSecret ?? ABSENT_SECRET, found?.tokenSecret ?? ABSENT_SECRET, hmac);
    const signed = sameSecret(signature.trim(), expected);
    if (!found) throw await invalid('unknown token id');
    if (normalizeAccountId(account) !== found.account.id) throw await invalid(`the token belongs to another account (${found.account.id})`);
    if (found.integration.consumerKey !== consumerKey) throw await invalid("the consumer key is not the token's integration");
    if (!signed) throw await invalid('wrong signature');
    if (found.token.revokedAt) throw await invalid('the token is revoked');
    if (!found.integration.enabled) throw await invalid('the integration is disabled');
    // The nonce is kept until the timestamp it came with can no longer be accepted.
    const expiresAt = new Date((Number(timestamp) + this.options.timestampWindowSeconds) * 1000);
    const confirmed = (async () => {
      if (!(await this.store.useNonce(token, nonce, expiresAt, now))) throw await invalid('the nonce was used before');
      if (!found.token.webServices) {
        throw await this.refuse(new AuthError('insufficientPermission', 'INSUFFICIENT_PERMISSION', NO_WEB_SERVICES, `role ${found.token.role} lacks Web Services`), attempt);
      }
    })();
    // Whoever holds it awaits it; until then its refusal is not an unhandled one.
    confirmed.catch(() => undefined);
    return {
      principal: { account: found.account.id, method: 'tba', credential: token, limits: effectiveLimits(found.account.limits, this.options.defaults) },
      confirmed,
    };
  }

  /**
   * One scrypt for every passport that gets as far as its password, whether or not the user and
   * account exist; none for an account or address over its limit of failed logins.
   */
  private async checkPassport(passport: NonNullable<RequestCredentials['passport']>, address: string | undefined): Promise<{ principal: Principal; email: string; role: number }> {
    const attempt = { account: passport.account ?? null, method: 'passport' as const, credential: passport.email ?? null };
    const invalid = (reason: string) => this.refuse(new AuthError('invalidCredentials', 'INVALID_LOGIN_CREDENTIALS', INVALID_PASSPORT_LOGIN, reason), attempt);
    const { account, email, password, role } = passport;
    if (!account || !email || !password) throw await invalid('email, password or account is missing');
    // An id no account can have is counted for its address only, and never kept as a key.
    const accountKey = ACCOUNT_ID_PATTERN.test(account) ? normalizeAccountId(account) : undefined;
    const refusal = this.throttle.admit(accountKey, address);
    if (refusal) throw await this.refuse(lockedOut(refusal, this.throttle.limits, address, this.clock.now()), attempt);
    let found: Awaited<ReturnType<AccountStore['findPassportUser']>>;
    let matches: boolean | undefined;
    try {
      found = await this.store.findPassportUser(normalizeAccountId(account), email.trim());
      matches = await this.passwordChecks.matches(password, found?.passwordHash ?? UNUSABLE_PASSWORD_HASH);
    } finally {
      // Counted as a failure ahead of the check; only a wrong password (or no such user) stays one.
      if (matches !== false) this.throttle.forgive(accountKey, address);
    }
    // Busy is a moment's condition, not a verdict on the login: a limit the caller may retry after, unaudited.
    if (matches === undefined) throw new LimitError('requestRate', 'WS_REQUEST_BLOCKED', CHECKS_BUSY);
    if (!found) throw await invalid('no such user in that account');
    if (!matches) throw await invalid('wrong password');
    if (role !== undefined && role !== '' && Number(role) !== found.user.role) throw await invalid(`the user does not have role ${role}`);
    if (!found.user.webServices) {
      throw await this.refuse(new AuthError('insufficientPermission', 'INSUFFICIENT_PERMISSION', NO_WEB_SERVICES, `role ${found.user.role} lacks Web Services`), attempt);
    }
    return {
      principal: { account: found.account.id, method: 'passport', credential: found.user.email, limits: effectiveLimits(found.account.limits, this.options.defaults) },
      email: found.user.email,
      role: found.user.role,
    };
  }

  private async refuse(error: AuthError, attempt: Omit<LoginFailure, 'at' | 'reason'>): Promise<AuthError> {
    await this.store.recordLoginFailure({ ...attempt, at: this.clock.now(), reason: error.reason });
    return error;
  }
}
