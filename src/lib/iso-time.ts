/**
 * An instant in epoch milliseconds in ISO form, as Date's toISOString writes it
 * (2026-12-06T03:44:14.123Z), by arithmetic: toISOString goes through V8's runtime and costs
 * several times more, on the path of every record read back. Outside years 0000 to 9999 (where
 * toISOString writes ±yyyyyy) and for what is no integer, toISOString itself answers.
 */

const MS_PER_DAY = 86_400_000;
/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z. */
const FIRST = -62_167_219_200_000;
const LAST = 253_402_300_799_999;
/** Days from 0000-03-01 to 1970-01-01, and in a 400-year era. */
const EPOCH_FROM_MARCH_0000 = 719_468;
const DAYS_PER_ERA = 146_097;

const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));

export function isoTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < FIRST || ms > LAST) return new Date(ms).toISOString();
  const days = Math.floor(ms / MS_PER_DAY);
  const ofDay = ms - days * MS_PER_DAY;
  // The civil date of a day count, counting years from March (so a leap day ends its year).
  const fromMarch = days + EPOCH_FROM_MARCH_0000;
  const era = Math.floor(fromMarch / DAYS_PER_ERA);
  const dayOfEra = fromMarch - era * DAYS_PER_ERA;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);

  const seconds = Math.floor(ofDay / 1000);
  const millis = ofDay - seconds * 1000;
  return (
    `${TWO_DIGITS[Math.floor(year / 100)]}${TWO_DIGITS[year % 100]}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}` +
    `T${TWO_DIGITS[Math.floor(seconds / 3600)]}:${TWO_DIGITS[Math.floor(seconds / 60) % 60]}:${TWO_DIGITS[seconds % 60]}` +
    `.${millis < 100 ? (millis < 10 ? '00' : '0') : ''}${millis}Z`
  );
}
