import type { FieldSchema, RecordCatalog } from '../records/record-catalog';
import type { RecordFields, RecordInput, RecordRefInput } from '../records/record';
import { SoapClientError } from './envelope-parser';
import { XSI_NS } from './xml-write';
import { ATTRIBUTE_PREFIX, attribute, child, children, declarations, elementKeys, localName, prefixOf, text, type XmlNode } from './xml-read';

/**
 * Reads records and references out of a submit request, checking them against the record
 * schemas the way NetSuite's request validation would: an unknown type or field, or a value of
 * the wrong kind, refuses the whole request with a message naming the record and field.
 */

export type Scope = Map<string, string>;

const BOOLEANS: Record<string, string> = { true: 'true', false: 'false', '1': 'true', '0': 'false' };

function extendScope(scope: Scope, node: XmlNode): Scope {
  const declared = declarations(node);
  return declared.size === 0 ? scope : new Map([...scope, ...declared]);
}

function fieldText(field: FieldSchema, raw: string, where: string): string {
  const value = raw.trim();
  switch (field.kind) {
    case 'string':
      return raw;
    case 'boolean':
      if (value in BOOLEANS) return BOOLEANS[value];
      break;
    case 'double':
      if (value !== '' && Number.isFinite(Number(value))) return value;
      break;
    case 'long':
      if (/^[+-]?\d{1,18}$/.test(value)) return value;
      break;
    case 'dateTime':
      if (!Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
      break;
    case 'enum':
      if (field.values?.includes(value)) return value;
      throw new SoapClientError(`${where} must be one of ${field.values?.join(', ')} (got "${value}").`);
  }
  throw new SoapClientError(`${where} is not a valid ${field.kind} (got "${value}").`);
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

  /** The `baseRef` children of a delete or get request. */
  refs(body: XmlNode): RecordRefInput[] {
    return children(body, 'baseRef').map((node) => ({
      recordType: attribute(node, 'type'),
      internalId: attribute(node, 'internalId'),
      externalId: attribute(node, 'externalId'),
    }));
  }

  private record(node: XmlNode, scope: Scope, where: string): RecordInput {
    const xsiType = this.xsiType(node, scope);
    if (!xsiType) throw new SoapClientError(`${where} has no xsi:type; name its record type, e.g. xsi:type="listRel:Customer".`);
    const namespace = scope.get(prefixOf(xsiType));
    const typeName = localName(xsiType);
    const recordType = typeName.charAt(0).toLowerCase() + typeName.slice(1);
    const schema = this.catalog.get(recordType);
    const expected = schema?.namespaceTemplate.replaceAll('{{V}}', this.version);
    if (!schema || namespace !== expected) {
      throw new SoapClientError(`${where} has xsi:type ${xsiType} (${namespace ?? 'undeclared prefix'}), which is not a record type of version ${this.version}.`);
    }
    const fields: RecordFields = {};
    const nullFields: string[] = [];
    if (typeof node !== 'string') {
      for (const key of elementKeys(node)) {
        const name = localName(key);
        if (name === 'nullFieldList') {
          for (const nullList of children(node, 'nullFieldList')) nullFields.push(...children(nullList, 'name').map((item) => (text(item) ?? '').trim()));
          continue;
        }
        const field = schema.fields.find((candidate) => candidate.name === name);
        if (!field) throw new SoapClientError(`${where} (${typeName}) has no field ${name}; its fields are ${schema.fields.map((f) => f.name).join(', ')}.`);
        const values = children(node, name);
        if (values.length !== 1 || (typeof values[0] !== 'string' && elementKeys(values[0]).length > 0)) {
          throw new SoapClientError(`${where} (${typeName}): ${name} must appear once, as a simple value.`);
        }
        fields[name] = fieldText(field, text(values[0]) ?? '', `${where} (${typeName}): ${name}`);
      }
    }
    return {
      recordType,
      internalId: attribute(node, 'internalId'),
      externalId: attribute(node, 'externalId'),
      fields,
      nullFields,
    };
  }

  /** The value of the attribute whose name is type in the XML Schema instance namespace. */
  private xsiType(node: XmlNode, scope: Scope): string | undefined {
    if (typeof node === 'string') return undefined;
    for (const [key, value] of Object.entries(node)) {
      if (!key.startsWith(ATTRIBUTE_PREFIX) || typeof value !== 'string') continue;
      const name = key.slice(ATTRIBUTE_PREFIX.length);
      if (localName(name) === 'type' && name.includes(':') && scope.get(prefixOf(name)) === XSI_NS) return value;
    }
    return undefined;
  }
}
