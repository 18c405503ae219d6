import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Authenticator } from '../accounts/authenticator';
import type { RequestSlots } from '../accounts/request-slots';
import type { Clock } from '../clock';
import { REQUEST_ID_HEADER, requestIdOf } from '../http/request-id';
import { newRequestId } from '../jobs/job-id';
import { readCredentials } from './credentials-reader';
import { parseEnvelope, SoapClientError, type SoapRequest } from './envelope-parser';
import { clientFault, envelopeXml, faultXml, toFault, userFault, type SoapFault } from './faults';
import { readsOnly, type OperationHandler, type SoapCall } from './operations';
import { namespacesOf } from './versions';
import { endpointPath, type WsdlCatalog } from './wsdl-catalog';
import { escapeXml } from './xml-write';

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
  defaultAccount: string;
  clock: Clock;
}

export interface SoapLogger {
  info(message: string, details: Record<string, unknown>): void;
  error(message: string, details: Record<string, unknown>): void;
}

export interface SoapMetrics {
  soapCall(operation: string, status: number, faultCode: string | undefined, seconds: number): void;
}

/** What a call turned out to be, filled in as the answer is worked out, for its log line and metrics. */
interface CallSeen {
  /** The operation once known to be one of ours; `wsdl` for a WSDL read; else `unknown`. */
  operation: string;
  /** The authenticated account, or the one the credentials claim. */
  account?: string;
  /** The platformFaults code of a fault, or its faultcode when it has no detail. */
  faultCode?: string;
}

/** A claimed account is the caller's text: cut, so a line stays a line. */
const MAX_LOGGED_ACCOUNT = 64;


