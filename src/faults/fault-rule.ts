/** The platformFaults elements a SOAP fault's detail can carry (NetSuite's faults, by element name). */
export const FAULT_ELEMENTS = [
  'asyncFault',
  'invalidSessionFault',
  'invalidCredentialsFault',
  'insufficientPermissionFault',
  'exceededRequestLimitFault',
  'exceededConcurrentRequestLimitFault',
  'exceededRecordCountFault',
  'exceededRequestSizeFault',
  'exceededUsageLimitFault',
  'unexpectedErrorFault',
] as const;
export type FaultElement = (typeof FAULT_ELEMENTS)[number];

/**
 * Injected faults: a rule makes SOAP calls of one account and operation (and, optionally, about
 * one job) answer something other than the truth: a NetSuite fault, an HTTP 503, the real answer
 * late, or nothing at all (the connection is dropped). A rule takes effect on every matching call,
 * or on a seeded fraction of them (`probability`), until it has fired `count` times or `until`
 * has passed, whichever comes first.
 */

/** FaultCodeType as the served faultTypes.xsd enumerates it: an injected fault's answer must validate. */
export const FAULT_CODES = [
  'ACCT_TEMP_UNAVAILABLE',
  'INSUFFICIENT_PERMISSION',
  'INVALID_ACCT',
  'INVALID_JOB_ID',
  'INVALID_LOGIN_CREDENTIALS',
  'INVALID_PAGE_INDEX',
  'INVALID_ROLE',
  'JOB_NOT_COMPLETE',
  'LOGIN_DISABLED',
  'MAX_RCRDS_EXCEEDED',
  'SESSION_TIMED_OUT',
  'UNEXPECTED_ERROR',
  'UNSUPPORTED_WS_VERSION',
  'USER_ERROR',
  'WS_CONCUR_SESSION_DISALLWD',
  'WS_LOG_IN_REQD',
  'WS_REQUEST_BLOCKED',
] as const;
export type FaultCode = (typeof FAULT_CODES)[number];

export type FaultEffect =
  { type: 'fault'; element: FaultElement; code: FaultCode; message: string } | { type: 'http503'; retryAfterSeconds: number } | { type: 'delay'; ms: number } | { type: 'drop' };

export interface NewFaultRule {
  /** Normalized (normalizeAccountId). */
  account: string;
  operation: string;
  jobId: string | null;
  effect: FaultEffect;
  count: number | null;
  probability: number | null;
  seed: number;
  until: Date | null;
}

export interface FaultRule extends NewFaultRule {
  id: number;
  /** Matching calls the rule has seen (its probability draws are numbered by this). */
  matched: number;
  /** Calls it took effect on. */
  fired: number;
  createdAt: Date;
}

/** Whether the rule can still take effect at `now`. */
export const isActive = (rule: FaultRule, now: Date): boolean => (rule.count === null || rule.fired < rule.count) && (rule.until === null || rule.until.getTime() > now.getTime());

/** The rules' table (src/db/pg-fault-rules.ts). */
export interface FaultRuleStore {
  create(rule: NewFaultRule, now: Date): Promise<FaultRule>;
  list(): Promise<FaultRule[]>;
  /** Rules that can still take effect at `now`, oldest first. */
  active(now: Date): Promise<FaultRule[]>;
  /** False when there was no such rule. */
  delete(id: number): Promise<boolean>;
  clear(): Promise<number>;
  /** A number that changes whenever rules are added or removed, by any process. */
  version(): Promise<number>;
  /**
   * Counts one matching call against the rule and draws whether it fires, in one guarded UPDATE:
   * undefined when the rule is gone, spent or expired (another process may have used it up).
   */
  consume(id: number, now: Date): Promise<{ fired: boolean } | undefined>;
}

/** NetSuite's words for the faults a connector's retry logic looks for; others get a generic one. */
const DEFAULT_MESSAGES: Record<string, string> = {
  WS_REQUEST_BLOCKED: 'SuiteTalk concurrent request limit exceeded. Request blocked.',
  WS_CONCUR_SESSION_DISALLWD: 'Only one request may be made against a session at a time',
  SESSION_TIMED_OUT: 'Your connection has timed out. Please log in again.',
  WS_LOG_IN_REQD: 'You must log in before performing a web service operation.',
  UNEXPECTED_ERROR: 'An unexpected error occurred.',
  USER_ERROR: 'Invalid login attempt.',
  INVALID_LOGIN_CREDENTIALS: 'You have entered an invalid email address or password. Please try again.',
  INSUFFICIENT_PERMISSION: 'You do not have permission to perform this operation.',
};

export const defaultFaultMessage = (code: string): string => DEFAULT_MESSAGES[code] ?? `The request failed (${code}).`;
