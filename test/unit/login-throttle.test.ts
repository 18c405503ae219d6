import { LoginThrottle } from '../../src/accounts/login-throttle';

/** Failed logins per account and per address, in fixed windows, on a fake clock. */

const limits = { perAccount: 3, perAddress: 5, windowSeconds: 60 };

function throttle(remembered?: number) {
  const clock = { now: 1_000_000 };
  return { clock, throttle: new LoginThrottle(limits, () => clock.now, remembered) };
}

it('refuses an account at its limit until its window ends, and no other account', () => {
  const { clock, throttle: t } = throttle();
  for (let i = 0; i < 3; i++) expect(t.admit('ACME', undefined)).toBeUndefined();
  expect(t.admit('ACME', undefined)).toEqual({ by: 'account', until: 1_000_000 + 60_000 });
  expect(t.admit('OTHER', undefined)).toBeUndefined();
  clock.now += 60_000;
  expect(t.admit('ACME', undefined)).toBeUndefined();
});

it('counts an attempt before it is checked, so concurrent guesses cannot pass the limit together', () => {
  const { throttle: t } = throttle();
  const admitted = Array.from({ length: 10 }, () => t.admit('ACME', '10.0.0.1')).filter((refusal) => refusal === undefined);
  expect(admitted).toHaveLength(3);
});

it('takes back an attempt that was not a failed guess', () => {
  const { throttle: t } = throttle();
  for (let i = 0; i < 10; i++) {
    expect(t.admit('ACME', '10.0.0.1')).toBeUndefined();
    t.forgive('ACME', '10.0.0.1');
  }
  expect(t.remembered).toEqual({ accounts: 0, addresses: 0 });
});

it('refuses an address at its limit whatever accounts it names', () => {
  const { throttle: t } = throttle();
  for (let i = 0; i < 5; i++) expect(t.admit(`ACCOUNT${i}`, '10.0.0.1')).toBeUndefined();
  expect(t.admit('ACCOUNT9', '10.0.0.1')).toEqual({ by: 'address', until: 1_000_000 + 60_000 });
  expect(t.admit('ACCOUNT9', '10.0.0.2')).toBeUndefined();
  // An attempt without an account (or address) is counted for what it has.
  expect(t.admit(undefined, '10.0.0.1')).toMatchObject({ by: 'address' });
});

it('has no limit at 0', () => {
  const t = new LoginThrottle({ perAccount: 0, perAddress: 0, windowSeconds: 60 }, () => 0);
  for (let i = 0; i < 100; i++) expect(t.admit('ACME', '10.0.0.1')).toBeUndefined();
  expect(t.remembered).toEqual({ accounts: 0, addresses: 0 });
});

it('remembers a bounded number of accounts, forgetting ended windows first, then the oldest', () => {
  const { clock, throttle: t } = throttle(3);
  t.admit('OLD', undefined);
  clock.now += 30_000;
  for (let i = 0; i < 3; i++) t.admit('KEPT', undefined);
  clock.now += 31_000;
  // OLD's window has ended: it makes room first.
  t.admit('NEW1', undefined);
  t.admit('NEW2', undefined);
  expect(t.remembered.accounts).toBe(3);
  expect(t.admit('KEPT', undefined)).toMatchObject({ by: 'account' });
  // Then the oldest window goes, whatever its count: memory stays bounded under random names.
  t.admit('NEW3', undefined);
  expect(t.remembered.accounts).toBe(3);
  expect(t.admit('KEPT', undefined)).toBeUndefined();
  for (let i = 0; i < 1000; i++) t.admit(`RANDOM${i}`, undefined);
  expect(t.remembered.accounts).toBe(3);
});
