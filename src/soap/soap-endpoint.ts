import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import * as soap from 'soap';
import type { Authenticator } from '../accounts/authenticator';
import type { RequestSlots } from '../accounts/request-slots';
import type { Clock } from '../clock';
import { newRequestId } from '../jobs/job-id';
import { readCredentials } from './credentials-reader';
import { parseEnvelope, SoapClientError, type SoapRequest } from './envelope-parser';
import { clientFault, envelopeXml, faultXml, toFault, userFault, type SoapFault } from './faults';
import type { OperationHandler, SoapCall } from './operations';
import { namespacesOf } from './versions';
import { endpointPath, type WsdlCatalog } from './wsdl-catalog';
import { escapeXml } from './xml-write';

/**
 * The NetSuite SOAP face. node-soap loads each version's WSDL and routes operations; around it this
 * class covers what node-soap gets wrong: it caps the body size, rejects malformed XML and unknown
 * operations with a proper soapenv:Client fault before node-soap sees them, dispatches on the body
 * element (SOAPAction is dropped, so a mismatching header cannot pick another handler), writes
 * every answer itself with explicit prefixes and xsi:type, and sends faults with HTTP 500.
 */

export interface SoapEndpointOptions {
  maxRequestBytes: number;
  defaultAccount: string;
  clock: Clock;
}

export interface SoapLogger {
  error(message: string, details: Record<string, unknown>): void;
}

type NodeSoapHandler = (req: IncomingMessage, res: ServerResponse) => void;
type SoapRequestWithCall = IncomingMessage & { body?: Buffer; soapCall?: SoapCall; soapCallRan?: boolean };

const CALL_FAILED = Symbol('fault');

/** As NetSuite answers one request too many: by the kind of credentials the request carried. */
function concurrencyFault(call: SoapCall): SoapFault {
  if (call.principal.method === 'passport' || (call.principal.method === 'none' && !call.request.headers.has('tokenPassport') && call.request.headers.has('passport'))) {
    return userFault('exceededRequestLimitFault', 'WS_CONCUR_SESSION_DISALLWD', 'Only one request may be made against a session at a time');
  }
  return userFault('exceededConcurrentRequestLimitFault', 'WS_REQUEST_BLOCKED', 'SuiteTalk concurrent request limit exceeded. Request blocked.');
}
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text; bytes that are not UTF-8 are the client's mistake, not something to guess at. */
function decodeUtf8(body: Buffer): string {
  try {
    return UTF8.decode(body);
  } catch {
    throw new SoapClientError('The request is not valid UTF-8.');
  }
}

export class SoapEndpoint {
  private readonly handlers = new Map<string, Promise<NodeSoapHandler>>();
  private readonly wsdlDir = mkdtempSync(path.join(os.tmpdir(), 'async-status-emulator-wsdl-'));
  constructor(
    private readonly catalog: WsdlCatalog,
    private readonly operations: Record<string, OperationHandler>,
    private readonly authenticator: Authenticator,
    private readonly slots: RequestSlots,
    private readonly options: SoapEndpointOptions,
    private readonly logger: SoapLogger,
  ) {}

  /** Removes the WSDL copies written for node-soap. */
  close(): void {
    rmSync(this.wsdlDir, { recursive: true, force: true });
  }

