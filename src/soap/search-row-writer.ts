import { prefixFor } from '../records/record-catalog';
import { localOf, namespaceOf } from '../records/schema-set';
import type { ColumnKind, RowPart, SearchColumn, SearchRows } from '../records/search';
import { builtInType, readSimpleValue } from '../records/simple-values';
import { attribute, escapeXml, xmlns } from './xml-write';

/**
 * An advanced search's rows: for each match, `<platformCore:searchRow xsi:type="…SearchRow">` with
 * each part (basic, then joins, in schema order) holding its columns in schema order. A column is
 * written when the record holds a value of its column type, as NetSuite leaves empty columns out.
 */

/** A record as a search keeps it for its row (pg-record-store.ts matchedRecord). */
interface RowRecord {
  internalId: string;
  externalId: string | null;
  recordType: string;
  createdAt: string;
  updatedAt: string;
  fields: Record<string, unknown>;
}

/** The schema's built-in type of each column kind's searchValue (select is a RecordRef). */
const VALUE_TYPES: Partial<Record<ColumnKind, string>> = { boolean: 'boolean', date: 'dateTime', double: 'double', long: 'long' };

/** The record's own values, kept as columns of its row: ids, times and type. */
function ownValue(record: RowRecord, field: string, kind: ColumnKind): unknown {
  if (field === 'internalId' && kind === 'select') return { '@internalId': record.internalId };
  if (field === 'externalId' && kind === 'select') return record.externalId === null ? undefined : { '@externalId': record.externalId };
  if (field === 'dateCreated' || field === 'createdDate') return record.createdAt;
  if (field === 'lastModifiedDate') return record.updatedAt;
  if (field === 'type' && kind === 'enumSelect') return `_${record.recordType}`;
  return record.fields[field];
}

/** A column's searchValue, or undefined when the record holds none of its type. */
function searchValueXml(value: unknown, kind: ColumnKind, isRecordType: (name: string) => boolean): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (kind === 'select') {
    if (typeof value !== 'object' || Array.isArray(value)) return undefined;
    const ref = value as Record<string, unknown>;
    const id = (name: string) => (typeof ref[name] === 'string' ? (ref[name] as string) : undefined);
    if (id('@internalId') === undefined && id('@externalId') === undefined) return undefined;
    const name = typeof ref.name === 'string' ? `<platformCore:name>${escapeXml(ref.name)}</platformCore:name>` : '';
    // A type the schema's RecordType does not list (kept as a client sent it) would make the answer invalid: left out.
    const type = id('@type');
    return `<platformCore:searchValue${attribute('internalId', id('@internalId'))}${attribute('externalId', id('@externalId'))}${attribute('type', type !== undefined && isRecordType(type) ? type : undefined)}>${name}</platformCore:searchValue>`;
  }
  if (typeof value === 'object') return undefined;
  let text = String(value);
  const typeName = VALUE_TYPES[kind];
  if (typeName === 'dateTime') {
    const at = new Date(text);
    // xsd:dateTime's years are four digits here: a time past 9999 in UTC is left out, not written as +010000.
    if (Number.isNaN(at.getTime()) || at.getUTCFullYear() < 1 || at.getUTCFullYear() > 9999) return undefined;
    text = at.toISOString();
  } else if (typeName !== undefined) {
    const read = readSimpleValue(builtInType(typeName)!, text);
    if (read === undefined) return undefined;
    text = read;
  } else if (text === '') return undefined;
  return `<platformCore:searchValue>${escapeXml(text)}</platformCore:searchValue>`;
}

function columnXml(record: RowRecord, column: SearchColumn, prefix: string, isRecordType: (name: string) => boolean): string {
  const value = searchValueXml(ownValue(record, column.field, column.kind), column.kind, isRecordType);
  if (value === undefined) return '';
  const label = column.customLabel === undefined ? '' : `<platformCore:customLabel>${escapeXml(column.customLabel)}</platformCore:customLabel>`;
  return `<${prefix}:${column.field}>${label}${value}</${prefix}:${column.field}>`;
}

/** A ListOrRecordRef (what a select custom field holds) as a searchValue, or undefined without an id. */
function listOrRecordRefXml(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const ref = value as Record<string, unknown>;
  const text = (name: string) => (typeof ref[name] === 'string' ? (ref[name] as string) : undefined);
  if (text('@internalId') === undefined && text('@externalId') === undefined) return undefined;
  const name = text('name') === undefined ? '' : `<platformCore:name>${escapeXml(text('name')!)}</platformCore:name>`;
  return `<platformCore:searchValue${attribute('internalId', text('@internalId'))}${attribute('externalId', text('@externalId'))}${attribute('typeId', text('@typeId'))}>${name}</platformCore:searchValue>`;
}

