/**
 * Rows that a request holds while it runs (a request slot, a busy session), each with a lease in
 * the database that this process renews only while the request still runs. A dead process's rows
 * lapse once their lease runs out; so do the rows of a request whose release failed (the database
 * was restarting, too many clients): they are no longer renewed, and their release is tried again
 * at every renewal until it goes through.
 */

export interface LeaseRows<T> {
  /** Extends the lease of these holds. */
  renew(holds: T[]): Promise<void>;
  /** Frees one hold. */
  vacate(hold: T): Promise<void>;
}

export class HeldLeases<T> {
  private readonly held = new Set<T>();
  /** Holds whose release failed, by when their lease has surely run out (no need to try past it). */
  private readonly unreleased = new Map<T, number>();
  private readonly timer: NodeJS.Timeout;
  /** A renewal under way: the next tick is skipped rather than stacked on it while the database stalls. */
  private renewing = false;

  constructor(
    private readonly rows: LeaseRows<T>,
    private readonly leaseSeconds: number,
    private readonly onError: (error: unknown) => void,
  ) {
    // Three renewals a lease: one missed (a slow or failed statement) does not let a live hold lapse.
    this.timer = setInterval(
      () => {
        if (this.renewing) return;
        this.renewing = true;
        void this.renewAll().finally(() => (this.renewing = false));
      },
      (leaseSeconds * 1000) / 3,
    );
    this.timer.unref();
  }

  hold(hold: T): void {
    this.held.add(hold);
  }

  /** Stops renewing the hold at once, then frees it; a release that fails is tried again later. */
  async release(hold: T): Promise<void> {
    if (!this.held.delete(hold)) return;
    try {
      await this.rows.vacate(hold);
    } catch (error) {
      this.unreleased.set(hold, Date.now() + this.leaseSeconds * 1000);
      this.report(error);
    }
  }

  /** Holds not released yet: renewed ones and those whose release failed. */
  get size(): number {
    return this.held.size + this.unreleased.size;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private async renewAll(): Promise<void> {
    for (const [hold, lapsesAt] of [...this.unreleased]) {
      try {
        if (Date.now() < lapsesAt) await this.rows.vacate(hold);
        this.unreleased.delete(hold);
      } catch (error) {
        this.report(error);
        break;
      }
    }
    if (this.held.size === 0) return;
    try {
      await this.rows.renew([...this.held]);
    } catch (error) {
      this.report(error);
    }
  }

  /** A listener that throws must not turn into an unhandled rejection (it would end the process). */
  private report(error: unknown): void {
    try {
      this.onError(error);
    } catch {
      // Nothing is left to tell.
    }
  }
}
