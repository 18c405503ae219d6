import type { Knex } from 'knex';
import { SYSTEM_DATE_FIELDS, type RowPart, type SearchCriteria } from '../records/search';
import { applyCriterion, joinLink, linkConditions, linkedRecords, matchingRecords, textArray } from './pg-search-criteria';

/** Where a search's matches are copied: a job's results, or a synchronous search's snapshot. */
export type MatchesTarget = { table: 'job_items'; jobId: string } | { table: 'search_snapshot_rows'; searchId: string };

/** The target's owner column and id, and its success column ('' for a snapshot's rows). */
const targetColumns = (target: MatchesTarget): [string, string, string] =>
  target.table === 'job_items' ? ['job_id, ', target.jobId, 'is_success, '] : ['search_id, ', target.searchId, ''];

/**
 * Matches copied per statement: each INSERT … SELECT stays well inside DB_STATEMENT_TIMEOUT_MS
 * however many records match (one statement for 100,000 ran past 5 s on a busy machine).
 */
const COPY_BATCH = 10_000;

/**
 * Copies the account's matches of a search into `target`, numbered from 1 in internalId order, in
 * INSERT … SELECT batches of `batch` by internalId (keyset), so a 200,000-record search stays in
 * Postgres and no statement grows with it; answers how many.
 */
export async function copyMatches(trx: Knex.Transaction, account: string, search: SearchCriteria, target: MatchesTarget, batch = COPY_BATCH): Promise<number> {
  // A join is a hash join over the two sets (linkedRecords); the planner, misjudging how few joined
  // records a string criterion leaves, would otherwise scan one set for each record of the other.
  const many = search.rows?.parts.find((part) => part.many);
  const joins = many !== undefined || search.criteria.some((criterion) => criterion.kind === 'join');
  // Forbidding nested loops adds to the estimated cost of the plans that still need one (lines'
  // lateral elements), enough to start JIT compiling, which costs more than such a search runs.
  if (joins) await trx.raw(`select set_config('enable_nestloop', 'off', true), set_config('jit', 'off', true)`);
  const copied = many ? await copyRowsPerJoined(trx, account, search, target, many, batch) : await copyRowsPerRecord(trx, account, search, target, batch);
  if (joins) for (const setting of ['enable_nestloop', 'jit']) await trx.raw(`reset ${setting}`);
  return copied;
}

/** A row for each matching record, its one-record joins looked up with it. */
async function copyRowsPerRecord(trx: Knex.Transaction, account: string, search: SearchCriteria, target: MatchesTarget, batch: number): Promise<number> {
  const [owner, ownerId, success] = targetColumns(target);
  let copied = 0;
  let after: string | undefined;
  for (;;) {
    const matches = matchingRecords(trx, account, search);
    if (after !== undefined) matches.andWhere('internal_id', '>', after);
    matches
      .select(
        trx.raw('?::text', [ownerId]),
        trx.raw('(? + row_number() over (order by internal_id))::int', [copied]),
        ...(success ? [trx.raw('true')] : []),
        'record_type',
        trx.raw('internal_id::text'),
        'external_id',
        matchedRecord(trx, search),
      )
      .orderBy('internal_id')
      .limit(batch);
    const result = await trx.raw(
      `with saved as (insert into ${target.table} (${owner}position, ${success}record_type, internal_id, external_id, record) ? returning internal_id)
       select count(*)::int as count, max(internal_id::bigint)::text as last from saved`,
      [matches],
    );
    const count = Number(result.rows[0].count);
    copied += count;
    if (count < batch) break;
    after = result.rows[0].last;
  }
  return copied;
}

/**
 * An advanced search whose columns join to many records: a row for each record the join reaches
 * (each line, for a transaction's items), in internalId order of the record and then of the joined
 * one, and one row with that part empty for a record it reaches none of. When the criteria join
 * the same way, only the joined records meeting them make rows, as NetSuite's join does. Batches
 * are of searched records, keyset by internalId as copyMatches's are.
 */
