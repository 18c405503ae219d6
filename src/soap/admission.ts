import type { IncomingMessage } from 'node:http';
import type { Authenticator } from '../accounts/authenticator';
import type { RequestSlots } from '../accounts/request-slots';
import type { Principal } from '../accounts/account';
import type { Sessions } from '../accounts/sessions';
import type { FaultInjector } from '../faults/fault-injector';
import type { FaultEffect } from '../faults/fault-rule';
import { normalizeAccountId } from '../jobs/account-id';
import type { ServedCall } from '../lib/served-call';
import { readCredentials } from './credentials-reader';
import type { SoapRequest } from './envelope-parser';
import { userFault, type SoapFault } from './faults';
import { readsOnly, type SoapCall } from './operations';
import { OPERATION_RULES, SESSION_COOKIE } from './session-operations';
import { child, text as elementText } from './xml-read';

/**
 * Admitting a parsed SOAP request: who it runs as (its credentials; login, discovery and the time
 * need none), the account's request slot and the session's turn while it runs, and any injected
 * fault a rule holds for it. A poll's tokenPassport nonce is recorded while its job is read
 * (`confirmed`); anything else waits until the request is known not to be a replay.
 */

export interface Admitted {
  call: SoapCall;
  /** Settles once the credentials are known good (a nonce recorded); rejects on a replay. */
  confirmed: Promise<void>;
  /** Gives back the slot and the session the call holds. */
  release: () => Promise<void>;
}

/** What an injected-fault rule makes of an admitted call: nothing, a delay, or an answer in place of the real one. */
export type InjectedAnswer = Exclude<FaultEffect, { type: 'delay' }>;
export type Injected = { effect: 'none' } | { effect: 'delay'; ms: number } | { effect: 'answer'; answer: InjectedAnswer };

const CONFIRMED: Promise<void> = Promise.resolve();
const NOTHING_TO_RELEASE = async () => undefined;
const SESSION_BUSY = userFault('exceededRequestLimitFault', 'WS_CONCUR_SESSION_DISALLWD', 'Only one request may be made against a session at a time');
/** A claimed account is the caller's text: cut, so a line stays a line. */
const MAX_LOGGED_ACCOUNT = 64;

export class SoapAdmission {
  /** Who a request that needs no login (login itself, getDataCenterUrls, getServerTime) runs as. */
  private readonly guest: Principal;

  constructor(
    private readonly authenticator: Authenticator,
    private readonly slots: RequestSlots,
    private readonly sessions: Sessions,
    defaultAccount: string,
    private readonly faults?: FaultInjector,
  ) {
    this.guest = {
      account: normalizeAccountId(defaultAccount),
      method: 'none',
      credential: null,
      limits: { concurrentRequests: 0, maxResultCalls: 0, minPollIntervalSeconds: 0, responseDelayMs: 0 },
    };
  }

  /** The admitted call, or the fault that refuses it (its slot or session taken). */
  async admit(req: IncomingMessage, request: SoapRequest, version: string, baseUrl: string, served: ServedCall): Promise<Admitted | SoapFault> {
    if (OPERATION_RULES[request.operation]?.public) {
      // login checks its own passport; discovery and the time are told to anyone.
      return { call: { version, request, principal: this.guest, baseUrl, address: req.socket.remoteAddress }, confirmed: CONFIRMED, release: NOTHING_TO_RELEASE };
    }
    const credentials = readCredentials(request, version, sessionCookieOf(req), req.socket.remoteAddress);
    served.account = cutClaim(credentials.tokenPassport?.account ?? credentials.passport?.account);
    const ahead = await this.authenticator.authenticateAhead(credentials);
    const call: SoapCall = { version, request, principal: ahead.principal, baseUrl };
    served.account = ahead.principal.account;
    if (!readsOnly(call)) await ahead.confirmed;
    // An account without a limit takes no slot (RequestSlots), and a call without a session holds none.
    const release = call.principal.limits.concurrentRequests <= 0 && !call.principal.sessionId ? NOTHING_TO_RELEASE : await this.occupy(call);
    if (!release) return call.principal.sessionId ? SESSION_BUSY : concurrencyFault(call);
    return { call, confirmed: ahead.confirmed, release };
  }

  /** What a rule for this call's account and operation makes of it, once its credentials are confirmed. */
  async injected({ call, confirmed }: Admitted, served: ServedCall): Promise<Injected> {
    if (!this.faults?.applies(call.principal.account, call.request.operation)) return { effect: 'none' };
    await confirmed;
    const injected = await this.faults.take(call.principal.account, call.request.operation, () => elementText(child(call.request.body, 'jobId'))?.trim());
    if (!injected) return { effect: 'none' };
    const { ruleId, effect } = injected;
    served.injected = { ruleId, effect: effect.type };
    return effect.type === 'delay' ? { effect: 'delay', ms: effect.ms } : { effect: 'answer', answer: effect };
  }

  /**
   * Holds what the request takes while it runs: its account's request slot, and its session when it
   * rode on one (one request per session at a time). Null when either is taken.
   */
  private async occupy(call: SoapCall): Promise<(() => Promise<void>) | null> {
    const slot = await this.slots.acquire(call.principal.account, call.principal.limits.concurrentRequests);
    if (!slot || !call.principal.sessionId) return slot;
    let session: (() => Promise<void>) | null;
    try {
      session = await this.sessions.occupy(call.principal.sessionId);
    } catch (error) {
      // The slot is given back whatever went wrong, or the account would lose it for good.
      await slot();
      throw error;
    }
    if (!session) {
      await slot();
      return null;
    }
    return async () => {
      await Promise.all([slot(), session()]);
    };
  }
}

/** As NetSuite answers one request too many: by the kind of credentials the request carried. */
function concurrencyFault(call: SoapCall): SoapFault {
  if (call.principal.method === 'passport' || (call.principal.method === 'none' && !call.request.headers.has('tokenPassport') && call.request.headers.has('passport'))) {
    return userFault('exceededRequestLimitFault', 'WS_CONCUR_SESSION_DISALLWD', 'Only one request may be made against a session at a time');
  }
  return userFault('exceededConcurrentRequestLimitFault', 'WS_REQUEST_BLOCKED', 'SuiteTalk concurrent request limit exceeded. Request blocked.');
}

/** The JSESSIONID cookie's value, if the request carries one. */
function sessionCookieOf(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === SESSION_COOKIE) return part.slice(at + 1).trim() || undefined;
  }
  return undefined;
}

/** The claim cut to MAX_LOGGED_ACCOUNT, never between the two halves of a character past U+FFFF. */
function cutClaim(claim: string | undefined): string | undefined {
  if (claim === undefined || claim.length <= MAX_LOGGED_ACCOUNT) return claim;
  const last = claim.charCodeAt(MAX_LOGGED_ACCOUNT - 1);
  return claim.slice(0, last >= 0xd800 && last <= 0xdbff ? MAX_LOGGED_ACCOUNT - 1 : MAX_LOGGED_ACCOUNT);
}
