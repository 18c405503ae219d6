import type { ItemResult } from '../jobs/job';
import type { FieldData } from '../records/record';
import { prefixFor, type RecordCatalog } from '../records/record-catalog';
import { localOf, namespaceOf, type ElementDecl, type QName } from '../records/schema-set';
import { attribute, escapeXml, xmlns } from './xml-write';

/**
 * Stored records written back as XML for one version: explicit prefixes, declared on each record,
 * and xsi:type where the record or value names a subtype. A page repeats the same types and
 * namespaces a thousand times, so what depends only on the version and the schema (concrete
 * namespaces, a type's attributes and elements) is worked out once per version and kept.
 */

/** A complex type as writing its values needs it; the schema set rebuilds these on every call. */
interface TypeLayout {
  /** Attributes in schema order, with the key a stored value keeps each under ('@name'). */
  attributes: ReadonlyArray<{ name: string; key: string }>;
  elements: readonly ElementDecl[];
  namespaceTemplate: string;
  local: string;
}

/** An element's prefixed name and its tags, for the prefix a record gave its namespace. */
interface ElementTags {
  prefix: string;
  name: string;
  open: string;
  close: string;
}

/** A namespace of this version and the prefix NetSuite gives it, if any. */
interface VersionNamespace {
  namespace: string;
  preferred: string | undefined;
}

/** A sublist of a record: a field of a *List type (CustomerAddressbookList, SalesOrderItemList), not the custom fields or a multi-select of the body (RecordRefList). */
const BODY_LISTS = new Set(['CustomFieldList', 'RecordRefList']);
const isSublist = (field: ElementDecl) => localOf(field.type).endsWith('List') && !BODY_LISTS.has(localOf(field.type));

export class RecordWriter {
  private readonly layouts = new Map<QName, TypeLayout>();
  // A page is mostly tags: sharing them spares the collector a string per element.
  private readonly tags = new Map<ElementDecl, ElementTags>();
  // Keyed by the schemas' own namespace templates only, so what clients send cannot grow it.
  private readonly namespaces = new Map<string, VersionNamespace>();
  // Each declared field's place, by name, per list of declarations the schema set keeps.
  private readonly positions = new WeakMap<readonly ElementDecl[], Map<string, number>>();
  private readonly bodyFields = new WeakMap<readonly ElementDecl[], readonly ElementDecl[]>();

  constructor(
    private readonly catalog: RecordCatalog,
    private readonly version: string,
  ) {}

  /** A whole record in its area's namespace, its fields in schema order, nested ones included. */
  /** `bodyFieldsOnly` (searchPreferences) leaves the sublists out: addressbookList, itemList… (a custom field list is of the body). */
  recordXml(element: string, item: ItemResult, unsaved: boolean, bodyFieldsOnly = false): string {
    const schema = this.catalog.get(item.recordType);
    const names = new NamespacePrefixes(this);
    if (!schema) {
      const untyped = item.record?.['@xsi:type'];
      if (typeof untyped !== 'string') throw new Error(`record type ${item.recordType} has no schema in version ${this.version}`);
      return this.untypedRecordXml(element, item, unsaved, untyped, names);
    }
    const ids = unsaved ? '' : attribute('internalId', item.internalId) + attribute('externalId', item.externalId);
    const fields = this.fieldsXml(bodyFieldsOnly ? this.bodyFieldsOf(schema.fields) : schema.fields, item.record ?? {}, names);
    const type = `${names.prefix(schema.namespaceTemplate)}:${schema.typeName}`;
    return `<${element}${names.declarations()} xsi:type="${type}"${ids}>${fields}</${element}>`;
  }

  private bodyFieldsOf(fields: readonly ElementDecl[]): readonly ElementDecl[] {
    let body = this.bodyFields.get(fields);
    if (!body) {
      body = fields.filter((field) => !isSublist(field));
      this.bodyFields.set(fields, body);
    }
    return body;
  }

  /** A namespace template of the schemas in this version, and NetSuite's prefix for it. */
  schemaNamespace(template: string): VersionNamespace {
    let known = this.namespaces.get(template);
    if (!known) {
      known = this.resolve(template);
      this.namespaces.set(template, known);
    }
    return known;
  }

  /** Uncached, for namespaces clients send: those would grow the cache without bound. */
  resolve(template: string): VersionNamespace {
    const namespace = template.replaceAll('{{V}}', this.version);
    // NetSuite's prefix only for this version's own namespaces; platformMsgs is the response's own.
    const preferred = namespace.includes(`_${this.version}.`) ? prefixFor(namespace) : undefined;
    return { namespace, preferred: preferred === 'platformMsgs' ? undefined : preferred };
  }

  /** A record stored without a schema: its elements as sent, in their namespaces. */
  private untypedRecordXml(element: string, item: ItemResult, unsaved: boolean, type: string, names: NamespacePrefixes): string {
    const namespace = namespaceOf(type);
    const typeAttribute = `${names.sentPrefix(namespace)}:${localOf(type)}`;
    const ids = unsaved ? '' : attribute('internalId', item.internalId) + attribute('externalId', item.externalId);
    let fields = '';
    for (const [name, value] of Object.entries(item.record ?? {})) {
      if (!name.startsWith('@')) fields += this.untypedXml(name, value, namespace, names);
    }
    return `<${element}${names.declarations()} xsi:type="${typeAttribute}"${ids}>${fields}</${element}>`;
  }

