import { SoapClientError } from './soap-client-error';
import type { XmlNode, XmlValue } from './xml-read';

/**
 * A strict XML 1.0 reader that checks well-formedness and builds the tree in one pass over the
 * text. The tree is the one fast-xml-parser built for us before (its options: attributes as
 * '@_name', values trimmed and never typed, repeated siblings as arrays), so xml-read works on it
 * unchanged; it cost a validator pass plus a parser pass, about five times this reader's time.
 */

export type XmlDocument = { [name: string]: XmlValue };
type Children = { [name: string]: XmlValue };

/**
 * Elements and attributes (namespace declarations included) a request may hold in all: more than
 * any request needs (400 records with sublists stay far below), counted as they are read.
 */
export const MAX_NODES = 100_000;
/** Attributes one start tag may carry, namespace declarations included: Woodstox's default limit. */
export const MAX_ATTRIBUTES = 1_000;
/** Elements with content may sit this deep at most: fast-xml-parser's limit, which clients have lived with. */
export const MAX_DEPTH = 101;

/** Names every object inherits (or fast-xml-parser refused): as keys of the tree they would collide. */
const RESERVED_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

const NAMED_ENTITIES = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);

// XML 1.0's only declaration form; the version, encoding and standalone pseudo-attributes in order.
const DECLARATION =
  /<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(?:"1\.[0-9]+"|'1\.[0-9]+')(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(?:"[A-Za-z][\w.-]*"|'[A-Za-z][\w.-]*'))?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\r\n]*\?>/y;
const NEWLINES = /\r\n?/g;

const LT = 0x3c,
  GT = 0x3e,
  AMP = 0x26,
  SLASH = 0x2f,
  QUESTION = 0x3f,
  BANG = 0x21,
  EQUALS = 0x3d,
  HASH = 0x23,
  SEMICOLON = 0x3b;
const QUOTE = 0x22,
  APOSTROPHE = 0x27,
  BRACKET = 0x5d;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;

/** Characters outside XML 1.0's Char production (lone surrogates aside, as before). */
const isForbidden = (c: number) => (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffe || c === 0xffff;

const isAllowedReference = (code: number) =>
  code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);

// XML 1.0's NameStartChar and NameChar, within the BMP only as the validator we replaced had them.
function isNameStart(c: number): boolean {
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
  return (
    (c >= 0xc0 && c <= 0xd6) ||
    (c >= 0xd8 && c <= 0xf6) ||
    (c >= 0xf8 && c <= 0x2ff) ||
    (c >= 0x370 && c <= 0x37d) ||
    (c >= 0x37f && c <= 0x1fff) ||
    c === 0x200c ||
    c === 0x200d ||
    (c >= 0x2070 && c <= 0x218f) ||
    (c >= 0x2c00 && c <= 0x2fef) ||
    (c >= 0x3001 && c <= 0xd7ff) ||
    (c >= 0xf900 && c <= 0xfdcf) ||
    (c >= 0xfdf0 && c <= 0xfffd)
  );
}
const isNameChar = (c: number) =>
  isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0xb7 || (c >= 0x300 && c <= 0x36f) || c === 0x203f || c === 0x2040;

/** Reads a whole document; throws SoapClientError saying what is wrong and where. */
export function readXml(xml: string): XmlDocument {
  return new XmlScanner(xml).document();
}

class XmlScanner {
  private at = 0;
  private nodes = 0;

  constructor(private readonly xml: string) {}

  document(): XmlDocument {
    const xml = this.xml;
    if (xml.charCodeAt(0) === 0xfeff) this.at = 1;
    if (xml.startsWith('<?xml', this.at) && isSpace(xml.charCodeAt(this.at + 5))) {
      DECLARATION.lastIndex = this.at;
      if (!DECLARATION.test(xml)) this.fail('the XML declaration is malformed (it reads <?xml version="1.0" encoding="UTF-8"?>)', this.at);
      this.at = DECLARATION.lastIndex;
    }
    const document: XmlDocument = {};
    let root = false;
    for (;;) {
      const c = xml.charCodeAt(this.at);
      if (isSpace(c)) this.at++;
      else if (c !== LT) {
        if (this.at >= xml.length) break;
        this.fail(root ? 'there is text after the root element' : 'there is text before the root element', this.at);
      } else if (this.markup()) continue;
      else if (root) this.fail('there is more than one root element', this.at);
      else {
        this.element(document, 0);
        root = true;
      }
    }
    if (!root) this.fail('there is no root element', this.at);
    return document;
  }

