import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Express } from 'express';
import type { SoapEndpoint } from '../soap/soap-endpoint';
import { isVersion, VERSIONS } from '../soap/versions';
import { baseUrlOf } from './base-url';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id';

const SOAP_PATH = /^\/services\/NetSuitePort_([^/?]*)\/?(?:\?|$)/;

/**
 * A bare http.Server: the SOAP endpoint is served without express's per-request cost, everything
 * else goes to the express app.
 */
export function createHttpServer(app: Express, soap: SoapEndpoint, publicUrl?: string): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
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
    soap.handle(req, res, version, baseUrlOf(req, publicUrl)).catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
}
