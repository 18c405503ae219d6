import type { Client } from 'pg';

/**
 * Customers as SOAP adds store them (fields by element name, values as sent, an address in its
 * sublist), written straight into the record table in one statement: externalIds bench-1…bench-N,
 * internalIds from 1001, companyName "Bench Customer i". Searches then find them the way they
 * find any added record. The account must exist and have no records yet.
 */
export async function seedCustomers(db: Client, account: string, count: number): Promise<void> {
  await db.query(
    `insert into records (account, record_type, internal_id, external_id, fields, created_at, updated_at)
     select $1, 'customer', 1000 + i, 'bench-' || i,
            jsonb_build_object(
              'companyName', 'Bench Customer ' || i, 'email', 'customer' || i || '@bench.test', 'phone', '555-' || lpad(i::text, 7, '0'),
              'isInactive', 'false', 'comments', 'Seeded for the paging benchmark.',
              'addressbookList', jsonb_build_object('addressbook', jsonb_build_array(jsonb_build_object(
                'defaultShipping', 'true', 'label', 'Warehouse',
                'addressbookAddress', jsonb_build_object('addr1', i || ' Dock Rd', 'city', 'Oakland', 'zip', '94607'))))),
            now(), now()
       from generate_series(1, $2::int) i`,
    [account, count],
  );
  // The account's next internalId follows the seeded ones, as it would after SOAP adds.
  await db.query(`insert into account_counters (account, next_internal_id) values ($1, $2)`, [account, 1001 + count]);
}

/**
 * Customers with a companyName alone ("Small i", externalIds small-1…small-N), internalIds from
 * `firstId` + 1, after those seedCustomers wrote; the account's next internalId moves past them.
 */
export async function seedSmallCustomers(db: Client, account: string, firstId: number, count: number): Promise<void> {
  await db.query(
    `insert into records (account, record_type, internal_id, external_id, fields, created_at, updated_at)
     select $1, 'customer', $2::bigint + i, 'small-' || i, jsonb_build_object('companyName', 'Small ' || i), now(), now()
       from generate_series(1, $3::int) i`,
    [account, firstId, count],
  );
  await db.query('update account_counters set next_internal_id = next_internal_id + $2 where account = $1', [account, count]);
}
