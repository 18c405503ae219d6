import type { RecordFields, StoredRecord } from '../records/record';

/**
 * get's and getList's look-up of a record on the request path (RequestPathBatch): each asked
 * (account, type, internalId or externalId) as one row of a JSON array, times in epoch
 * milliseconds, in the same statement as the batch's nonces and job statuses. A record that is not
 * there (or is another account's, or of another type) has no row.
 */

export interface RecordQuestion {
  account: string;
  recordType: string;
  /** Digits (up to 18) when the reference gives one; else the externalId is looked up. */
  internalId: string | null;
  externalId: string | null;
}

// Cut to the millisecond first and rounded: exact whether extract gives numeric (Postgres 14 and
// later, PGlite) or a double (13 and earlier).
export const epochMs = (column: string) => `round(extract(epoch from date_trunc('milliseconds', ${column})) * 1000)`;
const ROW = `json_build_array(q.n, r.internal_id::text, r.external_id, r.fields, ${epochMs('r.created_at')}, ${epochMs('r.updated_at')})`;

/**
 * The records asked, from parameters $first… (accounts, types, internalIds, externalIds, as
 * arrays): by internalId through the primary key, else by externalId through its unique index, as
 * two joins rather than one with an OR, which no index serves.
 */
export const RECORD_ANSWERS = (first: number) => {
  const asked = `unnest($${first}::text[], $${first + 1}::text[], $${first + 2}::bigint[], $${first + 3}::text[]) with ordinality as q(account, record_type, internal_id, external_id, n)`;
  return `select json_agg(found.row) from (
           select ${ROW} as row from ${asked} join records r on r.account = q.account and r.internal_id = q.internal_id and r.record_type = q.record_type
           union all
           select ${ROW} from ${asked} join records r on r.account = q.account and r.record_type = q.record_type and r.external_id = q.external_id
            where q.internal_id is null) found`;
};

export const recordValues = (questions: RecordQuestion[]): unknown[] => [
  questions.map((q) => q.account),
  questions.map((q) => q.recordType),
  questions.map((q) => q.internalId),
  questions.map((q) => q.externalId),
];

type RecordAnswerRow = [n: number, internalId: string, externalId: string | null, fields: RecordFields, createdAt: number, updatedAt: number];

/** The records of RECORD_ANSWERS's rows, by question (undefined where none came), for `questions`. */
export function recordAnswers(rows: RecordAnswerRow[], questions: RecordQuestion[]): Array<StoredRecord | undefined> {
  const answers: Array<StoredRecord | undefined> = new Array(questions.length).fill(undefined);
  for (const [n, internalId, externalId, fields, createdAt, updatedAt] of rows) {
    answers[n - 1] = { recordType: questions[n - 1].recordType, internalId, externalId, fields, createdAt: new Date(createdAt), updatedAt: new Date(updatedAt) };
  }
  return answers;
}
