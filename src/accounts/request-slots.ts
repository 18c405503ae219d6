/**
 * NetSuite's concurrency governance: at most `limit` SOAP requests of one account in flight at
 * once (5 on a developer account); one more is refused. Counted across every server process on
 * the database, from the moment a request is authenticated until its answer is sent.
 */
export interface RequestSlots {
  /**
   * Takes a slot for the account unless `limit` are taken; returns its release (which may be called
   * more than once, and resolves once the slot is free), or null. With `limit` 0 (no limit) nothing
   * is taken or counted: callers may skip the call then.
   */
  acquire(account: string, limit: number): Promise<(() => Promise<void>) | null>;
  /** Requests of the account in flight now, in every process. */
  inFlight(account: string): Promise<number>;
  /** Gives back this process's slots and stops renewing them. */
  close(): Promise<void>;
}
