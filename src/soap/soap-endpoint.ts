import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator } from '../accounts/authenticator';
import type { RequestSlots } from '../accounts/request-slots';
import type { Clock } from '../lib/clock';
import { randomIds, type IdSource } from '../jobs/id-source';
import { readCredentials } from './credentials-reader';
import { parseEnvelope, SoapClientError, type SoapRequest } from './envelope-parser';
import { clientFault, envelopeXml, faultXml, toFault, userFault, type SoapFault } from './faults';
import { readsOnly, type OperationAnswer, type OperationHandler, type SoapCall } from './operations';
import { featuresOf, namespacesOf } from '../records/versions';
import { normalizeAccountId } from '../jobs/account-id';
import { OPERATION_RULES, SESSION_COOKIE } from './session-operations';
import type { Principal } from '../accounts/account';
import type { Sessions } from '../accounts/sessions';
import { endpointPath, type WsdlCatalog } from './wsdl-catalog';
import { escapeXml } from './xml-write';
import { child, text as elementText } from './xml-read';
import type { FaultInjector } from '../faults/fault-injector';
import type { ServedCall } from '../lib/served-call';

/**
 * The NetSuite SOAP face, on a bare http.Server: it caps the body size, parses the envelope once
 * (malformed XML and unknown operations get a proper soapenv:Client fault), dispatches on the body
 * element (a mismatching SOAPAction cannot pick another handler), authenticates, takes the
 * account's request slot, runs the operation and writes the whole answer itself: the envelope, a
 * documentInfo header with the request's nsId, explicit prefixes and xsi:type; faults with HTTP 500.
 * No generic SOAP library sits on the request path: each answer is one string built for it.
 */

export interface SoapEndpointOptions {
  maxRequestBytes: number;
  /** Injected-fault rules (POST /admin/faults). */
  faults?: FaultInjector;
  defaultAccount: string;
  clock: Clock;
  /** Where documentInfo nsIds come from (seeded under ID_SEED); random without. */
  ids?: IdSource;
}

export interface SoapLogger {
  error(message: string, details: Record<string, unknown>): void;
}

/** Writes a whole answer, and keeps it on the call: the endpoint builds every answer as one piece. */
function send(res: ServerResponse, call: ServedCall, status: number, headers: Record<string, string | number>, payload: string | Buffer): void {
  call.answer = payload;
  res.writeHead(status, headers);
  res.end(payload);
}

/** A claimed account is the caller's text: cut, so a line stays a line. */
const MAX_LOGGED_ACCOUNT = 64;

/** The claim cut to MAX_LOGGED_ACCOUNT, never between the two halves of a character past U+FFFF. */
function cutClaim(claim: string | undefined): string | undefined {
  if (claim === undefined || claim.length <= MAX_LOGGED_ACCOUNT) return claim;
  const last = claim.charCodeAt(MAX_LOGGED_ACCOUNT - 1);
  return claim.slice(0, last >= 0xd800 && last <= 0xdbff ? MAX_LOGGED_ACCOUNT - 1 : MAX_LOGGED_ACCOUNT);
}

/** As NetSuite answers one request too many: by the kind of credentials the request carried. */
function concurrencyFault(call: SoapCall): SoapFault {
  if (call.principal.method === 'passport' || (call.principal.method === 'none' && !call.request.headers.has('tokenPassport') && call.request.headers.has('passport'))) {
    return userFault('exceededRequestLimitFault', 'WS_CONCUR_SESSION_DISALLWD', 'Only one request may be made against a session at a time');
  }
  return userFault('exceededConcurrentRequestLimitFault', 'WS_REQUEST_BLOCKED', 'SuiteTalk concurrent request limit exceeded. Request blocked.');
}
const SESSION_BUSY = userFault('exceededRequestLimitFault', 'WS_CONCUR_SESSION_DISALLWD', 'Only one request may be made against a session at a time');
const CONFIRMED: Promise<void> = Promise.resolve();
const NOTHING_TO_RELEASE = async () => undefined;

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

