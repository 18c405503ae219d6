import pg from 'pg';

/**
 * How long anything may wait on a Postgres server, on every connection the service opens. The
 * server ends a statement, a lock wait or an idle transaction that runs over; the client gives up
 * on a connect, and on a statement the server never answers (its processes stopped, a network
 * that swallows packets), a second after the server would have ended it.
 */
export interface DatabaseWaits {
  connectMs: number;
  statementMs: number;
  lockMs: number;
  idleInTransactionMs: number;
}

/** Defaults that keep a poll's answer within a few seconds when the database stalls. */
export const DEFAULT_WAITS: DatabaseWaits = { connectMs: 5000, statementMs: 5000, lockMs: 3000, idleInTransactionMs: 30_000 };

/** The client's own give-up comes this long after the server's, so a server that answers ends it first. */
const CLIENT_MARGIN_MS = 1000;

/** pg's connection settings for the waits (pg.Client and pg.Pool take the same names); 0 is no bound. */
export function waitSettings(waits: DatabaseWaits): pg.ClientConfig {
  return {
    connectionTimeoutMillis: waits.connectMs,
    statement_timeout: waits.statementMs,
    lock_timeout: waits.lockMs,
    idle_in_transaction_session_timeout: waits.idleInTransactionMs,
    ...(waits.statementMs > 0 ? { query_timeout: waits.statementMs + CLIENT_MARGIN_MS } : {}),
  };
}

/** Migrations may rewrite large tables and wait for other processes' locks: no bound but the connect. */
export const maintenanceWaits = (waits: DatabaseWaits): DatabaseWaits => ({ ...waits, statementMs: 0, lockMs: 0, idleInTransactionMs: 0 });

const READ_TIMEOUT = 'Query read timeout';

/**
 * A pg client whose connection is closed when a statement's answer does not come in time. pg's
 * own read timeout answers the caller but keeps the connection, with the statement still queued
 * on the server: the next caller's statement would wait behind it, and a transaction's later
 * ROLLBACK could never reach it. Closed, the server ends the transaction it was in (uncommitted)
 * as soon as it runs again, and the pool opens a fresh connection.
 */
export class BoundedClient extends pg.Client {
  override query(...args: unknown[]): never {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (error: Error | null, result: unknown) => {
        if (error?.message === READ_TIMEOUT) this.closeStuck();
        (callback as (error: Error | null, result: unknown) => void)(error, result);
      };
      return (super.query as (...all: unknown[]) => never)(...args);
    }
    const answer = (super.query as (...all: unknown[]) => unknown)(...args);
    if (answer instanceof Promise) {
      answer.catch((error: unknown) => {
        if ((error as Error | undefined)?.message === READ_TIMEOUT) this.closeStuck();
      });
    }
    return answer as never;
  }

  /**
   * With a statement still active, pg's end() destroys the socket rather than wait for the server.
   * knex is told at once (it hears of the end only a turn later), so the pool it goes back to
   * in this same turn does not hand it to the next caller.
   */
  private closeStuck(): void {
    (this as { __knex__disposed?: string }).__knex__disposed = 'the database did not answer in time';
    this.end().catch(() => undefined);
  }
}

/** pg with BoundedClient in place of Client, for knex (which builds clients from its driver). */
export const boundedDriver = { ...pg, Client: BoundedClient };