  /** Skips a comment or processing instruction at `at`; false when an element starts there. */
  private markup(): boolean {
    const next = this.xml.charCodeAt(this.at + 1);
    if (next === QUESTION) this.instruction();
    else if (next !== BANG) return false;
    else if (this.xml.startsWith('<!--', this.at)) this.comment();
    else this.declarationInContent();
    return true;
  }

  /** `<!` that is neither a comment nor (in content) CDATA. */
  private declarationInContent(): never {
    if (this.xml.slice(this.at + 2, this.at + 9).toUpperCase() === 'DOCTYPE') {
      // SOAP forbids DTDs, and refusing them closes off entity-expansion attacks.
      throw new SoapClientError('A SOAP message must not contain a document type declaration.');
    }
    this.fail('"<!" starts neither a comment nor a CDATA section', this.at);
  }

  /** Reads the element whose start tag is at `at` and adds it to `parent`. */
  private element(parent: Children, depth: number): void {
    const xml = this.xml;
    const start = this.at;
    const name = this.name(start + 1, 'an element name');
    const colon = name.indexOf(':');
    const local = colon === -1 ? name : name.slice(colon + 1);
    if (RESERVED_NAMES.has(local)) throw new SoapClientError(`The element name ${local} is not allowed.`);
    this.count();

    let attributes: Children | undefined;
    let attributeCount = 0;
    for (;;) {
      const spaced = this.skipSpace();
      const c = xml.charCodeAt(this.at);
      if (c === GT) break;
      if (c === SLASH) {
        if (xml.charCodeAt(this.at + 1) !== GT) this.fail(`the start tag <${name}> has a "/" not followed by ">"`, this.at);
        this.at += 2;
        addChild(parent, name, attributes ?? '');
        return;
      }
      if (this.at >= xml.length) this.fail(`the start tag <${name}> is not closed`, start);
      if (!spaced) this.fail(`the start tag <${name}> needs whitespace before each attribute`, this.at);
      if (++attributeCount > MAX_ATTRIBUTES) {
        throw new SoapClientError(`The element <${name}> has more than ${MAX_ATTRIBUTES} attributes, namespace declarations included (line ${this.position(start)}).`);
      }
      this.count();
      attributes ??= {};
      this.attribute(attributes, name);
    }
    this.at++;
    if (depth >= MAX_DEPTH) throw new SoapClientError(`Maximum nested tags exceeded: elements with content may nest ${MAX_DEPTH} deep (line ${this.position(start)}).`);

    let children: Children | undefined;
    let text = '';
    // Raw text since the last tag, CDATA section or processing instruction: comments do not split it.
    let pending = '';
    let run = this.at;
    for (;;) {
      const c = xml.charCodeAt(this.at);
      if (c === LT) {
        const next = xml.charCodeAt(this.at + 1);
        if (next === BANG && xml.startsWith('<!--', this.at)) {
          pending += xml.slice(run, this.at);
          this.comment();
          run = this.at;
          continue;
        }
        const raw = pending + xml.slice(run, this.at);
        if (raw !== '') text += textValue(raw);
        pending = '';
        if (next === SLASH) {
          this.endTag(name, start);
          addChild(parent, name, elementValue(children, text, attributes));
          return;
        }
        if (next === QUESTION) this.instruction();
        else if (next === BANG) text += this.cdata();
        else this.element((children ??= {}), depth + 1);
        run = this.at;
      } else if (c === AMP) {
        this.at = this.reference(this.at);
      } else if (c >= 0x20 && c < 0xfffe) {
        // ']]>' may not appear in text; '>' alone may.
        if (c === GT && xml.charCodeAt(this.at - 1) === BRACKET && xml.charCodeAt(this.at - 2) === BRACKET) this.fail('"]]>" is not allowed in text', this.at - 2);
        this.at++;
      } else if (this.at >= xml.length) {
        this.fail(`the element <${name}> is not closed`, start);
      } else {
        if (isForbidden(c)) this.forbidden(this.at);
        this.at++;
      }
    }
  }

