import type { Knex } from 'knex';
import type { RecordFields, RecordInput, RecordRefInput, StoredRecord } from '../records/record';
import type { RecordStore } from '../records/record-store';
import { absentFieldMeets, SYSTEM_DATE_FIELDS, type Criterion, type RowPart, type SearchCriteria } from '../records/search';
import { SEARCH_JOINS, type JoinLink } from '../records/search-joins';

interface RecordRow {
  account: string;
  record_type: string;
  internal_id: string | number;
  external_id: string | null;
  fields: RecordFields;
  created_at?: Date | string;
  updated_at?: Date | string;
}

const toRecord = (row: RecordRow): StoredRecord => ({
  recordType: row.record_type,
  internalId: String(row.internal_id),
  externalId: row.external_id,
  fields: row.fields,
  ...(row.created_at === undefined ? {} : { createdAt: new Date(row.created_at) }),
  ...(row.updated_at === undefined ? {} : { updatedAt: new Date(row.updated_at) }),
});

/** The RecordStore on Postgres, bound to one transaction (the worker's step). */
export class PgRecordStore implements RecordStore {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  /**
   * Takes the account's next internalId; undefined when the externalId is taken. The look-up
   * suffices because one account's jobs run one at a time (and a unique index backs it).
   */
  async insert(account: string, record: RecordInput, now: Date): Promise<StoredRecord | undefined> {
    if (record.externalId && (await this.find(account, { recordType: record.recordType, externalId: record.externalId }))) return undefined;
    const counter = await this.db.raw(
      `insert into account_counters (account, next_internal_id) values (?, 1002)
       on conflict (account) do update set next_internal_id = account_counters.next_internal_id + 1
       returning next_internal_id - 1 as id`,
      [account],
    );
    const [row] = await this.db('records')
      .insert({
        account,
        record_type: record.recordType,
        internal_id: counter.rows[0].id,
        external_id: record.externalId ?? null,
        fields: JSON.stringify(withoutNulls(record.fields, record.nullFields)),
        created_at: now,
        updated_at: now,
      })
      .returning('*');
    return toRecord(row as RecordRow);
  }

  /** By internalId when given, else by externalId; the type must match. Zero rows: undefined. */
  async find(account: string, ref: RecordRefInput): Promise<StoredRecord | undefined> {
    const query = this.db<RecordRow>('records').where({ account, record_type: ref.recordType ?? '' });
    if (ref.internalId) {
      if (!/^\d{1,18}$/.test(ref.internalId)) return undefined;
      query.andWhere({ internal_id: ref.internalId });
    } else if (ref.externalId) {
      query.andWhere({ external_id: ref.externalId });
    } else {
      return undefined;
    }
    const row = await query.first();
    return row ? toRecord(row) : undefined;
  }

  async update(account: string, existing: StoredRecord, record: RecordInput, now: Date): Promise<StoredRecord> {
    const fields = withoutNulls({ ...existing.fields, ...record.fields }, record.nullFields);
    const [row] = await this.db('records')
      .where({ account, internal_id: existing.internalId })
      .update({ fields: JSON.stringify(fields), updated_at: now })
      .returning('*');
    return toRecord(row as RecordRow);
  }

  async remove(account: string, existing: StoredRecord): Promise<void> {
    await this.db('records').where({ account, internal_id: existing.internalId }).delete();
  }
}

/**
 * The account's records that meet every criterion of a search (unordered, no columns chosen): a
 * query on the table `records`, which a join's criteria name as the record they start from.
 */
export function matchingRecords(db: Knex | Knex.Transaction, account: string, search: SearchCriteria): Knex.QueryBuilder {
  const query = db('records').where({ account }).whereIn('record_type', search.recordTypes);
  for (const criterion of search.criteria) applyCriterion(query, db, criterion, { account, recordTypes: search.recordTypes });
  return query;
}

const likePattern = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);
const regexLiteral = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const DAY_MS = 24 * 60 * 60 * 1000;
// As search-reader.ts's: an exponent of three digits at most, which numeric holds.
const NUMBER_TEXT = '^\\s*[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]{1,3})?\\s*$';

