import type { FieldData, RecordFields, RecordInput, RecordRefInput } from '../records/record';
import type { FieldKind, RecordCatalog } from '../records/record-catalog';
import { localOf, namespaceOf, qname, type ElementDecl, type QName } from '../records/schema-set';
import { describeSimpleType, readSimpleValue } from '../records/simple-values';
import { withReadOnlyRule } from '../records/read-only-fields';
import { readPreferences } from './preferences-reader';
import { SoapClientError } from './soap-client-error';
import { ATTRIBUTE_PREFIX, attribute, child, children, declarations, elementKeys, localName, namedChildren, prefixOf, text, type XmlNode } from './xml-read';
import { XSI_NS } from './xml-write';

/**
 * Reads records and references out of a submit request, checking them against the record
 * schemas the way NetSuite's request validation would: an unknown type or field, or a value of
 * the wrong kind, refuses the whole request with a message naming the record and field. Values
 * are kept as the client sent them: text for simple fields; for sublists, references and custom
 * fields an object with attributes ('@name'), children by name, arrays for repeats, and
 * '@xsi:type' (in {namespace}local form) where the client named a subtype.
 */

export type Scope = Map<string, string>;

function extendScope(scope: Scope, node: XmlNode): Scope {
  const declared = declarations(node);
  return declared.size === 0 ? scope : new Map([...scope, ...declared]);
}

/** The element's xsi:type as a qualified name, resolved in `scope`. */
export function xsiTypeOf(node: XmlNode, scope: Scope): QName | undefined {
  if (typeof node === 'string') return undefined;
  for (const [key, value] of Object.entries(node)) {
    if (!key.startsWith(ATTRIBUTE_PREFIX) || typeof value !== 'string') continue;
    const name = key.slice(ATTRIBUTE_PREFIX.length);
    if (localName(name) !== 'type' || !name.includes(':') || scope.get(prefixOf(name)) !== XSI_NS) continue;
    const namespace = scope.get(prefixOf(value));
    return namespace === undefined ? `{}${value}` : qname(namespace, localName(value));
  }
  return undefined;
}

export class RecordReader {
  constructor(
    private readonly catalog: RecordCatalog,
    private readonly version: string,
  ) {}

  /** The `record` children of an add, update or upsert request. */
  records(body: XmlNode, scope: Scope): RecordInput[] {
    return children(body, 'record').map((node, index) => this.record(node, extendScope(scope, node), `record ${index + 1}`));
  }

  /**
   * The records of a write (add, update, upsert and their lists, sync or async), with the
   * request's preferences applied: read-only fields dropped under ignoreReadOnlyFields, else
   * listed for the write to refuse.
   */
  recordsToWrite(body: XmlNode, scope: Scope, headers: Map<string, XmlNode>): RecordInput[] {
    const { ignoreReadOnlyFields } = readPreferences(headers);
    return this.records(body, scope).map((record) => withReadOnlyRule(record, this.catalog.fieldNames(record.recordType), ignoreReadOnlyFields));
  }

  /** The `baseRef` children of a delete or get request. */
  refs(body: XmlNode): RecordRefInput[] {
    return children(body, 'baseRef').map((node) => ({
      recordType: attribute(node, 'type'),
      internalId: attribute(node, 'internalId'),
      externalId: attribute(node, 'externalId'),
    }));
  }

  /** The `initializeRecord` children of an initialize request. */
  initializations(body: XmlNode): Array<{ targetType: string; reference: RecordRefInput }> {
    return children(body, 'initializeRecord').map((node, index) => {
      const targetType = text(child(node, 'type'))?.trim();
      const reference = child(node, 'reference');
      if (!targetType || reference === undefined) throw new SoapClientError(`initializeRecord ${index + 1} needs a <type> and a <reference>.`);
      return {
        targetType,
        reference: { recordType: attribute(reference, 'type'), internalId: attribute(reference, 'internalId'), externalId: attribute(reference, 'externalId') },
      };
    });
  }

  private concrete(template: string): string {
    return template.replaceAll('{{V}}', this.version);
  }

