import type { Knex } from 'knex';
import { countDeleted } from './count-deleted';
import type { PutSavedSearchOutcome, SavedSearch, SavedSearchInput, SavedSearchRef, SavedSearchStore } from '../records/saved-searches';

interface SavedSearchRow {
  account: string;
  internal_id: string | number;
  script_id: string;
  title: string;
  search_type: string;
  advanced_type: string;
  version: string;
  definition: string;
}

const toSavedSearch = (row: SavedSearchRow): SavedSearch => ({
  account: row.account,
  internalId: String(row.internal_id),
  scriptId: row.script_id,
  title: row.title,
  searchType: row.search_type,
  advancedType: row.advanced_type,
  version: row.version,
  definition: row.definition,
});

/** Saved searches in Postgres, on the pool or within a transaction (a reset's, a fixtures load's). */
export class PgSavedSearches implements SavedSearchStore {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  /**
   * Numbers one account's saved searches from 1, one writer at a time: the table lock comes first,
   * so a writer holds nothing while it waits (a reset, which locks the table before it loads
   * fixtures, and a definition through the admin API cannot deadlock).
   */
  put(input: SavedSearchInput, now: Date): Promise<PutSavedSearchOutcome> {
    return this.db.transaction(async (trx) => {
      await trx.raw('lock table saved_searches in share row exclusive mode');
      const scriptId = input.scriptId.toLowerCase();
      if (await trx('saved_searches').where({ account: input.account, script_id: scriptId }).first('internal_id')) return { kind: 'taken', field: 'scriptId' };
      let internalId = input.internalId;
      if (internalId === undefined) {
        const next = await trx('saved_searches').where({ account: input.account }).max({ id: 'internal_id' }).first();
        internalId = String(BigInt(next?.id ?? 0) + 1n);
      } else if (await trx('saved_searches').where({ account: input.account, internal_id: internalId }).first('internal_id')) {
        return { kind: 'taken', field: 'internalId' };
      }
      const [row] = await trx('saved_searches')
        .insert({
          account: input.account,
          internal_id: internalId,
          script_id: scriptId,
          title: input.title,
          search_type: input.searchType,
          advanced_type: input.advancedType,
          version: input.version,
          definition: input.definition,
          created_at: now,
        })
        .returning('*');
      return { kind: 'stored', search: toSavedSearch(row as SavedSearchRow) };
    });
  }

  /** Zero rows (an id that is not a number, a script id of another account): undefined. */
  async find(account: string, ref: SavedSearchRef): Promise<SavedSearch | undefined> {
    const query = this.db<SavedSearchRow>('saved_searches').where({ account });
    if ('internalId' in ref) {
      if (!/^\d{1,18}$/.test(ref.internalId)) return undefined;
      query.andWhere({ internal_id: ref.internalId });
    } else query.andWhere({ script_id: ref.scriptId.toLowerCase() });
    const row = await query.first();
    return row && toSavedSearch(row);
  }

  async list(account: string, searchType?: string): Promise<SavedSearch[]> {
    const query = this.db<SavedSearchRow>('saved_searches').where({ account });
    if (searchType !== undefined) query.andWhere({ search_type: searchType });
    const rows = await query.orderBy('internal_id');
    return rows.map(toSavedSearch);
  }

  async remove(account: string, internalId: string): Promise<boolean> {
    if (!/^\d{1,18}$/.test(internalId)) return false;
    return (await countDeleted(this.db as Knex, 'delete from saved_searches where account = ? and internal_id = ?', [account, internalId])) > 0;
  }
}
