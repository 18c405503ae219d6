/**
 * Typed errors with a code. Only the faces translate them (SOAP faults, HTTP errors), each in one
 * place; anything else that escapes becomes UNEXPECTED_ERROR without details.
 */

/** Codes of platformFaults:asyncFault that the job service raises. */
export const ASYNC_FAULT_CODES = ['INVALID_JOB_ID', 'JOB_NOT_COMPLETE', 'INVALID_PAGE_INDEX', 'USER_ERROR'] as const;
export type AsyncFaultCode = (typeof ASYNC_FAULT_CODES)[number];

export class AsyncJobError extends Error {
  constructor(
    readonly code: AsyncFaultCode,
    message: string,
  ) {
    super(message);
    this.name = 'AsyncJobError';
  }
}

/** Input that breaks a rule; `field` names the offending part (a JSON path or an XML element). */
export class ValidationError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** A request over one of NetSuite's governance limits: too many records, or too soon. */
export class LimitError extends Error {
  constructor(
    readonly limit: 'recordCount' | 'requestRate',
    readonly code: 'MAX_RCRDS_EXCEEDED' | 'WS_REQUEST_BLOCKED',
    message: string,
  ) {
    super(message);
    this.name = 'LimitError';
  }
}

/**
 * A request NetSuite would not let in. `fault` picks the platformFaults element; `reason` says
 * what was wrong for the login audit and is never sent to the caller.
 */
export class AuthError extends Error {
  constructor(
    readonly fault: 'invalidCredentials' | 'invalidSession' | 'insufficientPermission',
    readonly code: 'USER_ERROR' | 'INVALID_LOGIN_CREDENTIALS' | 'LOGIN_DISABLED' | 'SESSION_TIMED_OUT' | 'WS_LOG_IN_REQD' | 'INSUFFICIENT_PERMISSION',
    message: string,
    readonly reason: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

/** Two writers want the same thing: a consumer key or token id that belongs elsewhere, an account that exists. */
export class ConflictError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** NetSuite's status codes for a search that cannot run: answered in its searchResult's status, not as a fault. */
export const SEARCH_ERROR_CODES = [
  'INVALID_SAVED_SRCH',
  'INVALID_SEARCH_FIELD_NAME',
  'INVALID_SEARCH_FIELD_KEY',
  'INVALID_SEARCH_JOIN_ID',
  'INVALID_SEARCH_OPERATOR',
  'INVALID_SEARCH_VALUE',
  'INVALID_SEARCH_PAGE_SIZE',
] as const;
export type SearchErrorCode = (typeof SEARCH_ERROR_CODES)[number];

/** A search that cannot run, named by NetSuite's code: search answers the code in its status; asyncSearch's job fails with it. */
export class SearchError extends Error {
  constructor(
    readonly code: SearchErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SearchError';
  }
}
