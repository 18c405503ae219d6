/**
 * Whether an error means the database could not be reached or did not answer in time, rather
 * than that a statement was wrong: the faces answer it as a temporary failure (NetSuite's
 * ACCT_TEMP_UNAVAILABLE, HTTP 503) that a client may retry, not as an unexpected error.
 */

/** SQLSTATEs of a server that is going away, full, or ended a wait that ran over. */
const UNAVAILABLE_STATES = new Set([
  '53300', // too_many_connections
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
  '57014', // query_canceled: statement_timeout
  '55P03', // lock_not_available: lock_timeout
  '25P03', // idle_in_transaction_session_timeout
]);

const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/** pg's and knex's words for a connection that failed, ended or gave up waiting (knex puts the SQL before them). */
const UNAVAILABLE_MESSAGE =
  /(Query read timeout|Connection terminated|timeout exceeded when trying to connect|timeout expired|Client has encountered a connection error|Client was closed and is not queryable|Knex: Timeout acquiring a connection|the database did not answer in time)/;

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && (UNAVAILABLE_STATES.has(code) || code.startsWith('08') || UNAVAILABLE_ERRNOS.has(code))) return true;
    if (cause.name === 'KnexTimeoutError' || UNAVAILABLE_MESSAGE.test(cause.message)) return true;
  }
  return false;
}

/**
 * Whether a COMMIT that failed this way may still have taken effect: its answer was lost (the
 * connection dropped or the server stalled after it was written). Not when pg never wrote it (the
 * connection was known broken or no connection was had), when the server said why, or when the
 * error has nothing to do with reaching the database.
 */
export function mayHaveCommitted(error: unknown): boolean {
  if (!isDatabaseUnavailable(error)) return false;
  if (NOT_SENT.test(error instanceof Error ? error.message : '')) return false;
  const code = (error as { code?: unknown }).code;
  return !(typeof code === 'string' && UNAVAILABLE_STATES.has(code));
}

const NOT_SENT = /(is not queryable|Knex: Timeout acquiring a connection|timeout exceeded when trying to connect)/;

/**
 * Whether the database could not be reached at all (a connection refused, dropped or stalled), as
 * opposed to a statement it ended for running too long: work that met the first is not at fault.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  if (!isDatabaseUnavailable(error)) return false;
  const code = (error as { code?: unknown }).code;
  return !(typeof code === 'string' && SERVER_ENDED_STATES.has(code));
}

/** Waits the server itself ended: the statement, not the connection, was the trouble. */
const SERVER_ENDED_STATES = new Set(['57014', '55P03', '25P03']);

/** What a client is told while the database is unavailable. */
export const DATABASE_UNAVAILABLE_MESSAGE = 'The service is temporarily unavailable: its database did not answer in time. Please try again shortly.';
