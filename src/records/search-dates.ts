/**
 * NetSuite's predefined search dates (platformCoreTyp:SearchDate: today, lastMonth,
 * thisFiscalYearToDate…) as a range of time [from, to), resolved at a moment of the service's
 * clock, in UTC. The emulator's calendar: weeks start on Sunday (NetSuite's default), a business
 * week is Monday to Friday, the fiscal year is the calendar year (quarters and halves of it), and a
 * rolling quarter, half or year is that many months ending with this month (this), before this
 * month (last) or before that (previous).
 */
import type { Criterion, SearchCriteria } from './search';

export interface DateRange {
  from: Date;
  to: Date;
}

type Unit = 'day' | 'week' | 'businessWeek' | 'month' | 'fiscalQuarter' | 'fiscalHalf' | 'year';
interface Shift {
  unit: Unit;
  by: number;
}
/** The period of `unit` holding today moved by `shifts`. */
interface Period {
  unit: Unit;
  shifts: Shift[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
const MONTHS: Partial<Record<Unit, number>> = { month: 1, fiscalQuarter: 3, fiscalHalf: 6, year: 12 };
const UNIT_NAMES: Record<string, Unit> = {
  Day: 'day',
  Week: 'week',
  BusinessWeek: 'businessWeek',
  Month: 'month',
  Months: 'month',
  Quarter: 'fiscalQuarter',
  FiscalQuarter: 'fiscalQuarter',
  FiscalQuarters: 'fiscalQuarter',
  Half: 'fiscalHalf',
  FiscalHalf: 'fiscalHalf',
  Year: 'year',
  FiscalYear: 'year',
  FiscalYears: 'year',
};
const UNIT = '(Day|BusinessWeek|Week|Months?|FiscalQuarters?|FiscalHalf|FiscalYears?|Year)';
const COUNTS: Record<string, number> = { One: 1, Two: 2, two: 2, three: 3, four: 4, five: 5, ten: 10, thirty: 30, sixty: 60, ninety: 90 };
const RELATIVE: Record<string, number> = { this: 0, last: -1, next: 1, BeforeLast: -2, AfterNext: 2 };

const utcDay = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
const addDays = (at: Date, days: number) => new Date(at.getTime() + days * DAY_MS);

/** `at` moved by whole months, the day of the month kept where the month has it (31 March - 1 month: 28 or 29 February). */
function addMonths(at: Date, months: number): Date {
  const target = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + months, 1, at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds(), at.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(at.getUTCDate(), lastDay));
  return target;
}

function add(unit: Unit, at: Date, count: number): Date {
  const months = MONTHS[unit];
  if (months !== undefined) return addMonths(at, months * count);
  return addDays(at, (unit === 'day' ? 1 : 7) * count);
}

function startOf(unit: Unit, at: Date): Date {
  const day = utcDay(at);
  if (unit === 'day') return day;
  if (unit === 'week') return addDays(day, -day.getUTCDay());
  if (unit === 'businessWeek') return addDays(day, 1 - day.getUTCDay());
  const months = MONTHS[unit]!;
  return new Date(Date.UTC(day.getUTCFullYear(), Math.floor(day.getUTCMonth() / months) * months, 1));
}

const periodEnd = (unit: Unit, start: Date) => (unit === 'businessWeek' ? addDays(start, 5) : add(unit, start, 1));
const moved = (today: Date, shifts: Shift[]) => shifts.reduce((at, shift) => add(shift.unit, at, shift.by), today);
const unitOf = (name: string) => UNIT_NAMES[name.charAt(0).toUpperCase() + name.slice(1)];

/** A period's name: thisMonth, lastFiscalQuarter, weekBeforeLast, threeMonthsAgo, sameDayLastWeek, lastMonthOneFiscalYearAgo… */
function parsePeriod(name: string): Period | undefined {
  const further = new RegExp(`^(.+?)(One|Two)${UNIT}s?Ago$`).exec(name);
  if (further) {
    const inner = parsePeriod(further[1]);
    return inner && { unit: inner.unit, shifts: [...inner.shifts, { unit: unitOf(further[3]), by: -COUNTS[further[2]] }] };
  }
  const relative = new RegExp(`^(this|last|next)${UNIT}$`).exec(name);
  if (relative) return { unit: unitOf(relative[2]), shifts: [{ unit: unitOf(relative[2]), by: RELATIVE[relative[1]] }] };
  const around = new RegExp(`^(day|businessWeek|week|month|fiscalQuarter|fiscalHalf|fiscalYear)(BeforeLast|AfterNext)$`).exec(name);
  if (around) return { unit: unitOf(around[1]), shifts: [{ unit: unitOf(around[1]), by: RELATIVE[around[2]] }] };
  if (name === 'oneYearBeforeLast') return { unit: 'year', shifts: [{ unit: 'year', by: -2 }] };
  const ago = new RegExp(`^three${UNIT}Ago$`).exec(name);
  if (ago) return { unit: unitOf(ago[1]), shifts: [{ unit: unitOf(ago[1]), by: -3 }] };
  const same = new RegExp(`^same${UNIT}(?:(Last)${UNIT}|${UNIT}(BeforeLast))$`).exec(name);
  if (same) {
    const [, unit, last, lastUnit, beforeUnit] = same;
    return { unit: unitOf(unit), shifts: [{ unit: unitOf(last ? lastUnit : beforeUnit), by: last ? -1 : -2 }] };
  }
  return undefined;
}

/** The range a SearchDate value names at `now`; undefined for a name this calendar cannot read. */
export function resolveSearchDate(name: string, now: Date): DateRange | undefined {
  const today = utcDay(now);
  const day = (at: Date): DateRange => ({ from: at, to: addDays(at, 1) });
  if (name === 'today') return day(today);
  if (name === 'yesterday') return day(addDays(today, -1));
  if (name === 'tomorrow') return day(addDays(today, 1));
  const days = /^(two|three|four|five|ten|thirty|sixty|ninety)Days(Ago|FromNow)$/.exec(name);
  if (days) return day(addDays(today, COUNTS[days[1]] * (days[2] === 'Ago' ? -1 : 1)));
  const previousOne = /^previousOne(Day|Week|Month|Quarter|Half|Year)$/.exec(name);
  if (previousOne) return { from: add(unitOf(previousOne[1]), today, -1), to: today };
  const nextOne = /^nextOne(Week|Month|Quarter|Half|Year)$/.exec(name);
  if (nextOne) return { from: addDays(today, 1), to: add(unitOf(nextOne[1]), addDays(today, 1), 1) };
  if (name === 'nextFourWeeks') return { from: add('week', startOf('week', today), 1), to: add('week', startOf('week', today), 5) };
  if (name === 'fourWeeksStartingThisWeek') return { from: startOf('week', today), to: add('week', startOf('week', today), 4) };
  const rolling = /^(startOf)?(this|last|previous|Last|Previous)Rolling(Quarter|Half|Year)$/.exec(name);
  if (rolling) {
    const months = MONTHS[unitOf(rolling[3])]!;
    const ending = { this: 1, last: 0, previous: -months }[rolling[2].toLowerCase() as 'this' | 'last' | 'previous'];
    const to = addMonths(startOf('month', today), ending);
    const from = addMonths(to, -months);
    return rolling[1] ? day(from) : { from, to };
  }
  const within = /^previous(Months|FiscalQuarters)(This|Last|Same)(.+)$/.exec(name);
  if (within) {
    const reference = parsePeriod(within[2].toLowerCase() + within[3]);
    if (!reference) return undefined;
    const at = moved(today, reference.shifts);
    return { from: startOf(reference.unit, at), to: startOf(unitOf(within[1]), at) };
  }
  const framed = /^(startOf)?(.+?)(ToDate)?$/.exec(name)!;
  const period = parsePeriod(framed[1] ? framed[2].charAt(0).toLowerCase() + framed[2].slice(1) : framed[2]);
  if (!period) return undefined;
  const at = moved(today, period.shifts);
  const from = startOf(period.unit, at);
  if (framed[1]) return day(from);
  if (framed[3]) return { from, to: addDays(at, 1) };
  return { from, to: periodEnd(period.unit, from) };
}

/** A search with its predefined dates resolved at `now` (the clock's time when the search runs). */
export function withDatesAt(search: SearchCriteria, now: Date): SearchCriteria {
  return { ...search, criteria: criteriaAt(search.criteria, now) };
}

/** Criteria with their predefined dates resolved at `now`, a join's own among them. */
function criteriaAt(criteria: Criterion[], now: Date): Criterion[] {
  return criteria.map((criterion) => {
    if (criterion.kind === 'join') return { ...criterion, criteria: criteriaAt(criterion.criteria, now) };
    if (criterion.kind === 'custom') return { ...criterion, criterion: criteriaAt([criterion.criterion], now)[0] };
    if (criterion.kind !== 'date' || criterion.predefined === undefined) return criterion;
    const range = resolveSearchDate(criterion.predefined, now);
    if (!range) throw new Error(`predefined search date ${criterion.predefined} has no range`);
    return { kind: 'dateRange', field: criterion.field, operator: criterion.operator, from: range.from.toISOString(), to: range.to.toISOString() };
  });
}
