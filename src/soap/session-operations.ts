import { createHash } from 'node:crypto';
import type { Authenticator } from '../accounts/authenticator';
import type { Sessions } from '../accounts/sessions';
import type { Clock } from '../lib/clock';
import { ValidationError } from '../lib/errors';
import { ACCOUNT_ID_PATTERN, ACCOUNT_ID_RULE } from '../jobs/account-id';
import { SoapClientError } from './soap-client-error';
import type { OperationHandler, SoapCall } from './operations';
import { namespacesOf, type VersionFeatures } from '../records/versions';
import { attribute, escapeXml, xmlns } from './xml-write';
import { attribute as readAttribute, child, text } from './xml-read';

/**
 * The operations around the async calls that connectors make first: login and logout (sessions,
 * up to 2020_1), getDataCenterUrls (which host to use), getServerTime, and the governance
 * operations (from 2020_2) that tell an integration how many requests it may run at once.
 */

/** Where an operation exists, and whether it runs before any login. */
export interface OperationRule {
  /** The version feature the operation needs; absent: every version has it. */
  feature?: keyof VersionFeatures;
  /** Answered without credentials (login checks its own; discovery and time need none). */
  public?: boolean;
}

export const OPERATION_RULES: Record<string, OperationRule> = {
  login: { feature: 'passport', public: true },
  logout: { feature: 'passport' },
  getDataCenterUrls: { public: true },
  getServerTime: { public: true },
  getAccountGovernanceInfo: { feature: 'governance' },
  getIntegrationGovernanceInfo: { feature: 'governance' },
};

export const SESSION_COOKIE = 'JSESSIONID';

/** Names of NetSuite's standard roles, for the role list a login answers. */
const ROLE_NAMES: Record<number, string> = { 3: 'Administrator', 18: 'Full Access', 55: 'Web Services Only' };

export interface SessionOperationsDeps {
  authenticator: Authenticator;
  sessions: Sessions;
  /** The service's clock: getServerTime answers it (the manual one when CLOCK=manual). */
  clock: Clock;
}

/** A stable internalId for a passport user (the emulator keeps users by email, not by number). */
function userInternalId(account: string, email: string): string {
  const digest = createHash('sha256').update(`${account}\n${email.toLowerCase()}`).digest();
  return String(1000 + (digest.readUInt32BE(0) % 9_000_000));
}

const opened = (version: string, operation: string) => {
  const ns = namespacesOf(version);
  return `<platformMsgs:${operation}Response${xmlns('platformMsgs', ns.platformMsgs)}${xmlns('platformCore', ns.platformCore)}>`;
};