  private record(node: XmlNode, scope: Scope, where: string): RecordInput {
    const xsiType = xsiTypeOf(node, scope);
    if (!xsiType) throw new SoapClientError(`${where} has no xsi:type; name its record type, e.g. xsi:type="listRel:Customer".`);
    const typeName = localOf(xsiType);
    const namespace = namespaceOf(xsiType);
    const recordType = typeName.charAt(0).toLowerCase() + typeName.slice(1);
    const schema = this.catalog.get(recordType);
    const known = schema && xsiType === qname(this.concrete(schema.namespaceTemplate), typeName);
    const generic = !schema && this.isRecordArea(namespace);
    if (!known && !generic) {
      throw new SoapClientError(`${where} has xsi:type ${typeName} in ${namespace || 'no namespace'}, which is not a record type of version ${this.version}.`);
    }
    const nullFields: string[] = [];
    for (const nullList of children(node, 'nullFieldList')) nullFields.push(...children(nullList, 'name').map((item) => (text(item) ?? '').trim()));
    const fields = known
      ? (this.content(node, scope, schema.fields, `${where} (${typeName})`, ['nullFieldList']) as RecordFields)
      : { '@xsi:type': xsiType, ...this.untyped(node, scope, namespace, ['nullFieldList']) };
    return { recordType, internalId: attribute(node, 'internalId'), externalId: attribute(node, 'externalId'), fields, nullFields };
  }

  /** A record area of this version, e.g. urn:marketing_2023_2.lists.webservices.netsuite.com. */
  private isRecordArea(namespace: string): boolean {
    const match = /^urn:[A-Za-z]+_(\d{4}_\d)\.([A-Za-z]+)\.webservices\.netsuite\.com$/.exec(namespace);
    return match !== null && match[1] === this.version && match[2] !== 'platform';
  }

  /**
   * A record of a type the schemas do not know, kept as sent: children by local name, '@ns'
   * where an element's namespace differs from its parent's, '#text' beside it for such text.
   */
  private untyped(node: XmlNode, scope: Scope, parentNamespace: string, skip: string[] = []): Record<string, FieldData> {
    const values: Record<string, FieldData> = {};
    if (typeof node === 'string') return values;
    for (const key of elementKeys(node)) {
      const name = localName(key);
      if (skip.includes(name) || Object.hasOwn(values, name)) continue;
      const read = children(node, name).map((item) => {
        const inner = extendScope(scope, item);
        const namespace = inner.get(prefixOf(key)) ?? parentNamespace;
        const value: Record<string, FieldData> = namespace === parentNamespace ? {} : { '@ns': namespace };
        if (typeof item !== 'string') {
          for (const [attributeKey, attributeValue] of Object.entries(item)) {
            if (!attributeKey.startsWith(ATTRIBUTE_PREFIX) || typeof attributeValue !== 'string') continue;
            const attributeName = attributeKey.slice(ATTRIBUTE_PREFIX.length);
            if (attributeName === 'xmlns' || attributeName.startsWith('xmlns:')) continue;
            if (localName(attributeName) === 'type' && attributeName.includes(':')) value['@xsi:type'] = xsiTypeOf(item, inner) ?? attributeValue;
            else if (!attributeName.includes(':')) value[`@${attributeName}`] = attributeValue;
          }
        }
        const nested = typeof item === 'string' ? [] : elementKeys(item);
        if (nested.length > 0) return Object.assign(value, this.untyped(item, inner, namespace));
        const content = text(item) ?? '';
        return Object.keys(value).length === 0 ? content : Object.assign(value, { '#text': content });
      });
      values[name] = read.length === 1 ? read[0] : read;
    }
    return values;
  }

