import type { Knex } from 'knex';
import type { RecordFields, RecordInput, RecordRefInput, StoredRecord } from '../records/record';
import type { RecordStore } from '../records/record-store';
import { SYSTEM_DATE_FIELDS, type Criterion, type SearchCriteria } from '../records/search';
import { SEARCH_JOINS, type JoinLink } from '../records/search-joins';

interface RecordRow {
  account: string;
  record_type: string;
  internal_id: string | number;
  external_id: string | null;
  fields: RecordFields;
}

const toRecord = (row: RecordRow): StoredRecord => ({
  recordType: row.record_type,
  internalId: String(row.internal_id),
  externalId: row.external_id,
  fields: row.fields,
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
  for (const criterion of search.criteria) applyCriterion(query, db, criterion);
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

/**
 * Copies the account's matches of a search into `target`, numbered from 1 in internalId order, in
 * one INSERT … SELECT, so a 200,000-record search stays in Postgres; answers how many.
 */
export async function copyMatches(trx: Knex.Transaction, account: string, search: SearchCriteria, target: MatchesTarget): Promise<number> {
  const [owner, ownerId, success] = target.table === 'job_items' ? ['job_id, ', target.jobId, 'is_success, '] : ['search_id, ', target.searchId, ''];
  const matches = matchingRecords(trx, account, search).select(
    trx.raw('?::text', [ownerId]),
    trx.raw('row_number() over (order by internal_id)::int'),
    ...(success ? [trx.raw('true')] : []),
    'record_type',
    trx.raw('internal_id::text'),
    'external_id',
    matchedRecord(trx, search),
  );
  const result = await trx.raw(
    `with saved as (insert into ${target.table} (${owner}position, ${success}record_type, internal_id, external_id, record) ? returning 1)
     select count(*)::int as count from saved`,
    [matches],
  );
  return Number(result.rows[0].count);
}

/** A record row as JSON: its ids, type, times and fields (what a search row's columns are read from). */
const recordJson = (row: string) =>
  `jsonb_build_object('internalId', ${row}.internal_id::text, 'externalId', ${row}.external_id, 'recordType', ${row}.record_type, 'createdAt', ${row}.created_at, 'updatedAt', ${row}.updated_at, 'fields', ${row}.fields)`;

/**
 * What a search keeps of each match: its fields, or for an advanced search's rows the record and
 * the record each join of its columns reaches (null when none), as they stand now.
 */
function matchedRecord(db: Knex | Knex.Transaction, search: SearchCriteria): Knex.Raw {
  if (!search.rows) return db.raw('fields');
  const parts: string[] = [];
  const bindings: Knex.RawBinding[] = [];
  for (const part of search.rows.parts) {
    if (part.search === undefined) continue;
    parts.push(
      `?::text, (select ${recordJson('joined')} from records as joined where joined.account = records.account and joined.record_type in (select jsonb_array_elements_text(?::jsonb)) and ${linkCondition(part.search, part.part)} order by joined.internal_id limit 1)`,
    );
    bindings.push(part.part, JSON.stringify(part.recordTypes ?? []));
  }
  return db.raw(`jsonb_build_object('basic', ${recordJson('records')}${parts.map((part) => `, ${part}`).join('')})`, bindings);
}

/**
 * `ref` (a RecordRef held as JSON) names the record `row`: by internalId (compared as the bigint it
 * is, so the key's index serves), else by externalId, which is unique only within a type; a type
 * the reference gives must be the record's.
 */
const namesRecord = (ref: string, row: string) =>
  `((${row}.internal_id = (case when ${ref}->>'@internalId' ~ '^[0-9]{1,18}$' then (${ref}->>'@internalId')::bigint end)` +
  ` or (${ref}->>'@internalId' is null and ${row}.external_id = ${ref}->>'@externalId'))` +
  ` and (${ref}->>'@type' is null or ${ref}->>'@type' = ${row}.record_type))`;

const lineNames = (fields: string, link: { sublist: string; line: string; field: string }, row: string) =>
  `exists (select 1 from jsonb_array_elements(case when jsonb_typeof(${fields}->'${link.sublist}'->'${link.line}') = 'array' then ${fields}->'${link.sublist}'->'${link.line}' else '[]'::jsonb end) as line(value) where ${namesRecord(`line.value->'${link.field}'`, row)})`;

/**
 * How the searched record (`records`) and a joined one (`joined`) are linked, as search-joins.ts
 * says for that join: field names are written into the SQL from there, never from a request or a
 * stored job.
 */
function linkCondition(search: string, join: string): string {
  const links = Object.hasOwn(SEARCH_JOINS, search) ? SEARCH_JOINS[search] : {};
  const link: JoinLink | undefined = Object.hasOwn(links, join) ? links[join] : undefined;
  if (link === undefined) throw new Error(`${search}.${join} is not a join search-joins.ts follows`);
  switch (link.via) {
    case 'field':
      return namesRecord(`records.fields->'${link.field}'`, 'joined');
    case 'referrer':
      return namesRecord(`joined.fields->'${link.field}'`, 'records');
    case 'lines':
      return lineNames('records.fields', link, 'joined');
    case 'linedBy':
      return lineNames('joined.fields', link, 'records');
  }
}

/** Adds one criterion to a query on records; field values are compared as the client sent them. */
function applyCriterion(query: Knex.QueryBuilder, db: Knex | Knex.Transaction, criterion: Criterion): void {
  switch (criterion.kind) {
    case 'join': {
      // The joined record's own criteria name its columns unqualified: inside the subquery they are joined's.
      query.whereExists((joined) => {
        joined
          .select(db.raw('1'))
          .from('records as joined')
          .whereRaw('joined.account = records.account')
          .whereIn('joined.record_type', criterion.recordTypes)
          .whereRaw(linkCondition(criterion.search, criterion.join));
        for (const inner of criterion.criteria) applyCriterion(joined, db, inner);
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