async function copyRowsPerJoined(trx: Knex.Transaction, account: string, search: SearchCriteria, target: MatchesTarget, many: RowPart, batch: number): Promise<number> {
  const [owner, ownerId, success] = targetColumns(target);
  const joined = trx('records as joined')
    .select('joined.*')
    .where('joined.account', account)
    .whereIn('joined.record_type', many.recordTypes ?? []);
  const scope = { account, recordTypes: search.recordTypes };
  for (const criterion of search.criteria) {
    if (criterion.kind === 'join' && criterion.search === many.search && criterion.join === many.part)
      for (const inner of criterion.criteria) applyCriterion(joined, trx, inner, scope);
  }
  const [byId, byExternalId] = linkedRecords(joinLink(many.search!, many.part), `src.internal_id as src_id, j.internal_id as joined_id, ${recordJson('j')} as joined`);
  const pairBindings = [joined, account, textArray(search.recordTypes)];
  let copied = 0;
  let after: string | undefined;
  for (;;) {
    const records = matchingRecords(trx, account, search);
    if (after !== undefined) records.andWhere('internal_id', '>', after);
    records
      .select('internal_id', 'external_id', 'record_type', trx.raw('? as record', [matchedRecord(trx, search)]))
      .orderBy('internal_id')
      .limit(batch);
    const result = await trx.raw(
      `with batch as (?), pairs as (${byId} union all ${byExternalId}),
       saved as (
         insert into ${target.table} (${owner}position, ${success}record_type, internal_id, external_id, record)
         select ?::text, (? + row_number() over (order by batch.internal_id, pairs.joined_id))::int, ${success ? 'true, ' : ''}batch.record_type, batch.internal_id::text, batch.external_id,
                batch.record || jsonb_build_object(?::text, pairs.joined)
           from batch left join pairs on pairs.src_id = batch.internal_id
         returning 1)
       select (select count(*) from batch)::int as records, (select max(internal_id) from batch)::text as last, (select count(*) from saved)::int as rows`,
      [records, ...pairBindings, ...pairBindings, ownerId, copied, many.part],
    );
    copied += Number(result.rows[0].rows);
    if (Number(result.rows[0].records) < batch) break;
    after = result.rows[0].last;
  }
  return copied;
}

/** The record's own times as the fields NetSuite names them (the writer keeps those its type declares), in xsd:dateTime's UTC form. */
const SYSTEM_DATES_JSON = (() => {
  const utc = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  return `jsonb_build_object(${Object.entries(SYSTEM_DATE_FIELDS)
    .map(([field, column]) => `'${field}', ${utc(column)}`)
    .join(', ')})`;
})();

/** A record row as JSON: its ids, type, times and fields (what a search row's columns are read from). */
const recordJson = (row: string) =>
  `jsonb_build_object('internalId', ${row}.internal_id::text, 'externalId', ${row}.external_id, 'recordType', ${row}.record_type, 'createdAt', ${row}.created_at, 'updatedAt', ${row}.updated_at, 'fields', ${row}.fields)`;

/**
 * What a search keeps of each match: its fields, or for an advanced search's rows the record and
 * the record each join of its columns reaches (null when none), as they stand now.
 */
function matchedRecord(db: Knex | Knex.Transaction, search: SearchCriteria): Knex.Raw {
  if (!search.rows) return db.raw(`fields || ${SYSTEM_DATES_JSON}`);
  const parts: string[] = [];
  const bindings: Knex.RawBinding[] = [];
  for (const part of search.rows.parts) {
    if (part.search === undefined || part.many) continue;
    // A join of columns reaches one record, named one way or the other; each way is one index look-up.
    const [byId, byExternalId] = linkConditions(part.search, part.part).map(
      (link) =>
        `(select ${recordJson('joined')} from records as joined where joined.account = records.account and joined.record_type = any(?::text[]) and ${link} order by joined.internal_id limit 1)`,
    );
    parts.push(`?::text, coalesce(${byId}, ${byExternalId})`);
    const recordTypes = textArray(part.recordTypes ?? []);
    bindings.push(part.part, recordTypes, recordTypes);
  }
  return db.raw(`jsonb_build_object('basic', ${recordJson('records')}${parts.map((part) => `, ${part}`).join('')})`, bindings);
}
