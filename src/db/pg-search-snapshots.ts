import type { Database } from './database';
import { copyMatches } from './pg-search-copy';
import type { StoredRecord } from '../records/record';
import type { SearchCriteria, SearchRows } from '../records/search';
import type { SearchSnapshot, SearchSnapshots } from '../records/search-snapshots';

interface SnapshotRow {
  search_id: string;
  account: string;
  page_size: number;
  body_fields_only: boolean;
  total_records: number;
  expires_at: Date;
  search_rows: SearchRows | null;
}

const toSnapshot = (row: SnapshotRow): SearchSnapshot => ({
  searchId: row.search_id,
  account: row.account,
  pageSize: row.page_size,
  bodyFieldsOnly: row.body_fields_only,
  totalRecords: row.total_records,
  expiresAt: new Date(row.expires_at),
  rows: row.search_rows ?? undefined,
});

/** Snapshots in Postgres: the matches are copied by INSERT … SELECT in batches (copyMatches), so a large search stays in the database. */
export class PgSearchSnapshots implements SearchSnapshots {
  constructor(private readonly db: Database) {}

  async take(snapshot: Omit<SearchSnapshot, 'totalRecords'>, search: SearchCriteria, now: Date): Promise<SearchSnapshot> {
    return this.db.knex.transaction(async (trx) => {
      await trx('search_snapshots').insert({
        search_id: snapshot.searchId,
        account: snapshot.account,
        page_size: snapshot.pageSize,
        body_fields_only: snapshot.bodyFieldsOnly,
        total_records: 0,
        search_rows: snapshot.rows ? JSON.stringify(snapshot.rows) : null,
        created_at: now,
        expires_at: snapshot.expiresAt,
      });
      const totalRecords = await copyMatches(trx, snapshot.account, search, { table: 'search_snapshot_rows', searchId: snapshot.searchId });
      await trx('search_snapshots').where({ search_id: snapshot.searchId }).update({ total_records: totalRecords });
      return { ...snapshot, totalRecords };
    });
  }

  async find(account: string, searchId: string, now: Date): Promise<SearchSnapshot | undefined> {
    const row = await this.db.knex<SnapshotRow>('search_snapshots').where({ account, search_id: searchId }).andWhere('expires_at', '>', now).first();
    return row && toSnapshot(row);
  }

  async rows(searchId: string, from: number, count: number): Promise<StoredRecord[]> {
    const rows = await this.db
      .knex('search_snapshot_rows')
      .where('search_id', searchId)
      .andWhere('position', '>=', from)
      .andWhere('position', '<', from + count)
      .orderBy('position')
      .select<Array<{ record_type: string; internal_id: string; external_id: string | null; record: StoredRecord['fields'] }>>(
        'record_type',
        'internal_id',
        'external_id',
        'record',
      );
    return rows.map((row) => ({ recordType: row.record_type, internalId: row.internal_id, externalId: row.external_id, fields: row.record }));
  }

  async dropExpired(now: Date): Promise<number> {
    return this.db.knex('search_snapshots').where('expires_at', '<=', now).delete();
  }
}
