import type { IncomingHttpHeaders } from 'node:http';
import type { CapturedAnswer } from './answer-capture';
import type { AnswerStatus } from './answer-status';

/** Which face a request came in through (the server's route table says which paths are whose). */
export type Face = 'soap' | 'admin' | 'progress' | 'servicenow' | 'salesforce' | 'schemas' | 'probe' | 'ui' | 'other';

/**
 * One call as the server saw it, as WireMock's ServeEvent: made when the request arrives, filled in
 * by the face as its answer is worked out, and handed, once over, to the listeners (the log line,
 * the metrics, the request journal). A face writes what it learns here and nothing else about the call.
 */
export interface ServedCall {
  readonly requestId: string;
  readonly face: Face;
  /** When it arrived: on the service's clock (the journal's time), and on the performance clock (its duration). */
  readonly at: Date;
  readonly started: number;
  readonly method: string;
  /** The path without its query, cut to a length a log line holds. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The SuiteTalk version of a SOAP call. */
  version?: string;
  /** A SOAP call's operation (`wsdl` for a WSDL read, `unknown` until one is known). */
  operation?: string;
  /** The pattern of the JSON route that answered, within its face's router; none when no route did. */
  route?: string;
  /** The account it acted for once authenticated, else the one its credentials claimed. */
  account?: string;
  /** The platformFaults code of a SOAP fault, or its faultcode when it has no detail. */
  faultCode?: string;
  /** The job the request names, when the face knows it. */
  jobId?: string;
  /** The injected-fault rule that answered or delayed the call. */
  injected?: { ruleId: number; effect: string };
  /** The body as read (as text once decoded), and its size. */
  requestBody?: string | Buffer;
  requestBytes?: number;
  /** The answer as written: whole (SOAP builds each answer as one piece), or tapped from the response. */
  answer?: string | Buffer | CapturedAnswer;
}

/** A call that is over: its HTTP status (or `aborted`) and how long it took. */
export interface EndedCall extends ServedCall {
  /** For the log and the metrics: `aborted` unless the whole answer was handed to the client. */
  readonly status: AnswerStatus;
  /** For the journal: the status line the server sent, reached the client or not; null when none was. */
  readonly sentStatus: number | null;
  readonly durationMs: number;
}
