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
  /** The portType's <fault name>s, in order. */
  faultNames: string[];
}

/** The WSDL around the operations: what netsuite-async-facts.md states of binding, service and port. */
export interface ServedBinding {
  name: string;
  /** The portType it binds (a qualified name, tns: for the WSDL's own namespace). */
  type: FactName;
  style: string | undefined;
  transport: string | undefined;
  operations: ServedBindingOperation[];
}

export interface ServedBindingOperation {
  name: string;
  /** soap:operation's style, when it gives one. */
  style: string | undefined;
  /** The use of every soap:body, soap:header and soap:fault, with where it is. */
  uses: Array<{ where: string; use: string | undefined }>;
  /** Each <fault name> with its soap:fault's name. */
  faults: Array<{ name: string; soapFault: string | undefined }>;
}

export interface ServedPort {
  service: string;
  name: string;
  binding: FactName;
  address: string | undefined;
}

export interface ServedSchemas {
  complexTypes: Map<FactName, FactComplexType>;
  simpleTypes: Map<FactName, FactSimpleType>;
  elements: Map<FactName, FactName | undefined>;
  operations: Map<string, ServedOperation>;
  portTypes: string[];
  bindings: ServedBinding[];
  ports: ServedPort[];
  /**
   * Declarations the facts' notation cannot express (anonymous types, facets, mixed, nillable
   * elements…), declarations made twice, names that no served declaration answers, and
   * documents that would not load.
   */
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
 * The attributes the facts' notation can state, per XML Schema construct; any other (mixed,
 * block, final, nillable or abstract on a global element, substitutionGroup, form, fixed…) is a
 * declaration the facts cannot hold and so a problem. Namespace declarations are not attributes.
 */
const STATABLE: Record<string, string[]> = {
  'global element': ['name', 'type'],
  'global complexType': ['name', 'abstract'],
  'global simpleType': ['name'],
  restriction: ['base'],
  enumeration: ['value'],
  complexContent: [],
  simpleContent: [],
  extension: ['base'],
  sequence: [],
  element: ['name', 'type', 'ref', 'minOccurs', 'maxOccurs', 'nillable'],
  attribute: ['name', 'type', 'use', 'default'],
};

/**
 * @param fetch answers a document by its absolute URL, as the service serves it
 * @param prefixes NetSuite's prefix for each concrete namespace of the version
 */
