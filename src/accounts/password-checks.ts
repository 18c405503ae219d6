import { passwordMatches } from './token-passport';

/**
 * Password checks (scrypt, ~40 ms of CPU each) run on libuv's threadpool, a few at a time: guesses
 * must hold neither the event loop nor every thread of the pool (4 by default), which dns look-ups
 * and file reads share. Beyond the ones running and a short line waiting, a check is refused at once.
 */

export interface PasswordCheckLimits {
  /** Checks running at once: half of libuv's default pool, so other work keeps two threads. */
  atOnce: number;
  /** Checks waiting for one of those; more are refused rather than queued without bound. */
  waiting: number;
}

export const DEFAULT_PASSWORD_CHECK_LIMITS: PasswordCheckLimits = { atOnce: 2, waiting: 32 };

export class PasswordChecks {
  private running = 0;
  private readonly line: Array<() => void> = [];

  constructor(
    private readonly limits: PasswordCheckLimits = DEFAULT_PASSWORD_CHECK_LIMITS,
    private readonly check: (password: string, stored: string) => Promise<boolean> = passwordMatches,
  ) {}

  /** Whether the password matches the stored hash; undefined, without checking, when too many checks are under way. */
  async matches(password: string, stored: string): Promise<boolean | undefined> {
    if (this.running < this.limits.atOnce) {
      this.running++;
    } else {
      if (this.line.length >= this.limits.waiting) return undefined;
      // The check that finishes hands its place over: `running` stays as it is.
      await new Promise<void>((resolve) => this.line.push(resolve));
    }
    try {
      return await this.check(password, stored);
    } finally {
      const next = this.line.shift();
      if (next) next();
      else this.running--;
    }
  }
}