/** What each comparison operator is, and which operator it is the negation of. */
const COMPARISONS: Record<string, { sign: string; not?: boolean }> = {
  before: { sign: '<' },
  notBefore: { sign: '<', not: true },
  after: { sign: '>' },
  notAfter: { sign: '>', not: true },
  onOrBefore: { sign: '<=' },
  notOnOrBefore: { sign: '<=', not: true },
  onOrAfter: { sign: '>=' },
  notOnOrAfter: { sign: '>=', not: true },
  equalTo: { sign: '=' },
  notEqualTo: { sign: '=', not: true },
  lessThan: { sign: '<' },
  notLessThan: { sign: '<', not: true },
  lessThanOrEqualTo: { sign: '<=' },
  notLessThanOrEqualTo: { sign: '<=', not: true },
  greaterThan: { sign: '>' },
  notGreaterThan: { sign: '>', not: true },
  greaterThanOrEqualTo: { sign: '>=' },
  notGreaterThanOrEqualTo: { sign: '>=', not: true },
};

/**
 * Adds `condition` on `value`, or for a negating operator (noneOf, isNot, notBefore, notBetween…)
 * its negation, which a record without the field meets too, as NetSuite's negations do.
 */
function where(query: Knex.QueryBuilder, value: Knex.Raw, condition: string, bindings: Knex.RawBinding[], negated = false): void {
  // coalesce: a part of the condition that is unknown (a reference given by internalId, held by externalId) is not met.
  if (negated) query.whereRaw(`(? is null or not coalesce((${condition}), false))`, [value, ...bindings]);
  else query.whereRaw(condition, bindings);
}

/** A date field's value: the record's own times are columns of its row, the rest are in its fields. */
function dateOf(db: Knex | Knex.Transaction, field: string): Knex.Raw {
  const column = SYSTEM_DATE_FIELDS[field];
  return column ? db.raw('??', [column]) : db.raw(`nullif(fields->>?, '')::timestamptz`, [field]);
}

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

/**
 * Record types as a Postgres text[] literal, for `= any(?::text[])`: a constant the planner can
 * take into an index condition (a list from jsonb_array_elements_text cannot be). The types are
 * the schema's names (letters), so no element needs quoting beyond its double quotes.
 */
const textArray = (values: string[]): string => `{${values.map((value) => `"${value.replace(/["\\]/g, '')}"`).join(',')}}`;

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

/** The internalId a reference gives, as the bigint it is (null when it gives none, or not a number). */
const referencedId = (ref: string) => `(case when ${ref}->>'@internalId' ~ '^[0-9]{1,18}$' then (${ref}->>'@internalId')::bigint end)`;
/** A type the reference gives must be the record's. */
const ofType = (ref: string, row: string) => `(${ref}->>'@type' is null or ${ref}->>'@type' = ${row}.record_type)`;

/**
 * The two ways `ref` (a RecordRef held as JSON) names the record `row`, each a condition an index
 * can answer alone (an OR of the two could use none, so each is a subquery of its own): by
 * internalId, compared as the bigint it is; or, when it gives none, by externalId, which is unique
 * only within a type. A type the reference gives must be the record's.
 */
function namingWays(ref: string, row: string): [string, string] {
  return [
    `${row}.internal_id = ${referencedId(ref)} and ${ofType(ref, row)}`,
    `${ref}->>'@internalId' is null and ${row}.external_id = ${ref}->>'@externalId' and ${ofType(ref, row)}`,
  ];
}

const lineNames = (fields: string, link: { sublist: string; line: string; field: string }, naming: string) =>
  `exists (select 1 from jsonb_array_elements(case when jsonb_typeof(${fields}->'${link.sublist}'->'${link.line}') = 'array' then ${fields}->'${link.sublist}'->'${link.line}' else '[]'::jsonb end) as line(value) where ${naming})`;

/**
 * How the searched record (`records`) and a joined one (`joined`) are linked, as search-joins.ts
 * says for that join, in its two ways (see namingWays): field names are written into the SQL from
 * there, never from a request or a stored job.
 */
