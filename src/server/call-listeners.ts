import type { Logger } from '../lib/logger';
import { ABORTED } from '../lib/answer-status';
import { captureAnswer, type CapturedAnswer } from '../lib/answer-capture';
import type { EndedCall, Face } from '../lib/served-call';
import type { RequestJournal } from '../journal/request-journal';
import type { JournalFace } from '../journal/journal-entry';
import type { CallListener } from './call-lifecycle';
import { ROUTES, routeOfFace } from './routes';
import type { ServiceMetrics } from './service-metrics';

/** The log line of every call: SOAP calls with their operation, account and fault; others with face, method and path. Probes that succeed are not logged. */
export function logCalls(logger: Logger): CallListener {
  return {
    work: 'log',
    ended(call) {
      const durationMs = Math.round(call.durationMs * 100) / 100;
      if (call.face === 'soap') {
        const { requestId, version, operation, account, status, faultCode } = call;
        logger.info('SOAP call', { requestId, version, operation, account, status, faultCode, durationMs });
        return;
      }
      if (call.face === 'probe' && call.status !== ABORTED && call.status < 400) return;
      logger.info('HTTP request', { requestId: call.requestId, face: call.face, method: call.method, path: call.path, status: call.status, durationMs });
    },
  };
}

/** Counts and times every call: SOAP by operation and fault, the others by face and route. */
export function countCalls(metrics: ServiceMetrics): CallListener {
  return {
    work: 'log',
    ended(call) {
      const seconds = call.durationMs / 1000;
      if (call.face === 'soap') metrics.soapCall(call.operation ?? 'unknown', call.status, call.faultCode, seconds);
      else metrics.httpCall(call.face, `${call.method} ${call.route ?? '(no route)'}`, call.status, seconds);
    },
  };
}

const JOURNALED = new Set<Face>(['soap', ...ROUTES.filter((route) => route.journaled).map((route) => route.face)]);
const ANSWER_ID = /^\{"id":"((?:[^"\\]|\\.){1,200})"/;

/**
 * Keeps the client's calls in the request journal: SOAP and the progress, ServiceNow and Salesforce
 * faces. The admin API, the dashboard, schemas and probes are left out: they are the tester's own
 * calls, and admin bodies carry credentials. A JSON face's body is kept as its parser read it, never
 * serialised again from what was parsed; its operation is the method and the route's pattern (so ids
 * do not make every call an operation of its own), its job id the one in its path, else its answer's.
 */
export function journalCalls(journal: RequestJournal): CallListener {
  const maxBytes = journal.options.maxBodyBytes;
  return {
    work: 'journal',
    begun(call, res) {
      if (call.face !== 'soap' && JOURNALED.has(call.face)) call.answer = captureAnswer(res, maxBytes);
    },
    ended(call) {
      if (!JOURNALED.has(call.face)) return;
      const face = call.face as JournalFace;
      const answer = call.answer === undefined ? null : typeof call.answer === 'string' || Buffer.isBuffer(call.answer) ? wholeAnswer(call.answer, maxBytes) : call.answer;
      journal.keep({
        at: call.at,
        requestId: call.requestId,
        face,
        account: call.account ?? null,
        operation: face === 'soap' ? (call.operation ?? 'unknown') : jsonOperation(call, face),
        method: call.method,
        path: call.path,
        headers: call.headers,
        requestBody: call.requestBody ?? null,
        requestBytes: call.requestBytes ?? Number(call.headers['content-length'] ?? 0),
        status: call.sentStatus,
        answer,
        faultCode: call.faultCode ?? null,
        durationMs: call.durationMs,
        injected: call.injected ?? null,
        jobId: face === 'soap' ? call.jobId : (call.jobId ?? answerJobId(answer?.text() ?? '')),
      });
    },
  };
}

/** An answer written as one piece, as the journal takes it: its size, and its text up to the cap. */
function wholeAnswer(payload: string | Buffer, maxBytes: number): CapturedAnswer {
  return {
    bytes: Buffer.byteLength(payload),
    text: () => (typeof payload === 'string' ? payload : payload.toString('utf8', 0, Math.min(payload.length, maxBytes))),
  };
}

function jsonOperation(call: EndedCall, face: Exclude<JournalFace, 'soap'>): string {
  if (call.route === undefined) return `${call.method} ${call.path}`;
  return `${call.method} ${routeOfFace(face).mounts[0]}${call.route}`;
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
