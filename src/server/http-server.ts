import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Express } from 'express';
import type { SoapEndpoint } from '../soap/soap-endpoint';
import { isVersion, VERSIONS } from '../records/versions';
import { baseUrlOf } from './base-url';
import { REQUEST_ID_HEADER, requestIdOf } from '../lib/request-id';
import { ABORTED } from '../lib/answer-status';
import type { CallLifecycle } from './call-lifecycle';
import { SOAP_PATH } from './routes';

/**
 * A bare http.Server: the SOAP endpoint is served without express's per-request cost, everything
 * else goes to the express app.
 */
/**
 * Bounds on a connection, so slow or idle callers cost a socket and a timer each, never a stall:
 * headers must arrive within HEADERS_TIMEOUT_MS and a whole request (a 100 MB upload on a slow
 * link included) within REQUEST_TIMEOUT_MS. An idle keep-alive connection stays open longer than
 * clients usually keep theirs and poll at (Node's default of 5 s met clients that poll every 5 s
 * mid-close), and the headers' bound is above it, as Node asks.
 */
const HEADERS_TIMEOUT_MS = 66_000;
const REQUEST_TIMEOUT_MS = 300_000;
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
const MAX_HEADER_BYTES = 32 * 1024;

export function createHttpServer(app: Express, soap: SoapEndpoint, calls: CallLifecycle, publicUrl?: string): Server {
  const server = createServer(
    { headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, maxHeaderSize: MAX_HEADER_BYTES },
    (req: IncomingMessage, res: ServerResponse) => {
      const match = SOAP_PATH.exec(req.url ?? '');
      if (!match) {
        app(req, res);
        return;
      }
      const version = match[1];
      if (!isVersion(version)) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', [REQUEST_ID_HEADER]: requestIdOf(req) });
        res.end(`Unknown SuiteTalk version "${version}": this server offers ${VERSIONS[0]} to ${VERSIONS[VERSIONS.length - 1]} (e.g. /services/NetSuitePort_2023_2).\n`);
        return;
      }
      const call = calls.begin(req, res, 'soap');
      call.version = version;
      soap
        .handle(req, res, call, baseUrlOf(req, publicUrl))
        // No answer began (the client left mid-body, or an injected drop): not a 200.
        .finally(() => calls.end(call, res.headersSent ? res.statusCode : ABORTED, res.headersSent ? res.statusCode : null))
        .catch((error: unknown) => {
          res.destroy(error instanceof Error ? error : new Error(String(error)));
        });
    },
  );
  return server;
}
