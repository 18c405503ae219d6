import { normalizeAccountId } from '../jobs/account-id';

/**
 * NetSuite's concurrency governance: at most `limit` SOAP requests of one account in flight at
 * once (5 on a developer account); one more is refused. Counted in this process, from the moment
 * the request's account is known until its answer is sent.
 */
export class ConcurrencyLimit {
  private readonly inFlight = new Map<string, number>();

  /** `limit` 0 switches the limit off. */
  constructor(private readonly limit: number) {}

  /** Takes a slot for the account; returns its release, or null when the account is at its limit. */
  acquire(account: string): (() => void) | null {
    const key = normalizeAccountId(account);
    const current = this.inFlight.get(key) ?? 0;
    if (this.limit > 0 && current >= this.limit) return null;
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
