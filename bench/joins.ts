import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import { createAccounts, fmt, metOrNot, positiveNumber, soapCall, startService, stop, table, type BenchContext, type SectionReport, type Started } from './harness';

/**
 * Record searches with joins on the Postgres server, through the synchronous `search` (pageSize
 * 1000): N customers and N sales orders, each order's entity naming its customer, half by
 * internalId and half by externalId (the two ways a join follows), written straight into
 * `records`. Timed, each beside the plain search of all N orders in the same run:
 *  (a) TransactionSearch with a customerJoin companyName criterion (a fifth of the customers),
 *  (b) CustomerSearch with a transactionJoin memo criterion (a tenth of the orders),
 *  (c) TransactionSearchAdvanced of every order, columns basic memo and customerJoin companyName,
 *  (d) TransactionSearch of every order, no join: the baseline.
 * And (a) and (d) again on an account of N/4, so time(N)/time(N/4) shows whether a join grows
 * linearly (about 4, less as page 1's fixed cost weighs) or quadratically (about 16).
 */

const N = Math.round(positiveNumber('BENCH_JOINS_SIZE', process.env.BENCH_JOINS_SIZE ?? '20000'));
const QUARTER = Math.round(N / 4);
const ROUNDS = Math.round(positiveNumber('BENCH_JOINS_ROUNDS', process.env.BENCH_JOINS_ROUNDS ?? '5'));
const PAGE_SIZE = 1_000;
const ACCOUNT = 'BENCH_JOINS';
const QUARTER_ACCOUNT = 'BENCH_JOINS_QUARTER';
/** A join search may take this many times the plain search of the same records. */
const JOIN_LIMIT = 3;
/** time(N)/time(N/4) of (a): linear is about 4, quadratic about 16; this is the geometric middle. */
const GROWTH_LIMIT = 8;
/**
 * Before the join rewrite a join search of 20,000 took far past the default DB_STATEMENT_TIMEOUT_MS
 * (5 s): the bench lifts the bound so every search is timed, and counts the ones over the default.
 */
const SERVICE_SETTINGS = { DB_STATEMENT_TIMEOUT_MS: '600000' };
const DEFAULT_STATEMENT_MS = 5_000;

/** Customer i's companyName starts with GROUPS[i % 5]: (a) asks for the first. */
const GROUPS = ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo'];
const JOINED_GROUP = GROUPS[0];
/** Order j's memo starts with "Rush" when j % 10 = 0: (b) asks for those. */
const RUSH = 'Rush';

const NAMESPACES =
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:common="urn:common_2023_2.platform.webservices.netsuite.com" ' +
  'xmlns:core="urn:core_2023_2.platform.webservices.netsuite.com" xmlns:listRel="urn:relationships_2023_2.lists.webservices.netsuite.com" ' +
  'xmlns:tranSales="urn:sales_2023_2.transactions.webservices.netsuite.com"';
const PREFERENCES = `<msg:searchPreferences><msg:pageSize>${PAGE_SIZE}</msg:pageSize></msg:searchPreferences>`;
const field = (name: string, operator: string, value: string) => `<common:${name} operator="${operator}"><core:searchValue>${value}</core:searchValue></common:${name}>`;
const searchBody = (type: string, parts: string) => `<msg:search><msg:searchRecord ${NAMESPACES} xsi:type="${type}">${parts}</msg:searchRecord></msg:search>`;

