/** A basic search of one record family, as asyncSearch submits it. */

/** The operators the store answers, by criterion kind; a field takes those its operator enumeration lists (record-catalog.ts). */
export const ID_OPERATORS = ['anyOf', 'noneOf'] as const;
export const STRING_OPERATORS = ['is', 'isNot', 'contains', 'doesNotContain', 'startsWith', 'doesNotStartWith', 'hasKeywords', 'empty', 'notEmpty'] as const;
export const DATE_OPERATORS = [
  'on',
  'notOn',
  'before',
  'notBefore',
  'after',
  'notAfter',
  'onOrBefore',
  'notOnOrBefore',
  'onOrAfter',
  'notOnOrAfter',
  'within',
  'notWithin',
  'empty',
  'notEmpty',
] as const;
export const NUMBER_OPERATORS = [
  'equalTo',
  'notEqualTo',
  'lessThan',
  'notLessThan',
  'lessThanOrEqualTo',
  'notLessThanOrEqualTo',
  'greaterThan',
  'notGreaterThan',
  'greaterThanOrEqualTo',
  'notGreaterThanOrEqualTo',
  'between',
  'notBetween',
  'empty',
  'notEmpty',
] as const;

export type IdOperator = (typeof ID_OPERATORS)[number];
export type StringOperator = (typeof STRING_OPERATORS)[number];
export type DateOperator = (typeof DATE_OPERATORS)[number];
export type NumberOperator = (typeof NUMBER_OPERATORS)[number];

/**
 * What a search basic's field is, from its type: SearchMultiSelectField is 'ids' on internalId and
 * externalId and 'refs' (record references the record holds) elsewhere; SearchLongField,
 * SearchDoubleField and SearchTextNumberField are numbers; SearchEnumMultiSelectField is 'enum'.
 */
export type SearchFieldKind = 'ids' | 'refs' | 'string' | 'boolean' | 'date' | 'number' | 'textNumber' | 'enum';

export interface SearchField {
  kind: SearchFieldKind;
  /** The operators its operator enumeration lists (none for a boolean). */
  operators: string[];
}

export type Criterion =
  | { kind: 'ids'; key: 'internalId' | 'externalId'; operator: IdOperator; values: string[] }
  | { kind: 'refs'; field: string; operator: IdOperator; values: Array<{ internalId?: string; externalId?: string }> }
  | { kind: 'string'; field: string; operator: StringOperator; value: string }
  | { kind: 'boolean'; field: string; value: boolean }
  | { kind: 'date'; field: string; operator: DateOperator; value?: string; value2?: string; predefined?: string }
  /** A predefined date resolved when the search runs: [from, to), ISO 8601. */
  | { kind: 'dateRange'; field: string; operator: DateOperator; from: string; to: string }
  /** A long or double; a text number whose values are numbers compares as one. */
  | { kind: 'number'; field: string; operator: NumberOperator; value?: string; value2?: string }
  /** A text number compared as text (its values are not numbers). */
  | { kind: 'textNumber'; field: string; operator: NumberOperator; value?: string; value2?: string }
  | { kind: 'enum'; field: string; operator: IdOperator; values: string[] }
  /** A custom field criterion (customFieldList): the record's custom field of that scriptId (else internalId) meets `criterion`, whose field is the custom field's `value`. */
  | { kind: 'custom'; scriptId?: string; internalId?: string; criterion: Criterion }
  /** A record search's join (`search`: its type name, e.g. CustomerSearch): the record has some record of `recordTypes`, reached as SEARCH_JOINS links them, that meets every criterion. */
  | { kind: 'join'; search: string; join: string; recordTypes: string[]; criteria: Criterion[] };

export interface SearchCriteria {
  /** The record types the search covers (a transaction search covers several). */
  recordTypes: string[];
  criteria: Criterion[];
  /** An advanced search's columns: its matches are answered as search rows of these. */
  rows?: SearchRows;
}

/** What a column's SearchColumn…Field type holds as its searchValue (a multiSelect custom column: ListOrRecordRefs). */
export type ColumnKind = 'string' | 'boolean' | 'date' | 'double' | 'long' | 'select' | 'enumSelect' | 'textNumber' | 'multiSelect';

export interface SearchColumn {
  field: string;
  kind: ColumnKind;
  customLabel?: string;
  /** A custom field column of customFieldList: its SearchColumn…CustomField type and the custom field it names. */
  custom?: { type: string; scriptId?: string; internalId?: string };
}

/** A custom field criterion of a negating operator, `empty`, or a boolean false, is also met by a record without that custom field, as NetSuite's are. */
export function absentFieldMeets(criterion: Criterion): boolean {
  switch (criterion.kind) {
    case 'boolean':
      return !criterion.value;
    case 'string':
      return ['isNot', 'doesNotContain', 'doesNotStartWith', 'empty'].includes(criterion.operator);
    case 'refs':
    case 'enum':
      return criterion.operator === 'noneOf';
    case 'date':
    case 'dateRange':
    case 'number':
    case 'textNumber':
      return criterion.operator === 'empty' || criterion.operator.startsWith('not');
    default:
      return false;
  }
}

/** A search row's part: `basic` (the record's own columns) or a join of the record search `search` reaching one record. */
export interface RowPart {
  part: string;
  /** Its element's namespace and the row basic's (e.g. platformCommon's), templates with {{V}}. */
  namespace: string;
  columnNamespace: string;
  columns: SearchColumn[];
  search?: string;
  recordTypes?: string[];
  /** A join to many records (a customer's contacts, a transaction's items): a row for each, as NetSuite answers it. */
  many?: boolean;
}

/** An advanced search's rows: their type (xsi:type, e.g. listRel:CustomerSearchRow) and parts in schema order. */
export interface SearchRows {
  rowType: string;
  parts: RowPart[];
}

/** Basic searches of a family of record types; any other covers the record type it is named after (CustomerSearchBasic: customer). */
export const SEARCH_BASICS: Record<string, string[]> = {
  TransactionSearchBasic: ['cashSale', 'estimate', 'invoice', 'purchaseOrder', 'salesOrder'],
  ItemSearchBasic: ['inventoryItem'],
};

/** Date fields NetSuite sets itself, kept as columns of the record row. */
export const SYSTEM_DATE_FIELDS: Record<string, 'created_at' | 'updated_at'> = {
  dateCreated: 'created_at',
  createdDate: 'created_at',
  lastModifiedDate: 'updated_at',
};
