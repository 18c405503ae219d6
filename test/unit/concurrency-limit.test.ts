import { ConcurrencyLimit } from '../../src/soap/concurrency-limit';

describe('ConcurrencyLimit', () => {
  it('gives an account up to its limit of slots, counted case-insensitively, and takes releases once', () => {
    const limit = new ConcurrencyLimit(2);
    const first = limit.acquire('tstdrv1');
    const second = limit.acquire('TSTDRV1');
    expect(first && second).toBeTruthy();
    expect(limit.acquire('TstDrv1')).toBeNull();
    expect(limit.acquire('OTHER')).not.toBeNull();
    first!();
    first!();
    expect(limit.acquire('TSTDRV1')).not.toBeNull();
    expect(limit.acquire('TSTDRV1')).toBeNull();
  });

  it('is off at 0', () => {
    const limit = new ConcurrencyLimit(0);
    for (let i = 0; i < 100; i++) expect(limit.acquire('A')).not.toBeNull();
  });
});
