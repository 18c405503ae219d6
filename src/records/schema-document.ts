import { XMLParser } from 'fast-xml-parser';

/**
 * An XML Schema or WSDL document as elements named by namespace, whatever prefixes it writes them
 * with: NetSuite's XSDs write XML Schema in the default namespace and mix `xsd:` (or `xs:`) tags
 * in, so readers match {namespace}local, never a prefix. QName-valued attributes (type, base, ref)
 * resolve through the declarations in scope at their element, the default namespace included.
 */

export const XSD_NS = 'http://www.w3.org/2001/XMLSchema';
export const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';

/** A qualified name in Clark notation: {namespace}local. */
export type QName = string;
export const qname = (namespace: string, local: string): QName => `{${namespace}}${local}`;

type Scope = ReadonlyMap<string, string>;

export class SchemaElement {
  constructor(
    readonly namespace: string,
    readonly local: string,
    /** Attributes other than namespace declarations, by the name written (unprefixed ones as is). */
    readonly attributes: Readonly<Record<string, string>>,
    readonly children: readonly SchemaElement[],
    private readonly scope: Scope,
    private readonly source: string,
  ) {}

  is(namespace: string, local?: string): boolean {
    return this.namespace === namespace && (local === undefined || this.local === local);
  }

  /** Children in the XML Schema namespace, in document order, optionally of one local name. */
  xsd(local?: string): SchemaElement[] {
    return this.children.filter((child) => child.is(XSD_NS, local));
  }

  /** A QName value: a prefix must be declared in scope; no prefix takes the default namespace (none if none). */
  resolve(value: string): QName {
    const at = value.indexOf(':');
    const prefix = at < 0 ? '' : value.slice(0, at);
    const namespace = this.scope.get(prefix);
    if (namespace === undefined && prefix !== '') throw new Error(`${this.source}: prefix "${prefix}" of ${value} is not declared`);
    return qname(namespace ?? '', value.slice(at + 1));
  }

  /** Every element of the subtree, this one first, in document order. */
  *descendants(): Generator<SchemaElement> {
    yield this;
    for (const child of this.children) yield* child.descendants();
  }
}

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** Reads a document's root element; throws naming `source` on a tag whose prefix is not declared. */
export function readSchemaDocument(xml: string, source: string): SchemaElement {
  const nodes = parser.parse(xml) as OrderedNode[];
  const root = nodes.map((node) => element(node, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]), source)).find((found) => found !== undefined);
  if (!root) throw new Error(`${source} holds no XML element`);
  return root;
}

function element(node: OrderedNode, parentScope: Scope, source: string): SchemaElement | undefined {
  const tag = Object.keys(node).find((key) => key !== ':@' && key !== '#text');
  if (tag === undefined) return undefined;
  const written = node[':@'] ?? {};
  let scope = parentScope;
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(written)) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      if (scope === parentScope) scope = new Map(parentScope);
      (scope as Map<string, string>).set(name === 'xmlns' ? '' : name.slice(6), String(value));
    } else {
      attributes[name] = String(value);
    }
  }
  const at = tag.indexOf(':');
  const prefix = at < 0 ? '' : tag.slice(0, at);
  const namespace = scope.get(prefix);
  if (namespace === undefined && prefix !== '') throw new Error(`${source}: the prefix of <${tag}> is not declared`);
  const children = ((node[tag] as OrderedNode[] | undefined) ?? []).flatMap((child) => element(child, scope, source) ?? []);
  return new SchemaElement(namespace ?? '', tag.slice(at + 1), attributes, children, scope, source);
}