  /** Counts one element or attribute against MAX_NODES, before any work is done on it. */
  private count(): void {
    if (++this.nodes > MAX_NODES) throw new SoapClientError(`The request has more than ${MAX_NODES} elements and attributes (namespace declarations count as attributes).`);
  }

  private endTag(name: string, start: number): void {
    const tag = this.at;
    const closing = this.name(tag + 2, 'an end tag name');
    if (closing !== name) this.fail(`the end tag </${closing}> does not match the start tag <${name}> at line ${this.position(start)}`, tag);
    this.skipSpace();
    if (this.xml.charCodeAt(this.at) !== GT) this.fail(`the end tag </${name}> is not closed by ">"`, this.at);
    this.at++;
  }

  /** Reads one name="value" (or name='value') into `attributes`. */
  private attribute(attributes: Children, element: string): void {
    const xml = this.xml;
    const start = this.at;
    const name = this.name(start, `an attribute name in <${element}>`);
    this.skipSpace();
    if (xml.charCodeAt(this.at) !== EQUALS) this.fail(`the attribute ${name} has no "=" and value`, start);
    this.at++;
    this.skipSpace();
    const quote = xml.charCodeAt(this.at);
    if (quote !== QUOTE && quote !== APOSTROPHE) this.fail(`the value of attribute ${name} is not in quotes`, this.at);
    const end = xml.indexOf(quote === QUOTE ? '"' : "'", this.at + 1);
    if (end === -1) this.fail(`the value of attribute ${name} has no closing quote`, this.at);
    let hasReference = false;
    for (let at = this.at + 1; at < end;) {
      const c = xml.charCodeAt(at);
      if (c === AMP) {
        hasReference = true;
        at = this.reference(at);
      } else if (c === LT) this.fail(`"<" is not allowed in the value of attribute ${name}; write &lt;`, at);
      else {
        if (isForbidden(c)) this.forbidden(at);
        at++;
      }
    }
    const key = `@_${name}`;
    if (attributes[key] !== undefined) this.fail(`the attribute ${name} appears twice in <${element}>`, start);
    let value = xml.slice(this.at + 1, end);
    if (value.includes('\r')) value = value.replace(NEWLINES, '\n');
    value = value.trim();
    attributes[key] = hasReference ? decodeReferences(value) : value;
    this.at = end + 1;
  }

