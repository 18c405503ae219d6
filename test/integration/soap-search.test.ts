import type { ManualClock } from '../../src/lib/clock';
import { asList, customer, RecordRequests, request, V } from '../helpers/record-requests';
import { startTestService, type TestService } from '../helpers/service';
import { faultOf, getAsyncResult, postSoap, statusOf, checkAsyncStatus } from '../helpers/soap';

/** asyncSearch over records added through SOAP, paged by searchPreferences.pageSize. */

const ACCOUNT = 'SEARCHER';
let t: TestService;
let r: RecordRequests;
const ids: Record<string, string> = {};
let createdBetween: [string, string];

beforeAll(async () => {
  t = await startTestService();
  r = new RecordRequests(t);
  const clock = t.clock as ManualClock;
  const people = [
    ['acme-1', 'Acme Rockets', 'sales@acme.test', 'false'],
    ['acme-2', 'ACME Anvils', '', 'true'],
    ['acme-3', 'Road Runner (Acme)', 'beep@acme.test', 'false'],
    ['glob-1', 'Globex', 'info@globex.test', 'false'],
    ['init-1', 'Initech 100%_off', 'tps@initech.test', 'true'],
  ];
  const first = await r.submitAndRun(
    'asyncAddList',
    people
      .map(([ext, name, email, inactive]) =>
        customer(
          `externalId="${ext}"`,
          `<listRel:companyName>${name}</listRel:companyName>${email ? `<listRel:email>${email}</listRel:email>` : ''}<listRel:isInactive>${inactive}</listRel:isInactive>`,
        ),
      )
      .join(''),
    { account: ACCOUNT },
  );
  const start = clock.now().toISOString();
  clock.advance(3600);
  const many = Array.from({ length: 12 }, (_, i) => customer(`externalId="bulk-${i + 1}"`, `<listRel:companyName>Bulk ${i + 1}</listRel:companyName>`)).join('');
  const second = await r.submitAndRun('asyncAddList', many, { account: ACCOUNT });
  createdBetween = [start, clock.now().toISOString()];
  clock.advance(3600);
  for (const jobId of [first, second]) {
    for (const response of await r.writeResults(jobId, ACCOUNT)) ids[response.baseRef['@externalId']] = response.baseRef['@internalId'];
  }
  await r.submitAndRun(
    'asyncAddList',
    '<msg:record xsi:type="tranSales:SalesOrder" externalId="so-1"><tranSales:tranDate>2026-03-01T10:00:00Z</tranSales:tranDate><tranSales:memo>first</tranSales:memo></msg:record>' +
      '<msg:record xsi:type="tranSales:Invoice" externalId="inv-1"><tranSales:tranDate>2026-03-15T10:00:00Z</tranSales:tranDate><tranSales:memo>second</tranSales:memo></msg:record>',
    { account: ACCOUNT },
  );
});
afterAll(() => t.close());

const searchRecord = (type: string, fields: string) => `<msg:searchRecord xsi:type="common:${type}">${fields}</msg:searchRecord>`;
const stringField = (name: string, operator: string, value = '') => `<common:${name} operator="${operator}"><core:searchValue>${value}</core:searchValue></common:${name}>`;
const pageSizeHeader = (size: number) => `<msg:searchPreferences><msg:pageSize>${size}</msg:pageSize></msg:searchPreferences>`;

/** Runs a search and reads every page; returns the externalIds found and what page 1 said. */
async function search(fields: string, options: { type?: string; pageSize?: number } = {}) {
  const jobId = await r.submitAndRun('asyncSearch', searchRecord(options.type ?? 'CustomerSearchBasic', fields), {
    account: ACCOUNT,
    header: options.pageSize ? pageSizeHeader(options.pageSize) : undefined,
  });
  expect(statusOf(await checkAsyncStatus(t.url, jobId, V, ACCOUNT))).toMatchObject({ status: 'finished', percentCompleted: 100 });
  const found: string[] = [];
  let first: Record<string, any> | undefined;
  for (let page = 1; ; page++) {
    const answer = await getAsyncResult(t.url, jobId, page, V, ACCOUNT);
    if (answer.status !== 200) {
      expect(faultOf(answer).code).toBe('INVALID_PAGE_INDEX');
      break;
    }
    expect(answer.text).toContain('xsi:type="platformMsgs:AsyncSearchResult"');
    const result = answer.body.getAsyncResultResponse.asyncResult.searchResult;
    first ??= result;
    expect(result.pageIndex).toBe(String(page));
    found.push(...asList(result.recordList?.record).map((record: Record<string, string>) => record['@externalId']));
    if (page >= Number(result.totalPages)) {
      expect(faultOf(await getAsyncResult(t.url, jobId, page + 1, V, ACCOUNT)).code).toBe('INVALID_PAGE_INDEX');
      break;
    }
  }
  return { found, first: first! };
}

