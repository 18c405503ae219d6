import { isAsyncOperation, type AsyncOperation } from '../jobs/job';
import type { ItemInput, RecordFields, RecordInput, RecordRefInput, StoredRecord } from '../records/record';
import { SYSTEM_DATE_FIELDS } from '../records/search';
import type { Outcome, RecordSchemas, RecordStore } from '../records/record-store';
import { isoTime } from '../lib/iso-time';

/**
 * What each submit operation does to one record, with the outcome NetSuite reports for it. Runs
 * inside the worker's step transaction through the RecordStore port.
 */

const ENTITY_TYPES = new Set(['customer', 'contact', 'vendor', 'employee', 'partner']);

/** Which records a new record of each type may be initialized from, as NetSuite allows. */
export const INITIALIZE_SOURCES: Record<string, string[]> = {
  cashSale: ['customer', 'estimate', 'salesOrder'],
  estimate: ['customer', 'opportunity'],
  invoice: ['customer', 'estimate', 'salesOrder'],
  salesOrder: ['customer', 'estimate', 'opportunity'],
};

const NO_FIELDS: readonly string[] = [];

/** Which of NetSuite's date fields each type has, by its field list (the catalog keeps one a type). */
const DATE_FIELDS_OF = new WeakMap<readonly string[], Array<[field: string, column: 'created_at' | 'updated_at']>>();

/** The record's own times as the fields of its type that NetSuite names so (dateCreated or createdDate, lastModifiedDate). */
function systemDates(record: StoredRecord, typeFields: readonly string[]): RecordFields {
  let dateFields = DATE_FIELDS_OF.get(typeFields);
  if (!dateFields) {
    dateFields = Object.entries(SYSTEM_DATE_FIELDS).filter(([field]) => typeFields.includes(field));
    DATE_FIELDS_OF.set(typeFields, dateFields);
  }
  const dates: RecordFields = {};
  for (const [field, column] of dateFields) {
    const at = column === 'created_at' ? record.createdAt : record.updatedAt;
    if (at) dates[field] = isoTime(at.getTime());
  }
  return dates;
}

/**
 * The outcome of a record that was applied; with its fields when the operation reads records
 * (`read`), and its own times among them where its type has them (`typeFields`, its schema's
 * fields): a record of a type no schema knows is read back as it was sent.
 */
export const success = (record: StoredRecord, read?: { typeFields: readonly string[] | undefined }): Outcome => ({
  isSuccess: true,
  code: null,
  message: null,
  recordType: record.recordType,
  internalId: record.internalId,
  externalId: record.externalId,
  record: read === undefined ? null : withDates(record.fields, systemDates(record, read.typeFields ?? NO_FIELDS)),
});

/**
 * A copy of the fields with the dates over them. Object.assign copies at a tenth of the cost of a
 * spread followed by more keys (V8 leaves that literal's fast path), but it sets `__proto__` where
 * a spread defines it: a record that stored a field of that name is copied the slow way.
 */
const withDates = (fields: RecordFields, dates: RecordFields): RecordFields => (Object.hasOwn(fields, '__proto__') ? { ...fields, ...dates } : Object.assign({}, fields, dates));

const failure = (code: string, message: string, ref: RecordRefInput): Outcome => ({
  isSuccess: false,
  code,
  message,
  recordType: ref.recordType ?? '',
  internalId: ref.internalId ?? null,
  externalId: ref.externalId ?? null,
  record: null,
});

export const duplicate = (record: RecordInput): Outcome =>
  failure(ENTITY_TYPES.has(record.recordType) ? 'DUP_ENTITY' : 'DUP_RCRD', `A ${record.recordType} record with externalId ${record.externalId} already exists.`, record);

const readOnly = (record: RecordInput, fields: string[]): Outcome =>
  failure(
    'INSUFFICIENT_PERMISSION',
    `You cannot set or clear ${fields.join(', ')} of a ${record.recordType}: NetSuite sets ${fields.length === 1 ? 'it' : 'them'}. Leave ${fields.length === 1 ? 'it' : 'them'} out, or send the ignoreReadOnlyFields preference to have read-only fields ignored.`,
    record,
  );

