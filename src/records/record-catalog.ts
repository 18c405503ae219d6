import { ValidationError } from '../lib/errors';
import { TEMPLATE_DIR } from './wsdl-templates';
import type { RecordSchemas } from './record-store';
import { SEARCH_BASICS, type ColumnKind, type SearchField, type SearchFieldKind } from './search';
import { localOf, namespaceOf, qname, SchemaSet, XSD_NS, type ElementDecl, type QName } from './schema-set';
import { builtInType, describeSimpleType, readSimpleValue, type SimpleKind, type SimpleType } from './simple-values';

/**
 * The record types a schema set defines (every complex type that extends platformCore:Record),
 * their fields and the kinds of value each takes, read from the XSDs themselves so the schema is
 * the single source of fields, field order and nesting; and its search types (every one that
 * extends platformCore:SearchRecord), with the record types each searches.
 */

/** Characters outside XML 1.0's Char production. */
const NOT_XML_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

export type FieldKind = SimpleKind | 'enum' | 'complex';
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

/**
 * How a search takes a search type: a basic search (CustomerSearchBasic) by its fields; a record
 * search (listRel:CustomerSearch) by its `basic` child and its joins; an advanced one (criteria and
 * columns, answered with search rows) or another kind is not answered.
 */
export type SearchKind = 'basic' | 'search' | 'advanced' | 'other';

export interface SearchType {
  typeName: string;
  type: QName;
  kind: SearchKind;
  /** A record search's basic search type (the type of its `basic` child). */
  basic?: QName;
  /** A record search's joins: each child besides `basic` that is a search basic (contactJoin: ContactSearchBasic). */
  joins?: Map<string, QName>;
  /** An advanced search's `criteria` (a record search) and `columns` (a search row) types. */
  criteria?: QName;
  columns?: QName;
}

/** Search column field types by local name. */
const COLUMN_KINDS: Record<string, ColumnKind> = {
  SearchColumnStringField: 'string',
  SearchColumnBooleanField: 'boolean',
  SearchColumnDateField: 'date',
  SearchColumnDoubleField: 'double',
  SearchColumnLongField: 'long',
  SearchColumnSelectField: 'select',
  SearchColumnEnumSelectField: 'enumSelect',
  SearchColumnTextNumberField: 'textNumber',
};

/** Search field types by local name; SearchMultiSelectField is 'ids' on internalId and externalId only (searchFieldOf). */
const SEARCH_KINDS: Record<string, SearchFieldKind> = {
  SearchMultiSelectField: 'refs',
  SearchStringField: 'string',
  SearchBooleanField: 'boolean',
  SearchDateField: 'date',
  SearchLongField: 'number',
  SearchDoubleField: 'number',
  SearchTextNumberField: 'textNumber',
  SearchEnumMultiSelectField: 'enum',
};

/** Custom field columns by type (SearchColumnStringCustomField…): what their searchValue holds. */
const CUSTOM_COLUMN_KINDS: Record<string, ColumnKind> = {
  SearchColumnStringCustomField: 'string',
  SearchColumnBooleanCustomField: 'boolean',
  SearchColumnDateCustomField: 'date',
  SearchColumnDoubleCustomField: 'double',
  SearchColumnLongCustomField: 'long',
  SearchColumnSelectCustomField: 'select',
  SearchColumnMultiSelectCustomField: 'multiSelect',
};

