import type { Knex } from 'knex';
import { absentFieldMeets, SYSTEM_DATE_FIELDS, type Criterion, type SearchCriteria } from '../records/search';
import { SEARCH_JOINS, type JoinLink } from '../records/search-joins';

/** A search's criteria in SQL on the records table: the WHERE of its matches, joins included. */

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

/**
 * Record types as a Postgres text[] literal, for `= any(?::text[])`: a constant the planner can
 * take into an index condition (a list from jsonb_array_elements_text cannot be). The types are
 * the schema's names (letters), so no element needs quoting beyond its double quotes.
 */
export const textArray = (values: string[]): string => `{${values.map((value) => `"${value.replace(/["\\]/g, '')}"`).join(',')}}`;

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
export function linkConditions(search: string, join: string): [string, string] {
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
export function joinLink(search: string, join: string): JoinLink {
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
export function linkedRecords(link: JoinLink, selected = 'src.internal_id'): [string, string] {
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
export interface SearchScope {
  account: string;
  recordTypes: string[];
}

/** Adds one criterion to a query on records; field values are compared as the client sent them. */
export function applyCriterion(query: Knex.QueryBuilder, db: Knex | Knex.Transaction, criterion: Criterion, scope: SearchScope): void {
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
