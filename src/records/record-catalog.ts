import { ValidationError } from '../errors';
import { parseDateTime } from './date-time';
import { TEMPLATE_DIR } from '../wsdl-templates';
import type { RecordSchemas } from './record-operations';
import { localOf, namespaceOf, qname, SchemaSet, XSD_NS, type ElementDecl, type QName } from './schema-set';

/**
 * The record types a schema set defines (every complex type that extends platformCore:Record),
 * their fields and the kinds of value each takes, read from the XSDs themselves so the schema is
 * the single source of fields, field order and nesting.
 */

/** Characters outside XML 1.0's Char production. */
const NOT_XML_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

export type FieldKind = 'string' | 'boolean' | 'double' | 'long' | 'dateTime' | 'enum' | 'complex';
export type ScalarValue = string | number | boolean;

export interface RecordSchema {
  recordType: string;
  /** The complexType's local name, e.g. Customer, used in xsi:type. */
  typeName: string;
  type: QName;
  /** Prefix NetSuite uses for the area, e.g. listRel. */
  prefix: string;
  /** targetNamespace, with {{V}} where the version goes (in this project's own templates). */
  namespaceTemplate: string;
  /** Fields in schema order (Record's own nullFieldList excluded). */
  fields: ElementDecl[];
}

export type SearchFieldKind = 'ids' | 'string' | 'boolean' | 'date';
const SEARCH_KINDS: Record<string, SearchFieldKind> = {
  SearchMultiSelectField: 'ids',
  SearchStringField: 'string',
  SearchBooleanField: 'boolean',
  SearchDateField: 'date',
};

const XSD_KINDS: Record<string, FieldKind> = {
  string: 'string',
  normalizedString: 'string',
  token: 'string',
  anyURI: 'string',
  boolean: 'boolean',
  double: 'double',
  float: 'double',
  decimal: 'double',
  long: 'long',
  int: 'long',
  integer: 'long',
  short: 'long',
  dateTime: 'dateTime',
  date: 'dateTime',
};

/** The prefixes NetSuite uses, by the first part of the namespace (urn:<area>_V.…). */
const PREFIXES: Record<string, string> = {
  core: 'platformCore',
  common: 'platformCommon',
  'types.common': 'platformCommonTyp',
  'types.core': 'platformCoreTyp',
  messages: 'platformMsgs',
  relationships: 'listRel',
  employees: 'listEmp',
  accounting: 'listAcct',
  sales: 'tranSales',
  purchases: 'tranPurch',
};

export function prefixFor(namespace: string): string | undefined {
  const area = /^urn:([a-z.]+)_/.exec(namespace)?.[1];
  return area ? PREFIXES[area] : undefined;
}

const CORE = /^urn:core_[^.]+\.platform\.webservices\.netsuite\.com$/;
/** Platform types that extend Record (platformCommon:Address, InventoryDetail) are parts of records, not record types. */
const PLATFORM = /^urn:[a-z.]+_[^.]+\.platform\.webservices\.netsuite\.com$/;

export class RecordCatalog implements RecordSchemas {
  readonly schemas: SchemaSet;
  private readonly byType = new Map<string, RecordSchema>();
  private readonly searchBasics = new Map<string, Map<string, SearchFieldKind>>();
  /** platformCoreTyp:RecordType's values: what a RecordRef's type may say. */
  private readonly recordTypeNames: Set<string>;