function cookie(value: string, maxAge?: number): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly${maxAge === undefined ? '' : `; Max-Age=${maxAge}`}`;
}

export function createSessionOperations(deps: SessionOperationsDeps): Record<string, OperationHandler> {
  return {
    async login(call) {
      const passport = child(call.request.body, 'passport');
      if (passport === undefined) throw new SoapClientError('login requires a <passport> element with email, password and account.');
      const value = (name: string) => text(child(passport, name))?.trim();
      const role = child(passport, 'role');
      const { session, role: roleId } = await deps.authenticator.login(
        {
          email: value('email'),
          password: text(child(passport, 'password')),
          account: value('account'),
          role: readAttribute(role, 'internalId') ?? readAttribute(role, 'externalId'),
        },
        call.address,
      );
      const roleName = ROLE_NAMES[roleId];
      const body =
        opened(call.version, 'login') +
        '<platformMsgs:sessionResponse><platformCore:status isSuccess="true"/>' +
        `<platformMsgs:userId${attribute('internalId', userInternalId(session.account, session.email))} type="employee"/>` +
        '<platformCore:wsRoleList><platformCore:wsRole>' +
        `<platformCore:role${attribute('internalId', String(roleId))}>${roleName ? `<platformCore:name>${escapeXml(roleName)}</platformCore:name>` : ''}</platformCore:role>` +
        '<platformCore:isDefault>true</platformCore:isDefault><platformCore:isInactive>false</platformCore:isInactive>' +
        '<platformCore:isLoggedInRole>true</platformCore:isLoggedInRole>' +
        '</platformCore:wsRole></platformCore:wsRoleList></platformMsgs:sessionResponse></platformMsgs:loginResponse>';
      return { body, setCookie: cookie(session.id), account: session.account };
    },

    async logout(call) {
      // A request that logged in by header has no session to end; it is answered alike.
      if (call.principal.sessionId) await deps.sessions.end(call.principal.sessionId);
      const body = `${opened(call.version, 'logout')}<platformMsgs:sessionResponse><platformCore:status isSuccess="true"/></platformMsgs:sessionResponse></platformMsgs:logoutResponse>`;
      return { body, setCookie: cookie('', 0) };
    },

    async getDataCenterUrls(call) {
      const account = text(child(call.request.body, 'account'))?.trim();
      if (!account) throw new SoapClientError('getDataCenterUrls requires a non-empty <account> element.');
      if (!ACCOUNT_ID_PATTERN.test(account)) throw new ValidationError('account', `The account ${ACCOUNT_ID_RULE}.`);
      // Every account lives here: clients that look their host up are sent back to this server.
      const domain = escapeXml(call.baseUrl);
      return (
        opened(call.version, 'getDataCenterUrls') +
        '<platformCore:getDataCenterUrlsResult><platformCore:status isSuccess="true"/><platformCore:dataCenterUrls>' +
        `<platformCore:restDomain>${domain}</platformCore:restDomain>` +
        `<platformCore:webservicesDomain>${domain}</platformCore:webservicesDomain>` +
        `<platformCore:systemDomain>${domain}</platformCore:systemDomain>` +
        '</platformCore:dataCenterUrls></platformCore:getDataCenterUrlsResult></platformMsgs:getDataCenterUrlsResponse>'
      );
    },

    async getServerTime(call) {
      return (
        opened(call.version, 'getServerTime') +
        '<platformCore:getServerTimeResult><platformCore:status isSuccess="true"/>' +
        `<platformCore:serverTime>${deps.clock.now().toISOString()}</platformCore:serverTime>` +
        '</platformCore:getServerTimeResult></platformMsgs:getServerTimeResponse>'
      );
    },

    // Limits as the emulator enforces them: one per account (concurrentRequests), none allotted to
    // single integrations, so all of it is unallocated and each integration has the account's.
    async getAccountGovernanceInfo(call) {
      return (
        opened(call.version, 'getAccountGovernanceInfo') +
        '<platformCore:getAccountGovernanceInfoResult><platformCore:status isSuccess="true"/>' +
        concurrencyElements(call, ['accountConcurrencyLimit', 'unallocatedConcurrencyLimit']) +
        '</platformCore:getAccountGovernanceInfoResult></platformMsgs:getAccountGovernanceInfoResponse>'
      );
    },

    async getIntegrationGovernanceInfo(call) {
      return (
        opened(call.version, 'getIntegrationGovernanceInfo') +
        '<platformCore:getIntegrationGovernanceInfoResult><platformCore:status isSuccess="true"/>' +
        concurrencyElements(call, ['integrationConcurrencyLimit']) +
        '<platformCore:limitType>_account</platformCore:limitType>' +
        '</platformCore:getIntegrationGovernanceInfoResult></platformMsgs:getIntegrationGovernanceInfoResponse>'
      );
    },
  };
}

/** The account's concurrency limit in each named element; none when the limit is off (0). */
function concurrencyElements(call: SoapCall, names: string[]): string {
  const limit = call.principal.limits.concurrentRequests;
  return limit > 0 ? names.map((name) => `<platformCore:${name}>${limit}</platformCore:${name}>`).join('') : '';
}
