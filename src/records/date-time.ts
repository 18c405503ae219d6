/**
 * xsd:dateTime as NetSuite takes it: yyyy-mm-ddThh:mm:ss[.fff][Z|±hh:mm], years 0001 to 9999; a
 * value without an offset is taken as UTC. Returns the instant in ISO form, or undefined.
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/;

export function parseDateTime(value: string): string | undefined {
  const match = DATE_TIME.exec(value.trim());
  if (!match || Number(match[1]) < 1) return undefined;
  const at = Date.parse(match[8] ? value.trim() : `${value.trim()}Z`);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}