type Kind = 'customerJoin' | 'transactionJoin' | 'joinColumns' | 'plain';
const KINDS: Kind[] = ['plain', 'customerJoin', 'transactionJoin', 'joinColumns'];
const JOIN_KINDS: Kind[] = ['customerJoin', 'transactionJoin', 'joinColumns'];
const LABELS: Record<Kind, string> = {
  customerJoin: '(a) TransactionSearch, customerJoin companyName startsWith',
  transactionJoin: '(b) CustomerSearch, transactionJoin memo startsWith',
  joinColumns: '(c) TransactionSearchAdvanced, columns basic memo + customerJoin companyName',
  plain: '(d) TransactionSearch of every order, no join (baseline)',
};
const BODIES: Record<Kind, string> = {
  customerJoin: searchBody('tranSales:TransactionSearch', `<tranSales:customerJoin>${field('companyName', 'startsWith', JOINED_GROUP)}</tranSales:customerJoin>`),
  transactionJoin: searchBody('listRel:CustomerSearch', `<listRel:transactionJoin>${field('memo', 'startsWith', RUSH)}</listRel:transactionJoin>`),
  joinColumns: searchBody(
    'tranSales:TransactionSearchAdvanced',
    '<tranSales:columns><tranSales:basic><common:memo/></tranSales:basic><tranSales:customerJoin><common:companyName/></tranSales:customerJoin></tranSales:columns>',
  ),
  plain: searchBody('tranSales:TransactionSearch', ''),
};

/**
 * Customers 1…n (internalIds 1001…1000+n, externalIds cust-i) and orders 1…n (internalIds after
 * them, externalIds so-j), order j's entity naming customer j by internalId when j is odd and by
 * externalId when even, as SOAP adds store a RecordRef; then the account's next internalId.
 */
async function seed(db: Client, account: string, n: number): Promise<void> {
  await db.query(
    `insert into records (account, record_type, internal_id, external_id, fields, created_at, updated_at)
     select $1, 'customer', 1000 + i, 'cust-' || i,
            jsonb_build_object('companyName', ($3::text[])[i % 5 + 1] || ' Customer ' || i, 'email', 'customer' || i || '@bench.test', 'isInactive', 'false'),
            now(), now()
       from generate_series(1, $2::int) i`,
    [account, n, GROUPS],
  );
  await db.query(
    `insert into records (account, record_type, internal_id, external_id, fields, created_at, updated_at)
     select $1, 'salesOrder', 1000 + $2::int + j, 'so-' || j,
            jsonb_build_object(
              'entity', case when j % 2 = 1 then jsonb_build_object('@internalId', (1000 + j)::text) else jsonb_build_object('@externalId', 'cust-' || j) end,
              'memo', case when j % 10 = 0 then $3 || ' order ' || j else 'Order ' || j end,
              'tranDate', '2026-03-01T10:00:00.000Z'),
            now(), now()
       from generate_series(1, $2::int) j`,
    [account, n, RUSH],
  );
  await db.query(`insert into account_counters (account, next_internal_id) values ($1, $2)`, [account, 1001 + 2 * n]);
}

