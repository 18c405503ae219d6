import { readFileSync } from 'node:fs';
import path from 'node:path';
import { resolveSearchDate } from '../../src/records/search-dates';

/** Every predefined search date the served schema lists resolves to a range, and the calendar's rules hold. */

const schema = readFileSync(path.join(__dirname, '..', '..', 'wsdl', 'platform', 'coreTypes.xsd'), 'utf8');
const declaration = /<xsd:simpleType name="SearchDate">([\s\S]*?)<\/xsd:simpleType>/.exec(schema)![1];
const SEARCH_DATES = [...declaration.matchAll(/<xsd:enumeration value="([^"]+)"/g)].map((match) => match[1]);

// Wednesday 13 May 2026, 10:30 UTC: the second fiscal quarter, the first half.
const NOW = new Date('2026-05-13T10:30:00Z');
const range = (name: string) => {
  const resolved = resolveSearchDate(name, NOW);
  return resolved && [resolved.from.toISOString().slice(0, 10), resolved.to.toISOString().slice(0, 10)];
};

it('reads the schema, which lists 160 or more dates', () => {
  expect(SEARCH_DATES.length).toBeGreaterThanOrEqual(160);
  expect(SEARCH_DATES).toContain('thisFiscalYearToDate');
});

it.each(SEARCH_DATES)('resolves %s to a range of whole days, from before to', (name) => {
  const resolved = resolveSearchDate(name, NOW);
  expect(resolved).toBeDefined();
  expect(resolved!.from.getTime()).toBeLessThan(resolved!.to.getTime());
  for (const at of [resolved!.from, resolved!.to]) expect(at.toISOString()).toMatch(/T00:00:00\.000Z$/);
});

it.each([
  ['today', ['2026-05-13', '2026-05-14']],
  ['yesterday', ['2026-05-12', '2026-05-13']],
  ['tenDaysAgo', ['2026-05-03', '2026-05-04']],
  ['thirtyDaysFromNow', ['2026-06-12', '2026-06-13']],
  ['thisWeek', ['2026-05-10', '2026-05-17']],
  ['lastWeekToDate', ['2026-05-03', '2026-05-07']],
  ['startOfNextWeek', ['2026-05-17', '2026-05-18']],
  ['thisBusinessWeek', ['2026-05-11', '2026-05-16']],
  ['thisMonth', ['2026-05-01', '2026-06-01']],
  ['lastMonth', ['2026-04-01', '2026-05-01']],
  ['monthBeforeLast', ['2026-03-01', '2026-04-01']],
  ['thisMonthToDate', ['2026-05-01', '2026-05-14']],
  ['threeMonthsAgo', ['2026-02-01', '2026-03-01']],
  ['thisFiscalQuarter', ['2026-04-01', '2026-07-01']],
  ['fiscalQuarterBeforeLast', ['2025-10-01', '2026-01-01']],
  ['thisFiscalHalf', ['2026-01-01', '2026-07-01']],
  ['lastFiscalYear', ['2025-01-01', '2026-01-01']],
  ['lastFiscalYearToDate', ['2025-01-01', '2025-05-14']],
  ['oneYearBeforeLast', ['2024-01-01', '2025-01-01']],
  ['sameDayLastMonth', ['2026-04-13', '2026-04-14']],
  ['sameMonthLastFiscalYear', ['2025-05-01', '2025-06-01']],
  ['sameFiscalQuarterLastFiscalYearToDate', ['2025-04-01', '2025-05-14']],
  ['lastMonthOneFiscalYearAgo', ['2025-04-01', '2025-05-01']],
  ['startOfLastFiscalQuarterOneFiscalYearAgo', ['2025-01-01', '2025-01-02']],
  ['previousMonthsThisFiscalQuarter', ['2026-04-01', '2026-05-01']],
  ['previousFiscalQuartersThisFiscalYear', ['2026-01-01', '2026-04-01']],
  ['previousMonthsSameFiscalHalfLastFiscalYear', ['2025-01-01', '2025-05-01']],
  ['thisRollingQuarter', ['2026-03-01', '2026-06-01']],
  ['lastRollingQuarter', ['2026-02-01', '2026-05-01']],
  ['previousRollingHalf', ['2025-05-01', '2025-11-01']],
  ['previousOneMonth', ['2026-04-13', '2026-05-13']],
  ['nextOneWeek', ['2026-05-14', '2026-05-21']],
  ['nextFourWeeks', ['2026-05-17', '2026-06-14']],
])('%s is %s', (name, expected) => {
  expect(range(name)).toEqual(expected);
});

it('keeps the day of the month where the month has it, and names nothing it cannot read', () => {
  expect(resolveSearchDate('sameDayLastMonth', new Date('2026-03-31T12:00:00Z'))!.from.toISOString()).toBe('2026-02-28T00:00:00.000Z');
  expect(resolveSearchDate('lastCentury', NOW)).toBeUndefined();
});