  /** Child elements of `node` read against `declared`, refusing any the schema does not have. */
  private content(node: XmlNode, scope: Scope, declared: ElementDecl[], where: string, skip: string[] = []): Record<string, FieldData> {
    const values: Record<string, FieldData> = {};
    if (typeof node === 'string') return values;
    const seen = new Set<string>();
    for (const key of elementKeys(node)) {
      const name = localName(key);
      if (skip.includes(name) || seen.has(name)) continue;
      seen.add(name);
      const field = declared.find((candidate) => candidate.name === name);
      if (!field) {
        throw new SoapClientError(
          `${where} has no field ${name}; its fields are ${declared
            .map((f) => f.name)
            .filter((f) => !skip.includes(f))
            .join(', ')}.`,
        );
      }
      const occurrences = namedChildren(node, name);
      if (!field.repeated && occurrences.length > 1) throw new SoapClientError(`${where}: ${name} may appear only once.`);
      // As NetSuite's schema validation does: a field in another namespace is not that field.
      const expected = this.concrete(field.namespace);
      for (const occurrence of occurrences) {
        const actual = extendScope(scope, occurrence.node).get(prefixOf(occurrence.key));
        if (actual !== expected) throw new SoapClientError(`${where}: ${name} must be in namespace ${expected} (got ${actual ?? 'no namespace'}).`);
      }
      const read = occurrences.map((occurrence) => this.value(field, occurrence.node, extendScope(scope, occurrence.node), `${where}: ${name}`));
      values[name] = field.repeated ? read : read[0];
    }
    return values;
  }

  private value(field: ElementDecl, node: XmlNode, scope: Scope, where: string): FieldData {
    const named = xsiTypeOf(node, scope);
    const type = named ?? field.type;
    if (named && !this.catalog.schemas.extends(this.templateOf(named), field.type)) {
      throw new SoapClientError(`${where} has xsi:type ${localOf(named)}, which is not a kind of ${localOf(field.type)}.`);
    }
    const templateType = this.templateOf(type);
    const kind = this.catalog.kindOf(templateType);
    if (kind !== 'complex') {
      if (typeof node !== 'string' && elementKeys(node).length > 0) throw new SoapClientError(`${where} must be a simple value.`);
      return this.scalar(kind, templateType, text(node) ?? '', where);
    }
    const type_ = this.catalog.schemas.complexTypes.get(templateType);
    if (type_?.abstract) throw new SoapClientError(`${where} needs an xsi:type naming a kind of ${localOf(field.type)}.`);
    const value: Record<string, FieldData> = {};
    if (named) value['@xsi:type'] = templateType;
    for (const name of this.catalog.schemas.allAttributes(templateType)) {
      const given = attribute(node, name);
      if (given !== undefined) value[`@${name}`] = this.attributeValue(templateType, name, given, where);
    }
    return Object.assign(value, this.content(node, scope, this.catalog.schemas.allElements(templateType), where));
  }

  /** An attribute's value as given; one of an enumerated type (a RecordRef's type: RecordType) must be one of its values. */
  private attributeValue(type: QName, name: string, given: string, where: string): string {
    const declared = this.catalog.schemas.attributeType(type, name);
    if (declared === undefined || this.catalog.kindOf(declared) !== 'enum') return given;
    const values = this.catalog.enumValues(declared);
    if (values.includes(given.trim())) return given.trim();
    const listed = values.length > 12 ? `${values.slice(0, 12).join(', ')} and ${values.length - 12} more` : values.join(', ');
    throw new SoapClientError(`${where}: its ${name} must be a ${localOf(declared)}: one of ${listed} (got "${given}").`);
  }

  /** A concrete {namespace}local name as the schema set writes it (templates keep {{V}}). */
  private templateOf(name: QName): QName {
    const { schemas } = this.catalog;
    return schemas.complexTypes.has(name) || schemas.enumerations.has(name) || schemas.simpleBases.has(name) ? name : name.replaceAll(`_${this.version}.`, '_{{V}}.');
  }

  /** A simple value's text as stored: checked against the built-in its type is or restricts, as the record catalog checks JSON values. */
  private scalar(kind: FieldKind, type: QName, raw: string, where: string): string {
    if (kind === 'enum') {
      const value = raw.trim();
      const values = this.catalog.enumValues(type);
      if (values.includes(value)) return value;
      throw new SoapClientError(`${where} must be one of ${values.join(', ')} (got "${value}").`);
    }
    const simple = this.catalog.simpleTypeOf(type);
    const value = readSimpleValue(simple, raw);
    if (value !== undefined) return value;
    throw new SoapClientError(`${where} is not a valid ${localOf(type)} (got "${raw.trim()}"): it must be ${describeSimpleType(simple)}.`);
  }
}
