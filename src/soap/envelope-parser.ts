import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { child, declarations, elementKeys, localName, prefixOf, type XmlNode } from './xml-read';

export const SOAP11_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12_ENVELOPE_NS = 'http://www.w3.org/2003/05/soap-envelope';

/** A request the client got wrong; answered with a soapenv:Client fault. */
export class SoapClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SoapClientError';
  }
}

export interface SoapRequest {
  /** Local name of the body's element, e.g. checkAsyncStatus. */
  operation: string;
  /** Namespace URI of the body's element. */
  operationNamespace: string;
  body: XmlNode;
  /** Header elements by local name (clients put them in odd namespaces). */
  headers: Map<string, XmlNode>;
  /** Namespace declarations in scope at the operation element: prefix ('' for default) → URI. */
  scope: Map<string, string>;
}

/** Characters outside XML 1.0's Char production, raw in the document. */
const NOT_XML_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const REFERENCE = /&(lt|gt|amp|quot|apos|#x[0-9a-fA-F]{1,6}|#[0-9]{1,7});/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes entity and character references in one pass, refusing characters XML does not allow. */
function decodeReferences(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(REFERENCE, (_, reference: string) => {
    if (!reference.startsWith('#')) return NAMED[reference];
    const code = reference[1] === 'x' ? parseInt(reference.slice(2), 16) : parseInt(reference.slice(1), 10);
    const allowed = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
    if (!allowed) throw new SoapClientError(`The character reference &${reference}; names a character XML does not allow.`);
    return String.fromCodePoint(code);
  });
}

/** More elements than any request needs (400 records with sublists stay far below). */
export const MAX_ELEMENTS = 100_000;

function countElements(xml: string): number {
  let count = 0;
  for (let at = xml.indexOf('<'); at !== -1 && count <= MAX_ELEMENTS; at = xml.indexOf('<', at + 1)) count++;
  return count;
}

/** Names that would collide with what every object inherits, in our parse or node-soap's. */
const RESERVED_NAME = new RegExp(`<\\/?(?:[\\w.-]+:)?(${Object.getOwnPropertyNames(Object.prototype).join('|')})[\\s/>]`);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: false,
  tagValueProcessor: (_name, value) => decodeReferences(value),
  attributeValueProcessor: (_name, value) => decodeReferences(value),
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type Scope = Map<string, string>;
const extend = (scope: Scope, node: XmlNode): Scope => {
  const declared = declarations(node);
  return declared.size === 0 ? scope : new Map([...scope, ...declared]);
};

function namespaceOf(qualifiedName: string, scope: Scope, what: string): string {
  const prefix = prefixOf(qualifiedName);
  const uri = scope.get(prefix);
  if (uri === undefined) {
    throw new SoapClientError(
      prefix ? `The prefix "${prefix}" of ${what} <${qualifiedName}> is not declared.` : `${what} <${qualifiedName}> has no namespace.`,
    );
  }
  return uri;
}

function single(node: XmlNode, what: string): [string, XmlNode] {
  const keys = elementKeys(node);
  if (keys.length !== 1) throw new SoapClientError(`${what} must hold exactly one element (found ${keys.length}).`);
  const value = (node as Record<string, unknown>)[keys[0]];
  if (Array.isArray(value)) throw new SoapClientError(`${what} must hold exactly one element (found ${value.length}).`);
  return [keys[0], value as XmlNode];
}

/** Parses and checks a SOAP 1.1 envelope; throws SoapClientError saying what is wrong. */
export function parseEnvelope(xml: string): SoapRequest {
  if (xml.trim() === '') throw new SoapClientError('The request body is empty; send a SOAP 1.1 envelope.');
  // SOAP forbids DTDs, and refusing them closes off entity-expansion attacks.
  if (/<!DOCTYPE/i.test(xml)) throw new SoapClientError('A SOAP message must not contain a document type declaration.');
  const invalid = NOT_XML_CHARACTER.exec(xml);
  if (invalid) throw new SoapClientError(`The request holds a character XML does not allow (U+${invalid[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at offset ${invalid.index}).`);
  if (countElements(xml) > MAX_ELEMENTS) throw new SoapClientError(`The request has more than ${MAX_ELEMENTS} elements.`);
  const reserved = RESERVED_NAME.exec(xml);
  if (reserved) throw new SoapClientError(`The element name ${reserved[1]} is not allowed.`);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new SoapClientError(`The request is not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col}).`);
  }
  let document: XmlNode;
  try {
    document = parser.parse(xml) as XmlNode;
  } catch (error) {
    if (error instanceof SoapClientError) throw error;
    throw new SoapClientError(`The request could not be read: ${error instanceof Error ? error.message : String(error)}.`);
  }
  const [envelopeName, envelope] = single(document, 'The document');
  let scope = extend(new Map(), envelope);
  const envelopeNs = namespaceOf(envelopeName, scope, 'the root element');
  if (localName(envelopeName) !== 'Envelope' || envelopeNs !== SOAP11_ENVELOPE_NS) {
    if (envelopeNs === SOAP12_ENVELOPE_NS) throw new SoapClientError('SOAP 1.2 is not supported: send a SOAP 1.1 envelope.');
    throw new SoapClientError(`The root element must be {${SOAP11_ENVELOPE_NS}}Envelope.`);
  }
  const body = child(envelope, 'Body');
  if (body === undefined || typeof body === 'string') throw new SoapClientError('The envelope has no Body element holding an operation.');
  const headers = new Map<string, XmlNode>();
  const header = child(envelope, 'Header');
  if (header !== undefined && typeof header !== 'string') {
    for (const key of elementKeys(header)) {
      const value = header[key];
      headers.set(localName(key), Array.isArray(value) ? value[0] : value);
    }
  }
  scope = extend(scope, body);
  const [operationName, operation] = single(body, 'The Body');
  scope = extend(scope, operation);
  return {
    operation: localName(operationName),
    operationNamespace: namespaceOf(operationName, scope, 'the operation element'),
    body: operation,
    headers,
    scope,
  };
}
