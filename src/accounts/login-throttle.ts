/**
 * Failed passport logins, counted per account and per client address in fixed windows, kept in
 * this process's memory (each process counts its own; a restart forgets). An account or address
 * at its limit is refused until its window ends, before any password is checked.
 */

export interface FailedLoginLimits {
  /** Failures naming one account within the window before its passports are refused; 0: no limit. */
  perAccount: number;
  /** Failures from one client address within the window before its passports are refused; 0: no limit. */
  perAddress: number;
  windowSeconds: number;
}

export const DEFAULT_FAILED_LOGIN_LIMITS: FailedLoginLimits = { perAccount: 10, perAddress: 100, windowSeconds: 900 };

/** Accounts (and, apart, addresses) remembered at most: guesses naming random accounts cannot grow memory past it. */
export const MAX_REMEMBERED = 10_000;

export interface LoginRefusal {
  by: 'account' | 'address';
  /** When the window ends, in milliseconds since the epoch. */
  until: number;
}

/** Failures per key in windows that start at a key's first failure; the map keeps windows in the order they end. */
class WindowCounts {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly remembered: number,
  ) {}

  get size(): number {
    return this.windows.size;
  }

  /** When the key's window ends if the key is at its limit; undefined when it may try. */
  blockedUntil(key: string | undefined, now: number): number | undefined {
    if (key === undefined || this.limit <= 0) return undefined;
    const window = this.windows.get(key);
    return window && window.endsAt > now && window.count >= this.limit ? window.endsAt : undefined;
  }

  add(key: string | undefined, now: number): void {
    if (key === undefined || this.limit <= 0) return;
    const window = this.windows.get(key);
    if (window && window.endsAt > now) {
      window.count++;
      return;
    }
    this.windows.delete(key);
    this.forgetEnded(now);
    if (this.windows.size >= this.remembered) this.windows.delete(this.windows.keys().next().value!);
    this.windows.set(key, { count: 1, endsAt: now + this.windowMs });
  }

  /** Takes back a failure counted ahead of a check that turned out not to be one. */
  remove(key: string | undefined): void {
    const window = key === undefined ? undefined : this.windows.get(key);
    if (window && --window.count <= 0) this.windows.delete(key!);
  }

  private forgetEnded(now: number): void {
    for (const [key, window] of this.windows) {
      if (window.endsAt > now) return;
      this.windows.delete(key);
    }
  }
}

export class LoginThrottle {
  private readonly accounts: WindowCounts;
  private readonly addresses: WindowCounts;

  constructor(
    readonly limits: FailedLoginLimits,
    private readonly now: () => number,
    remembered = MAX_REMEMBERED,
  ) {
    this.accounts = new WindowCounts(limits.perAccount, limits.windowSeconds * 1000, remembered);
    this.addresses = new WindowCounts(limits.perAddress, limits.windowSeconds * 1000, remembered);
  }

  /** Accounts and addresses remembered, for tests of the bound. */
  get remembered(): { accounts: number; addresses: number } {
    return { accounts: this.accounts.size, addresses: this.addresses.size };
  }

  /**
   * Refuses an attempt whose account or address is at its limit; otherwise counts it as failed
   * already, so that concurrent guesses cannot pass the limit together. `forgive` takes it back
   * when it turns out not to be a failed guess.
   */
  admit(account: string | undefined, address: string | undefined): LoginRefusal | undefined {
    const now = this.now();
    const accountUntil = this.accounts.blockedUntil(account, now);
    if (accountUntil !== undefined) return { by: 'account', until: accountUntil };
    const addressUntil = this.addresses.blockedUntil(address, now);
    if (addressUntil !== undefined) return { by: 'address', until: addressUntil };
    this.accounts.add(account, now);
    this.addresses.add(address, now);
    return undefined;
  }

  forgive(account: string | undefined, address: string | undefined): void {
    this.accounts.remove(account);
    this.addresses.remove(address);
  }
}
