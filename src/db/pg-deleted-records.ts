import type { Knex } from 'knex';
import type { DeletedFilter, DeletedRecord, DeletedRecords } from '../records/deleted-records';
import { applyCriterion } from './pg-search-criteria';

interface DeletedRow {
  record_type: string;
  internal_id: string | number;
  external_id: string | null;
  deleted_at: Date | string;
  total: number | string;
}

/**
 * The tombstones deletes leave, searched as records are: each presented as a record whose fields
 * are `deletedDate` and `type`, so getDeleted's criteria read as any search's.
 */
export class PgDeletedRecords implements DeletedRecords {
  constructor(private readonly db: Knex) {}

  async page(account: string, filter: DeletedFilter, offset: number, count: number): Promise<{ total: number; records: DeletedRecord[] }> {
    const rows: DeletedRow[] = await this.matching(account, filter)
      .select('record_type', 'internal_id', 'external_id', 'deleted_at', this.db.raw('count(*) over () as total'))
      .orderBy([
        { column: 'deleted_at', order: 'desc' },
        { column: 'internal_id', order: 'desc' },
      ])
      .offset(offset)
      .limit(count);
    // A page past the last holds no row to carry the count: then it is counted alone.
    const total = rows.length > 0 ? Number(rows[0].total) : Number(((await this.matching(account, filter).count({ total: '*' })) as Array<{ total: string | number }>)[0].total);
    return {
      total,
      records: rows.map((row) => ({ recordType: row.record_type, internalId: String(row.internal_id), externalId: row.external_id, deletedAt: new Date(row.deleted_at) })),
    };
  }

  /** The account's tombstones meeting every criterion. */
  private matching(account: string, filter: DeletedFilter): Knex.QueryBuilder {
    const tombstones = this.db
      .select(
        'record_type',
        'internal_id',
        'external_id',
        'deleted_at',
        this.db.raw(`jsonb_build_object('deletedDate', to_char(deleted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'type', record_type) as fields`),
      )
      .from('deleted_records')
      .where({ account })
      .as('deleted');
    const query = this.db.from(tombstones);
    for (const criterion of filter.criteria) applyCriterion(query, this.db, criterion, { account, recordTypes: [] });
    return query;
  }
}