  /** Checks the reference at `at` ('&'), returning the index after its ';'. */
  private reference(at: number): number {
    const xml = this.xml;
    let end = at + 1;
    if (xml.charCodeAt(end) === HASH) {
      const hex = xml.charCodeAt(end + 1) === 0x78;
      end += hex ? 2 : 1;
      const digits = end;
      let code = 0;
      for (; ; end++) {
        const c = xml.charCodeAt(end);
        const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : hex && (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 0x57 : -1;
        if (digit === -1) break;
        code = Math.min(code * (hex ? 16 : 10) + digit, 0x110000);
      }
      if (end === digits || xml.charCodeAt(end) !== SEMICOLON) this.fail('a character reference must read &#digits; or &#xhex;', at);
      if (!isAllowedReference(code)) throw new SoapClientError(`The character reference ${xml.slice(at, end + 1)} names a character XML does not allow.`);
      return end + 1;
    }
    if (isNameStart(xml.charCodeAt(end))) while (isNameChar(xml.charCodeAt(end))) end++;
    if (end === at + 1 || xml.charCodeAt(end) !== SEMICOLON) this.fail('"&" must start a reference such as &amp;', at);
    const entity = xml.slice(at + 1, end);
    if (!NAMED_ENTITIES.has(entity)) {
      this.fail(`the entity &${entity}; is not defined (without a DTD there are only &lt; &gt; &amp; &quot; &apos;)`, at);
    }
    return end + 1;
  }

  private comment(): void {
    const end = this.xml.indexOf('--', this.at + 4);
    if (end === -1) this.fail('the comment is not closed', this.at);
    if (this.xml.charCodeAt(end + 2) !== GT) this.fail('"--" is not allowed inside a comment', end);
    this.checkCharacters(this.at + 4, end);
    this.at = end + 3;
  }

  /** Reads a CDATA section, returning its text as written (line ends normalized). */
  private cdata(): string {
    if (!this.xml.startsWith('<![CDATA[', this.at)) this.declarationInContent();
    const end = this.xml.indexOf(']]>', this.at + 9);
    if (end === -1) this.fail('the CDATA section is not closed', this.at);
    this.checkCharacters(this.at + 9, end);
    const text = this.xml.slice(this.at + 9, end);
    this.at = end + 3;
    return text.includes('\r') ? text.replace(NEWLINES, '\n') : text;
  }

  /** Skips a processing instruction: parseEnvelope has no use for any. */
  private instruction(): void {
    const start = this.at;
    const target = this.name(start + 2, 'a processing instruction target');
    if (target.toLowerCase() === 'xml') this.fail('the XML declaration may only start the document', start);
    if (!this.skipSpace() && !this.xml.startsWith('?>', this.at)) this.fail(`the processing instruction ${target} needs whitespace after its target`, this.at);
    const end = this.xml.indexOf('?>', this.at);
    if (end === -1) this.fail('the processing instruction is not closed', start);
    this.checkCharacters(this.at, end);
    this.at = end + 2;
  }

  /** Reads the name at `from`, leaving `at` after it. */
  private name(from: number, what: string): string {
    const xml = this.xml;
    if (!isNameStart(xml.charCodeAt(from)))
      this.fail(from >= xml.length ? `the document ends where ${what} should be` : `${what} may not start with ${JSON.stringify(xml[from])}`, from);
    let end = from + 1;
    while (isNameChar(xml.charCodeAt(end))) end++;
    this.at = end;
    return xml.slice(from, end);
  }

  /** Skips whitespace; true when there was some. */
  private skipSpace(): boolean {
    const start = this.at;
    while (isSpace(this.xml.charCodeAt(this.at))) this.at++;
    return this.at > start;
  }

  private checkCharacters(from: number, to: number): void {
    for (let at = from; at < to; at++) if (isForbidden(this.xml.charCodeAt(at))) this.forbidden(at);
  }

  private forbidden(at: number): never {
    const code = this.xml.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0');
    throw new SoapClientError(`The request holds a character XML does not allow (U+${code} at line ${this.position(at)}).`);
  }

  private fail(problem: string, at: number): never {
    throw new SoapClientError(`The request is not well-formed XML: ${problem} (line ${this.position(at)}).`);
  }

  /** "L, column C" of an offset; only worked out for messages. */
  private position(at: number): string {
    const before = this.xml.slice(0, at);
    const lines = before.split('\n');
    return `${lines.length}, column ${lines[lines.length - 1].length + 1}`;
  }
}

/** Repeated siblings become an array, as fast-xml-parser made them. */
function addChild(parent: Children, name: string, value: XmlNode): void {
  const existing = parent[name];
  if (existing === undefined) parent[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else parent[name] = [existing, value];
}

/**
 * An element without attributes or children is its text ('' when empty); otherwise an object with
 * its children, '#text' when it has text, then its attributes.
 */
function elementValue(children: Children | undefined, text: string, attributes: Children | undefined): XmlNode {
  if (children === undefined) {
    if (attributes === undefined) return text;
    if (text === '') return attributes;
  }
  const node = children ?? {};
  if (text !== '') node['#text'] = text;
  if (attributes !== undefined) for (const key in attributes) node[key] = attributes[key];
  return node;
}

/** Text between tags: line ends normalized, trimmed, then references decoded. */
function textValue(raw: string): string {
  const value = (raw.includes('\r') ? raw.replace(NEWLINES, '\n') : raw).trim();
  return value.includes('&') ? decodeReferences(value) : value;
}

/** Decodes references the scanner has already checked. */
function decodeReferences(value: string): string {
  let decoded = '';
  let from = 0;
  for (let amp = value.indexOf('&'); amp !== -1; amp = value.indexOf('&', from)) {
    const semicolon = value.indexOf(';', amp);
    const body = value.slice(amp + 1, semicolon);
    const referenced =
      body.charCodeAt(0) !== HASH ? NAMED_ENTITIES.get(body) : String.fromCodePoint(body.charCodeAt(1) === 0x78 ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10));
    decoded += value.slice(from, amp) + referenced;
    from = semicolon + 1;
  }
  return decoded + value.slice(from);
}
