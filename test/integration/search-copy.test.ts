import { copyMatches } from '../../src/db/pg-search-copy';
import type { SearchCriteria } from '../../src/records/search';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

/**
 * The copy of a search's matches into a snapshot, in SQL: batches by internalId number the matches
 * on from one batch to the next, and a join's two ways (a reference by internalId, one by
 * externalId of the right type) find the same records whichever batch they fall in.
 */

const ACCOUNT = 'COPIER';
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  const now = new Date('2026-01-15T10:00:00Z');
  const customers = Array.from({ length: 5 }, (_, i) => ({
    account: ACCOUNT,
    record_type: 'customer',
    internal_id: 100 + i,
    external_id: `c-${i}`,
    fields: JSON.stringify({ companyName: i % 2 === 0 ? `Even ${i}` : `Odd ${i}` }),
    created_at: now,
    updated_at: now,
  }));
  // Orders 1001…1023: their entity by internalId, by externalId, by externalId of another type, or by a vendor's externalId.
  const entity = (i: number) =>
    [
      { '@internalId': String(100 + (i % 5)) },
      { '@externalId': `c-${i % 5}` },
      { '@externalId': `c-${i % 5}`, '@type': 'vendor' },
      { '@externalId': `c-${i % 5}`, '@type': 'customer' },
    ][i % 4];
  const orders = Array.from({ length: 23 }, (_, i) => ({
    account: ACCOUNT,
    record_type: 'salesOrder',
    internal_id: 1001 + i,
    external_id: `so-${i}`,
    fields: JSON.stringify({ memo: `order ${i}`, entity: entity(i) }),
    created_at: now,
    updated_at: now,
  }));
  await db('records').insert([...customers, ...orders]);
});
afterAll(() => database.close());

/** Copies `search` into a new snapshot in batches of `batch`; its rows' positions and internalIds. */
async function copied(search: SearchCriteria, batch: number): Promise<{ count: number; rows: Array<{ position: number; internal_id: string }> }> {
  const searchId = `copy-${batch}-${Math.random()}`;
  return database.db.transaction(async (trx) => {
    await trx('search_snapshots').insert({
      search_id: searchId,
      account: ACCOUNT,
      page_size: 5,
      body_fields_only: true,
      total_records: 0,
      created_at: new Date(),
      expires_at: new Date(),
    });
    const count = await copyMatches(trx, ACCOUNT, search, { table: 'search_snapshot_rows', searchId }, batch);
    const rows = await trx('search_snapshot_rows').where({ search_id: searchId }).orderBy('position').select('position', 'internal_id');
    return { count, rows };
  });
}

const allOrders: SearchCriteria = { recordTypes: ['salesOrder'], criteria: [] };
const ofEvenCustomers: SearchCriteria = {
  recordTypes: ['salesOrder'],
  criteria: [
    {
      kind: 'join',
      search: 'TransactionSearch',
      join: 'customerJoin',
      recordTypes: ['customer'],
      criteria: [{ kind: 'string', field: 'companyName', operator: 'startsWith', value: 'Even' }],
    },
  ],
};

describe('copying the matches of a search', () => {
  it.each([1, 5, 10, 23, 24, 10_000])('numbers them 1 to N in internalId order, in batches of %i', async (batch) => {
    const { count, rows } = await copied(allOrders, batch);
    expect(count).toBe(23);
    expect(rows.map((row) => row.position)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    expect(rows.map((row) => Number(row.internal_id))).toEqual(Array.from({ length: 23 }, (_, i) => 1001 + i));
  });

  it.each([3, 10_000])('finds the records a join reaches by internalId and by externalId of the right type, in batches of %i', async (batch) => {
    // Even customers are 100, 102, 104 (c-0, c-2, c-4): order i names customer i % 5, in the way i % 4 says; i % 4 = 2 names a vendor.
    const expected = Array.from({ length: 23 }, (_, i) => i)
      .filter((i) => (i % 5) % 2 === 0 && i % 4 !== 2)
      .map((i) => 1001 + i);
    const { count, rows } = await copied(ofEvenCustomers, batch);
    expect(rows.map((row) => Number(row.internal_id))).toEqual(expected);
    expect(count).toBe(expected.length);
    expect(rows.map((row) => row.position)).toEqual(expected.map((_, i) => i + 1));
  });
});
