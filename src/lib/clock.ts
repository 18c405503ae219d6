/**
 * One clock for the whole service. Every stored timestamp (submitted, started, finished, progress
 * samples, expiry) comes from this clock, never from the database's now(), so that tests and the
 * progress math can run on a clock they control.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that moves only when told; used by tests and for deterministic scenarios. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date | string = '2026-01-15T10:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(seconds: number): void {
    this.current += Math.round(seconds * 1000);
  }

  /** Sets the clock to `at`, as when a restart resumes a stored manual clock. */
  set(at: Date): void {
    this.current = at.getTime();
  }

  /** Moves the clock to `at`; it never goes back, so stored times stay in order. */
  moveTo(at: Date): void {
    this.current = Math.max(this.current, at.getTime());
  }
}