  private untypedXml(name: string, value: FieldData, parentNamespace: string, names: NamespacePrefixes): string {
    if (Array.isArray(value)) return value.map((one) => this.untypedXml(name, one, parentNamespace, names)).join('');
    if (typeof value !== 'object') return `<${names.sentPrefix(parentNamespace)}:${name}>${escapeXml(String(value))}</${names.sentPrefix(parentNamespace)}:${name}>`;
    const namespace = typeof value['@ns'] === 'string' ? value['@ns'] : parentNamespace;
    const tag = `${names.sentPrefix(namespace)}:${name}`;
    const type = value['@xsi:type'];
    let head = '';
    let inner = typeof value['#text'] === 'string' ? escapeXml(value['#text']) : '';
    for (const [key, child] of Object.entries(value)) {
      if (key === '@ns' || key === '@xsi:type' || key === '#text') continue;
      if (key.startsWith('@')) head += attribute(key.slice(1), String(child));
      else inner += this.untypedXml(key, child, namespace, names);
    }
    if (typeof type === 'string') head += ` xsi:type="${names.sentPrefix(namespaceOf(type))}:${localOf(type)}"`;
    return inner ? `<${tag}${head}>${inner}</${tag}>` : `<${tag}${head}/>`;
  }

  /**
   * The values' elements in the order `declared` gives them. A record sets few of its type's
   * fields (a Customer declares some 200): those are looked up by name and put in schema order,
   * rather than every declared field looked for among them.
   */
  private fieldsXml(declared: readonly ElementDecl[], values: Record<string, FieldData>, names: NamespacePrefixes): string {
    let out = '';
    for (const field of this.presentFields(declared, values)) {
      const value = values[field.name];
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const one of value) out += this.elementXml(field, one, names);
      else out += this.elementXml(field, value, names);
    }
    return out;
  }

  private presentFields(declared: readonly ElementDecl[], values: Record<string, FieldData>): readonly ElementDecl[] {
    const keys = Object.keys(values);
    if (keys.length * 4 >= declared.length) return declared;
    let positions = this.positions.get(declared);
    if (!positions) {
      positions = new Map(declared.map((field, index) => [field.name, index]));
      this.positions.set(declared, positions);
    }
    // A name declared twice (a base's and its extension's) is written from the declarations themselves.
    if (positions.size !== declared.length) return declared;
    // Put in place as found (an insertion sort): a record sets a handful of fields.
    const indexes: number[] = [];
    const present: ElementDecl[] = [];
    for (const key of keys) {
      const index = positions.get(key);
      if (index === undefined) continue;
      let at = indexes.length;
      while (at > 0 && indexes[at - 1] > index) {
        indexes[at] = indexes[at - 1];
        present[at] = present[at - 1];
        at--;
      }
      indexes[at] = index;
      present[at] = declared[index];
    }
    return present;
  }

  private elementXml(field: ElementDecl, value: FieldData, names: NamespacePrefixes): string {
    const tag = this.tagsOf(field, names.prefix(field.namespace));
    if (typeof value !== 'object' || Array.isArray(value)) return tag.open + escapeXml(String(value)) + tag.close;
    const named = typeof value['@xsi:type'] === 'string' ? value['@xsi:type'] : undefined;
    const layout = this.layout(named ?? field.type);
    let head = '';
    for (const { name, key } of layout.attributes) {
      const given = value[key];
      if (given !== undefined) head += attribute(name, String(given));
    }
    // xsi:type after the others: PHP's SoapClient takes the first attribute named type, in any namespace.
    if (named) head += ` xsi:type="${names.prefix(layout.namespaceTemplate)}:${layout.local}"`;
    const inner = this.fieldsXml(layout.elements, value, names);
    return inner ? `<${tag.name}${head}>${inner}${tag.close}` : `<${tag.name}${head}/>`;
  }

  // Kept for the prefix the element's namespace usually gets; a record that numbered it differently builds its own.
  private tagsOf(field: ElementDecl, prefix: string): ElementTags {
    const known = this.tags.get(field);
    if (known?.prefix === prefix) return known;
    const name = `${prefix}:${field.name}`;
    const tags = { prefix, name, open: `<${name}>`, close: `</${name}>` };
    if (!known) this.tags.set(field, tags);
    return tags;
  }

  private layout(type: QName): TypeLayout {
    let layout = this.layouts.get(type);
    if (!layout) {
      const schemas = this.catalog.schemas;
      layout = {
        // Once each, as a base and its extension could both name one.
        attributes: [...new Set(schemas.allAttributes(type))].map((name) => ({ name, key: `@${name}` })),
        elements: schemas.allElements(type),
        namespaceTemplate: namespaceOf(type),
        local: localOf(type),
      };
      this.layouts.set(type, layout);
    }
    return layout;
  }
}

/** Prefixes for the namespaces one record uses (NetSuite's where known), declared on the record. */
class NamespacePrefixes {
  private readonly used = new Map<string, string>();
  private readonly taken = new Set<string>();

  constructor(private readonly writer: RecordWriter) {}

  /** For a namespace template of the schemas. */
  prefix(namespaceTemplate: string): string {
    return this.assign(this.writer.schemaNamespace(namespaceTemplate));
  }

  /** For a namespace a client sent with a record the schemas do not know. */
  sentPrefix(namespace: string): string {
    return this.assign(this.writer.resolve(namespace));
  }

  declarations(): string {
    let out = '';
    for (const [namespace, prefix] of this.used) out += xmlns(prefix, namespace);
    return out;
  }

  // NetSuite's prefix only once per record; later namespaces that would take it are numbered.
  private assign({ namespace, preferred }: VersionNamespace): string {
    let prefix = this.used.get(namespace);
    if (!prefix) {
      prefix = preferred && !this.taken.has(preferred) ? preferred : `ns${this.used.size + 1}`;
      this.used.set(namespace, prefix);
      this.taken.add(prefix);
    }
    return prefix;
  }
}