/** As NetSuite answers one request too many: by the kind of credentials the request carried. */
function concurrencyFault(call: SoapCall): SoapFault {
  if (call.principal.method === 'passport' || (call.principal.method === 'none' && !call.request.headers.has('tokenPassport') && call.request.headers.has('passport'))) {
    return userFault('exceededRequestLimitFault', 'WS_CONCUR_SESSION_DISALLWD', 'Only one request may be made against a session at a time');
  }
  return userFault('exceededConcurrentRequestLimitFault', 'WS_REQUEST_BLOCKED', 'SuiteTalk concurrent request limit exceeded. Request blocked.');
}
const UTF8 = new TextDecoder('utf-8', { fatal: true });

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
    private readonly metrics: SoapMetrics,
  ) {}

  /** Answers one request to /services/NetSuitePort_<version>, and logs and counts it once answered. */
  async handle(req: IncomingMessage, res: ServerResponse, version: string, baseUrl: string): Promise<void> {
    const started = performance.now();
    const requestId = requestIdOf(req);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const seen: CallSeen = { operation: 'unknown' };
    try {
      await this.answer(req, res, version, baseUrl, seen, requestId);
    } finally {
      const durationMs = performance.now() - started;
      this.metrics.soapCall(seen.operation, res.statusCode, seen.faultCode, durationMs / 1000);
      this.logger.info('SOAP call', {
        requestId,
        version,
        operation: seen.operation,
        account: seen.account,
        status: res.statusCode,
        faultCode: seen.faultCode,
        durationMs: Math.round(durationMs * 100) / 100,
      });
    }
  }

  private async answer(req: IncomingMessage, res: ServerResponse, version: string, baseUrl: string, seen: CallSeen, requestId: string): Promise<void> {
    if (req.method === 'GET' && /\?wsdl\b/i.test(req.url ?? '')) {
      seen.operation = 'wsdl';
      res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
      res.end(this.catalog.wsdl(version, baseUrl));
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'GET, POST', 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`POST SOAP 1.1 envelopes to ${endpointPath(version)}; the WSDL is at ${endpointPath(version)}?wsdl\n`);
      return;
    }
    // SOAP 1.1 travels as text/xml (application/xml is let through, as many clients send it).
    const contentType = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (contentType !== 'text/xml' && contentType !== 'application/xml') {
      const hint = contentType === 'application/soap+xml' ? 'SOAP 1.2 is not supported; send SOAP 1.1 as text/xml' : 'send SOAP 1.1 envelopes as text/xml';
      this.sendFault(res, version, seen, clientFault(`Content-Type ${contentType || '(none)'} is not accepted: ${hint}.`), true, 415);
      return;
    }
    const body = await this.readBody(req);
    if (body === null) {
      const limit = this.options.maxRequestBytes;
      this.sendFault(res, version, seen, userFault('exceededRequestSizeFault', 'USER_ERROR', `The request exceeds the size limit of ${limit} bytes.`), true);
      return;
    }
    let call: SoapCall;
    let confirmed: Promise<void>;
    let release: (() => Promise<void>) | null;
    try {
      const request = parseEnvelope(decodeUtf8(body));
      this.check(request, version);
      seen.operation = request.operation;
      const credentials = readCredentials(request, version);
      seen.account = (credentials.tokenPassport?.account ?? credentials.passport?.account)?.slice(0, MAX_LOGGED_ACCOUNT);
      const ahead = await this.authenticator.authenticateAhead(credentials);
      call = { version, request, principal: ahead.principal };
      seen.account = ahead.principal.account;
      confirmed = ahead.confirmed;
      // A poll reads its job while its nonce is recorded (one round trip of waiting, not two);
      // anything else waits until the request is known not to be a replay.
      if (!readsOnly(call)) await confirmed;
      release = await this.slots.acquire(call.principal.account, call.principal.limits.concurrentRequests);
    } catch (error) {
      this.sendFault(res, version, seen, this.fault(error, req, requestId));
      return;
    }
    if (!release) {
      this.sendFault(res, version, seen, concurrencyFault(call));
      return;
    }
    // 'close' comes once the answer is sent, or the client is gone: either way the slot is free.
    if (res.closed) void release();
    else res.once('close', () => void release!());
    // The account's emulated latency: the request holds its slot meanwhile, as a slow one would.
    const delay = call.principal.limits.responseDelayMs;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    let answer: string;
    try {
      const [authenticated, answered] = await Promise.allSettled([confirmed, this.operations[call.request.operation](call)]);
      // A refused credential outranks whatever the operation found: a replay learns nothing.
      if (authenticated.status === 'rejected') throw authenticated.reason;
      if (answered.status === 'rejected') throw answered.reason;
      answer = answered.value;
    } catch (error) {
      this.sendFault(res, version, seen, this.fault(error, req, requestId));
      return;
    }
    const text = envelopeXml(answer, this.documentInfo(call));
    // A large answer (a result page) is encoded once: counting its bytes and then writing it as
    // text read it twice. A small one goes as text, written with the headers in one piece.
    const payload = text.length > LARGE_ANSWER_CHARS ? Buffer.from(text, 'utf8') : text;
    res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': Buffer.byteLength(payload) });
    res.end(payload);
  }

  /** Every answer carries documentInfo with the request's nsId, as NetSuite's do. */
  private documentInfo(call: SoapCall): string {
    const ns = namespacesOf(call.version);
    const nsId = newRequestId(call.principal.account, this.options.clock.now());
    return (
      `<platformMsgs:documentInfo xmlns:platformMsgs="${ns.platformMsgs}" xmlns:platformCore="${ns.platformCore}">` +
      `<platformCore:nsId>${escapeXml(nsId)}</platformCore:nsId></platformMsgs:documentInfo>`
    );
  }

  /** Refuses what no operation of this endpoint can answer, before anything is looked up. */
  private check(request: SoapRequest, version: string): void {
    const expected = namespacesOf(version).platformMsgs;
    if (!Object.hasOwn(this.operations, request.operation)) {
      throw new SoapClientError(`Unknown operation ${request.operation}: this endpoint (version ${version}) offers ${Object.keys(this.operations).join(', ')}.`);
    }
    if (request.operationNamespace !== expected) {
      throw new SoapClientError(`${request.operation} must be in namespace ${expected} on this endpoint (got ${request.operationNamespace}).`);
    }
  }

  private fault(error: unknown, req: IncomingMessage, requestId: string): SoapFault {
    const reference = randomUUID();
    const fault = toFault(error, reference);
    if (fault.detail?.code === 'UNEXPECTED_ERROR') this.logger.error('SOAP call failed', { reference, requestId, url: req.url, error });
    return fault;
  }

  private sendFault(res: ServerResponse, version: string, seen: CallSeen, fault: SoapFault, close = false, status = 500): void {
    seen.faultCode = fault.detail?.code ?? fault.faultcode;
    const payload = envelopeXml(faultXml(fault, version));
    res.writeHead(status, {
      'Content-Type': 'text/xml; charset=utf-8',
      'Content-Length': Buffer.byteLength(payload),
      ...(close ? { Connection: 'close' } : {}),
    });
    res.end(payload);
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
    });
  }
}