function linkConditions(search: string, join: string): [string, string] {
  const link = joinLink(search, join);
  switch (link.via) {
    case 'field':
      return namingWays(`records.fields->'${link.field}'`, 'joined');
    case 'referrer':
      return namingWays(`joined.fields->'${link.field}'`, 'records');
    case 'lines':
      return namingWays(`line.value->'${link.field}'`, 'joined').map((naming) => lineNames('records.fields', link, naming)) as [string, string];
    case 'linedBy':
      return namingWays(`line.value->'${link.field}'`, 'records').map((naming) => lineNames('joined.fields', link, naming)) as [string, string];
  }
}

/** The link search-joins.ts gives a join (its field names are written into SQL from there, never from a request or a stored job). */
function joinLink(search: string, join: string): JoinLink {
  const links = Object.hasOwn(SEARCH_JOINS, search) ? SEARCH_JOINS[search] : {};
  const link: JoinLink | undefined = Object.hasOwn(links, join) ? links[join] : undefined;
  if (link === undefined) throw new Error(`${search}.${join} is not a join search-joins.ts follows`);
  return link;
}

const lineElements = (fields: string, link: { sublist: string; line: string }) =>
  `jsonb_array_elements(case when jsonb_typeof(${fields}->'${link.sublist}'->'${link.line}') = 'array' then ${fields}->'${link.sublist}'->'${link.line}' else '[]'::jsonb end) as line(value)`;

/**
 * The internalIds of the account's searched records (src) linked to a record that meets a join's
 * criteria (j): by internalId, and by externalId where the reference gives no internalId. Each is
 * a plain join on one equality, so Postgres hashes it once instead of scanning the joined records
 * for every searched one (an OR of the two ways, or a correlated EXISTS, can do neither). Bindings
 * of each: the subquery of joined records, the account, the searched record types. `selected` is
 * what each pair gives (a join of columns to many records takes the joined record too).
 */
function linkedRecords(link: JoinLink, selected = 'src.internal_id'): [string, string] {
  const searched = 'src.account = ? and src.record_type = any(?::text[])';
  switch (link.via) {
    case 'field': {
      const ref = `src.fields->'${link.field}'`;
      return [
        `select ${selected} from ? as j join records as src on ${referencedId(ref)} = j.internal_id where ${searched} and ${ofType(ref, 'j')}`,
        `select ${selected} from ? as j join records as src on ${ref}->>'@externalId' = j.external_id where ${searched} and ${ref}->>'@internalId' is null and ${ofType(ref, 'j')}`,
      ];
    }
    case 'referrer': {
      const ref = `j.fields->'${link.field}'`;
      return [
        `select ${selected} from ? as j join records as src on src.internal_id = ${referencedId(ref)} where ${searched} and ${ofType(ref, 'src')}`,
        `select ${selected} from ? as j join records as src on src.external_id = ${ref}->>'@externalId' where ${searched} and ${ref}->>'@internalId' is null and ${ofType(ref, 'src')}`,
      ];
    }
    case 'lines': {
      const ref = `line.value->'${link.field}'`;
      const lines = `? as j, records as src cross join lateral ${lineElements('src.fields', link)}`;
      return [
        `select ${selected} from ${lines} where ${searched} and ${referencedId(ref)} = j.internal_id and ${ofType(ref, 'j')}`,
        `select ${selected} from ${lines} where ${searched} and ${ref}->>'@internalId' is null and ${ref}->>'@externalId' = j.external_id and ${ofType(ref, 'j')}`,
      ];
    }
    case 'linedBy': {
      const ref = `line.value->'${link.field}'`;
      const lines = `? as j cross join lateral ${lineElements('j.fields', link)} join records as src`;
      return [
        `select ${selected} from ${lines} on src.internal_id = ${referencedId(ref)} where ${searched} and ${ofType(ref, 'src')}`,
        `select ${selected} from ${lines} on src.external_id = ${ref}->>'@externalId' where ${searched} and ${ref}->>'@internalId' is null and ${ofType(ref, 'src')}`,
      ];
    }
  }
}

