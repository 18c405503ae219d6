import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServedCall } from '../lib/served-call';
import { faultXml, envelopeXml, toFault, userFault, type SoapFault } from './faults';
import { endpointPath, type WsdlCatalog } from './wsdl-catalog';
import { isRefusal, type SoapRequestReader } from './request-reader';
import type { Admitted, InjectedAnswer, SoapAdmission } from './admission';
import type { SoapDispatch } from './dispatch';

/**
 * The NetSuite SOAP face, on a bare http.Server, with no SOAP library on the request path: it
 * reads the request (request-reader.ts), admits it (admission.ts: credentials, request slot,
 * session, injected faults) and dispatches it (dispatch.ts), then writes the whole answer itself
 * as one piece, faults with HTTP 500. What it learns goes on the call the server began.
 */

export interface SoapLogger {
  error(message: string, details: Record<string, unknown>): void;
}

/** Past this many characters an answer is encoded to bytes before it is sent. */
const LARGE_ANSWER_CHARS = 16 * 1024;
const UNAVAILABLE_PAGE = '<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>\n';

export class SoapEndpoint {
  constructor(
    private readonly catalog: WsdlCatalog,
    private readonly reader: SoapRequestReader,
    private readonly admission: SoapAdmission,
    private readonly dispatcher: SoapDispatch,
    private readonly logger: SoapLogger,
  ) {}

  /** Answers one request to /services/NetSuitePort_<version>, filling in `call` as it goes. */
  async handle(req: IncomingMessage, res: ServerResponse, call: ServedCall, baseUrl: string): Promise<void> {
    const version = call.version!;
    call.operation = 'unknown';
    if (req.method === 'GET' && /\?wsdl\b/i.test(req.url ?? '')) {
      call.operation = 'wsdl';
      send(res, call, 200, { 'Content-Type': 'text/xml; charset=utf-8' }, this.catalog.wsdl(version, baseUrl));
      return;
    }
    if (req.method !== 'POST') {
      const hint = `POST SOAP 1.1 envelopes to ${endpointPath(version)}; the WSDL is at ${endpointPath(version)}?wsdl\n`;
      send(res, call, 405, { Allow: 'GET, POST', 'Content-Type': 'text/plain; charset=utf-8' }, hint);
      return;
    }
    // A client gone mid-body rejects here, out of the fault path: nothing is answered, and the call is aborted.
    const body = await this.reader.body(req, call);
    if (isRefusal(body)) return this.sendFault(res, version, call, body.fault, body.close, body.status);
    let admitted: Admitted;
    try {
      const request = this.reader.parse(body, version, call);
      const admission = await this.admission.admit(req, request, version, baseUrl, call);
      if (!('call' in admission)) return this.sendFault(res, version, call, admission);
      admitted = admission;
    } catch (error) {
      return this.sendFault(res, version, call, this.fault(error, req, call));
    }
    // 'close' comes once the answer is sent, or the client is gone: either way the slot is free.
    if (res.closed) void admitted.release();
    else res.once('close', () => void admitted.release());
    try {
      const injected = await this.admission.injected(admitted, call);
      if (injected.effect === 'answer') return this.sendInjected(res, version, call, injected.answer);
      // The account's emulated latency: the request holds its slot meanwhile, as a slow one would.
      const delay = admitted.call.principal.limits.responseDelayMs + (injected.effect === 'delay' ? injected.ms : 0);
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      const answer = await this.dispatcher.dispatch(admitted.call, admitted.confirmed);
      if (answer.account) call.account = answer.account;
      // A large answer (a result page) is encoded once: counting its bytes and then writing it as
      // text read it twice. A small one goes as text, written with the headers in one piece.
      const payload = answer.envelope.length > LARGE_ANSWER_CHARS ? Buffer.from(answer.envelope, 'utf8') : answer.envelope;
      const headers = { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': Buffer.byteLength(payload), ...(answer.setCookie ? { 'Set-Cookie': answer.setCookie } : {}) };
      send(res, call, 200, headers, payload);
    } catch (error) {
      this.sendFault(res, version, call, this.fault(error, req, call));
    }
  }

  /** An injected fault's answer: the fault, a 503 page, or the connection dropped. */
  private sendInjected(res: ServerResponse, version: string, call: ServedCall, effect: InjectedAnswer): void {
    if (effect.type === 'fault') this.sendFault(res, version, call, userFault(effect.element, effect.code, effect.message));
    else if (effect.type === 'drop') res.destroy();
    else {
      const headers = { 'Content-Type': 'text/html; charset=utf-8', 'Retry-After': String(effect.retryAfterSeconds), 'Content-Length': Buffer.byteLength(UNAVAILABLE_PAGE) };
      send(res, call, 503, headers, UNAVAILABLE_PAGE);
    }
  }

  /** The one place an error becomes this face's fault; unexpected ones are logged with a reference the fault names. */
  private fault(error: unknown, req: IncomingMessage, call: ServedCall): SoapFault {
    const reference = randomUUID();
    const fault = toFault(error, reference);
    const { requestId } = call;
    if (fault.detail?.code === 'UNEXPECTED_ERROR') this.logger.error('SOAP call failed', { reference, requestId, url: req.url, error });
    else if (fault.detail?.code === 'ACCT_TEMP_UNAVAILABLE')
      this.logger.error('SOAP call answered as temporarily unavailable: the database did not answer', { requestId, url: req.url, error });
    return fault;
  }

  private sendFault(res: ServerResponse, version: string, call: ServedCall, fault: SoapFault, close = false, status = 500): void {
    call.faultCode = fault.detail?.code ?? fault.faultcode;
    const payload = envelopeXml(faultXml(fault, version));
    send(res, call, status, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': Buffer.byteLength(payload), ...(close ? { Connection: 'close' } : {}) }, payload);
  }
}

/** Writes a whole answer, and keeps it on the call: the endpoint builds every answer as one piece. */
function send(res: ServerResponse, call: ServedCall, status: number, headers: Record<string, string | number>, payload: string | Buffer): void {
  call.answer = payload;
  res.writeHead(status, headers);
  res.end(payload);
}