  /** Answers one request to /services/NetSuitePort_<version>. */
  async handle(req: IncomingMessage, res: ServerResponse, version: string, baseUrl: string): Promise<void> {
    if (req.method === 'GET' && /\?wsdl\b/i.test(req.url ?? '')) {
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
      this.sendFault(res, version, clientFault(`Content-Type ${contentType || '(none)'} is not accepted: ${hint}.`), true, 415);
      return;
    }
    const body = await this.readBody(req);
    if (body === null) {
      const limit = this.options.maxRequestBytes;
      this.sendFault(res, version, userFault('exceededRequestSizeFault', 'USER_ERROR', `The request exceeds the size limit of ${limit} bytes.`), true);
      return;
    }
    let call: SoapCall;
    let release: (() => Promise<void>) | null;
    try {
      const request = parseEnvelope(decodeUtf8(body));
      this.check(request, version);
      call = { version, request, principal: await this.authenticator.authenticate(readCredentials(request, version)) };
      release = await this.slots.acquire(call.principal.account, call.principal.limits.concurrentRequests);
    } catch (error) {
      this.sendFault(res, version, this.fault(error, req));
      return;
    }
    if (!release) {
      this.sendFault(res, version, concurrencyFault(call));
      return;
    }
    // 'close' comes once the answer is sent, or the client is gone: either way the slot is free.
    if (res.closed) void release();
    else res.once('close', () => void release!());
    // The account's emulated latency: the request holds its slot meanwhile, as a slow one would.
    const delay = call.principal.limits.responseDelayMs;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const request = req as SoapRequestWithCall;
    request.body = body;
    request.soapCall = call;
    delete request.headers.soapaction;
    // node-soap answers with the request's Content-Type; SOAP 1.1 answers are text/xml.
    request.headers['content-type'] = 'text/xml; charset=utf-8';
    // node-soap parses the envelope again; where it fails on input ours accepted, it answers with
    // text or a fault of its own making. Any answer it gives without running our operation is
    // replaced by a proper Client fault.
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      res.end = end as typeof res.end;
      if (request.soapCallRan) return end(...args);
      this.sendFault(res, version, clientFault(`The request could not be read as a ${call.request.operation} request of version ${version}.`));
      return res;
    }) as typeof res.end;
    (await this.nodeSoapHandler(version))(req, res);
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

  /** Runs inside node-soap, which calls it with the request it routed. */
  private async run(req: SoapRequestWithCall, methodName: string): Promise<{ _xml: string }> {
    const call = req.soapCall;
    req.soapCallRan = true;
    try {
      if (!call || call.request.operation !== methodName) throw new Error(`node-soap routed ${methodName} for ${call?.request.operation}`);
      return { _xml: await this.operations[methodName](call) };
    } catch (error) {
      const fault = this.fault(error, req);
      throw { Fault: { faultcode: fault.faultcode, statusCode: 500, _xml: faultXml(fault, call?.version ?? '2017_1') }, [CALL_FAILED]: true };
    }
  }

  private fault(error: unknown, req: IncomingMessage): SoapFault {
    const reference = randomUUID();
    const fault = toFault(error, reference);
    if (fault.detail?.code === 'UNEXPECTED_ERROR') this.logger.error('SOAP call failed', { reference, url: req.url, error });
    return fault;
  }

  private sendFault(res: ServerResponse, version: string, fault: SoapFault, close = false, status = 500): void {
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

  /** node-soap's request handler for a version, built on first use from the rendered WSDL. */
  private nodeSoapHandler(version: string): Promise<NodeSoapHandler> {
    let handler = this.handlers.get(version);
    if (!handler) {
      handler = this.createNodeSoapHandler(version);
      this.handlers.set(version, handler);
      // A failed load is tried again on the next request rather than remembered.
      handler.catch(() => this.handlers.delete(version));
    }
    return handler;
  }

  private createNodeSoapHandler(version: string): Promise<NodeSoapHandler> {
    const wsdlFile = this.catalog.wsdlFile(version, path.join(this.wsdlDir, version));
    const port: Record<string, (args: unknown, cb: unknown, headers: unknown, req: SoapRequestWithCall) => Promise<{ _xml: string }>> = {};
    for (const name of Object.keys(this.operations)) {
      port[name] = (_args, _cb, _headers, req) => this.run(req, name);
    }
    return new Promise((resolve, reject) => {
      let captured: NodeSoapHandler | null = null;
      // node-soap mounts itself on anything with route() and use() (its express branch); this
      // registrar keeps the handler so the bare http.Server can call it without express.
      const registrar = {
        route: () => ({ all: (handler: NodeSoapHandler) => (captured = handler) }),
        use: () => undefined,
      };
      const server = soap.listen(registrar as never, {
        path: endpointPath(version),
        services: { NetSuiteService: { NetSuitePort: port } },
        xml: readFileSync(wsdlFile, 'utf8'),
        uri: wsdlFile,
        envelopeKey: 'soapenv',
        enableChunkedEncoding: false,
        suppressStack: true,
        callback: (error: unknown) => {
          if (error) reject(error);
          else if (captured) resolve(captured);
          else reject(new Error('node-soap did not register a handler'));
        },
      } as never);
      // Every answer carries documentInfo with the request's nsId, as NetSuite's do.
      const ns = namespacesOf(version);
      server.addSoapHeader((_method: string, _args: unknown, _headers: unknown, req: SoapRequestWithCall) => {
        const nsId = newRequestId(req.soapCall?.principal.account ?? this.options.defaultAccount, this.options.clock.now());
        return (
          `<platformMsgs:documentInfo xmlns:platformMsgs="${ns.platformMsgs}" xmlns:platformCore="${ns.platformCore}">` +
          `<platformCore:nsId>${escapeXml(nsId)}</platformCore:nsId></platformMsgs:documentInfo>`
        );
      });
      // node-soap adds a WS-Security header with an undeclared soap: prefix when the request
      // carried a Timestamp; NetSuite never answers with one.
      const withoutTimestamp = server as unknown as { _envelope: (body: string, headers: string, timestamp?: unknown) => string };
      const envelope = withoutTimestamp._envelope.bind(server);
      withoutTimestamp._envelope = (body, headers) => envelope(body, headers, undefined);
      server.log = (type: string, data: unknown) => {
        if (type === 'error' && !(data as Record<symbol, unknown>)?.[CALL_FAILED]) {
          this.logger.error('node-soap reported an error', { version, error: data });
        }
      };
    });
  }
}