/** The record's custom field entry a custom column names: by scriptId (any case), else internalId. */
function customEntry(record: RowRecord, custom: NonNullable<SearchColumn['custom']>): Record<string, unknown> | undefined {
  const list = (record.fields.customFieldList as Record<string, unknown> | undefined)?.customField;
  const entries = (Array.isArray(list) ? list : list === undefined ? [] : [list]) as Array<Record<string, unknown>>;
  return entries.find((entry) =>
    custom.scriptId !== undefined ? String(entry['@scriptId'] ?? '').toLowerCase() === custom.scriptId.toLowerCase() : entry['@internalId'] === custom.internalId,
  );
}

/** A custom field column, `<platformCore:customField xsi:type="platformCore:SearchColumn…CustomField">`, or '' when the record holds no value of its kind. */
function customColumnXml(record: RowRecord, column: SearchColumn, isRecordType: (name: string) => boolean): string {
  const custom = column.custom!;
  const entry = customEntry(record, custom);
  if (!entry) return '';
  let value: string | undefined;
  if (column.kind === 'select') value = listOrRecordRefXml(entry.value);
  else if (column.kind === 'multiSelect') {
    const refs = (Array.isArray(entry.value) ? entry.value : [entry.value]).map(listOrRecordRefXml).filter((one) => one !== undefined);
    value = refs.length > 0 ? refs.join('') : undefined;
  } else value = searchValueXml(entry.value, column.kind, isRecordType);
  if (value === undefined) return '';
  const scriptId = typeof entry['@scriptId'] === 'string' ? entry['@scriptId'] : custom.scriptId;
  const internalId = typeof entry['@internalId'] === 'string' ? entry['@internalId'] : custom.internalId;
  const label = column.customLabel === undefined ? '' : `<platformCore:customLabel>${escapeXml(column.customLabel)}</platformCore:customLabel>`;
  return `<platformCore:customField xsi:type="platformCore:${custom.type}"${attribute('internalId', internalId)}${attribute('scriptId', scriptId)}>${label}${value}</platformCore:customField>`;
}

export class SearchRowWriter {
  constructor(
    private readonly version: string,
    /** Whether a name is one of platformCoreTyp:RecordType's values, which a RecordRef's type must be. */
    private readonly isRecordType: (name: string) => boolean,
  ) {}

  private concrete(namespace: string): string {
    return namespace.replaceAll('{{V}}', this.version);
  }

  private prefixOf(namespace: string, fallback: string): string {
    return prefixFor(this.concrete(namespace)) ?? fallback;
  }

  /** One match's row from what the search kept of it (`basic`, and each join part's record or null); platformCore and xsi are declared around it. */
  rowXml(rows: SearchRows, kept: Record<string, unknown>): string {
    const rowNamespace = namespaceOf(rows.rowType);
    const rowPrefix = this.prefixOf(rowNamespace, 'row');
    const declared = new Map([[rowPrefix, this.concrete(rowNamespace)]]);
    let parts = '';
    for (const part of rows.parts) {
      const record = kept[part.part] as RowRecord | null | undefined;
      if (!record) continue;
      const xml = this.partXml(part, record);
      if (xml === '') continue;
      declared.set(this.prefixOf(part.columnNamespace, 'col'), this.concrete(part.columnNamespace));
      parts += `<${rowPrefix}:${part.part}>${xml}</${rowPrefix}:${part.part}>`;
    }
    const declarations = [...declared].map(([prefix, namespace]) => xmlns(prefix, namespace)).join('');
    return `<platformCore:searchRow${declarations} xsi:type="${rowPrefix}:${localOf(rows.rowType)}">${parts}</platformCore:searchRow>`;
  }

  /** The part's columns in order; its custom field columns, which come last as customFieldList does, in one customFieldList. */
  private partXml(part: RowPart, record: RowRecord): string {
    const prefix = this.prefixOf(part.columnNamespace, 'col');
    const plain = part.columns.filter((column) => column.custom === undefined);
    const custom = part.columns.filter((column) => column.custom !== undefined);
    const customXml = custom.map((column) => customColumnXml(record, column, this.isRecordType)).join('');
    const list = customXml === '' ? '' : `<${prefix}:customFieldList>${customXml}</${prefix}:customFieldList>`;
    return plain.map((column) => columnXml(record, column, prefix, this.isRecordType)).join('') + list;
  }
}