const missing = (ref: RecordRefInput): Outcome => failure('RCRD_DSNT_EXIST', 'That record does not exist.', ref);

// Types the schemas do not list may still name records stored generically.
const TYPE_NAME = /^[a-z][A-Za-z0-9]{0,99}$/;

function checkRef(ref: RecordRefInput): Outcome | null {
  if (!ref.recordType || !TYPE_NAME.test(ref.recordType)) {
    return failure('INVALID_RCRD_TYPE', `The record type ${ref.recordType ?? '(none)'} is invalid; set type on the reference.`, ref);
  }
  if (!ref.internalId && !ref.externalId) return failure('INVALID_KEY_OR_REF', 'The reference has neither an internalId nor an externalId.', ref);
  return null;
}

/** A new, unsaved record of the target type carrying the fields both types have. */
async function initialize(store: RecordStore, account: string, targetType: string, reference: RecordRefInput, schemas: RecordSchemas): Promise<Outcome> {
  const targetFields = schemas.fieldNames(targetType);
  const sources = Object.hasOwn(INITIALIZE_SOURCES, targetType) ? INITIALIZE_SOURCES[targetType] : undefined;
  if (!targetFields || !sources || !reference.recordType || !sources.includes(reference.recordType)) {
    const article = /^[aeiou]/i.test(targetType) ? 'an' : 'a';
    const allowed = sources ? `${article} ${targetType} can be initialized from ${sources.join(', ')}` : `initializing ${article} ${targetType} is not supported`;
    return { ...failure('INVALID_INITIALIZE_REF', `Invalid initialize reference: ${allowed}.`, reference), recordType: targetType };
  }
  const problem = checkRef(reference);
  if (problem) return problem;
  const source = await store.find(account, reference);
  if (!source) return { ...missing(reference), recordType: targetType };
  const fields = Object.fromEntries(Object.entries(source.fields).filter(([name]) => targetFields.includes(name)));
  return { isSuccess: true, code: null, message: null, recordType: targetType, internalId: null, externalId: null, record: fields };
}

export async function applyItem(store: RecordStore, account: string, operation: AsyncOperation, input: ItemInput, now: Date, schemas: RecordSchemas): Promise<Outcome> {
  if (input.kind === 'initialize') return initialize(store, account, input.targetType, input.reference, schemas);
  if (input.kind === 'ref') {
    const problem = checkRef(input.ref);
    if (problem) return problem;
    const existing = await store.find(account, input.ref);
    if (!existing) return missing(input.ref);
    if (operation === 'asyncDeleteList') return (await store.remove(account, existing, now)) ? success(existing) : missing(input.ref);
    return success(existing, { typeFields: schemas.fieldNames(existing.recordType) });
  }

  if (input.kind === 'search') throw new Error('a search is not applied item by item');
  const { record } = input;
  // Refused once the record it names is known to be there: a key missing or wrong says so first.
  const readOnlySent = record.readOnlyFields?.length ? readOnly(record, record.readOnlyFields) : null;
  switch (operation) {
    case 'asyncAddList': {
      if (readOnlySent) return readOnlySent;
      const added = await store.insert(account, record, now);
      return added ? success(added) : duplicate(record);
    }
    case 'asyncUpdateList': {
      if (!record.internalId && !record.externalId) {
        return failure('INVALID_KEY_OR_REF', 'An update needs the internalId or the externalId of the record to change.', record);
      }
      const existing = await store.find(account, record);
      if (existing && readOnlySent) return readOnlySent;
      const updated = existing && (await store.update(account, existing, record, now));
      return updated ? success(updated) : missing(record);
    }
    case 'asyncUpsertList': {
      if (!record.externalId) return failure('USER_ERROR', 'An upsert needs an externalId on each record.', record);
      if (readOnlySent) return readOnlySent;
      const existing = await store.find(account, { recordType: record.recordType, externalId: record.externalId });
      const updated = existing && (await store.update(account, existing, record, now));
      if (updated) return success(updated);
      const added = await store.insert(account, record, now);
      return added ? success(added) : duplicate(record);
    }
    default:
      throw new Error(`${isAsyncOperation(operation) ? operation : 'this operation'} does not take records`);
  }
}
