import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { ValidationError } from '../errors';
import type { RecordSchemas } from './record-operations';
import { TEMPLATE_DIR } from '../soap/wsdl-catalog';

/**
 * Record types that can be returned whole (getList, initializeList, search results), read from the
 * record-area XSDs themselves so the schema is the single source of their fields and field order.
 */

export type FieldKind = 'string' | 'boolean' | 'double' | 'long' | 'dateTime' | 'enum';
export type FieldValue = string | number | boolean;

export interface FieldSchema {
  name: string;
  kind: FieldKind;
  values?: string[];
}

export interface RecordSchema {
  recordType: string;
  /** The complexType name, e.g. Customer, used in xsi:type. */
  typeName: string;
  /** Prefix NetSuite uses for the area, e.g. listRel. */
  prefix: string;
  /** targetNamespace with {{V}} for the version. */
  namespaceTemplate: string;
  fields: FieldSchema[];
}

const AREA_PREFIXES: Record<string, string> = { relationships: 'listRel', sales: 'tranSales' };
const RECORD_AREAS = ['lists', 'transactions'];
const XSD_KINDS: Record<string, FieldKind> = {
  'xsd:string': 'string',
  'xsd:boolean': 'boolean',
  'xsd:double': 'double',
  'xsd:long': 'long',
  'xsd:int': 'long',
  'xsd:dateTime': 'dateTime',
};

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['xsd:complexType', 'xsd:simpleType', 'xsd:element', 'xsd:enumeration'].includes(name),
});

interface XsdNode {
  [key: string]: unknown;
}
const list = (node: unknown, key: string): XsdNode[] => ((node as XsdNode | undefined)?.[key] as XsdNode[] | undefined) ?? [];

/** What kind of criterion each field of a search basic takes, by its XSD type. */
export type SearchFieldKind = 'ids' | 'string' | 'boolean' | 'date';
const SEARCH_KINDS: Record<string, SearchFieldKind> = {
  'platformCore:SearchMultiSelectField': 'ids',
  'platformCore:SearchStringField': 'string',
  'platformCore:SearchBooleanField': 'boolean',
  'platformCore:SearchDateField': 'date',
};

export class RecordCatalog implements RecordSchemas {
  private readonly byType = new Map<string, RecordSchema>();
  private readonly searchBasics = new Map<string, Map<string, SearchFieldKind>>();

  constructor(dir: string = TEMPLATE_DIR) {
    const enums = new Map<string, string[]>();
    for (const simple of list(this.load(path.join(dir, 'platform', 'commonTypes.xsd')), 'xsd:simpleType')) {
      const values = list(simple['xsd:restriction'], 'xsd:enumeration').map((e) => String(e.value));
      enums.set(`platformCommonTyp:${String(simple.name)}`, values);
    }
    for (const type of list(this.load(path.join(dir, 'platform', 'common.xsd')), 'xsd:complexType')) {
      const extension = (type['xsd:complexContent'] as XsdNode | undefined)?.['xsd:extension'] as XsdNode | undefined;
      if (extension?.base !== 'platformCore:SearchRecordBasic') continue;
      const fields = new Map<string, SearchFieldKind>();
      for (const element of list(extension['xsd:sequence'], 'xsd:element')) {
        const kind = SEARCH_KINDS[String(element.type)];
        if (!kind) throw new Error(`common.xsd: search field ${String(type.name)}.${String(element.name)} has unsupported type ${String(element.type)}`);
        fields.set(String(element.name), kind);
      }
      this.searchBasics.set(String(type.name), fields);
    }
    for (const area of RECORD_AREAS) {
      for (const file of readdirSync(path.join(dir, area)).filter((name) => name.endsWith('.xsd'))) {
        const schema = this.load(path.join(dir, area, file));
        const prefix = AREA_PREFIXES[path.basename(file, '.xsd')] ?? path.basename(file, '.xsd');
        for (const type of list(schema, 'xsd:complexType')) {
          const extension = (type['xsd:complexContent'] as XsdNode | undefined)?.['xsd:extension'] as XsdNode | undefined;
          if (extension?.base !== 'platformCore:Record') continue;
          const typeName = String(type.name);
          const fields = list(extension['xsd:sequence'], 'xsd:element').map((element): FieldSchema => {
            const xsdType = String(element.type);
            const values = enums.get(xsdType);
            if (values) return { name: String(element.name), kind: 'enum', values };
            const kind = XSD_KINDS[xsdType];
            if (!kind) throw new Error(`${file}: field ${typeName}.${String(element.name)} has unsupported type ${xsdType}`);
            return { name: String(element.name), kind };
          });
          const recordType = typeName[0].toLowerCase() + typeName.slice(1);
          this.byType.set(recordType, { recordType, typeName, prefix, namespaceTemplate: String(schema.targetNamespace), fields });
        }
      }
    }
  }

  get(recordType: string): RecordSchema | undefined {
    return this.byType.get(recordType);
  }

  fieldNames(recordType: string): string[] | undefined {
    return this.byType.get(recordType)?.fields.map((field) => field.name);
  }

  /** The fields of a search basic (e.g. CustomerSearchBasic) and their kinds. */
  searchFields(typeName: string): Map<string, SearchFieldKind> | undefined {
    return this.searchBasics.get(typeName);
  }

  recordTypes(): string[] {
    return [...this.byType.keys()].sort();
  }

  /** Checks field values against the record type's schema; returns them normalized. */
  validateFields(recordType: string, fields: Record<string, unknown>, where: string): Record<string, FieldValue> {
    const schema = this.byType.get(recordType);
    if (!schema) {
      throw new ValidationError(where, `${where}: record type ${recordType} has no schema to return records in; use one of ${this.recordTypes().join(', ')}`);
    }
    const normalized: Record<string, FieldValue> = {};
    for (const [name, value] of Object.entries(fields)) {
      const field = schema.fields.find((candidate) => candidate.name === name);
      if (!field) {
        throw new ValidationError(`${where}.${name}`, `${where}.${name}: ${schema.typeName} has no field ${name}; its fields are ${schema.fields.map((f) => f.name).join(', ')}`);
      }
      normalized[name] = checkValue(field, value, `${where}.${name}`);
    }
    return normalized;
  }

  private load(file: string): XsdNode {
    return (parser.parse(readFileSync(file, 'utf8')) as XsdNode)['xsd:schema'] as XsdNode;
  }
}

function checkValue(field: FieldSchema, value: unknown, where: string): FieldValue {
  switch (field.kind) {
    case 'string':
      if (typeof value === 'string') return value;
      break;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      break;
    case 'double':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      break;
    case 'long':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      break;
    case 'dateTime':
      if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
      break;
    case 'enum':
      if (typeof value === 'string' && field.values?.includes(value)) return value;
      throw new ValidationError(where, `${where}: must be one of ${field.values?.join(', ')}`);
  }
  const expected = { string: 'a string', boolean: 'true or false', double: 'a number', long: 'a whole number', dateTime: 'an ISO 8601 date-time' }[field.kind];
  throw new ValidationError(where, `${where}: must be ${expected}`);
}