describe('asyncSearch', () => {
  it.each([
    ['contains, ignoring case', stringField('companyName', 'contains', 'acme'), ['acme-1', 'acme-2', 'acme-3']],
    ['startsWith', stringField('companyName', 'startsWith', 'acme'), ['acme-1', 'acme-2']],
    ['is', stringField('companyName', 'is', 'globex'), ['glob-1']],
    ['a LIKE wildcard taken literally', stringField('companyName', 'contains', '100%_'), ['init-1']],
    ['empty', stringField('email', 'empty') + stringField('companyName', 'doesNotStartWith', 'Bulk'), ['acme-2']],
    [
      'isNot with doesNotContain',
      stringField('companyName', 'isNot', 'globex') + stringField('companyName', 'doesNotContain', 'bulk') + stringField('email', 'notEmpty'),
      ['acme-1', 'acme-3', 'init-1'],
    ],
    ['a boolean', '<common:isInactive><core:searchValue>true</core:searchValue></common:isInactive>', ['acme-2', 'init-1']],
  ])('finds by %s', async (_what, fields, expected) => {
    expect((await search(fields)).found).toEqual(expected);
  });

  it('finds by internalId and externalId, anyOf and noneOf', async () => {
    const anyOf = `<common:internalId operator="anyOf"><core:searchValue internalId="${ids['glob-1']}"/><core:searchValue internalId="${ids['acme-3']}"/></common:internalId>`;
    expect((await search(anyOf)).found).toEqual(['acme-3', 'glob-1']);
    const external = `<common:externalId operator="anyOf"><core:searchValue externalId="init-1"/><core:searchValue externalId="no-such"/></common:externalId>`;
    expect((await search(external)).found).toEqual(['init-1']);
    const noneOf = `<common:externalId operator="noneOf">${Array.from({ length: 12 }, (_, i) => `<core:searchValue externalId="bulk-${i + 1}"/>`).join('')}</common:externalId>`;
    expect((await search(noneOf)).found).toEqual(['acme-1', 'acme-2', 'acme-3', 'glob-1', 'init-1']);
  });

  it('finds by the date a record was created, and by a transaction date', async () => {
    const within = `<common:dateCreated operator="within"><core:searchValue>${createdBetween[0]}</core:searchValue><core:searchValue2>${createdBetween[1]}</core:searchValue2></common:dateCreated>`;
    const { found } = await search(within);
    expect(found).toHaveLength(12);
    expect(found.every((id) => id.startsWith('bulk-'))).toBe(true);
    const before = `<common:tranDate operator="before"><core:searchValue>2026-03-10T00:00:00Z</core:searchValue></common:tranDate>`;
    expect((await search(before, { type: 'TransactionSearchBasic' })).found).toEqual(['so-1']);
    const on = `<common:tranDate operator="on"><core:searchValue>2026-03-15T23:00:00Z</core:searchValue></common:tranDate>`;
    expect((await search(on, { type: 'TransactionSearchBasic' })).found).toEqual(['inv-1']);
  });

  it('pages the results by searchPreferences.pageSize and returns whole typed records', async () => {
    const { found, first } = await search(stringField('companyName', 'startsWith', 'bulk'), { pageSize: 5 });
    expect(found).toEqual(Array.from({ length: 12 }, (_, i) => `bulk-${i + 1}`));
    expect(first).toMatchObject({ totalRecords: '12', pageSize: '5', totalPages: '3', pageIndex: '1' });
    expect(first.recordList.record[0]).toMatchObject({ '@xsi:type': 'listRel:Customer', companyName: 'Bulk 1', '@externalId': 'bulk-1' });
  });

  it('answers an empty search with no records', async () => {
    const { found, first } = await search(stringField('companyName', 'is', 'nobody at all'));
    expect(found).toEqual([]);
    expect(first).toMatchObject({ totalRecords: '0', totalPages: '0', pageIndex: '1' });
  });

  it.each([
    ['a page size under 5', searchRecord('CustomerSearchBasic', ''), pageSizeHeader(4), /pageSize must be a whole number from 5 to 2000/],
    ['an unknown search', searchRecord('SpaceshipSearchBasic', ''), '', /this emulator answers [^;]*CustomerSearchBasic/],
    ['an unknown field', searchRecord('CustomerSearchBasic', stringField('shoeSize', 'is', '9')), '', /CustomerSearchBasic has no field shoeSize/],
    [
      'a string field without operator',
      searchRecord('CustomerSearchBasic', '<common:email><core:searchValue>x</core:searchValue></common:email>'),
      '',
      /CustomerSearchBasic.email needs operator one of is/,
    ],
    [
      'a field in the wrong namespace',
      searchRecord('CustomerSearchBasic', '<core:email operator="is"><core:searchValue>x</core:searchValue></core:email>'),
      '',
      /CustomerSearchBasic.email must be in namespace urn:common_2023_2/,
    ],
    [
      'a searchValue outside platformCore',
      searchRecord('CustomerSearchBasic', '<common:email operator="is"><common:searchValue>x</common:searchValue></common:email>'),
      '',
      /CustomerSearchBasic.email.searchValue must be in namespace urn:core_2023_2/,
    ],
    [
      'within without searchValue2',
      searchRecord('CustomerSearchBasic', '<common:dateCreated operator="within"><core:searchValue>2026-01-01T00:00:00Z</core:searchValue></common:dateCreated>'),
      '',
      /needs searchValue2/,
    ],
  ])('answers a soapenv:Client fault for %s', async (_what, inner, header, message) => {
    const answer = await postSoap(t.url, V, request('asyncSearch', inner, { account: ACCOUNT, header }));
    expect(faultOf(answer).faultcode).toBe('soapenv:Client');
    expect(faultOf(answer).faultstring).toMatch(message);
  });
});
