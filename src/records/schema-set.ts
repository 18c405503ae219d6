import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { qname, readSchemaDocument, XSD_NS, type QName, type SchemaElement } from './schema-document';

/**
 * A set of XSDs read into types: complex types with their base, elements (in sequence order) and
 * attributes, and simple types with their enumerations. Names are qualified by namespace as the
 * files write them (templates keep {{V}} in their namespaces). It reads this project's schemas and,
 * the same way, a copy of NetSuite's own: XML Schema is matched by namespace, whatever the prefix.
 */

export { qname, XSD_NS, type QName };
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
  /** Each attribute's declared type, by name (an attribute declared without one is absent). */
  attributeTypes: Map<string, QName>;
}

/** An element without a type attribute: the base of its own simple type's restriction, else xsd:string. */
function inlineBase(element: SchemaElement): QName {
  const restriction = element.xsd('simpleType')[0]?.xsd('restriction')[0];
  return restriction?.attributes.base ? restriction.resolve(restriction.attributes.base) : qname(XSD_NS, 'string');
}

/** Particles whose elements a type's content lists, flattened in document order. */
const GROUPS = new Set(['sequence', 'choice', 'all']);

export class SchemaSet {
  readonly complexTypes = new Map<QName, ComplexType>();
  readonly enumerations = new Map<QName, string[]>();
  /** Named simple types by restriction: name → the base they restrict (enumerated ones included). */
  readonly simpleBases = new Map<QName, QName>();
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

  /** A set of schemas already read, as a tree of NetSuite's files gives them. */
  static fromDocuments(documents: ReadonlyArray<{ file: string; root: SchemaElement }>): SchemaSet {
    const set = new SchemaSet();
    for (const { file, root } of documents) set.addDocument(root, file);
    return set;
  }

  add(xml: string, source: string): void {
    this.addDocument(readSchemaDocument(xml, source), source);
  }

  /** Adds a schema already read (a tree reader reads each file once, for its imports and its types). */
  addDocument(root: SchemaElement, source: string): void {
    if (!root.is(XSD_NS, 'schema')) throw new Error(`${source} is not an XML schema`);
    const target = root.attributes.targetNamespace ?? '';
    const qualifiedByDefault = root.attributes.elementFormDefault === 'qualified';

    const elementsOf = (holder: SchemaElement | undefined): ElementDecl[] =>
      (holder?.xsd() ?? []).flatMap((particle): ElementDecl[] => {
        if (GROUPS.has(particle.local)) return elementsOf(particle);
        if (particle.local !== 'element') return [];
        const { attributes } = particle;
        const ref = attributes.ref ? particle.resolve(attributes.ref) : undefined;
        const qualified = (attributes.form ?? (qualifiedByDefault ? 'qualified' : 'unqualified')) === 'qualified';
        const name = ref ? localOf(ref) : attributes.name;
        const namespace = ref ? namespaceOf(ref) : qualified ? target : '';
        const type = ref ? (this.globalElements.get(ref) ?? ref) : attributes.type ? particle.resolve(attributes.type) : inlineBase(particle);
        const repeated = attributes.maxOccurs === 'unbounded' || Number(attributes.maxOccurs) > 1;
        return [{ name, namespace, type, repeated, ref } as ElementDecl & { ref?: QName }];
      });
    const attributesOf = (holder: SchemaElement | undefined) =>
      (holder?.xsd('attribute') ?? []).map((attribute) => attribute.attributes.name ?? localOf(attribute.resolve(attribute.attributes.ref ?? '')));
    const attributeTypesOf = (holder: SchemaElement | undefined) =>
      new Map(
        (holder?.xsd('attribute') ?? [])
          .filter((attribute) => attribute.attributes.name !== undefined && attribute.attributes.type !== undefined)
          .map((attribute) => [attribute.attributes.name!, attribute.resolve(attribute.attributes.type!)]),
      );

    for (const node of root.xsd()) {
      const name = node.attributes.name;
      if (node.local === 'element') {
        if (node.attributes.type) this.globalElements.set(qname(target, name), node.resolve(node.attributes.type));
      } else if (node.local === 'complexType') {
        const typeName = qname(target, name);
        const content = node.xsd().find((child) => child.local === 'complexContent' || child.local === 'simpleContent');
        const extension = content?.xsd('extension')[0];
        this.complexTypes.set(typeName, {
          name: typeName,
          base: extension?.attributes.base ? extension.resolve(extension.attributes.base) : undefined,
          abstract: node.attributes.abstract === 'true',
          elements: elementsOf(extension ?? node),
          attributes: attributesOf(extension ?? node),
          attributeTypes: attributeTypesOf(extension ?? node),
        });
      } else if (node.local === 'simpleType') {
        const restriction = node.xsd('restriction')[0];
        const values = (restriction?.xsd('enumeration') ?? []).map((value) => value.attributes.value);
        if (values.length > 0) this.enumerations.set(qname(target, name), values);
        if (restriction?.attributes.base) this.simpleBases.set(qname(target, name), restriction.resolve(restriction.attributes.base));
      }
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

  /** The declared type of attribute `attribute` of `name` or a type it extends. */
  attributeType(name: QName, attribute: string): QName | undefined {
    for (let current: QName | undefined = name; current; current = this.complexTypes.get(current)?.base) {
      const type = this.complexTypes.get(current)?.attributeTypes.get(attribute);
      if (type) return type;
    }
    return undefined;
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
