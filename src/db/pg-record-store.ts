import type { Knex } from 'knex';
import type { RecordFields, RecordInput, RecordRefInput, StoredRecord } from '../records/record';
import type { RecordBrowser, RecordStore } from '../records/record-store';

export interface RecordRow {
  account: string;
  record_type: string;
  internal_id: string | number;
  external_id: string | null;
  fields: RecordFields;
  created_at?: Date | string;
  updated_at?: Date | string;
}

export const toRecord = (row: RecordRow): StoredRecord => ({
  recordType: row.record_type,
  internalId: String(row.internal_id),
  externalId: row.external_id,
  fields: row.fields,
  ...(row.created_at === undefined ? {} : { createdAt: new Date(row.created_at) }),
  ...(row.updated_at === undefined ? {} : { updatedAt: new Date(row.updated_at) }),
});

/**
 * Takes, first in a transaction that writes an account's records, the locks every such writer takes
 * in this order, so two never wait on each other in a circle: `jobs` in row share mode (a reset
 * locks jobs first, exclusively: a writer waits for it holding nothing, as a worker's claim does),
 * then the account's own advisory lock (a list call and a worker's step of one account touch the
 * same rows and counter in any order, and one at a time they cannot deadlock). Held to the end of
 * the transaction.
 */
export async function lockAccountRecords(trx: Knex.Transaction, account: string): Promise<void> {
  await trx.raw('lock table jobs in row share mode');
  await trx.raw(`select pg_advisory_xact_lock(hashtext('records:' || ?))`, [account]);
}

/** The RecordStore on Postgres, bound to one transaction (the worker's step). */
export class PgRecordStore implements RecordStore, RecordBrowser {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  /**
   * Takes the account's next internalId; undefined when the externalId is taken. The look-up
   * suffices because an account's writers (list calls, job steps) take lockAccountRecords first
   * and run one at a time (and a unique index backs it).
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

  async update(account: string, existing: StoredRecord, record: RecordInput, now: Date): Promise<StoredRecord | undefined> {
    const fields = withoutNulls({ ...existing.fields, ...record.fields }, record.nullFields);
    const [row] = await this.db('records')
      .where({ account, internal_id: existing.internalId })
      .update({ fields: JSON.stringify(fields), updated_at: now })
      .returning('*');
    return row ? toRecord(row as RecordRow) : undefined;
  }

  async list(account: string, options: { recordType?: string; after?: string; limit: number }): Promise<StoredRecord[]> {
    const query = this.db<RecordRow>('records').where({ account });
    if (options.recordType !== undefined) query.andWhere({ record_type: options.recordType });
    if (options.after !== undefined) query.andWhere('internal_id', '>', options.after);
    return (await query.orderBy('internal_id').limit(options.limit)).map(toRecord);
  }

  async byInternalId(account: string, internalId: string): Promise<StoredRecord | undefined> {
    const row = await this.db<RecordRow>('records').where({ account, internal_id: internalId }).first();
    return row ? toRecord(row) : undefined;
  }

  /** Deletes the record and leaves its tombstone for getDeleted, in the same transaction; false when it was gone already. */
  async remove(account: string, existing: StoredRecord, now: Date): Promise<boolean> {
    const gone = await this.db('records').where({ account, internal_id: existing.internalId }).delete().returning('internal_id');
    if (gone.length === 0) return false;
    await this.db('deleted_records').insert({
      account,
      record_type: existing.recordType,
      internal_id: existing.internalId,
      external_id: existing.externalId,
      deleted_at: now,
    });
    return true;
  }
}

function withoutNulls(fields: RecordFields, nullFields: string[]): RecordFields {
  if (nullFields.length === 0) return fields;
  const kept = { ...fields };
  for (const name of nullFields) delete kept[name];
  return kept;
}
