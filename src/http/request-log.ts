import { performance } from 'node:perf_hooks';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../logger';
import type { Face } from '../metrics/service-metrics';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id';

/**
 * Every request to the express app (the JSON faces, schemas, probes) gets a request id, echoed
 * in X-Request-Id, and once answered is counted and timed by face and route and logged as one
 * line. Probes that succeed are counted but not logged: a scraper would fill the log with them.
 * The line holds the method, the path without its query, the status and the time: never a header.
 */

export interface HttpMetrics {
  httpCall(face: Face, operation: string, status: number, seconds: number): void;
}

/** A path is the caller's text: cut, so a line stays a line. */
const MAX_LOGGED_PATH = 256;

const FACES: Array<[RegExp, Face]> = [
  [/^\/admin(\/|$)/, 'admin'],
  [/^\/progress(\/|$)/, 'progress'],
  [/^\/(xmlhttp\.do|api\/execution_tracker)(\/|$)/, 'servicenow'],
  [/^\/(v1|services\/apexrest\/[^/]+\/v1)\/asyncprocesses(\/|$)/, 'salesforce'],
  [/^\/(wsdl|xsd)\//, 'schemas'],
  [/^\/(healthz|readyz|metrics)$/, 'probe'],
  [/^\/ui(\/|$)/, 'ui'],
];

export function faceOf(path: string): Face {
  for (const [pattern, face] of FACES) if (pattern.test(path)) return face;
  return 'other';
}

/**
 * The pattern of the route that answered, within its face's router (bounded, unlike paths with
 * ids in them), or none. Its mount path is left out: an error thrown in a router has left it by
 * the time the answer is written, and the face says where it was mounted anyway.
 */
function routeOf(req: Request): string {
  const pattern: unknown = req.route?.path;
  if (pattern === undefined) return '(no route)';
  return pattern instanceof RegExp ? pattern.source : String(pattern);
}

export function recordRequests(logger: Logger, metrics: HttpMetrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const requestId = requestIdOf(req);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    res.locals.requestId = requestId;
    // The original path: routers rewrite req.path on the way down.
    const path = (req.originalUrl.split('?')[0] ?? '').slice(0, MAX_LOGGED_PATH);
    // 'close' comes once the answer is sent, or the client is gone before it was.
    res.once('close', () => {
      const durationMs = performance.now() - started;
      const face = faceOf(path);
      metrics.httpCall(face, `${req.method} ${routeOf(req)}`, res.statusCode, durationMs / 1000);
      if (face === 'probe' && res.statusCode < 400) return;
      logger.info('HTTP request', {
        requestId,
        face,
        method: req.method,
        path,
        status: res.statusCode,
        durationMs: Math.round(durationMs * 100) / 100,
        ...(res.writableFinished ? {} : { aborted: true }),
      });
    });
    next();
  };
}
