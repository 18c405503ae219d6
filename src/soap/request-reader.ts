import type { IncomingMessage } from 'node:http';
import type { ServedCall } from '../lib/served-call';
import { parseEnvelope, type SoapRequest } from './envelope-parser';
import { SoapClientError } from './soap-client-error';
import { clientFault, userFault, type SoapFault } from './faults';
import { featuresOf, namespacesOf } from '../records/versions';
import { OPERATION_RULES } from './session-operations';
import type { OperationHandler } from './operations';
import { child, text as elementText } from './xml-read';

/**
 * Reading a SOAP request: its content type, its body up to the size cap, the body as UTF-8, the
 * envelope parsed once, and an operation this endpoint offers in this version's namespace. What it
 * learns goes on the call; what it refuses comes back as the fault to answer.
 */

/** A request refused before anything is looked up: the fault, whether to close the connection, and its HTTP status. */
export interface Refusal {
  fault: SoapFault;
  close?: boolean;
  status?: number;
}

// A byte order mark is kept (the scanner skips it), so the journal keeps the body as sent.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class SoapRequestReader {
  constructor(
    private readonly operations: Record<string, OperationHandler>,
    private readonly maxRequestBytes: number,
  ) {}

  /**
   * The body, or the refusal to answer (a content type or size this endpoint does not take). A
   * client gone mid-body rejects: there is no one to answer.
   */
  async body(req: IncomingMessage, call: ServedCall): Promise<Buffer | Refusal> {
    // SOAP 1.1 travels as text/xml (application/xml is let through, as many clients send it).
    const contentType = String(req.headers['content-type'] ?? '')
      .split(';')[0]
      .trim()
      .toLowerCase();
    if (contentType !== 'text/xml' && contentType !== 'application/xml') {
      const hint = contentType === 'application/soap+xml' ? 'SOAP 1.2 is not supported; send SOAP 1.1 as text/xml' : 'send SOAP 1.1 envelopes as text/xml';
      return { fault: clientFault(`Content-Type ${contentType || '(none)'} is not accepted: ${hint}.`), close: true, status: 415 };
    }
    const body = await this.readBody(req);
    if (body === null) {
      return { fault: userFault('exceededRequestSizeFault', 'USER_ERROR', `The request exceeds the size limit of ${this.maxRequestBytes} bytes.`), close: true };
    }
    call.requestBody = body;
    call.requestBytes = body.length;
    return body;
  }

  /** The request in the body; malformed XML, bytes that are not UTF-8 and operations this endpoint does not offer throw SoapClientError. */
  parse(body: Buffer, version: string, call: ServedCall): SoapRequest {
    // The journal keeps the text rather than decode it again.
    const text = decodeUtf8(body);
    call.requestBody = text;
    const request = parseEnvelope(text);
    this.check(request, version);
    call.operation = request.operation;
    call.jobId = elementText(child(request.body, 'jobId'))?.trim() || undefined;
    return request;
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

  /** The body, or null once it passes the size limit (the rest is not read). */
  private readBody(req: IncomingMessage): Promise<Buffer | null> {
    const limit = this.maxRequestBytes;
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

export const isRefusal = (read: Buffer | Refusal): read is Refusal => !Buffer.isBuffer(read);

/** The body as text; bytes that are not UTF-8 are the client's mistake, not something to guess at. */
function decodeUtf8(body: Buffer): string {
  try {
    return UTF8.decode(body);
  } catch {
    throw new SoapClientError('The request is not valid UTF-8.');
  }
}
