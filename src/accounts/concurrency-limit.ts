import { normalizeAccountId } from '../jobs/account-id';

/**
 * NetSuite's concurrency governance: at most `limit` SOAP requests of one account in flight at
 * once (5 on a developer account); one more is refused. Counted in this process, from the moment
 * the request is authenticated until its answer is sent.
 */
export class ConcurrencyLimit {
  private readonly inFlight = new Map<string, number>();

  /** Requests of the account in flight in this process now. */
  inFlightFor(account: string): number {
    return this.inFlight.get(normalizeAccountId(account)) ?? 0;
  }

  /** Takes a slot for the account; returns its release, or null when the account is at `limit` (0: no limit). */
  acquire(account: string, limit: number): (() => void) | null {
    const key = normalizeAccountId(account);
    const current = this.inFlight.get(key) ?? 0;
    if (limit > 0 && current >= limit) return null;
    this.inFlight.set(key, current + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left === 0) this.inFlight.delete(key);
      else this.inFlight.set(key, left);
    };
  }
}
