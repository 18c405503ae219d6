import { etaHistory } from '../../src/jobs/eta-history';
import type { JobSample } from '../../src/jobs/job';
import { emptyRateState, estimateRemainingSeconds, foldSample } from '../../src/jobs/eta';

const T0 = new Date('2026-01-15T10:00:00Z').getTime();
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const samples = (points: Array<[number, number]>): JobSample[] => points.map(([second, processed]) => ({ at: at(second), processed }));

const scripted = {
  source: 'scripted' as const,
  status: 'processing' as const,
  availableAt: at(0),
  startedAt: at(0),
  finishedAt: null,
  totalItems: 10,
  ratePerSecond: 2,
};

describe('etaHistory', () => {
  test('gives at each sample the estimate a poll at that moment read', () => {
    const history = etaHistory(
      scripted,
      samples([
        [0, 0],
        [1, 2],
        [2, 4],
        [6, 5],
      ]),
    );
    // Folded by hand as the worker folds its steps: only steps that applied items.
    let rate = emptyRateState();
    const expected = [
      [0, 0],
      [1, 2],
      [2, 4],
      [6, 5],
    ].map(([second, processed], index, all) => {
      const advanced = processed - (index > 0 ? all[index - 1][1] : 0);
      if (advanced > 0) rate = foldSample(rate, at(0), at(second), advanced);
      return estimateRemainingSeconds({ ...scripted, processedItems: processed, rate }, at(second), { itemsAhead: 0, rate: 2 });
    });
    expect(history.points.map((point) => point.estimate)).toEqual(expected);
    expect(history.points.map((point) => point.percent)).toEqual([0, 20, 40, 50]);
    // Before any item the nominal rate stands in: 10 items at 2 a second.
    expect(history.points[0].estimate).toBe(5);
    expect(history.rate).toEqual(rate);
    expect(history.points.every((point) => point.actual === null)).toBe(true);
  });

  test('a finished job ends at 0 and tells the time it really had left at each sample', () => {
    const history = etaHistory(
      { ...scripted, status: 'finishedWithErrors', finishedAt: at(5) },
      samples([
        [0, 0],
        [2, 4],
        [5, 10],
      ]),
    );
    expect(history.points.map((point) => [point.actual, point.percent])).toEqual([
      [5, 0],
      [3, 40],
      [0, 100],
    ]);
    expect(history.points.at(-1)?.estimate).toBe(0);
  });

  test('a failed job ends at 0, with no time it had left: it never got there', () => {
    const history = etaHistory(
      { ...scripted, status: 'failed', finishedAt: at(3) },
      samples([
        [0, 0],
        [3, 3],
      ]),
    );
    expect(history.points.map((point) => [point.estimate, point.actual])).toEqual([
      [5, null],
      [0, null],
    ]);
  });

  test('a reported job folds every sample, even one that set its percent back', () => {
    const reported = { ...scripted, source: 'external' as const, totalItems: 10_000 };
    const history = etaHistory(
      reported,
      samples([
        [0, 0],
        [4, 2000],
        [8, 1000],
      ]),
    );
    let rate = emptyRateState();
    rate = foldSample(rate, at(0), at(0), 0);
    rate = foldSample(rate, at(0), at(4), 2000);
    rate = foldSample(rate, at(0), at(8), 0);
    expect(history.rate).toEqual(rate);
    expect(history.points.map((point) => point.percent)).toEqual([0, 20, 10]);
  });

  test('no samples, no points', () => {
    expect(etaHistory({ ...scripted, status: 'pending', startedAt: null }, [])).toEqual({ points: [], rate: emptyRateState() });
  });
});
