/** Records as the store keeps them: field values as the client sent them, without prefixes. */

import type { SearchCriteria } from './search';

/**
 * A field value: element text, or an element with attributes ('@name') and children (by local
 * name; '#text' for mixed text), or the repeats of one element.
 */
export type FieldData = string | number | boolean | FieldData[] | { [name: string]: FieldData };
export type RecordFields = Record<string, FieldData>;

/** A record in a request (add, update, upsert). */
export interface RecordInput {
  recordType: string;
  internalId?: string;
  externalId?: string;
  fields: RecordFields;
  /** Fields the client asked to clear (platformCore:nullFieldList). */
  nullFields: string[];
  /** Read-only fields the client set without the ignoreReadOnlyFields preference: the write is refused. */
  readOnlyFields?: string[];
}

/** A reference in a request (delete, get). */
export interface RecordRefInput {
  recordType?: string;
  internalId?: string;
  externalId?: string;
}

/** One item of a job submitted over SOAP, stored until the worker applies it. */
export type ItemInput =
  | { kind: 'record'; record: RecordInput }
  | { kind: 'ref'; ref: RecordRefInput }
  | { kind: 'search'; search: SearchCriteria }
  | { kind: 'initialize'; targetType: string; reference: RecordRefInput };

export interface StoredRecord {
  recordType: string;
  internalId: string;
  externalId: string | null;
  fields: RecordFields;
  /** When it was added and last written, on the service clock (NetSuite's dateCreated and lastModifiedDate). */
  createdAt?: Date;
  updatedAt?: Date;
}
