/** Small helpers for writing XML by hand with explicit prefixes. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export const escapeXml = (value: string): string => value.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** A double as NetSuite prints it: at most two decimals, and always a decimal point (0.0, 42.5). */
export function formatDouble(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return Number.isInteger(rounded) ? rounded.toFixed(1) : String(rounded);
}

export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** ` name="value"` for each defined value, escaped. */
export function attributes(values: Record<string, string | null | undefined>): string {
  let out = '';
  for (const [name, value] of Object.entries(values)) {
    if (value !== null && value !== undefined) out += ` ${name}="${escapeXml(value)}"`;
  }
  return out;
}

export function xmlns(prefixes: Record<string, string>): string {
  let out = '';
  for (const [prefix, uri] of Object.entries(prefixes)) out += ` xmlns:${prefix}="${escapeXml(uri)}"`;
  return out;
}