/** The search a criterion is part of: its account and record types (a join's links are looked up within them). */
interface SearchScope {
  account: string;
  recordTypes: string[];
}

/** Adds one criterion to a query on records; field values are compared as the client sent them. */
function applyCriterion(query: Knex.QueryBuilder, db: Knex | Knex.Transaction, criterion: Criterion, scope: SearchScope): void {
  switch (criterion.kind) {
    case 'join': {
      // The joined record's own criteria name its columns unqualified: inside the subquery they are joined's.
      const matching = db('records as joined').select('joined.*').where('joined.account', scope.account).whereIn('joined.record_type', criterion.recordTypes);
      for (const inner of criterion.criteria) applyCriterion(matching, db, inner, scope);
      const [byId, byExternalId] = linkedRecords(joinLink(criterion.search, criterion.join));
      const bindings = [matching, scope.account, textArray(scope.recordTypes)];
      query.whereRaw(`records.internal_id in (${byId} union all ${byExternalId})`, [...bindings, ...bindings]);
      return;
    }
    case 'custom': {
      // The record's custom field entries, each as `fields` (so the criterion on `value` reads it); named by scriptId (any case), else internalId.
      const list = `fields->'customFieldList'->'customField'`;
      const entries = db.raw(
        `jsonb_array_elements(case jsonb_typeof(${list}) when 'array' then ${list} when 'object' then jsonb_build_array(${list}) else '[]'::jsonb end) as custom(fields)`,
      );
      const [named, key] =
        criterion.scriptId !== undefined ? [`lower(custom.fields->>'@scriptId') = lower(?)`, criterion.scriptId] : [`custom.fields->>'@internalId' = ?`, criterion.internalId!];
      query.where((either) => {
        either.whereExists((entry) => {
          entry.select(db.raw('1')).from(entries).whereRaw(named, [key]);
          applyCriterion(entry, db, criterion.criterion, scope);
        });
        if (absentFieldMeets(criterion.criterion)) either.orWhereNotExists((entry) => entry.select(db.raw('1')).from(entries).whereRaw(named, [key]));
      });
      return;
    }
    case 'ids': {
      const column = criterion.key === 'internalId' ? 'internal_id' : 'external_id';
      const values = criterion.key === 'internalId' ? criterion.values.filter((value) => /^\d{1,18}$/.test(value)) : criterion.values;
      if (criterion.operator === 'anyOf') query.whereIn(column, values);
      else query.where((inner) => inner.whereNull(column).orWhereNotIn(column, values));
      return;
    }
    case 'refs': {
      const ref = db.raw('fields->?', [criterion.field]);
      const internalIds = criterion.values.flatMap((value) => (value.internalId === undefined ? [] : [value.internalId]));
      const externalIds = criterion.values.flatMap((value) => (value.internalId === undefined && value.externalId !== undefined ? [value.externalId] : []));
      const condition = `(?->>'@internalId' in (select jsonb_array_elements_text(?::jsonb)) or ?->>'@externalId' in (select jsonb_array_elements_text(?::jsonb)))`;
      where(query, ref, condition, [ref, JSON.stringify(internalIds), ref, JSON.stringify(externalIds)], criterion.operator === 'noneOf');
      return;
    }
    case 'enum': {
      const value = db.raw('fields->>?', [criterion.field]);
      where(query, value, '? in (select jsonb_array_elements_text(?::jsonb))', [value, JSON.stringify(criterion.values)], criterion.operator === 'noneOf');
      return;
    }
    case 'boolean':
      query.whereRaw(`coalesce(fields->>?, 'false') = ?`, [criterion.field, String(criterion.value)]);
      return;
    case 'string': {
      const text = db.raw(`coalesce(fields->>?, '')`, [criterion.field]);
      const { operator, value } = criterion;
      if (operator === 'is') query.whereRaw('lower(?) = lower(?)', [text, value]);
      else if (operator === 'isNot') query.whereRaw('lower(?) <> lower(?)', [text, value]);
      else if (operator === 'contains') query.whereRaw('? ilike ?', [text, `%${likePattern(value)}%`]);
      else if (operator === 'doesNotContain') query.whereRaw('? not ilike ?', [text, `%${likePattern(value)}%`]);
      else if (operator === 'startsWith') query.whereRaw('? ilike ?', [text, `${likePattern(value)}%`]);
      else if (operator === 'doesNotStartWith') query.whereRaw('? not ilike ?', [text, `${likePattern(value)}%`]);
      else if (operator === 'hasKeywords') {
        // Every word given begins a word of the field.
        for (const word of value.split(/\s+/).filter(Boolean)) query.whereRaw('? ~* ?', [text, `(^|[^[:alnum:]])${regexLiteral(word)}`]);
      } else if (operator === 'empty') query.whereRaw(`? = ''`, [text]);
      else query.whereRaw(`? <> ''`, [text]);
      return;
    }
    case 'date': {
      if (criterion.predefined !== undefined) throw new Error(`predefined date ${criterion.predefined} reached the store unresolved (withDatesAt resolves it)`);
      const at = dateOf(db, criterion.field);
      const { operator, value, value2 } = criterion;
      if (operator === 'empty') query.whereRaw('? is null', [at]);
      else if (operator === 'notEmpty') query.whereRaw('? is not null', [at]);
      else if (operator === 'on' || operator === 'notOn') {
        const day = new Date(value!);
        day.setUTCHours(0, 0, 0, 0);
        where(query, at, '? >= ? and ? < ?', [at, day, at, new Date(day.getTime() + DAY_MS)], operator === 'notOn');
      } else if (operator === 'within' || operator === 'notWithin') where(query, at, '? between ? and ?', [at, new Date(value!), new Date(value2!)], operator === 'notWithin');
      else {
        const { sign, not } = COMPARISONS[operator];
        where(query, at, `? ${sign} ?`, [at, new Date(value!)], not);
      }
      return;
    }
    case 'dateRange': {
      const at = dateOf(db, criterion.field);
      const [from, to] = [new Date(criterion.from), new Date(criterion.to)];
      const { operator } = criterion;
      const negated = operator.startsWith('not');
      const positive = negated ? operator.charAt(3).toLowerCase() + operator.slice(4) : operator;
      if (positive === 'on' || positive === 'within') where(query, at, '? >= ? and ? < ?', [at, from, at, to], negated);
      else if (positive === 'before') where(query, at, '? < ?', [at, from], negated);
      else if (positive === 'onOrAfter') where(query, at, '? >= ?', [at, from], negated);
      else if (positive === 'after') where(query, at, '? >= ?', [at, to], negated);
      else if (positive === 'onOrBefore') where(query, at, '? < ?', [at, to], negated);
      else throw new Error(`a predefined date takes no operator ${operator}`);
      return;
    }
    case 'number':
    case 'textNumber': {
      const raw = db.raw(`nullif(fields->>?, '')`, [criterion.field]);
      // A number compares as one, when the field holds one; a text number given as text compares as text, ignoring case.
      const value = criterion.kind === 'number' ? db.raw(`case when ? ~ ? then (?)::numeric end`, [raw, NUMBER_TEXT, raw]) : db.raw('lower(?)', [raw]);
      const given = (text: string | undefined) => (criterion.kind === 'number' ? db.raw('?::numeric', [text ?? null]) : db.raw('lower(?)', [text ?? null]));
      const { operator, value: first, value2: second } = criterion;
      if (operator === 'empty') query.whereRaw('? is null', [value]);
      else if (operator === 'notEmpty') query.whereRaw('? is not null', [value]);
      else if (operator === 'between' || operator === 'notBetween') where(query, value, '? between ? and ?', [value, given(first), given(second)], operator === 'notBetween');
      else {
        const { sign, not } = COMPARISONS[operator];
        where(query, value, `? ${sign} ?`, [value, given(first)], not);
      }
      return;
    }
  }
}

function withoutNulls(fields: RecordFields, nullFields: string[]): RecordFields {
  if (nullFields.length === 0) return fields;
  const kept = { ...fields };
  for (const name of nullFields) delete kept[name];
  return kept;
}
