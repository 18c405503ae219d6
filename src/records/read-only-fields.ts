import type { RecordInput } from './record';
import { SYSTEM_DATE_FIELDS } from './search';

/**
 * The fields of a record that NetSuite sets and a write may not: its own dates (dateCreated or
 * createdDate, lastModifiedDate) where its type has them. A write carrying one fails with
 * INSUFFICIENT_PERMISSION unless the request's ignoreReadOnlyFields preference is set, when they
 * are dropped (a record read by get, then sent back by update, carries them). The internalId of
 * an add is not among them: the store always draws its own, as NetSuite ignores the one sent.
 */

const READ_ONLY = Object.keys(SYSTEM_DATE_FIELDS);

/** The record with its read-only fields dropped (`ignore`) or listed in readOnlyFields for the write to refuse. */
export function withReadOnlyRule(record: RecordInput, typeFields: readonly string[] | undefined, ignore: boolean): RecordInput {
  if (!typeFields) return record;
  const sent = READ_ONLY.filter((name) => typeFields.includes(name) && (Object.hasOwn(record.fields, name) || record.nullFields.includes(name)));
  if (sent.length === 0) return record;
  if (!ignore) return { ...record, readOnlyFields: sent };
  const fields = Object.fromEntries(Object.entries(record.fields).filter(([name]) => !sent.includes(name)));
  return { ...record, fields, nullFields: record.nullFields.filter((name) => !sent.includes(name)) };
}
