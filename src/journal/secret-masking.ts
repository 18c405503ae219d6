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
/** Element content: text, CDATA sections (which may hold '<') and comments (which may split a secret). */
const CONTENT = '(?:[^<]|<!\\[CDATA\\[[\\s\\S]*?\\]\\]>|<!--[\\s\\S]*?-->)*';
const SECRET_ELEMENT = new RegExp(`(<${PREFIX}${SECRET_NAME}\\b[^>]*?)(?<!/)>(${CONTENT})(</${PREFIX}${SECRET_NAME}\\s*>)`, 'gi');
/** A secret element the body's cap cut before its end tag: everything after its start tag goes. */
const CUT_SECRET_ELEMENT = new RegExp(
  `(<${PREFIX}${SECRET_NAME}\\b[^>]*?(?<!/)>)(?:[^<]|<!\\[CDATA\\[[\\s\\S]*?\\]\\]>|<!--[\\s\\S]*?-->|<!\\[CDATA\\[[\\s\\S]*|<!--[\\s\\S]*)+$`,
  'i',
);

/**
 * Text right after a secret's start tag that neither pattern above masked: the client never
 * closed the element (a malformed request), and other markup follows. It goes up to the next tag.
 */
const OPEN_SECRET_TEXT = new RegExp(`(<${PREFIX}${SECRET_NAME}\\b[^>]*?(?<!/)>)(?!\\*\\*\\*(?:<|$))[^<]+`, 'gi');
/**
 * A secret's start tag followed by anything but what SECRET_ELEMENT leaves: its mask or nothing,
 * then an end tag. Only then can the two patterns above find something to mask.
 */
const SECRET_LEFT_OPEN = new RegExp(`<${PREFIX}${SECRET_NAME}\\b[^>]*?(?<!/)>(?!(?:\\*\\*\\*)?</)`, 'i');

const SECRET_KEY = /password|passwd|secret|signature/i;
const JSON_STRING = '"(?:[^"\\\\]|\\\\.)*"';
const JSON_PAIR = new RegExp(`(${JSON_STRING})(\\s*:\\s*)(${JSON_STRING}|-?\\d[\\d.eE+-]*)`, 'g');
/** A key and what follows its colon, wherever it is. */
const JSON_KEY = new RegExp(`(${JSON_STRING})(\\s*:\\s*)`, 'g');

/** Header names seen so far and whether each is secret: a client sends the same few on every call. */
const secretNames = new Map<string, boolean>();
const MAX_REMEMBERED_NAMES = 1000;

function isSecretHeader(name: string): boolean {
  let secret = secretNames.get(name);
  if (secret === undefined) {
    secret = SECRET_HEADER.test(name);
    if (secretNames.size < MAX_REMEMBERED_NAMES) secretNames.set(name, secret);
  }
  return secret;
}

export function maskHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const masked: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    masked[name] = isSecretHeader(name) ? (Array.isArray(value) ? value.map((one) => maskHeader(name, one)) : maskHeader(name, value)) : value;
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

/**
 * An XML document (whole or cut at its cap) with the text of every secret element masked. A
 * secret element left open is masked to the end when nothing follows it (the cap cut it, or the
 * client sent it so), else up to the next tag.
 */
export function maskXml(xml: string): string {
  if (!/password|signature|secret/i.test(xml)) return xml;
  const closed = xml.replace(SECRET_ELEMENT, (_all, start: string, content: string, end: string) => `${start}>${content === '' ? '' : MASK}${end}`);
  // Every secret element closed (a well-formed request): nothing is left for the other two passes.
  if (!SECRET_LEFT_OPEN.test(closed)) return closed;
  return closed.replace(CUT_SECRET_ELEMENT, `$1${MASK}`).replace(OPEN_SECRET_TEXT, `$1${MASK}`);
}

/**
 * A JSON text (whole or cut) with the value of every key named for a secret masked, whatever the
 * value (string, number, array, object). Whole JSON is walked as parsed (and written again only
 * when something was masked); a cut or broken text is masked by pattern, and a secret whose value
 * the cut falls in, or that holds a list or object, is masked to the end of the text.
 */
export function maskJson(json: string): string {
  if (!SECRET_KEY.test(json)) return json;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return maskBrokenJson(json);
  }
  let found = false;
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => {
        if (!SECRET_KEY.test(key)) return [key, walk(inner)];
        found = true;
        return [key, MASK];
      }),
    );
  };
  const masked = walk(parsed);
  return found ? JSON.stringify(masked) : json;
}

function maskBrokenJson(json: string): string {
  const scalars = json.replace(JSON_PAIR, (all, key: string, colon: string) => (SECRET_KEY.test(key) ? `${key}${colon}"${MASK}"` : all));
  for (const match of scalars.matchAll(JSON_KEY)) {
    if (!SECRET_KEY.test(match[1])) continue;
    const valueAt = match.index! + match[0].length;
    const rest = scalars.slice(valueAt);
    if (rest.startsWith(`"${MASK}"`)) continue;
    // A list, an object, or a string the cut ended inside: nothing after the key is kept.
    return `${scalars.slice(0, valueAt)}"${MASK}"`;
  }
  return scalars;
}
