import type { AccountStore, TokenCredentials } from '../../src/accounts/account-store';
import { CachedAccountStore } from '../../src/accounts/cached-account-store';

/** A store that counts its reads and answers what `tokens` holds now. */
function countingStore(tokens: Map<string, string>) {
  const reads = { token: 0 };
  let gate: Promise<void> = Promise.resolve();
  const store = {
    findToken: async (tokenId: string) => {
      reads.token++;
      const secret = tokens.get(tokenId);
      await gate;
      return secret === undefined ? undefined : ({ tokenSecret: secret } as TokenCredentials);
    },
    revokeToken: async (tokenId: string) => tokens.delete(tokenId),
  } as unknown as AccountStore;
  return { store, reads, hold: (promise: Promise<void>) => (gate = promise) };
}

describe('CachedAccountStore', () => {
  it('answers repeated look-ups within the time to live from memory, and reads again after it', async () => {
    let now = 0;
    const { store, reads } = countingStore(new Map([['t1', 's1']]));
    const cached = new CachedAccountStore(store, 1000, () => now);
    for (let i = 0; i < 5; i++) expect((await cached.findToken('t1'))?.tokenSecret).toBe('s1');
    expect(reads.token).toBe(1);
    now = 1000;
    await cached.findToken('t1');
    expect(reads.token).toBe(2);
  });

  it('forgets everything when a change goes through it, so this process sees its own changes at once', async () => {
    const { store, reads } = countingStore(new Map([['t1', 's1']]));
    const cached = new CachedAccountStore(store, 60_000, () => 0);
    await cached.findToken('t1');
    await cached.revokeToken('t1', new Date());
    expect(await cached.findToken('t1')).toBeUndefined();
    expect(reads.token).toBe(2);
  });

  it('does not remember a look-up that was under way when a change was made', async () => {
    const tokens = new Map([['t1', 's1']]);
    const { store, hold } = countingStore(tokens);
    const cached = new CachedAccountStore(store, 60_000, () => 0);
    let open!: () => void;
    hold(new Promise<void>((resolve) => (open = resolve)));
    const racing = cached.findToken('t1');
    await cached.revokeToken('t1', new Date());
    open();
    expect((await racing)?.tokenSecret).toBe('s1');
    hold(Promise.resolve());
    expect(await cached.findToken('t1')).toBeUndefined();
  });

  it('lets requests that miss together share one read', async () => {
    const { store, reads, hold } = countingStore(new Map([['t1', 's1']]));
    const cached = new CachedAccountStore(store, 1000, () => 0);
    let open!: () => void;
    hold(new Promise<void>((resolve) => (open = resolve)));
    const asked = Array.from({ length: 64 }, () => cached.findToken('t1'));
    open();
    expect((await Promise.all(asked)).map((found) => found?.tokenSecret)).toEqual(Array(64).fill('s1'));
    expect(reads.token).toBe(1);
  });

  it('does not hand a look-up begun before a change to those who ask after it', async () => {
    const tokens = new Map([['t1', 's1']]);
    const { store, reads, hold } = countingStore(tokens);
    const cached = new CachedAccountStore(store, 60_000, () => 0);
    let open!: () => void;
    hold(new Promise<void>((resolve) => (open = resolve)));
    const before = cached.findToken('t1');
    await cached.revokeToken('t1', new Date());
    const after = cached.findToken('t1');
    open();
    expect((await before)?.tokenSecret).toBe('s1');
    expect(await after).toBeUndefined();
    expect(reads.token).toBe(2);
  });

  it('does not remember a look-up that failed: the next request reads again', async () => {
    let failing = true;
    let reads = 0;
    const store = {
      findAccount: async (id: string) => {
        reads++;
        if (failing) throw new Error('connection lost');
        return { id, name: id };
      },
    } as unknown as AccountStore;
    const cached = new CachedAccountStore(store, 60_000, () => 0);
    await expect(Promise.all([cached.findAccount('A'), cached.findAccount('A')])).rejects.toThrow('connection lost');
    expect(reads).toBe(1);
    failing = false;
    expect((await cached.findAccount('A'))?.id).toBe('A');
    expect(reads).toBe(2);
  });

  it('does not keep a look-up that threw before it returned a promise', async () => {
    let reads = 0;
    const store = {
      findAccount: (id: string) => {
        reads++;
        if (reads === 1) throw new Error('no connection');
        return Promise.resolve({ id, name: id });
      },
    } as unknown as AccountStore;
    const cached = new CachedAccountStore(store, 60_000, () => 0);
    await expect(cached.findAccount('A')).rejects.toThrow('no connection');
    expect((await cached.findAccount('A'))?.id).toBe('A');
    expect(reads).toBe(2);
  });

  it('reads every time with a time to live of 0', async () => {
    const { store, reads } = countingStore(new Map([['t1', 's1']]));
    const cached = new CachedAccountStore(store, 0);
    await cached.findToken('t1');
    await cached.findToken('t1');
    expect(reads.token).toBe(2);
  });
});
