import type { IncomingHttpHeaders } from 'node:http';

/**
 * What the request journal must never keep: credentials. Header values that carry them (the
 * Authorization scheme is kept, cookie names are kept), and in bodies the text of XML elements and
 * the values of JSON keys named for a secret: passport passwords, tokenPassport signatures,
 * consumer and token secrets. A nonce or a token id is no secret (each is sent in the clear and
 * says which credential was used), so both stay readable.
 */

export const MASK = '***';

const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-admin-token)$|secret|password|passwd|token|api-?key|signature/i;

const SECRET_NAME = '(?:password|password2|currentPassword|newPassword|signature|consumerSecret|tokenSecret|secret)';
const PREFIX = '(?:[\\w.-]+:)?';
/** Element content: text, or CDATA sections, which may hold '<'. */
const CONTENT = '(?:[^<]|<!\\[CDATA\\[[\\s\\S]*?\\]\\]>)*';
const SECRET_ELEMENT = new RegExp(`(<${PREFIX}${SECRET_NAME}\\b[^>]*?)(?<!/)>(${CONTENT})(</${PREFIX}${SECRET_NAME}\\s*>)`, 'g');
/** A secret element the body's cap cut before its end tag: everything after its start tag goes. */
const CUT_SECRET_ELEMENT = new RegExp(`(<${PREFIX}${SECRET_NAME}\\b[^>]*?(?<!/)>)(?:[^<]|<!\\[CDATA\\[[\\s\\S]*?\\]\\]>|<!\\[CDATA\\[[\\s\\S]*)+$`);

const SECRET_KEY = /password|passwd|secret|signature/i;
const JSON_STRING = '"(?:[^"\\\\]|\\\\.)*"';
const JSON_PAIR = new RegExp(`(${JSON_STRING})(\\s*:\\s*)(${JSON_STRING}|-?\\d[\\d.eE+-]*)`, 'g');

export function maskHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const masked: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    masked[name] = SECRET_HEADER.test(name) ? (Array.isArray(value) ? value.map((one) => maskHeader(name, one)) : maskHeader(name, value)) : value;
  }
  return masked;
}

function maskHeader(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (lower === 'cookie') return value.replace(/([^=;\s]+)=[^;]*/g, `$1=${MASK}`);
  if (lower === 'set-cookie') return value.replace(/^([^=;\s]+)=[^;]*/, `$1=${MASK}`);
  if (lower === 'authorization' || lower === 'proxy-authorization') {
    const scheme = /^([A-Za-z][\w-]*)\s+\S/.exec(value)?.[1];
    return scheme ? `${scheme} ${MASK}` : MASK;
  }
  return MASK;
}

/** An XML document (whole or cut at its cap) with the text of every secret element masked. */
export function maskXml(xml: string): string {
  if (!/password|signature|secret/i.test(xml)) return xml;
  return xml
    .replace(SECRET_ELEMENT, (_all, start: string, content: string, end: string) => `${start}>${content === '' ? '' : MASK}${end}`)
    .replace(CUT_SECRET_ELEMENT, `$1${MASK}`);
}

/** A JSON text (whole or cut) with the value of every key named for a secret masked. */
export function maskJson(json: string): string {
  if (!SECRET_KEY.test(json)) return json;
  return json.replace(JSON_PAIR, (all, key: string, colon: string) => (SECRET_KEY.test(key) ? `${key}${colon}"${MASK}"` : all));
}

