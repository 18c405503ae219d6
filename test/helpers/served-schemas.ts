import { XMLParser } from 'fast-xml-parser';
import type { FactAttribute, FactChild, FactComplexType, FactName, FactOperation, FactSimpleType } from '../../tools/netsuite-facts';

/**
 * Reads the WSDL and every XSD it imports as clients get them (each document fetched by its URL),
 * XML Schema and WSDL read by namespace whatever the prefixes, into the facts' own model and
 * notation (names written with NetSuite's prefixes), so each declaration can be held against
 * ../shared/netsuite-schema as it stands. What the facts' notation cannot say (anonymous types,
 * choices, unknown namespaces) is reported as a problem of its own.
 */

const XSD = 'http://www.w3.org/2001/XMLSchema';
const WSDL = 'http://schemas.xmlsoap.org/wsdl/';
const WSDL_SOAP = 'http://schemas.xmlsoap.org/wsdl/soap/';

export interface ServedOperation extends FactOperation {
  soapAction: string | undefined;
  outputHeaders: FactName[];
}

export interface ServedSchemas {
  complexTypes: Map<FactName, FactComplexType>;
  simpleTypes: Map<FactName, FactSimpleType>;
  elements: Map<FactName, FactName | undefined>;
  operations: Map<string, ServedOperation>;
  /** Declarations the facts' notation cannot express, and documents that would not load. */
  problems: string[];
  documents: string[];
}

interface XmlElement {
  ns: string;
  local: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Namespace declarations in scope, by prefix ('' for the default namespace). */
  scope: Map<string, string>;
}

type Ordered = Array<Record<string, unknown>>;
const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseAttributeValue: false, trimValues: true });

function parseXml(xml: string): XmlElement {
  const build = (tag: string, node: Record<string, unknown>, parentScope: Map<string, string>): XmlElement => {
    const attributes = (node[':@'] ?? {}) as Record<string, string>;
    const scope = new Map(parentScope);
    for (const [key, value] of Object.entries(attributes)) {
      if (key === 'xmlns') scope.set('', value);
      else if (key.startsWith('xmlns:')) scope.set(key.slice(6), value);
    }
    const at = tag.indexOf(':');
    const prefix = at < 0 ? '' : tag.slice(0, at);
    const ns = scope.get(prefix);
    if (ns === undefined) throw new Error(`prefix ${prefix} of <${tag}> is not declared`);
    const children = ((node[tag] ?? []) as Ordered)
      .map((child) => [Object.keys(child).find((key) => key !== ':@' && key !== '#text' && key !== '#comment' && !key.startsWith('?')), child] as const)
      .filter((entry): entry is readonly [string, Record<string, unknown>] => entry[0] !== undefined)
      .map(([childTag, child]) => build(childTag, child, scope));
    return { ns, local: tag.slice(at + 1), attributes, children, scope };
  };
  const top = (parser.parse(xml) as Ordered).find((node) => Object.keys(node).some((key) => !key.startsWith('?') && key !== '#comment' && key !== ':@'));
  if (!top) throw new Error('no root element');
  const tag = Object.keys(top).find((key) => !key.startsWith('?') && key !== '#comment' && key !== ':@')!;
  return build(tag, top, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]));
}

const kids = (element: XmlElement, ns: string, local?: string) => element.children.filter((child) => child.ns === ns && (local === undefined || child.local === local));
const kid = (element: XmlElement, ns: string, local: string) => kids(element, ns, local)[0];

/**
 * @param fetch answers a document by its absolute URL, as the service serves it
 * @param prefixes NetSuite's prefix for each concrete namespace of the version
 */