  constructor(dir: string = TEMPLATE_DIR) {
    this.schemas = SchemaSet.fromDirectory(dir);
    const coreNamespace = [...this.schemas.complexTypes.keys()].map(namespaceOf).find((namespace) => CORE.test(namespace.replaceAll('{{V}}', '0000_0')));
    if (!coreNamespace) throw new Error(`${dir}: no platform core schema found`);
    const record = qname(coreNamespace, 'Record');
    this.recordTypeNames = new Set(this.schemas.enumerations.get(qname(coreNamespace.replace('urn:core_', 'urn:types.core_'), 'RecordType')) ?? []);
    const searchBasic = qname(coreNamespace, 'SearchRecordBasic');
    for (const type of this.schemas.complexTypes.values()) {
      const typeName = localOf(type.name);
      if (type.name !== record && !type.abstract && this.schemas.extends(type.name, record) && !PLATFORM.test(namespaceOf(type.name))) {
        const recordType = typeName.charAt(0).toLowerCase() + typeName.slice(1);
        const namespaceTemplate = namespaceOf(type.name);
        this.byType.set(recordType, {
          recordType,
          typeName,
          type: type.name,
          prefix: prefixFor(namespaceTemplate) ?? 'rec',
          namespaceTemplate,
          fields: this.schemas.allElements(type.name).filter((field) => field.name !== 'nullFieldList'),
        });
      } else if (type.name !== searchBasic && this.schemas.extends(type.name, searchBasic)) {
        const fields = new Map<string, SearchFieldKind>();
        for (const element of this.schemas.allElements(type.name)) {
          const kind = SEARCH_KINDS[localOf(element.type)];
          if (kind) fields.set(element.name, kind);
        }
        this.searchBasics.set(typeName, fields);
      }
    }
  }

  get(recordType: string): RecordSchema | undefined {
    return this.byType.get(recordType);
  }

  recordTypes(): string[] {
    return [...this.byType.keys()].sort();
  }

  isRecordType(name: string): boolean {
    return this.recordTypeNames.has(name);
  }

  /** platformCoreTyp:RecordType's values, in schema order. */
  recordTypeValues(): string[] {
    return [...this.recordTypeNames];
  }

  fieldNames(recordType: string): string[] | undefined {
    return this.byType.get(recordType)?.fields.map((field) => field.name);
  }

  /** The fields of a search basic (e.g. CustomerSearchBasic) and their kinds. */
  searchFields(typeName: string): Map<string, SearchFieldKind> | undefined {
    return this.searchBasics.get(typeName);
  }

  kindOf(type: QName): FieldKind {
    if (namespaceOf(type) === XSD_NS) return XSD_KINDS[localOf(type)] ?? 'string';
    if (this.schemas.enumerations.has(type)) return 'enum';
    return this.schemas.complexTypes.has(type) ? 'complex' : 'string';
  }

  enumValues(type: QName): string[] {
    return this.schemas.enumerations.get(type) ?? [];
  }

  /** Checks a scripted job's field values (scalars only) against the record type's schema. */
  validateFields(recordType: string, fields: Record<string, unknown>, where: string): Record<string, ScalarValue> {
    const schema = this.byType.get(recordType);
    if (!schema) {
      throw new ValidationError(where, `${where}: record type ${recordType} has no schema to return records in; use one of ${this.recordTypes().join(', ')}`);
    }
    const normalized: Record<string, ScalarValue> = {};
    for (const [name, value] of Object.entries(fields)) {
      const field = schema.fields.find((candidate) => candidate.name === name);
      if (!field) {
        throw new ValidationError(`${where}.${name}`, `${where}.${name}: ${schema.typeName} has no field ${name}; its fields are ${schema.fields.map((f) => f.name).join(', ')}`);
      }
      normalized[name] = this.checkScalar(field, value, `${where}.${name}`);
    }
    return normalized;
  }

  private checkScalar(field: ElementDecl, value: unknown, where: string): ScalarValue {
    const kind = this.kindOf(field.type);
    switch (kind) {
      case 'string':
        if (typeof value === 'string' && !NOT_XML_CHARACTER.test(value)) return value;
        if (typeof value === 'string') throw new ValidationError(where, `${where}: holds a character XML cannot carry`);
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
      case 'dateTime': {
        const at = typeof value === 'string' ? parseDateTime(value) : undefined;
        if (at) return at;
        break;
      }
      case 'enum': {
        const values = this.enumValues(field.type);
        if (typeof value === 'string' && values.includes(value)) return value;
        throw new ValidationError(where, `${where}: must be one of ${values.join(', ')}`);
      }
      case 'complex':
        throw new ValidationError(where, `${where}: is a ${localOf(field.type)}; scripted jobs take simple fields only (submit sublists through SOAP)`);
    }
    const expected = { string: 'a string', boolean: 'true or false', double: 'a number', long: 'a whole number', dateTime: 'an ISO 8601 date-time' }[kind];
    throw new ValidationError(where, `${where}: must be ${expected}`);
  }
}
