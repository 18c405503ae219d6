import type { Account } from './account';
import type { AccountDetails, AccountStore, LoginFailure, PassportCredentials, TokenCredentials } from './account-store';

/**
 * An AccountStore that remembers token and account look-ups for `ttlMs`, so a polling client's
 * requests do not each read its credentials again. Any change made through it forgets everything
 * at once, so this process sees its own admin changes immediately; a change made by another
 * process on the same database is seen within `ttlMs`. Nonces, passwords and the audit always go
 * to the store. Requests that miss together share one look-up: when an entry expires under a
 * polling storm, its account is read once, not once for every connection waiting on it.
 */
export class CachedAccountStore implements AccountStore {
  private readonly tokens = new Map<string, { at: number; value: TokenCredentials | undefined }>();
  private readonly accounts = new Map<string, { at: number; value: Account | undefined }>();
  /** Look-ups under way, by cache and key, shared by whoever asks meanwhile. */
  private readonly loading = new Map<Map<string, unknown>, Map<string, Promise<unknown>>>();
  /** Bumped by every change: a look-up that began before one is not remembered. */
  private generation = 0;

  constructor(
    private readonly inner: AccountStore,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  findToken(tokenId: string): Promise<TokenCredentials | undefined> {
    return this.remembered(this.tokens, tokenId, () => this.inner.findToken(tokenId));
  }

  findAccount(id: string): Promise<Account | undefined> {
    return this.remembered(this.accounts, id, () => this.inner.findAccount(id));
  }

  findPassportUser(account: string, email: string): Promise<PassportCredentials | undefined> {
    return this.inner.findPassportUser(account, email);
  }

  useNonce(tokenId: string, nonce: string, expiresAt: Date, now: Date): Promise<boolean> {
    return this.inner.useNonce(tokenId, nonce, expiresAt, now);
  }

  recordLoginFailure(failure: LoginFailure): Promise<void> {
    return this.inner.recordLoginFailure(failure);
  }

  loginFailures(filter: { account?: string; limit: number }): Promise<LoginFailure[]> {
    return this.inner.loginFailures(filter);
  }

  listAccounts(): Promise<Account[]> {
    return this.inner.listAccounts();
  }

  accountDetails(id: string): Promise<AccountDetails | undefined> {
    return this.inner.accountDetails(id);
  }

  saveAccount(...args: Parameters<AccountStore['saveAccount']>) {
    return this.changing(() => this.inner.saveAccount(...args));
  }

  deleteAccount(id: string) {
    return this.changing(() => this.inner.deleteAccount(id));
  }

  saveIntegration(...args: Parameters<AccountStore['saveIntegration']>) {
    return this.changing(() => this.inner.saveIntegration(...args));
  }

  setIntegrationEnabled(consumerKey: string, enabled: boolean) {
    return this.changing(() => this.inner.setIntegrationEnabled(consumerKey, enabled));
  }

  saveToken(...args: Parameters<AccountStore['saveToken']>) {
    return this.changing(() => this.inner.saveToken(...args));
  }

  revokeToken(tokenId: string, now: Date) {
    return this.changing(() => this.inner.revokeToken(tokenId, now));
  }

  saveUser(...args: Parameters<AccountStore['saveUser']>) {
    return this.changing(() => this.inner.saveUser(...args));
  }

  deleteUser(account: string, email: string) {
    return this.changing(() => this.inner.deleteUser(account, email));
  }

  private async remembered<T>(cache: Map<string, { at: number; value: T }>, key: string, load: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return load();
    const now = this.now();
    const hit = cache.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    let loads = this.loading.get(cache);
    if (!loads) this.loading.set(cache, (loads = new Map()));
    const pending = loads.get(key);
    if (pending) return pending as Promise<T>;
    const generation = this.generation;
    let started: Promise<T>;
    try {
      started = load();
    } catch (error) {
      // One that throws before it returns a promise is not kept for others.
      return Promise.reject(error);
    }
    const loaded: Promise<T> = started
      .then((value) => {
        if (generation !== this.generation) return value;
        // Unknown ids are remembered too (a bad client repeating itself), but the map stays bounded.
        if (cache.size >= MAX_ENTRIES) cache.clear();
        cache.set(key, { at: now, value });
        return value;
      })
      .finally(() => {
        // A change meanwhile has already let go of it (forget); a later look-up is not this one's.
        if (loads.get(key) === loaded) loads.delete(key);
      });
    loads.set(key, loaded);
    return loaded;
  }

  private async changing<T>(change: () => Promise<T>): Promise<T> {
    // Forget before and after: a look-up racing the change is not remembered.
    this.forget();
    try {
      return await change();
    } finally {
      this.forget();
    }
  }

  /** Forgets every account and token it remembers: after a change made beside it (a reset). */
  forget(): void {
    this.generation++;
    this.tokens.clear();
    this.accounts.clear();
    // A look-up that began before the change is not handed to those who ask after it.
    this.loading.clear();
  }
}

const MAX_ENTRIES = 10_000;
