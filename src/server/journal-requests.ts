import { performance } from 'node:perf_hooks';
import type { Request, RequestHandler } from 'express';
import type { Clock } from '../lib/clock';
import type { RequestJournal } from '../journal/request-journal';
import type { JournalFace } from '../journal/journal-entry';
import type { Logger } from '../lib/logger';
import { captureAnswer } from '../journal/answer-capture';
import { rawBodyOf } from '../lib/raw-body';
import { faceOf, whenOver, type HttpMetrics } from './request-log';

/**
 * Records every request to the JSON faces (progress API, ServiceNow, Salesforce) in the request
 * journal once answered. The admin API, the dashboard, schemas and probes are left out: they are
 * the tester's own calls, not the client's, and admin bodies carry credentials. The body is kept
 * as its parser read it (none when nothing read it), never serialised again from what was parsed,
 * which would walk whatever a caller nested; the operation is the method and the route the
 * request took (its pattern, so ids do not make every call an operation of its own); the account
 * is the one the request authenticated as (src/json/caller.ts notes it), and the job id the one
 * in its path, else the one its answer names.
 */

const JOURNALED: Partial<Record<string, JournalFace>> = { progress: 'progress', servicenow: 'servicenow', salesforce: 'salesforce' };
/** Where each face's router is mounted: routes are patterns within it. */
const MOUNTS: Record<string, string> = { progress: '/progress', servicenow: '', salesforce: '/v1/asyncprocesses' };
const PATH_ID = /\/(?:jobs|asyncprocesses|execution_tracker)\/([^/]+)/;
const ANSWER_ID = /^\{"id":"((?:[^"\\]|\\.){1,200})"/;
const MAX_PATH = 256;

export function journalRequests(journal: RequestJournal, clock: Clock, logger: Logger, metrics: HttpMetrics): RequestHandler {
  return (req, res, next) => {
    const path = (req.originalUrl.split('?')[0] ?? '').slice(0, MAX_PATH);
    const face = JOURNALED[faceOf(path)];
    if (!face) return next();
    const started = performance.now();
    const at = clock.now();
    const answer = captureAnswer(res, journal.options.maxBodyBytes);
    whenOver(res, 'journal', logger, metrics, () => {
      const raw = rawBodyOf(req);
      const body = raw?.length ? raw : null;
      journal.record({
        at,
        requestId: String(res.locals.requestId ?? ''),
        face,
        account: typeof res.locals.account === 'string' ? res.locals.account : null,
        operation: operationOf(req, face, path),
        method: req.method,
        path,
        headers: req.headers,
        requestBody: body,
        requestBytes: Number(req.headers['content-length'] ?? 0) || (body?.length ?? 0),
        status: res.headersSent ? res.statusCode : null,
        answer,
        faultCode: null,
        durationMs: performance.now() - started,
        jobId: jobIdOf(req, path) ?? answerJobId(answer.text()),
      });
    });
    next();
  };
}

function operationOf(req: Request, face: JournalFace, path: string): string {
  const pattern: unknown = req.route?.path;
  if (pattern === undefined) return `${req.method} ${path}`;
  return `${req.method} ${MOUNTS[face]}${pattern instanceof RegExp ? pattern.source : String(pattern)}`;
}

function jobIdOf(req: Request, path: string): string | undefined {
  const inPath = PATH_ID.exec(path)?.[1];
  if (inPath !== undefined) {
    try {
      return decodeURIComponent(inPath);
    } catch {
      return inPath;
    }
  }
  const execution = (req.body as Record<string, unknown> | undefined)?.sysparm_execution_id;
  return typeof execution === 'string' && execution !== '' ? execution : undefined;
}

function answerJobId(text: string): string | undefined {
  const quoted = ANSWER_ID.exec(text)?.[1];
  if (quoted === undefined) return undefined;
  try {
    return JSON.parse(`"${quoted}"`) as string;
  } catch {
    return undefined;
  }
}
