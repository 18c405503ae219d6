/** Reading the tree xml-scanner builds (fast-xml-parser's shape) by local name, since clients choose their own prefixes. */

export type XmlNode = string | { [key: string]: XmlValue };
export type XmlValue = XmlNode | XmlNode[];

export const ATTRIBUTE_PREFIX = '@_';

export const localName = (qualified: string): string => qualified.slice(qualified.indexOf(':') + 1);
export const prefixOf = (qualified: string): string => (qualified.includes(':') ? qualified.slice(0, qualified.indexOf(':')) : '');

const isElementKey = (key: string) => !key.startsWith(ATTRIBUTE_PREFIX) && key !== '#text' && !key.startsWith('?');

/** Whether localName(key) === name, without slicing the key. */
function hasLocalName(key: string, name: string): boolean {
  const colon = key.indexOf(':');
  return colon < 0 ? key === name : key.length - colon - 1 === name.length && key.endsWith(name);
}

/**
 * Child elements named `name` (by local name), each with the qualified name it was written with,
 * so its namespace can be told from its own prefix (clients may use a new prefix per element).
 */
export function namedChildren(node: XmlValue | undefined, name: string): Array<{ key: string; node: XmlNode }> {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return [];
  const found: Array<{ key: string; node: XmlNode }> = [];
  for (const key in node) {
    if (!hasLocalName(key, name) || !isElementKey(key)) continue;
    const value = node[key];
    if (Array.isArray(value)) for (const one of value) found.push({ key, node: one });
    else found.push({ key, node: value });
  }
  return found;
}

/** Child elements named `name` (by local name), in document order per name. */
export function children(node: XmlValue | undefined, name: string): XmlNode[] {
  return namedChildren(node, name).map((child) => child.node);
}

/** The first child element named `name` (by local name): read on every request, so nothing is built. */
export function child(node: XmlValue | undefined, name: string): XmlNode | undefined {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return undefined;
  for (const key in node) {
    if (!hasLocalName(key, name) || !isElementKey(key)) continue;
    const value = node[key];
    if (!Array.isArray(value)) return value;
    if (value.length > 0) return value[0];
  }
  return undefined;
}

/** Element keys of a node, qualified as written. */
export function elementKeys(node: XmlNode): string[] {
  return typeof node === 'string' ? [] : Object.keys(node).filter(isElementKey);
}

/** Text content of an element, or undefined for a missing element. */
export function text(node: XmlNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (typeof node === 'string') return node;
  const value = node['#text'];
  return typeof value === 'string' ? value : '';
}

/** An unqualified attribute (in no namespace): `type` here is never `xsi:type`. */
export function attribute(node: XmlNode | undefined, name: string): string | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  const value = node[`${ATTRIBUTE_PREFIX}${name}`];
  return typeof value === 'string' ? value : undefined;
}

const XMLNS_ATTRIBUTE = `${ATTRIBUTE_PREFIX}xmlns`;

/** Namespace declarations made on one element: prefix ('' for the default) → URI. */
export function declarations(node: XmlNode): Map<string, string> {
  const found = new Map<string, string>();
  if (typeof node === 'string') return found;
  for (const key in node) {
    if (!key.startsWith(XMLNS_ATTRIBUTE)) continue;
    const value = node[key];
    if (typeof value !== 'string') continue;
    if (key.length === XMLNS_ATTRIBUTE.length) found.set('', value);
    else if (key.charCodeAt(XMLNS_ATTRIBUTE.length) === 0x3a) found.set(key.slice(XMLNS_ATTRIBUTE.length + 1), value);
  }
  return found;
}
