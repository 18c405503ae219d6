import { storableText } from '../lib/text';

/** Small helpers for writing XML by hand with explicit prefixes. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const SPECIAL = /[&<>"']/;
const SPECIALS = /[&<>"']/g;
/** Any character but tab, LF, CR and printable ASCII other than the five specials. */
const PLAIN_OR_NOT = /[^\t\n\r\x20\x21\x23-\x25\x28-\x3b\x3d\x3f-\x7e]/;

/**
 * Text for an element or attribute. Characters XML cannot carry become U+FFFD (storableText), so a
 * row stored before the door refused them still makes a well-formed answer.
 */
export function escapeXml(value: string): string {
  // Most values are printable ASCII with nothing to escape: one test without the /u flag spares them both.
  if (!PLAIN_OR_NOT.test(value)) return value;
  const text = storableText(value);
  // Most values need no escaping; the test spares them the replace and its callback.
  return SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ESCAPES[c]) : text;
}

/** A double as NetSuite prints it: at most two decimals, and always a decimal point (0.0, 42.5). */
export function formatDouble(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return Number.isInteger(rounded) ? rounded.toFixed(1) : String(rounded);
}

export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** ` name="value"`, escaped; nothing when there is no value. */
export const attribute = (name: string, value: string | null | undefined): string => (value === null || value === undefined ? '' : ` ${name}="${escapeXml(value)}"`);

export const xmlns = (prefix: string, uri: string): string => ` xmlns:${prefix}="${escapeXml(uri)}"`;
