import { performance } from 'node:perf_hooks';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../lib/logger';
import { ABORTED, type AnswerStatus } from '../lib/answer-status';
import type { Face, SideWork } from './service-metrics';
import { REQUEST_ID_HEADER, requestIdOf } from '../lib/request-id';

/**
 * Every request to the express app (the JSON faces, schemas, probes) gets a request id, echoed
 * in X-Request-Id, and once answered is counted and timed by face and route and logged as one
 * line. Probes that succeed are counted but not logged: a scraper would fill the log with them.
 * The line holds the method, the path without its query, the status and the time: never a header.
 * A request whose client went away before its answer was sent has the status `aborted`.
 */

export interface HttpMetrics {
  httpCall(face: Face, operation: string, status: AnswerStatus, seconds: number): void;
  sideWorkFailed(work: SideWork): void;
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

/**
 * Runs `work` once the request is over: answered, or its client gone ('close' comes either way).
 * It runs in the socket's event, where nothing would catch an error and the process would end: an
 * error is logged and counted instead.
 */
export function whenOver(res: Response, what: SideWork, logger: Logger, metrics: HttpMetrics, work: () => void): void {
  res.once('close', () => {
    try {
      work();
    } catch (error) {
      try {
        logger.error('request side work failed', { work: what, requestId: res.locals.requestId, error });
        metrics.sideWorkFailed(what);
      } catch {
        // The logger or the metrics are what failed: nothing is left to tell.
      }
    }
  });
}

export function recordRequests(logger: Logger, metrics: HttpMetrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const requestId = requestIdOf(req);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    res.locals.requestId = requestId;
    // The original path: routers rewrite req.path on the way down.
    const path = (req.originalUrl.split('?')[0] ?? '').slice(0, MAX_LOGGED_PATH);
    whenOver(res, 'log', logger, metrics, () => {
      const durationMs = performance.now() - started;
      const face = faceOf(path);
      const status = res.writableFinished ? res.statusCode : ABORTED;
      metrics.httpCall(face, `${req.method} ${routeOf(req)}`, status, durationMs / 1000);
      if (face === 'probe' && status !== ABORTED && status < 400) return;
      logger.info('HTTP request', { requestId, face, method: req.method, path, status, durationMs: Math.round(durationMs * 100) / 100 });
    });
    next();
  };
}
