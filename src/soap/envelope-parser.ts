import { SoapClientError } from './soap-client-error';
import { child, declarations, elementKeys, localName, prefixOf, type XmlNode } from './xml-read';
import { readXml } from './xml-scanner';

export const SOAP11_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12_ENVELOPE_NS = 'http://www.w3.org/2003/05/soap-envelope';

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

type Scope = Map<string, string>;
const extend = (scope: Scope, node: XmlNode): Scope => {
  const declared = declarations(node);
  return declared.size === 0 ? scope : new Map([...scope, ...declared]);
};

function namespaceOf(qualifiedName: string, scope: Scope, what: string): string {
  const prefix = prefixOf(qualifiedName);
  const uri = scope.get(prefix);
  if (uri === undefined) {
    throw new SoapClientError(prefix ? `The prefix "${prefix}" of ${what} <${qualifiedName}> is not declared.` : `${what} <${qualifiedName}> has no namespace.`);
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
  const document = readXml(xml);
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