// A byte order mark is kept (the scanner skips it), so the journal keeps the body as sent.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Past this many characters an answer is encoded to bytes before it is sent. */
const LARGE_ANSWER_CHARS = 16 * 1024;

/** The body as text; bytes that are not UTF-8 are the client's mistake, not something to guess at. */
function decodeUtf8(body: Buffer): string {
  try {
    return UTF8.decode(body);
  } catch {
    throw new SoapClientError('The request is not valid UTF-8.');
  }
}

export class SoapEndpoint {
  constructor(
    private readonly catalog: WsdlCatalog,
    private readonly operations: Record<string, OperationHandler>,
    private readonly authenticator: Authenticator,
    private readonly slots: RequestSlots,
    private readonly options: SoapEndpointOptions,
    private readonly logger: SoapLogger,
    private readonly sessions: Sessions,
  ) {
    this.guest = {
      account: normalizeAccountId(options.defaultAccount),
      method: 'none',
      credential: null,
      limits: { concurrentRequests: 0, maxResultCalls: 0, minPollIntervalSeconds: 0, responseDelayMs: 0 },
    };
  }

  /** Who a request that needs no login (login itself, getDataCenterUrls, getServerTime) runs as. */
  private readonly guest: Principal;

  /**
   * Answers one request to /services/NetSuitePort_<version>, and fills in `call` as it goes (the
   * server's call lifecycle logs, counts and journals it once settled).
   */
  handle(req: IncomingMessage, res: ServerResponse, call: ServedCall, baseUrl: string): Promise<void> {
    call.operation = 'unknown';
    return this.answer(req, res, call.version!, baseUrl, call, call.requestId);
  }

