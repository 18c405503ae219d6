import { stopAll } from '../../src/lib/stop-all';

describe('stopAll', () => {
  it('runs every step in order though one fails, then throws the first failure', async () => {
    const ran: string[] = [];
    const stopping = stopAll([
      () => ran.push('server'),
      async () => {
        ran.push('slots');
        throw new Error('the database is gone');
      },
      () => {
        ran.push('sessions');
        throw new Error('second failure');
      },
      async () => ran.push('worker'),
    ]);
    await expect(stopping).rejects.toThrow('the database is gone');
    expect(ran).toEqual(['server', 'slots', 'sessions', 'worker']);
  });

  it('resolves when every step does', async () => {
    const ran: number[] = [];
    await stopAll([() => ran.push(1), async () => ran.push(2)]);
    expect(ran).toEqual([1, 2]);
  });
});