export function readServedSchemas(wsdlUrl: string, fetch: (url: string) => string | undefined, prefixes: Map<string, string>): ServedSchemas {
  const served: ServedSchemas = {
    complexTypes: new Map(),
    simpleTypes: new Map(),
    elements: new Map(),
    operations: new Map(),
    portTypes: [],
    bindings: [],
    ports: [],
    problems: [],
    documents: [],
  };
  /** Every type and element named, to be answered by a served declaration once all is read. */
  const references: Array<{ kind: 'type' | 'element'; name: FactName; where: string }> = [];
  const refer = (kind: 'type' | 'element', name: FactName, where: string) => {
    references.push({ kind, name, where });
    return name;
  };
  const statable = (node: XmlElement, construct: string, where: string) => {
    const extra = Object.keys(node.attributes).filter((key) => key !== 'xmlns' && !key.startsWith('xmlns:') && !STATABLE[construct].includes(key));
    if (extra.length > 0) served.problems.push(`${where}: ${extra.map((key) => `${key}="${node.attributes[key]}"`).join(', ')} on its ${construct}, which the facts cannot state`);
  };
  const declare = <T>(map: Map<FactName, T>, name: FactName, value: T, kind: string) => {
    if (map.has(name)) served.problems.push(`${name}: declared twice as a ${kind}`);
    map.set(name, value);
  };
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
        statable(node, 'global element', `element ${name}`);
        if (kid(node, XSD, 'complexType') || kid(node, XSD, 'simpleType')) served.problems.push(`element ${name}: an anonymous type (NetSuite names every type)`);
        declare(served.elements, name, node.attributes.type ? refer('type', named(node.attributes.type, node.scope, name), `element ${name}`) : undefined, 'global element');
      } else if (node.local === 'complexType') {
        const name = `${prefix}:${node.attributes.name}`;
        statable(node, 'global complexType', name);
        declare(served.complexTypes, name, readComplexType(node, name), 'type');
      } else if (node.local === 'simpleType') {
        const name = `${prefix}:${node.attributes.name}`;
        statable(node, 'global simpleType', name);
        const restriction = kid(node, XSD, 'restriction');
        if (!restriction) served.problems.push(`${name}: not a restriction`);
        else statable(restriction, 'restriction', name);
        const facets = restriction ? restriction.children.filter((facet) => facet.ns !== XSD || (facet.local !== 'enumeration' && facet.local !== 'annotation')) : [];
        if (facets.length > 0)
          served.problems.push(`${name}: a ${facets.map((facet) => facet.local).join(', ')} facet, which the facts cannot state (NetSuite's simple types only enumerate)`);
        const values = restriction ? kids(restriction, XSD, 'enumeration') : [];
        for (const value of values) statable(value, 'enumeration', `${name} value ${value.attributes.value}`);
        declare(
          served.simpleTypes,
          name,
          {
            name,
            base: restriction ? refer('type', named(restriction.attributes.base, restriction.scope, name), name) : '?',
            values: values.map((value) => value.attributes.value),
          },
          'simple type',
        );
      } else if (node.local !== 'annotation') served.problems.push(`${where}: a top-level ${node.local} the facts cannot state`);
    }
  };

  const readComplexType = (node: XmlElement, name: FactName): FactComplexType => {
    const type: FactComplexType = { name, abstract: node.attributes.abstract === 'true', children: [], attributes: [] };
    const content = kid(node, XSD, 'complexContent') ?? kid(node, XSD, 'simpleContent');
    if (content) statable(content, content.local, name);
    if (content && node.children.some((other) => other.ns === XSD && other !== content && other.local !== 'annotation'))
      served.problems.push(`${name}: more beside its ${content.local}`);
    const extension = content ? kid(content, XSD, 'extension') : undefined;
    if (content && !extension) served.problems.push(`${name}: content that is not an extension`);
    if (extension) {
      statable(extension, 'extension', name);
      type.base = refer('type', named(extension.attributes.base, extension.scope, name), name);
    }
    const holder = extension ?? node;
    for (const part of holder.children.filter((child) => child.ns === XSD)) {
      if (part.local === 'sequence') {
        statable(part, 'sequence', name);
        for (const item of part.children) {
          if (item.ns !== XSD || item.local !== 'element') {
            served.problems.push(`${name}: a ${item.local} in its sequence`);
            continue;
          }
          type.children.push(readChild(item, name));
        }
      } else if (part.local === 'attribute') type.attributes.push(readAttribute(part, name));
      else if (part.local !== 'annotation') served.problems.push(`${name}: a ${part.local} the facts cannot state`);
    }
    return type;
  };

  const readChild = (item: XmlElement, owner: FactName): FactChild => {
    const where = `${owner}/${item.attributes.name ?? item.attributes.ref}`;
    statable(item, 'element', where);
    if (kid(item, XSD, 'complexType') || kid(item, XSD, 'simpleType')) served.problems.push(`${owner}: ${item.attributes.name} has an anonymous type (NetSuite names every type)`);
    const max = item.attributes.maxOccurs ?? '1';
    const min = item.attributes.minOccurs ?? '1';
    if ((min !== '0' && min !== '1') || (max !== '1' && max !== 'unbounded')) served.problems.push(`${owner}: ${where} occurs ${min}..${max}, which the facts cannot state`);
    const occurs = {
      minOccurs: (min === '0' ? 0 : 1) as 0 | 1,
      maxOccurs: (max === 'unbounded' ? 'unbounded' : 1) as 1 | 'unbounded',
      nillable: item.attributes.nillable === 'true',
    };
    if (item.attributes.ref) {
      const ref = refer('element', named(item.attributes.ref, item.scope, where), where);
      return { name: ref.slice(ref.indexOf(':') + 1), ref, ...occurs };
    }
    return { name: item.attributes.name, type: item.attributes.type ? refer('type', named(item.attributes.type, item.scope, where), where) : 'xsd:anyType', ...occurs };
  };

  const readAttribute = (part: XmlElement, owner: FactName): FactAttribute => {
    const where = `${owner}/@${part.attributes.name}`;
    statable(part, 'attribute', where);
    const attribute: FactAttribute = {
      name: part.attributes.name,
      type: part.attributes.type ? refer('type', named(part.attributes.type, part.scope, where), where) : 'xsd:anySimpleType',
      required: part.attributes.use === 'required',
    };
    if (part.attributes.default !== undefined) attribute.default = part.attributes.default;
    if (part.attributes.use === 'prohibited') served.problems.push(`${where}: a use the facts cannot state`);
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

  const messages = new Map<string, XmlElement>();
  for (const message of kids(definitions, WSDL, 'message')) {
    if (messages.has(message.attributes.name)) served.problems.push(`message ${message.attributes.name}: declared twice`);
    messages.set(message.attributes.name, message);
  }
  const local = (qname: string | undefined) => (qname ?? '').slice((qname ?? '').indexOf(':') + 1);
  const partElement = (reference: string | undefined, where: string, part?: string): FactName => {
    const message = messages.get(local(reference));
    const parts = message ? kids(message, WSDL, 'part') : [];
    const chosen = part === undefined ? parts : parts.filter((candidate) => candidate.attributes.name === part);
    if (!message || chosen.length !== 1 || !chosen[0].attributes.element) {
      served.problems.push(`${where}: message ${reference} does not name one element part`);
      return '?:?';
    }
    return refer('element', named(chosen[0].attributes.element, chosen[0].scope, where), where);
  };
  const typeOf = (element: FactName) => served.elements.get(element) ?? '?:?';

  const bindings = new Map<string, XmlElement>();
  for (const binding of kids(definitions, WSDL, 'binding')) {
    const soapBinding = kid(binding, WSDL_SOAP, 'binding');
    const operations = kids(binding, WSDL, 'operation');
    served.bindings.push({
      name: binding.attributes.name,
      type: named(binding.attributes.type ?? '', binding.scope, `binding ${binding.attributes.name}`),
      style: soapBinding?.attributes.style,
      transport: soapBinding?.attributes.transport,
      operations: operations.map((operation) => {
        const name = operation.attributes.name;
        const uses = [
          ...(['input', 'output'] as const).flatMap((direction) =>
            kids(operation, WSDL, direction).flatMap((holder) => [
              ...kids(holder, WSDL_SOAP, 'body').map((body) => ({ where: `${direction} soap:body`, use: body.attributes.use })),
              ...kids(holder, WSDL_SOAP, 'header').map((header) => ({ where: `${direction} soap:header ${header.attributes.part}`, use: header.attributes.use })),
            ]),
          ),
          ...kids(operation, WSDL, 'fault').flatMap((fault) =>
            kids(fault, WSDL_SOAP, 'fault').map((soapFault) => ({ where: `soap:fault ${soapFault.attributes.name}`, use: soapFault.attributes.use })),
          ),
        ];
        for (const direction of ['input', 'output'])
          if (!kid(kid(operation, WSDL, direction) ?? operation, WSDL_SOAP, 'body')) served.problems.push(`binding operation ${name}: no soap:body in its ${direction}`);
        return {
          name,
          style: kid(operation, WSDL_SOAP, 'operation')?.attributes.style,
          uses,
          faults: kids(operation, WSDL, 'fault').map((fault) => ({ name: fault.attributes.name, soapFault: kid(fault, WSDL_SOAP, 'fault')?.attributes.name })),
        };
      }),
    });
    for (const operation of operations) {
      if (bindings.has(operation.attributes.name)) served.problems.push(`binding operation ${operation.attributes.name}: bound twice`);
      bindings.set(operation.attributes.name, operation);
    }
  }
  for (const service of kids(definitions, WSDL, 'service')) {
    for (const port of kids(service, WSDL, 'port')) {
      served.ports.push({
        service: service.attributes.name,
        name: port.attributes.name,
        binding: named(port.attributes.binding ?? '', port.scope, `port ${port.attributes.name}`),
        address: kid(port, WSDL_SOAP, 'address')?.attributes.location,
      });
    }
  }
  for (const portType of kids(definitions, WSDL, 'portType')) {
    served.portTypes.push(portType.attributes.name);
    for (const operation of kids(portType, WSDL, 'operation')) {
      const name = operation.attributes.name;
      if (served.operations.has(name)) served.problems.push(`operation ${name}: declared twice`);
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
      const faults = kids(operation, WSDL, 'fault');
      served.operations.set(name, {
        name,
        input: { element: inputElement, type: typeOf(inputElement) },
        output: { element: outputElement, type: typeOf(outputElement) },
        faults: faults.map((fault) => partElement(fault.attributes.message, `${name} fault ${fault.attributes.name}`)),
        faultNames: faults.map((fault) => fault.attributes.name),
        headers: headers('input'),
        outputHeaders: headers('output'),
        soapAction: binding ? kid(binding, WSDL_SOAP, 'operation')?.attributes.soapAction : undefined,
      });
    }
  }

  for (const { kind, name, where } of references) {
    if (name.startsWith('xsd:') || name.startsWith('?:')) continue;
    const declared = kind === 'element' ? served.elements.has(name) : served.complexTypes.has(name) || served.simpleTypes.has(name);
    if (!declared) served.problems.push(`${where}: names ${kind} ${name}, which no served schema declares`);
  }
  return served;
}
