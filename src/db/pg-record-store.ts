import type { Knex } from 'knex';
import type { RecordFields, RecordInput, RecordRefInput, StoredRecord } from '../records/record';
import type { RecordStore } from '../records/record-store';
import { SYSTEM_DATE_FIELDS, type Criterion, type SearchCriteria } from '../records/search';

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

/** The account's records that meet every criterion of a search (unordered, no columns chosen). */
export function matchingRecords(db: Knex | Knex.Transaction, account: string, search: SearchCriteria): Knex.QueryBuilder {
  const query = db('records').where({ account }).whereIn('record_type', search.recordTypes);
  for (const criterion of search.criteria) applyCriterion(query, db, criterion);
  return query;
}

const likePattern = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);
const DAY_MS = 24 * 60 * 60 * 1000;

/** Adds one criterion to a query on records; field values are compared as the client sent them. */
function applyCriterion(query: Knex.QueryBuilder, db: Knex | Knex.Transaction, criterion: Criterion): void {
  switch (criterion.kind) {
    case 'ids': {
      const column = criterion.key === 'internalId' ? 'internal_id' : 'external_id';
      const values = criterion.key === 'internalId' ? criterion.values.filter((value) => /^\d{1,18}$/.test(value)) : criterion.values;
      if (criterion.operator === 'anyOf') query.whereIn(column, values);
      else query.where((inner) => inner.whereNull(column).orWhereNotIn(column, values));
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
      else if (operator === 'empty') query.whereRaw(`? = ''`, [text]);
      else query.whereRaw(`? <> ''`, [text]);
      return;
    }
    case 'date': {
      const column = SYSTEM_DATE_FIELDS[criterion.field];
      const at = column ? db.ref(column) : db.raw(`nullif(fields->>?, '')::timestamptz`, [criterion.field]);
      const { operator, value, value2 } = criterion;
      if (operator === 'empty') query.whereRaw('? is null', [at]);
      else if (operator === 'notEmpty') query.whereRaw('? is not null', [at]);
      else if (operator === 'on') {
        const day = new Date(value!);
        day.setUTCHours(0, 0, 0, 0);
        query.whereRaw('? >= ? and ? < ?', [at, day, at, new Date(day.getTime() + DAY_MS)]);
      } else if (operator === 'within') query.whereRaw('? between ? and ?', [at, new Date(value!), new Date(value2!)]);
      else {
        const sign = { before: '<', after: '>', onOrBefore: '<=', onOrAfter: '>=' }[operator];
        query.whereRaw(`? ${sign} ?`, [at, new Date(value!)]);
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
