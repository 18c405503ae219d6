import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Request, RequestHandler } from 'express';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import { ABORTED, type AnswerStatus } from '../lib/answer-status';
import { rawBodyOf } from '../lib/raw-body';
import { REQUEST_ID_HEADER, requestIdOf } from '../lib/request-id';
import type { EndedCall, Face, ServedCall } from '../lib/served-call';
import { faceOf } from './routes';
import type { SideWork } from './service-metrics';

/**
 * One lifecycle for every call, whatever its face: begin() makes its record and gives it a request
 * id (echoed in X-Request-Id), the face fills the record in, and end() hands it to the listeners
 * (the log line, the metrics, the request journal). A SOAP call ends when the endpoint has settled
 * it; a call to the express app when its response closes (answered, or its client gone).
 */

export interface CallListener {
  /** What the listener does, for the count of its failures. */
  readonly work: SideWork;
  /** A call began (the journal taps a JSON face's answer here). */
  begun?(call: ServedCall, res: ServerResponse): void;
  /** A call is over. */
  ended(call: EndedCall): void;
}

/** A path is the caller's text: cut, so a line stays a line. */
const MAX_PATH = 256;
const PATH_ID = /\/(?:jobs|asyncprocesses|execution_tracker)\/([^/]+)/;

export class CallLifecycle {
  constructor(
    private readonly clock: Clock,
    private readonly listeners: readonly CallListener[],
    private readonly logger: Logger,
    private readonly failures: { sideWorkFailed(work: SideWork): void },
  ) {}

  begin(req: IncomingMessage, res: ServerResponse, face: Face): ServedCall {
    const requestId = requestIdOf(req);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const path = ((req.url ?? '').split('?')[0] ?? '').slice(0, MAX_PATH);
    const call: ServedCall = { requestId, face, at: this.clock.now(), started: performance.now(), method: req.method ?? '', path, headers: req.headers };
    for (const listener of this.listeners) if (listener.begun) this.guarded(listener.work, requestId, () => listener.begun!(call, res));
    return call;
  }

  /**
   * Hands the call to every listener. This runs where nothing would catch an error (a socket's
   * event), so a listener's error is logged and counted, and the others still hear of the call.
   */
  end(call: ServedCall, status: AnswerStatus, sentStatus: number | null): void {
    const ended: EndedCall = Object.assign(call, { status, sentStatus, durationMs: performance.now() - call.started });
    for (const listener of this.listeners) this.guarded(listener.work, call.requestId, () => listener.ended(ended));
  }

  /** The lifecycle for the express app: what express learned of the call is read when its response closes. */
  expressCalls(): RequestHandler {
    return (req, res, next) => {
      // The original path: routers rewrite req.url on the way down.
      const call = this.begin(req, res, faceOf((req.originalUrl.split('?')[0] ?? '').slice(0, MAX_PATH)));
      res.locals.requestId = call.requestId;
      res.once('close', () => {
        this.guarded('log', call.requestId, () => learnedFromExpress(call, req));
        this.end(call, res.writableFinished ? res.statusCode : ABORTED, res.headersSent ? res.statusCode : null);
      });
      next();
    };
  }

  private guarded(work: SideWork, requestId: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      try {
        this.logger.error('request side work failed', { work, requestId, error });
        this.failures.sideWorkFailed(work);
      } catch {
        // The logger or the metrics are what failed: nothing is left to tell.
      }
    }
  }
}

/** The route that answered, the account the request authenticated as (json/caller.ts), its body as read and the job it names. */
function learnedFromExpress(call: ServedCall, req: Request): void {
  const pattern: unknown = req.route?.path;
  if (pattern !== undefined) call.route = pattern instanceof RegExp ? pattern.source : String(pattern);
  const account: unknown = req.res?.locals.account;
  if (typeof account === 'string') call.account = account;
  const raw = rawBodyOf(req);
  if (raw?.length) call.requestBody = raw;
  call.requestBytes = Number(req.headers['content-length'] ?? 0) || (raw?.length ?? 0);
  call.jobId = jobIdOf(req, call.path);
}

/** The job id in the path, or a ServiceNow form's execution id. */
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
