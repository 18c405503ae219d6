import { ConcurrencyLimit } from '../../src/accounts/concurrency-limit';

describe('ConcurrencyLimit', () => {
  it('gives an account up to its limit of slots, counted case-insensitively, and takes releases once', () => {
    const limit = new ConcurrencyLimit();
    const first = limit.acquire('tstdrv1', 2);
    const second = limit.acquire('TSTDRV1', 2);
    expect(first && second).toBeTruthy();
    expect(limit.acquire('TstDrv1', 2)).toBeNull();
    expect(limit.inFlightFor('tstdrv1')).toBe(2);
    expect(limit.acquire('OTHER', 2)).not.toBeNull();
    first!();
    first!();
    expect(limit.acquire('TSTDRV1', 2)).not.toBeNull();
    expect(limit.acquire('TSTDRV1', 2)).toBeNull();
  });

  it('takes each request\'s own limit, as accounts have different ones', () => {
    const limit = new ConcurrencyLimit();
    expect(limit.acquire('A', 1)).not.toBeNull();
    expect(limit.acquire('A', 1)).toBeNull();
    expect(limit.acquire('A', 3)).not.toBeNull();
  });

  it('is off at 0', () => {
    const limit = new ConcurrencyLimit();
    for (let i = 0; i < 100; i++) expect(limit.acquire('A', 0)).not.toBeNull();
  });
});
