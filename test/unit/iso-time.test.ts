import { isoTime } from '../../src/lib/iso-time';

/** isoTime writes what Date's toISOString writes, by arithmetic. */

const reference = (ms: number) => {
  try {
    return new Date(ms).toISOString();
  } catch (error) {
    return (error as Error).name;
  }
};
const written = (ms: number) => {
  try {
    return isoTime(ms);
  } catch (error) {
    return (error as Error).name;
  }
};

it.each([
  ['the epoch', 0],
  ['just before it', -1],
  ['a leap day', Date.UTC(2000, 1, 29, 12, 30, 45, 678)],
  ['the last millisecond of a leap day', Date.UTC(2024, 1, 29, 23, 59, 59, 999)],
  ['1 March after a leap day', Date.UTC(2024, 2, 1)],
  ['a century that is no leap year', Date.UTC(2100, 1, 28, 23, 59, 59, 999)],
  ['the first instant of year 0000', -62_167_219_200_000],
  ['the last instant of year 9999', 253_402_300_799_999],
  ['before year 0000 (±yyyyyy)', -62_167_219_200_001],
  ['after year 9999 (±yyyyyy)', 253_402_300_800_000],
  ['a fraction of a millisecond', 1.5],
  ['an invalid time', Number.NaN],
])('%s', (_name, ms) => {
  expect(written(ms)).toBe(reference(ms));
});

it('matches toISOString for 200,000 instants across years 0000 to 9999', () => {
  let mismatches = 0;
  for (let i = 0; i < 200_000; i++) {
    const ms = Math.floor(-62_167_219_200_000 + Math.random() * 315_569_520_000_000);
    if (written(ms) !== reference(ms)) mismatches++;
  }
  expect(mismatches).toBe(0);
});