  private async answer(req: IncomingMessage, res: ServerResponse, version: string, baseUrl: string, seen: ServedCall, requestId: string): Promise<void> {
    if (req.method === 'GET' && /\?wsdl\b/i.test(req.url ?? '')) {
      seen.operation = 'wsdl';
      send(res, seen, 200, { 'Content-Type': 'text/xml; charset=utf-8' }, this.catalog.wsdl(version, baseUrl));
      return;
    }
    if (req.method !== 'POST') {
      send(
        res,
        seen,
        405,
        { Allow: 'GET, POST', 'Content-Type': 'text/plain; charset=utf-8' },
        `POST SOAP 1.1 envelopes to ${endpointPath(version)}; the WSDL is at ${endpointPath(version)}?wsdl\n`,
      );
      return;
    }
    // SOAP 1.1 travels as text/xml (application/xml is let through, as many clients send it).
    const contentType = String(req.headers['content-type'] ?? '')
      .split(';')[0]
      .trim()
      .toLowerCase();
    if (contentType !== 'text/xml' && contentType !== 'application/xml') {
      const hint = contentType === 'application/soap+xml' ? 'SOAP 1.2 is not supported; send SOAP 1.1 as text/xml' : 'send SOAP 1.1 envelopes as text/xml';
      this.sendFault(res, version, seen, clientFault(`Content-Type ${contentType || '(none)'} is not accepted: ${hint}.`), true, 415);
      return;
    }
    const body = await this.readBody(req);
    if (body) {
      seen.requestBody = body;
      seen.requestBytes = body.length;
    }
    if (body === null) {
      const limit = this.options.maxRequestBytes;
      this.sendFault(res, version, seen, userFault('exceededRequestSizeFault', 'USER_ERROR', `The request exceeds the size limit of ${limit} bytes.`), true);
      return;
    }
    let call: SoapCall;
    let confirmed: Promise<void>;
    let release: (() => Promise<void>) | null;
    try {
      // The journal keeps the text rather than decode it again.
      const text = decodeUtf8(body);
      seen.requestBody = text;
      const request = parseEnvelope(text);
      this.check(request, version);
      seen.operation = request.operation;
      seen.jobId = elementText(child(request.body, 'jobId'))?.trim() || undefined;
      if (OPERATION_RULES[request.operation]?.public) {
        // login checks its own passport; discovery and the time are told to anyone.
        call = { version, request, principal: this.guest, baseUrl, address: req.socket.remoteAddress };
        confirmed = CONFIRMED;
        release = NOTHING_TO_RELEASE;
      } else {
        const credentials = readCredentials(request, version, sessionCookieOf(req), req.socket.remoteAddress);
        seen.account = cutClaim(credentials.tokenPassport?.account ?? credentials.passport?.account);
        const ahead = await this.authenticator.authenticateAhead(credentials);
        call = { version, request, principal: ahead.principal, baseUrl };
        seen.account = ahead.principal.account;
        confirmed = ahead.confirmed;
        // A poll reads its job while its nonce is recorded (one round trip of waiting, not two);
        // anything else waits until the request is known not to be a replay.
        if (!readsOnly(call)) await confirmed;
        // An account without a limit takes no slot (RequestSlots), and a call without a session holds none.
        release = call.principal.limits.concurrentRequests <= 0 && !call.principal.sessionId ? NOTHING_TO_RELEASE : await this.occupy(call);
      }
    } catch (error) {
      this.sendFault(res, version, seen, this.fault(error, req, requestId));
      return;
    }
    if (!release) {
      this.sendFault(res, version, seen, call.principal.sessionId ? SESSION_BUSY : concurrencyFault(call));
      return;
    }
    // 'close' comes once the answer is sent, or the client is gone: either way the slot is free.
    if (res.closed) void release();
    else res.once('close', () => void release!());
    const injectedDelay = this.options.faults?.applies(call.principal.account, call.request.operation) ? await this.injectFault(req, res, call, confirmed, seen, requestId) : 0;
    if (injectedDelay === null) return;
    // The account's emulated latency: the request holds its slot meanwhile, as a slow one would.
    const delay = call.principal.limits.responseDelayMs + injectedDelay;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    let answer: string | OperationAnswer;
    let documentInfo: string;
    try {
      // The nsId is drawn before an operation that writes: once its change commits, nothing is
      // left that could fail and answer a fault for work that was done.
      const drawn = this.documentInfo(call);
      if (!readsOnly(call)) await drawn;
      const [authenticated, answered, info] = await Promise.allSettled([confirmed, this.operations[call.request.operation](call), drawn]);
      // A refused credential outranks whatever the operation found: a replay learns nothing.
      if (authenticated.status === 'rejected') throw authenticated.reason;
      if (answered.status === 'rejected') throw answered.reason;
      if (info.status === 'rejected') throw info.reason;
      answer = answered.value;
      documentInfo = info.value;
    } catch (error) {
      this.sendFault(res, version, seen, this.fault(error, req, requestId));
      return;
    }
    const extra: Record<string, string> = {};
    if (typeof answer !== 'string') {
      if (answer.setCookie) extra['Set-Cookie'] = answer.setCookie;
      if (answer.account) seen.account = answer.account;
      answer = answer.body;
    }
    const text = envelopeXml(answer, documentInfo);
    // A large answer (a result page) is encoded once: counting its bytes and then writing it as
    // text read it twice. A small one goes as text, written with the headers in one piece.
    const payload = text.length > LARGE_ANSWER_CHARS ? Buffer.from(text, 'utf8') : text;
    send(res, seen, 200, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': Buffer.byteLength(payload), ...extra }, payload);
  }

  /**
   * An injected fault (POST /admin/faults) for a call a rule applies to, once its credentials are
   * confirmed: the fault, a 503 or a dropped connection is given here (null), a delay is returned
   * in ms (0: none).
   */
  private async injectFault(req: IncomingMessage, res: ServerResponse, call: SoapCall, confirmed: Promise<void>, seen: ServedCall, requestId: string): Promise<number | null> {
    const faults = this.options.faults!;
    const { account } = call.principal;
    let injected;
    try {
      await confirmed;
      injected = await faults.take(account, call.request.operation, () => elementText(child(call.request.body, 'jobId'))?.trim());
    } catch (error) {
      this.sendFault(res, call.version, seen, this.fault(error, req, requestId));
      return null;
    }
    if (!injected) return 0;
    const { effect } = injected;
    seen.injected = { ruleId: injected.ruleId, effect: effect.type };
    if (effect.type === 'delay') return effect.ms;
    if (effect.type === 'fault') this.sendFault(res, call.version, seen, userFault(effect.element, effect.code, effect.message));
    else if (effect.type === 'drop') res.destroy();
    else {
      const page = '<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>\n';
      send(res, seen, 503, { 'Content-Type': 'text/html; charset=utf-8', 'Retry-After': String(effect.retryAfterSeconds), 'Content-Length': Buffer.byteLength(page) }, page);
    }
    return null;
  }

  /** Every answer carries documentInfo with the request's nsId, as NetSuite's do. */
  private async documentInfo(call: SoapCall): Promise<string> {
    const ns = namespacesOf(call.version);
    const nsId = await (this.options.ids ?? randomIds).requestId(call.principal.account, this.options.clock.now());
    return `<platformMsgs:documentInfo xmlns:platformMsgs="${ns.platformMsgs}">` + `<platformMsgs:nsId>${escapeXml(nsId)}</platformMsgs:nsId></platformMsgs:documentInfo>`;
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

  /** The operations a version has: those of the async API, and the session and governance ones where they exist. */
  private offered(version: string): string[] {
    const features = featuresOf(version);
    return Object.keys(this.operations).filter((name) => {
      const feature = OPERATION_RULES[name]?.feature;
      return feature === undefined || features[feature];
    });
  }

  /** Refuses what no operation of this endpoint can answer, before anything is looked up. */
  private check(request: SoapRequest, version: string): void {
    const expected = namespacesOf(version).platformMsgs;
    const feature = Object.hasOwn(this.operations, request.operation) ? OPERATION_RULES[request.operation]?.feature : undefined;
    if (!Object.hasOwn(this.operations, request.operation) || (feature !== undefined && !featuresOf(version)[feature])) {
      throw new SoapClientError(`Unknown operation ${request.operation}: this endpoint (version ${version}) offers ${this.offered(version).join(', ')}.`);
    }
    if (request.operationNamespace !== expected) {
      throw new SoapClientError(`${request.operation} must be in namespace ${expected} on this endpoint (got ${request.operationNamespace}).`);
    }
  }

  private fault(error: unknown, req: IncomingMessage, requestId: string): SoapFault {
    const reference = randomUUID();
    const fault = toFault(error, reference);
    if (fault.detail?.code === 'UNEXPECTED_ERROR') this.logger.error('SOAP call failed', { reference, requestId, url: req.url, error });
    else if (fault.detail?.code === 'ACCT_TEMP_UNAVAILABLE')
      this.logger.error('SOAP call answered as temporarily unavailable: the database did not answer', { requestId, url: req.url, error });
    return fault;
  }

  private sendFault(res: ServerResponse, version: string, seen: ServedCall, fault: SoapFault, close = false, status = 500): void {
    seen.faultCode = fault.detail?.code ?? fault.faultcode;
    const payload = envelopeXml(faultXml(fault, version));
    send(res, seen, status, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': Buffer.byteLength(payload), ...(close ? { Connection: 'close' } : {}) }, payload);
  }

  /** The body, or null once it passes the size limit (the rest is not read). */
  private readBody(req: IncomingMessage): Promise<Buffer | null> {
    const limit = this.options.maxRequestBytes;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          req.off('data', onData);
          req.pause();
          resolve(null);
          return;
        }
        chunks.push(chunk);
      };
      req.on('data', onData);
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
      // A client gone mid-body: settled here too, whether or not 'error' came first.
      req.on('close', () => {
        if (!req.complete) reject(new Error('the client closed the connection before its request was complete'));
      });
    });
  }
}