export function readServedSchemas(wsdlUrl: string, fetch: (url: string) => string | undefined, prefixes: Map<string, string>): ServedSchemas {
  const served: ServedSchemas = { complexTypes: new Map(), simpleTypes: new Map(), elements: new Map(), operations: new Map(), problems: [], documents: [] };
  const named = (qname: string, scope: Map<string, string>, where: string): FactName => {
    const at = qname.indexOf(':');
    const namespace = scope.get(at < 0 ? '' : qname.slice(0, at));
    const local = qname.slice(at + 1);
    if (namespace === XSD) return `xsd:${local}`;
    const prefix = namespace === undefined ? undefined : prefixes.get(namespace);
    if (prefix === undefined) {
      served.problems.push(`${where}: ${qname} is in ${namespace ?? 'an undeclared namespace'}, which is none of NetSuite's`);
      return `?:${local}`;
    }
    return `${prefix}:${local}`;
  };

  const seen = new Set<string>();
  const load = (url: string, from: string): XmlElement | undefined => {
    if (seen.has(url)) return undefined;
    seen.add(url);
    const text = fetch(url);
    if (text === undefined) {
      served.problems.push(`${from} imports ${url}, which is not served`);
      return undefined;
    }
    served.documents.push(url);
    try {
      return parseXml(text);
    } catch (error) {
      served.problems.push(`${url} is not well-formed: ${(error as Error).message}`);
      return undefined;
    }
  };

  const readSchema = (schema: XmlElement, url: string) => {
    const target = schema.attributes.targetNamespace ?? '';
    const prefix = prefixes.get(target);
    if (prefix === undefined) {
      served.problems.push(`${url} declares namespace ${target}, which is none of NetSuite's`);
      return;
    }
    if (target !== '' && schema.attributes.elementFormDefault !== 'qualified') served.problems.push(`${url}: elementFormDefault is not qualified`);
    for (const node of schema.children) {
      if (node.ns !== XSD) continue;
      const where = `${url} ${node.local} ${node.attributes.name ?? ''}`;
      if (node.local === 'import' || node.local === 'include') {
        const location = node.attributes.schemaLocation;
        if (location) {
          const imported = load(new URL(location, url).href, url);
          if (imported) readSchema(imported, new URL(location, url).href);
        }
      } else if (node.local === 'element') {
        const name = `${prefix}:${node.attributes.name}`;
        if (kid(node, XSD, 'complexType') || kid(node, XSD, 'simpleType')) served.problems.push(`element ${name}: an anonymous type (NetSuite names every type)`);
        served.elements.set(name, node.attributes.type ? named(node.attributes.type, node.scope, name) : undefined);
      } else if (node.local === 'complexType') {
        const name = `${prefix}:${node.attributes.name}`;
        served.complexTypes.set(name, readComplexType(node, name));
      } else if (node.local === 'simpleType') {
        const name = `${prefix}:${node.attributes.name}`;
        const restriction = kid(node, XSD, 'restriction');
        if (!restriction) served.problems.push(`${name}: not a restriction`);
        served.simpleTypes.set(name, {
          name,
          base: restriction ? named(restriction.attributes.base, restriction.scope, name) : '?',
          values: restriction ? kids(restriction, XSD, 'enumeration').map((value) => value.attributes.value) : [],
        });
      } else if (node.local !== 'annotation') served.problems.push(`${where}: a top-level ${node.local} the facts cannot state`);
    }
  };

  const readComplexType = (node: XmlElement, name: FactName): FactComplexType => {
    const type: FactComplexType = { name, abstract: node.attributes.abstract === 'true', children: [], attributes: [] };
    const content = kid(node, XSD, 'complexContent') ?? kid(node, XSD, 'simpleContent');
    const extension = content ? kid(content, XSD, 'extension') : undefined;
    if (content && !extension) served.problems.push(`${name}: content that is not an extension`);
    if (extension) type.base = named(extension.attributes.base, extension.scope, name);
    const holder = extension ?? node;
    for (const part of holder.children.filter((child) => child.ns === XSD)) {
      if (part.local === 'sequence') {
        for (const item of part.children) {
          if (item.ns !== XSD || item.local !== 'element') {
            served.problems.push(`${name}: a ${item.local} in its sequence`);
            continue;
          }
          type.children.push(readChild(item, name));
        }
        if (part.attributes.minOccurs || part.attributes.maxOccurs) served.problems.push(`${name}: occurrence on the sequence itself`);
      } else if (part.local === 'attribute') type.attributes.push(readAttribute(part, name));
      else if (part.local !== 'annotation') served.problems.push(`${name}: a ${part.local} the facts cannot state`);
    }
    return type;
  };

  const readChild = (item: XmlElement, owner: FactName): FactChild => {
    const where = `${owner}/${item.attributes.name ?? item.attributes.ref}`;
    if (kid(item, XSD, 'complexType') || kid(item, XSD, 'simpleType')) served.problems.push(`${owner}: ${item.attributes.name} has an anonymous type (NetSuite names every type)`);
    const max = item.attributes.maxOccurs ?? '1';
    const min = item.attributes.minOccurs ?? '1';
    if ((min !== '0' && min !== '1') || (max !== '1' && max !== 'unbounded')) served.problems.push(`${owner}: ${where} occurs ${min}..${max}, which the facts cannot state`);
    const occurs = { minOccurs: (min === '0' ? 0 : 1) as 0 | 1, maxOccurs: (max === 'unbounded' ? 'unbounded' : 1) as 1 | 'unbounded', nillable: item.attributes.nillable === 'true' };
    if (item.attributes.ref) {
      const ref = named(item.attributes.ref, item.scope, where);
      return { name: ref.slice(ref.indexOf(':') + 1), ref, ...occurs };
    }
    return { name: item.attributes.name, type: item.attributes.type ? named(item.attributes.type, item.scope, where) : 'xsd:anyType', ...occurs };
  };

  const readAttribute = (part: XmlElement, owner: FactName): FactAttribute => {
    const where = `${owner}/@${part.attributes.name}`;
    const attribute: FactAttribute = { name: part.attributes.name, type: part.attributes.type ? named(part.attributes.type, part.scope, where) : 'xsd:anySimpleType', required: part.attributes.use === 'required' };
    if (part.attributes.default !== undefined) attribute.default = part.attributes.default;
    if (part.attributes.use === 'prohibited' || part.attributes.fixed !== undefined || part.attributes.ref) served.problems.push(`${where}: a use, fixed value or ref the facts cannot state`);
    return attribute;
  };

  const definitions = load(wsdlUrl, 'the client');
  if (!definitions) return served;
  const types = kid(definitions, WSDL, 'types');
  for (const schema of types ? kids(types, XSD, 'schema') : []) {
    const target = schema.attributes.targetNamespace;
    if (kids(schema, XSD).some((node) => node.local !== 'import')) served.problems.push(`the WSDL's inline schema (${target}) declares more than imports`);
    for (const node of kids(schema, XSD, 'import')) {
      if (!node.attributes.schemaLocation) continue;
      const url = new URL(node.attributes.schemaLocation, wsdlUrl).href;
      const imported = load(url, wsdlUrl);
      if (imported) readSchema(imported, url);
    }
  }

  const messages = new Map<string, XmlElement>(kids(definitions, WSDL, 'message').map((message) => [message.attributes.name, message]));
  const partElement = (reference: string | undefined, where: string, part?: string): FactName => {
    const message = messages.get((reference ?? '').slice((reference ?? '').indexOf(':') + 1));
    const parts = message ? kids(message, WSDL, 'part') : [];
    const chosen = part === undefined ? parts : parts.filter((candidate) => candidate.attributes.name === part);
    if (!message || chosen.length !== 1 || !chosen[0].attributes.element) {
      served.problems.push(`${where}: message ${reference} does not name one element part`);
      return '?:?';
    }
    return named(chosen[0].attributes.element, chosen[0].scope, where);
  };
  const typeOf = (element: FactName) => served.elements.get(element) ?? '?:?';

  const bindings = new Map<string, XmlElement>();
  for (const binding of kids(definitions, WSDL, 'binding')) for (const operation of kids(binding, WSDL, 'operation')) bindings.set(operation.attributes.name, operation);
  for (const portType of kids(definitions, WSDL, 'portType')) {
    for (const operation of kids(portType, WSDL, 'operation')) {
      const name = operation.attributes.name;
      const input = kid(operation, WSDL, 'input');
      const output = kid(operation, WSDL, 'output');
      const inputElement = partElement(input?.attributes.message, `${name} input`);
      const outputElement = partElement(output?.attributes.message, `${name} output`);
      const binding = bindings.get(name);
      if (!binding) served.problems.push(`${name}: no binding`);
      const headers = (direction: string) =>
        binding
          ? kids(kid(binding, WSDL, direction) ?? binding, WSDL_SOAP, 'header')
              .filter(() => kid(binding, WSDL, direction) !== undefined)
              .map((header) => partElement(header.attributes.message, `${name} ${direction} header`, header.attributes.part))
          : [];
      served.operations.set(name, {
        name,
        input: { element: inputElement, type: typeOf(inputElement) },
        output: { element: outputElement, type: typeOf(outputElement) },
        faults: kids(operation, WSDL, 'fault').map((fault) => partElement(fault.attributes.message, `${name} fault ${fault.attributes.name}`)),
        headers: headers('input'),
        outputHeaders: headers('output'),
        soapAction: binding ? kid(binding, WSDL_SOAP, 'operation')?.attributes.soapAction : undefined,
      });
    }
  }
  return served;
}
