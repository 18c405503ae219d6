/** A basic search of one record family, as asyncSearch submits it. */

export const STRING_OPERATORS = ['is', 'isNot', 'contains', 'doesNotContain', 'startsWith', 'doesNotStartWith', 'empty', 'notEmpty'] as const;
export const DATE_OPERATORS = ['on', 'before', 'after', 'onOrBefore', 'onOrAfter', 'within', 'empty', 'notEmpty'] as const;
export const ID_OPERATORS = ['anyOf', 'noneOf'] as const;

export type Criterion =
  | { kind: 'ids'; key: 'internalId' | 'externalId'; operator: (typeof ID_OPERATORS)[number]; values: string[] }
  | { kind: 'string'; field: string; operator: (typeof STRING_OPERATORS)[number]; value: string }
  | { kind: 'boolean'; field: string; value: boolean }
  | { kind: 'date'; field: string; operator: (typeof DATE_OPERATORS)[number]; value?: string; value2?: string };

export interface SearchCriteria {
  /** The record types the search covers (a transaction search covers several). */
  recordTypes: string[];
  criteria: Criterion[];
}

/** Basic searches of a family of record types; any other covers the record type it is named after (CustomerSearchBasic: customer). */
export const SEARCH_BASICS: Record<string, string[]> = {
  TransactionSearchBasic: ['cashSale', 'estimate', 'invoice', 'salesOrder'],
  ItemSearchBasic: ['inventoryItem'],
};

/** Date fields NetSuite sets itself, kept as columns of the record row. */
export const SYSTEM_DATE_FIELDS: Record<string, 'created_at' | 'updated_at'> = {
  dateCreated: 'created_at',
  createdDate: 'created_at',
  lastModifiedDate: 'updated_at',
};
