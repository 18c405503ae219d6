import { Batcher } from '../../src/lib/batcher';

/** A run function whose batches are recorded and finish only when the test lets them. */
function gatedRun() {
  const batches: number[][] = [];
  const gates: Array<() => void> = [];
  const run = (inputs: number[]) => {
    batches.push(inputs);
    return new Promise<string[]>((resolve) => gates.push(() => resolve(inputs.map((n) => `answer ${n}`))));
  };
  const openAll = () => gates.splice(0).forEach((open) => open());
  return { batches, run, openAll };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('Batcher', () => {
  it('sends the calls of one turn of the event loop as one batch, in order, each getting its own answer', async () => {
    const { batches, run, openAll } = gatedRun();
    const batcher = new Batcher(run, { maxInFlight: 2, maxBatch: 500 });
    const answers = Promise.all(Array.from({ length: 100 }, (_, i) => batcher.load(i)));
    await turn();
    openAll();
    expect(await answers).toEqual(Array.from({ length: 100 }, (_, i) => `answer ${i}`));
    expect(batches).toEqual([Array.from({ length: 100 }, (_, i) => i)]);
  });

  it('holds calls while maxInFlight batches run and sends them together when one returns', async () => {
    const { batches, run, openAll } = gatedRun();
    const batcher = new Batcher(run, { maxInFlight: 2, maxBatch: 500 });
    const first = batcher.load(1);
    await turn();
    const second = batcher.load(2);
    await turn();
    const waiting = [3, 4, 5].map((n) => batcher.load(n));
    await turn();
    expect(batches).toEqual([[1], [2]]);
    openAll();
    expect(await Promise.all([first, second])).toEqual(['answer 1', 'answer 2']);
    await turn();
    expect(batches).toEqual([[1], [2], [3, 4, 5]]);
    openAll();
    expect(await Promise.all(waiting)).toEqual(['answer 3', 'answer 4', 'answer 5']);
  });

  it('splits a queue longer than maxBatch', async () => {
    const { batches, run, openAll } = gatedRun();
    const batcher = new Batcher(run, { maxInFlight: 4, maxBatch: 3 });
    const answers = Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => batcher.load(n)));
    await turn();
    openAll();
    await answers;
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('fails every call of a batch that throws or answers the wrong count, and goes on with the next', async () => {
    let calls = 0;
    const batcher = new Batcher<number, number>(async (inputs) => {
      calls++;
      if (calls === 1) throw new Error('database gone');
      if (calls === 2) return [1];
      return inputs.map((n) => n * 2);
    });
    const failed = [batcher.load(1), batcher.load(2)].map((p) => p.catch((error: Error) => error.message));
    expect(await Promise.all(failed)).toEqual(['database gone', 'database gone']);
    const miscounted = [batcher.load(3), batcher.load(4)].map((p) => p.catch((error: Error) => error.message));
    expect(await Promise.all(miscounted)).toEqual(['a batch of 2 answered 1 results', 'a batch of 2 answered 1 results']);
    expect(await batcher.load(21)).toBe(42);
  });

  it('fails the calls of a run that throws before returning a promise', async () => {
    const batcher = new Batcher<number, number>(() => {
      throw new Error('bad input');
    });
    await expect(batcher.load(1)).rejects.toThrow('bad input');
  });

  it('with lingerMs, gathers the calls of several turns into one batch, and drain sends at once', async () => {
    const { batches, run, openAll } = gatedRun();
    const batcher = new Batcher(run, { maxInFlight: 1, maxBatch: 500, lingerMs: 10_000 });
    const first = [1, 2].map((n) => batcher.load(n));
    await turn();
    const later = batcher.load(3);
    await turn();
    expect(batches).toEqual([]);
    batcher.drain();
    expect(batches).toEqual([[1, 2, 3]]);
    openAll();
    expect(await Promise.all([...first, later])).toEqual(['answer 1', 'answer 2', 'answer 3']);
  });

  it('with lingerMs, sends a full batch without waiting, and what a drain found waiting goes as soon as the running batch returns', async () => {
    const { batches, run, openAll } = gatedRun();
    const batcher = new Batcher(run, { maxInFlight: 1, maxBatch: 3, lingerMs: 10_000 });
    const full = [1, 2, 3].map((n) => batcher.load(n));
    expect(batches).toEqual([[1, 2, 3]]);
    const waiting = [4, 5].map((n) => batcher.load(n));
    batcher.drain();
    await turn();
    expect(batches).toEqual([[1, 2, 3]]);
    openAll();
    await Promise.all(full);
    await turn();
    await turn();
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    openAll();
    expect(await Promise.all(waiting)).toEqual(['answer 4', 'answer 5']);
  });
});