interface Expected {
  total: number;
  /** What the first record or row must hold, as found in the answer's text. */
  first: RegExp;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What each search must answer, from SQL written apart from the service's: the orders with the
 * customer each names (a join per way of naming, as the ways exclude each other), counted, and the
 * first by internalId.
 */
async function expected(db: Client, account: string): Promise<Record<Kind, Expected>> {
  const pairs = `
    select o.internal_id as order_id, o.external_id as order_ext, o.fields->>'memo' as memo,
           c.internal_id as customer_id, c.external_id as customer_ext, c.fields->>'companyName' as company
      from records o join records c on c.internal_id = (o.fields->'entity'->>'@internalId')::bigint
     where o.account = $1 and o.record_type = 'salesOrder' and c.account = $1 and c.record_type = 'customer'
    union all
    select o.internal_id, o.external_id, o.fields->>'memo', c.internal_id, c.external_id, c.fields->>'companyName'
      from records o join records c on c.external_id = o.fields->'entity'->>'@externalId'
     where o.account = $1 and o.record_type = 'salesOrder' and c.account = $1 and c.record_type = 'customer' and o.fields->'entity'->>'@internalId' is null`;
  const one = async (sql: string, values: unknown[] = []) => (await db.query(sql, [account, ...values])).rows[0];
  const a = await one(`select count(*)::int as total, (array_agg(order_ext order by order_id))[1] as first from (${pairs}) p where company ilike $2`, [`${JOINED_GROUP}%`]);
  const b = await one(`select count(distinct customer_id)::int as total, (array_agg(customer_ext order by customer_id))[1] as first from (${pairs}) p where memo ilike $2`, [
    `${RUSH}%`,
  ]);
  const all = await one(`select count(*)::int as total, (array_agg(external_id order by internal_id))[1] as first from records where account = $1 and record_type = 'salesOrder'`);
  const firstPair = await one(`select memo, company from (${pairs}) p order by order_id limit 1`);
  const recordFirst = (externalId: string) => new RegExp(`<platformCore:record [^>]*externalId="${escape(externalId)}"`);
  return {
    customerJoin: { total: a.total, first: recordFirst(a.first) },
    transactionJoin: { total: b.total, first: recordFirst(b.first) },
    joinColumns: {
      total: all.total,
      first: new RegExp(
        `^(?:(?!</platformCore:searchRow>).)*:memo><platformCore:searchValue>${escape(firstPair.memo)}<(?:(?!</platformCore:searchRow>).)*:companyName><platformCore:searchValue>${escape(firstPair.company)}<`,
        's',
      ),
    },
    plain: { total: all.total, first: recordFirst(all.first) },
  };
}

/**
 * One search, timed from request to the answer's last byte, and checked: a successful searchResult
 * of page 1 with the total SQL counts, a full page of records (or rows for (c)), the first the right
 * one (for (c): its memo and its customer's companyName).
 */
async function timedSearch(service: Started, account: string, kind: Kind, want: Expected): Promise<number> {
  const began = performance.now();
  const { status, text } = await soapCall(service.url, account, 'search', BODIES[kind], PREFERENCES);
  const ms = performance.now() - began;
  const item = kind === 'joinColumns' ? /<platformCore:searchRow[\s>]/g : /<platformCore:record[\s>]/g;
  const firstAt = text.search(item);
  const checks = [
    status === 200,
    text.includes('<platformMsgs:searchResponse'),
    /<platformCore:status isSuccess="true"/.test(text),
    text.includes(`<platformCore:totalRecords>${want.total}<`),
    text.includes('<platformCore:pageIndex>1<'),
    (text.match(item)?.length ?? 0) === Math.min(PAGE_SIZE, want.total),
    firstAt >= 0 && want.first.test(text.slice(firstAt)),
  ];
  if (!checks.every(Boolean)) throw new Error(`${kind} search (${account}) failed its checks ${JSON.stringify(checks)}: ${status} ${text.slice(0, 3000)}`);
  return ms;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const range = (values: number[]) => `${fmt(Math.min(...values))}–${fmt(Math.max(...values))}`;

export async function joinsSection(context: BenchContext): Promise<SectionReport> {
  const seeder = await startService(context, SERVICE_SETTINGS);
  await createAccounts(seeder.url, [ACCOUNT, QUARTER_ACCOUNT]);
  await stop(seeder);
  await seed(context.db, ACCOUNT, N);
  await seed(context.db, QUARTER_ACCOUNT, QUARTER);
  await context.db.query('analyze records');
  const want = { large: await expected(context.db, ACCOUNT), quarter: await expected(context.db, QUARTER_ACCOUNT) };
  process.stdout.write(
    `joins: ${fmt(N)} customers + ${fmt(N)} orders and ${fmt(QUARTER)} + ${fmt(QUARTER)} seeded; expected totals ` +
      `${KINDS.map((kind) => `${kind} ${fmt(want.large[kind].total)}/${fmt(want.quarter[kind].total)}`).join(', ')}; ${ROUNDS} rounds\n`,
  );

  const service = await startService(context, SERVICE_SETTINGS);
  // One untimed turn on the small account, and the plain search of N, so the timed rounds meet
  // compiled code and a warm cache (the joins of N are not repeated: before the rewrite each took a minute).
  for (const kind of KINDS) await timedSearch(service, QUARTER_ACCOUNT, kind, want.quarter[kind]);
  await timedSearch(service, ACCOUNT, 'plain', want.large.plain);

  const times: Record<Kind, number[]> = { customerJoin: [], transactionJoin: [], joinColumns: [], plain: [] };
  const quarterTimes: Record<'customerJoin' | 'plain', number[]> = { customerJoin: [], plain: [] };
  for (let round = 0; round < ROUNDS; round++) {
    // Each round's order rotated, so no search always follows the same one.
    const order = KINDS.map((_, i) => KINDS[(i + round) % KINDS.length]);
    for (const kind of order) times[kind].push(await timedSearch(service, ACCOUNT, kind, want.large[kind]));
    for (const kind of ['customerJoin', 'plain'] as const) quarterTimes[kind].push(await timedSearch(service, QUARTER_ACCOUNT, kind, want.quarter[kind]));
    process.stdout.write(
      `joins: round ${round + 1}: ${KINDS.map((kind) => `${kind} ${fmt(times[kind][round])} ms`).join(', ')}; ` +
        `of ${fmt(QUARTER)}: customerJoin ${fmt(quarterTimes.customerJoin[round])} ms, plain ${fmt(quarterTimes.plain[round])} ms\n`,
    );
  }
  await stop(service);

  const m = Object.fromEntries(KINDS.map((kind) => [kind, median(times[kind])])) as Record<Kind, number>;
  const q = { customerJoin: median(quarterTimes.customerJoin), plain: median(quarterTimes.plain) };
  const ratio = (kind: Kind) => m[kind] / m.plain;
  const worst = Math.max(...JOIN_KINDS.map(ratio));
  const growth = m.customerJoin / q.customerJoin;
  const plainGrowth = m.plain / q.plain;
  const over = Object.fromEntries(KINDS.map((kind) => [kind, times[kind].filter((ms) => ms > DEFAULT_STATEMENT_MS).length])) as Record<Kind, number>;

  const text = [
    table(
      ['search (page 1, pageSize 1000)', 'matches', `median ms (${ROUNDS} rounds)`, 'range ms', '× (d)'],
      [
        ...[...JOIN_KINDS, 'plain' as const].map((kind) => [`${LABELS[kind]}, of ${fmt(N)}`, fmt(want.large[kind].total), fmt(m[kind]), range(times[kind]), fmt(ratio(kind), 2)]),
        [`${LABELS.customerJoin}, of ${fmt(QUARTER)}`, fmt(want.quarter.customerJoin.total), fmt(q.customerJoin), range(quarterTimes.customerJoin), ''],
        [`${LABELS.plain}, of ${fmt(QUARTER)}`, fmt(want.quarter.plain.total), fmt(q.plain), range(quarterTimes.plain), ''],
      ],
    ),
    '',
    `join searches of ${fmt(N)} answered in more than the default statement bound of ${fmt(DEFAULT_STATEMENT_MS / 1000)} s: ` +
      `${JOIN_KINDS.map((kind) => `${over[kind]} of ${ROUNDS} ${kind}`).join(
        ', ',
      )} (the bench runs the service with DB_STATEMENT_TIMEOUT_MS=${SERVICE_SETTINGS.DB_STATEMENT_TIMEOUT_MS})`,
    `join cost: the slowest join search's median is ${fmt(worst, 2)}× the plain search of the same ${fmt(N)} orders (goal at most ${JOIN_LIMIT}×: ${metOrNot(worst <= JOIN_LIMIT)})`,
    `growth: (a) of ${fmt(N)} takes ${fmt(growth, 2)}× (a) of ${fmt(QUARTER)} (linear about 4, quadratic about 16; goal at most ${GROWTH_LIMIT}×: ${metOrNot(growth <= GROWTH_LIMIT)}); ` +
      `the plain search, ${fmt(plainGrowth, 2)}×`,
  ].join('\n');
  return {
    title: '7. Record searches with joins (search, Postgres)',
    text,
    json: {
      settings: { size: N, quarter: QUARTER, rounds: ROUNDS, pageSize: PAGE_SIZE, joinLimit: JOIN_LIMIT, growthLimit: GROWTH_LIMIT },
      totals: Object.fromEntries(KINDS.map((kind) => [kind, { large: want.large[kind].total, quarter: want.quarter[kind].total }])),
      ms: times,
      quarterMs: quarterTimes,
      medianMs: m,
      quarterMedianMs: q,
      ratioToPlain: Object.fromEntries(KINDS.map((kind) => [kind, ratio(kind)])),
      growth,
      plainGrowth,
      overDefaultStatementBound: over,
    },
  };
}
