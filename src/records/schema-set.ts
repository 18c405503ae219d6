import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';

/**
 * A set of XSDs read into types: complex types with their base, elements (in sequence order) and
 * attributes, and simple types with their enumerations. Names are qualified by namespace as the
 * files write them (templates keep {{V}} in their namespaces). It reads this project's schemas and,
 * the same way, a copy of NetSuite's own.
 */

export const XSD_NS = 'http://www.w3.org/2001/XMLSchema';

/** A qualified name in Clark notation: {namespace}local. */
export type QName = string;
export const qname = (namespace: string, local: string): QName => `{${namespace}}${local}`;
export const localOf = (name: QName): string => name.slice(name.lastIndexOf('}') + 1);
// Template namespaces hold {{V}}, so the name ends at the last brace.
export const namespaceOf = (name: QName): string => name.slice(1, name.lastIndexOf('}'));

export interface ElementDecl {
  name: string;
  /** The element's own namespace: the schema's targetNamespace (elementFormDefault qualified). */
  namespace: string;
  type: QName;
  repeated: boolean;
}

export interface ComplexType {
  name: QName;
  base?: QName;
  abstract: boolean;
  elements: ElementDecl[];
  attributes: string[];
}

type Node = Record<string, unknown>;
const asArray = (value: unknown): Node[] => (value === undefined ? [] : Array.isArray(value) ? (value as Node[]) : [value as Node]);

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', removeNSPrefix: false });

export class SchemaSet {
  readonly complexTypes = new Map<QName, ComplexType>();
  readonly enumerations = new Map<QName, string[]>();
  /** Global elements: name → type. */
  readonly globalElements = new Map<QName, QName>();

  /** Reads every .xsd file under `dir`, recursively. */
  static fromDirectory(dir: string): SchemaSet {
    const set = new SchemaSet();
    const visit = (folder: string) => {
      for (const name of readdirSync(folder).sort()) {
        const full = path.join(folder, name);
        if (statSync(full).isDirectory()) visit(full);
        else if (name.endsWith('.xsd')) set.add(readFileSync(full, 'utf8'), full);
      }
    };
    visit(dir);
    return set;
  }

  add(xml: string, source: string): void {
    const root = Object.entries(parser.parse(xml) as Node).find(([key]) => key.endsWith('schema'))?.[1] as Node | undefined;
    if (!root) throw new Error(`${source} is not an XML schema`);
    const xs = Object.entries(root).find(([key, value]) => key.startsWith('xmlns:') && value === XSD_NS)?.[0].slice(6) ?? '';
    const tag = (local: string) => (xs ? `${xs}:${local}` : local);
    const target = String(root.targetNamespace ?? '');
    const prefixes = new Map<string, string>();
    for (const [key, value] of Object.entries(root)) {
      if (key === 'xmlns') prefixes.set('', String(value));
      else if (key.startsWith('xmlns:')) prefixes.set(key.slice(6), String(value));
    }
    const resolve = (name: string): QName => {
      const at = name.indexOf(':');
      const prefix = at < 0 ? '' : name.slice(0, at);
      const namespace = prefixes.get(prefix);
      if (namespace === undefined) throw new Error(`${source}: prefix "${prefix}" of ${name} is not declared`);
      return qname(namespace, name.slice(at + 1));
    };

    const elementsOf = (holder: Node | undefined): ElementDecl[] => {
      const sequence = holder?.[tag('sequence')] as Node | undefined;
      return asArray(sequence?.[tag('element')]).map((element) => {
        const ref = element.ref ? resolve(String(element.ref)) : undefined;
        const name = ref ? localOf(ref) : String(element.name);
        const namespace = ref ? namespaceOf(ref) : target;
        const type = ref ? (this.globalElements.get(ref) ?? ref) : element.type ? resolve(String(element.type)) : qname(XSD_NS, 'string');
        return { name, namespace, type, repeated: element.maxOccurs === 'unbounded' || Number(element.maxOccurs) > 1, ref } as ElementDecl & { ref?: QName };
      });
    };
    const attributesOf = (holder: Node | undefined) => asArray(holder?.[tag('attribute')]).map((attribute) => String(attribute.name));

    for (const element of asArray(root[tag('element')])) {
      if (element.type) this.globalElements.set(qname(target, String(element.name)), resolve(String(element.type)));
    }
    for (const type of asArray(root[tag('complexType')])) {
      const name = qname(target, String(type.name));
      const content = (type[tag('complexContent')] ?? type[tag('simpleContent')]) as Node | undefined;
      const extension = content?.[tag('extension')] as Node | undefined;
      this.complexTypes.set(name, {
        name,
        base: extension ? resolve(String(extension.base)) : undefined,
        abstract: type.abstract === 'true',
        elements: elementsOf(extension ?? type),
        attributes: attributesOf(extension ?? type),
      });
    }
    for (const type of asArray(root[tag('simpleType')])) {
      const restriction = type[tag('restriction')] as Node | undefined;
      const values = asArray(restriction?.[tag('enumeration')]).map((value) => String(value.value));
      if (values.length > 0) this.enumerations.set(qname(target, String(type.name)), values);
    }
  }

  /** Elements of a type and its bases, bases first, as the sequence orders them. */
  allElements(name: QName): ElementDecl[] {
    const type = this.complexTypes.get(name);
    if (!type) return [];
    return [...(type.base ? this.allElements(type.base) : []), ...type.elements.map((element) => this.settle(element))];
  }

  allAttributes(name: QName): string[] {
    const type = this.complexTypes.get(name);
    if (!type) return [];
    return [...(type.base ? this.allAttributes(type.base) : []), ...type.attributes];
  }

  /** True when `name` is `ancestor` or extends it. */
  extends(name: QName, ancestor: QName): boolean {
    for (let current: QName | undefined = name; current; current = this.complexTypes.get(current)?.base) {
      if (current === ancestor) return true;
    }
    return false;
  }

  /** Element refs are resolved once every file is read (a ref may name a later file's element). */
  private settle(element: ElementDecl & { ref?: QName }): ElementDecl {
    if (!element.ref) return element;
    return { name: element.name, namespace: element.namespace, type: this.globalElements.get(element.ref) ?? element.type, repeated: element.repeated };
  }
}