const UNCHECKED: SimpleType = { name: 'string', kind: 'string' };
/** Restrictions of restrictions are followed this far; a longer chain is a loop. */
const MAX_RESTRICTIONS = 32;

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
  // Asked on every read of a record (get, getList): worked out once a type.
  private readonly names = new Map<string, readonly string[]>();
  private readonly searchBasics = new Map<string, Map<string, SearchField>>();
  /** platformCoreTyp:SearchDate, the predefined dates a date criterion may name. */
  readonly searchDates: string[];
  /** platformCore's namespace (a template with {{V}} in this project's schemas). */
  private readonly coreNamespace: string;
  /** platformCoreTyp:SearchRecordType, the record types getSavedSearch lists saved searches of. */
  readonly searchRecordTypes: string[];
  private readonly searches = new Map<string, SearchType>();
  /** platformCoreTyp:RecordType's values: what a RecordRef's type may say. */
  private readonly recordTypeNames: Set<string>;

  /** This project's schemas (the templates' folder), or a schema set already read, named by `source`. */
  constructor(schemas: string | SchemaSet = TEMPLATE_DIR, source = typeof schemas === 'string' ? schemas : 'the schemas') {
    this.schemas = typeof schemas === 'string' ? SchemaSet.fromDirectory(schemas) : schemas;
    const coreNamespace = [...this.schemas.complexTypes.keys()].map(namespaceOf).find((namespace) => CORE.test(namespace.replaceAll('{{V}}', '0000_0')));
    if (!coreNamespace) throw new Error(`${source}: no platform core schema found (no type in urn:core_<version>.platform.webservices.netsuite.com)`);
    this.coreNamespace = coreNamespace;
    const record = qname(coreNamespace, 'Record');
    this.recordTypeNames = new Set(this.schemas.enumerations.get(qname(coreNamespace.replace('urn:core_', 'urn:types.core_'), 'RecordType')) ?? []);
    this.searchDates = this.schemas.enumerations.get(qname(coreNamespace.replace('urn:core_', 'urn:types.core_'), 'SearchDate')) ?? [];
    this.searchRecordTypes = this.schemas.enumerations.get(qname(coreNamespace.replace('urn:core_', 'urn:types.core_'), 'SearchRecordType')) ?? [];
    const searchBasic = qname(coreNamespace, 'SearchRecordBasic');
    const searchRecord = qname(coreNamespace, 'SearchRecord');
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
        const fields = new Map<string, SearchField>();
        for (const element of this.schemas.allElements(type.name)) {
          const field = this.searchFieldOf(element.name, element.type, coreNamespace);
          if (field) fields.set(element.name, field);
        }
        this.searchBasics.set(typeName, fields);
      }
      if (!type.abstract && type.name !== searchRecord && this.schemas.extends(type.name, searchRecord)) {
        this.searches.set(typeName, this.searchTypeOf(type.name, searchBasic));
      }
    }
  }

  /**
   * A custom field criterion's type (SearchStringCustomField…, a concrete kind of SearchCustomField
   * in platformCore): its kind and operators, those of the search field of its kind (SearchStringField).
   */
  customSearchField(type: QName): SearchField | undefined {
    const core = namespaceOf(type);
    const kind = /^Search(\w+)CustomField$/.exec(localOf(type))?.[1];
    const custom = this.schemas.complexTypes.get(type);
    if (kind === undefined || !custom || custom.abstract || !this.schemas.extends(type, qname(core, 'SearchCustomField'))) return undefined;
    return this.searchFieldOf('value', qname(core, `Search${kind}Field`), core);
  }

  /** A platformCore search field type (SearchDateField, SearchEnumMultiSelectField…) by name: its kind and operators, as a search basic's field of it has. */
  coreSearchField(typeName: string): SearchField | undefined {
    return this.searchFieldOf(typeName, qname(this.coreNamespace, typeName), this.coreNamespace);
  }

  /** A custom field column's type (SearchColumnStringCustomField…, a concrete kind of SearchColumnCustomField): what its searchValue holds. */
  customColumnKind(type: QName): ColumnKind | undefined {
    const custom = this.schemas.complexTypes.get(type);
    if (!custom || custom.abstract || !this.schemas.extends(type, qname(namespaceOf(type), 'SearchColumnCustomField'))) return undefined;
    return CUSTOM_COLUMN_KINDS[localOf(type)];
  }

  /** A search basic's field: its kind, and the operators of its type's operator enumeration (SearchLongField: SearchLongFieldOperator, in core types). */
  private searchFieldOf(name: string, type: QName, coreNamespace: string): SearchField | undefined {
    const typeName = localOf(type);
    const kind = SEARCH_KINDS[typeName];
    if (!kind || namespaceOf(type) !== coreNamespace) return undefined;
    const operators = this.schemas.enumerations.get(qname(coreNamespace.replace('urn:core_', 'urn:types.core_'), `${typeName}Operator`)) ?? [];
    return { kind: kind === 'refs' && (name === 'internalId' || name === 'externalId') ? 'ids' : kind, operators };
  }

  private searchTypeOf(type: QName, searchBasic: QName): SearchType {
    const typeName = localOf(type);
    if (this.schemas.extends(type, searchBasic)) return { typeName, type, kind: 'basic' };
    const elements = this.schemas.allElements(type);
    const basic = elements.find((element) => element.name === 'basic' && this.schemas.extends(element.type, searchBasic));
    if (basic) {
      const joins = new Map(elements.filter((element) => element !== basic && this.schemas.extends(element.type, searchBasic)).map((element) => [element.name, element.type]));
      return { typeName, type, kind: 'search', basic: basic.type, joins };
    }
    const criteria = elements.find((element) => element.name === 'criteria');
    const columns = elements.find((element) => element.name === 'columns');
    if (criteria && columns) return { typeName, type, kind: 'advanced', criteria: criteria.type, columns: columns.type };
    return { typeName, type, kind: 'other' };
  }

  /** A search row type's parts (basic and joins, each a row basic type), in schema order. */
  rowParts(rowType: QName): ElementDecl[] {
    return this.schemas.allElements(rowType);
  }

  /**
   * A row basic type's columns in schema order, each with the kind of its SearchColumn…Field type;
   * undefined for one of another type (customFieldList's SearchColumnCustomFieldList).
   */
  rowColumns(rowBasicType: QName): Array<{ name: string; namespace: string; kind: ColumnKind | undefined }> {
    return this.schemas.allElements(rowBasicType).map((element) => ({ name: element.name, namespace: element.namespace, kind: COLUMN_KINDS[localOf(element.type)] }));
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

  fieldNames(recordType: string): readonly string[] | undefined {
    let names = this.names.get(recordType);
    if (!names) {
      const schema = this.byType.get(recordType);
      if (!schema) return undefined;
      names = schema.fields.map((field) => field.name);
      this.names.set(recordType, names);
    }
    return names;
  }

  /** Every search type (extending platformCore:SearchRecord), basic ones first, each in schema order. */
  searchTypes(): SearchType[] {
    const all = [...this.searches.values()];
    return [...all.filter((search) => search.kind === 'basic'), ...all.filter((search) => search.kind !== 'basic')];
  }

  searchType(typeName: string): SearchType | undefined {
    return this.searches.get(typeName);
  }

  /** The record types a basic search covers: as listed for families (transactions), else the one it is named after. */
  searchedRecordTypes(basicTypeName: string): string[] {
    const listed = SEARCH_BASICS[basicTypeName];
    if (listed) return listed;
    const named = basicTypeName.replace(/SearchBasic$/, '');
    const recordType = named.charAt(0).toLowerCase() + named.slice(1);
    return this.byType.has(recordType) ? [recordType] : [];
  }

  /** The fields of a search basic (e.g. CustomerSearchBasic) and their kinds. */
  searchFields(typeName: string): Map<string, SearchField> | undefined {
    return this.searchBasics.get(typeName);
  }

  kindOf(type: QName): FieldKind {
    if (this.schemas.enumerations.has(type)) return 'enum';
    if (this.schemas.complexTypes.has(type)) return 'complex';
    return this.simpleTypeOf(type).kind;
  }

  /** The built-in a simple type is, or restricts (through restrictions of restrictions); an unknown one is an unchecked string. */
  simpleTypeOf(type: QName): SimpleType {
    let current = type;
    for (let step = 0; step < MAX_RESTRICTIONS; step++) {
      if (namespaceOf(current) === XSD_NS) return builtInType(localOf(current)) ?? UNCHECKED;
      const base = this.schemas.simpleBases.get(current);
      if (base === undefined) return UNCHECKED;
      current = base;
    }
    return UNCHECKED;
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

  /**
   * A JSON value for a simple field, checked as the SOAP face checks the text of one: a number or
   * a string for numeric and date types (a string in the XML Schema lexical form; a long past 2^53
   * can only be given as a string, since a JSON number that large has already lost digits).
   * Numbers and booleans are kept as given, strings as the SOAP face would store their text.
   */
  private checkScalar(field: ElementDecl, value: unknown, where: string): ScalarValue {
    const kind = this.kindOf(field.type);
    if (kind === 'enum') {
      const values = this.enumValues(field.type);
      if (typeof value === 'string' && values.includes(value)) return value;
      throw new ValidationError(where, `${where}: must be one of ${values.join(', ')}`);
    }
    if (kind === 'complex') {
      throw new ValidationError(where, `${where}: is a ${localOf(field.type)}; scripted jobs take simple fields only (submit sublists through SOAP)`);
    }
    const type = this.simpleTypeOf(field.type);
    if (kind === 'string') {
      if (typeof value !== 'string') throw new ValidationError(where, `${where}: must be a string`);
      if (NOT_XML_CHARACTER.test(value)) throw new ValidationError(where, `${where}: holds a character XML cannot carry`);
      return value;
    }
    if (kind === 'boolean' && typeof value === 'boolean') return value;
    const numeric = kind === 'double' || kind === 'decimal' || kind === 'integer';
    if (numeric && typeof value === 'number' && Number.isFinite(value)) {
      if (kind === 'integer' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
        throw new ValidationError(where, `${where}: ${value} is past 2^53, where a JSON number loses digits; give it as a string`);
      }
      if (readSimpleValue(type, String(value)) !== undefined) return value;
    }
    if (typeof value === 'string' && kind !== 'boolean') {
      const read = readSimpleValue(type, value);
      if (read !== undefined) return read;
    }
    throw new ValidationError(where, `${where}: must be ${describeSimpleType(type)}${numeric ? ', as a number or a string' : ''}`);
  }
}
