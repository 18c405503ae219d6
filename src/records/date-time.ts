/**
 * xsd:dateTime as NetSuite takes it: yyyy-mm-ddThh:mm:ss[.fff][Z|±hh:mm], years 0001 to 9999; a
 * value without an offset is taken as UTC. Returns the instant in ISO form, or undefined, also for
 * an instant whose offset moves it out of those years in UTC (9999-12-31T23:00:00-14:00), which
 * ISO form would write as +010000-… and xsd:dateTime cannot hold.
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/;

export function parseDateTime(value: string): string | undefined {
  const match = DATE_TIME.exec(value.trim());
  if (!match || Number(match[1]) < 1) return undefined;
  const at = Date.parse(match[8] ? value.trim() : `${value.trim()}Z`);
  if (Number.isNaN(at)) return undefined;
  const instant = new Date(at);
  const year = instant.getUTCFullYear();
  return year >= 1 && year <= 9999 ? instant.toISOString() : undefined;
}
