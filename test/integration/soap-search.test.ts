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
async function search(fields: string, options: { type?: string; pageSize?: number; account?: string; preferences?: string } = {}) {
  const account = options.account ?? ACCOUNT;
  const jobId = await r.submitAndRun('asyncSearch', searchRecord(options.type ?? 'CustomerSearchBasic', fields), {
    account,
    header: options.preferences ?? (options.pageSize ? pageSizeHeader(options.pageSize) : undefined),
  });
  expect(statusOf(await checkAsyncStatus(t.url, jobId, V, account))).toMatchObject({ status: 'finished', percentCompleted: 100 });
  const found: string[] = [];
  let first: Record<string, any> | undefined;
  for (let page = 1; ; page++) {
    const answer = await getAsyncResult(t.url, jobId, page, V, account);
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
      expect(faultOf(await getAsyncResult(t.url, jobId, page + 1, V, account)).code).toBe('INVALID_PAGE_INDEX');
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
    ['an unknown search', searchRecord('SpaceshipSearchBasic', ''), '', /this emulator answers [^;]*CustomerSearchBasic/],
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
  ])('answers a soapenv:Client fault for %s', async (_what, inner, header, message) => {
    const answer = await postSoap(t.url, V, request('asyncSearch', inner, { account: ACCOUNT, header }));
    expect(faultOf(answer).faultcode).toBe('soapenv:Client');
    expect(faultOf(answer).faultstring).toMatch(message);
  });

  it.each([
    ['an unknown field', searchRecord('CustomerSearchBasic', stringField('shoeSize', 'is', '9')), '', 'INVALID_SEARCH_FIELD_NAME', /CustomerSearchBasic has no field shoeSize/],
    [
      'a string field without operator',
      searchRecord('CustomerSearchBasic', '<common:email><core:searchValue>x</core:searchValue></common:email>'),
      '',
      'INVALID_SEARCH_OPERATOR',
      /CustomerSearchBasic.email needs operator one of contains, doesNotContain, doesNotStartWith, empty, hasKeywords, is, isNot, notEmpty, startsWith \(got none\)/,
    ],
    [
      'within without searchValue2',
      searchRecord('CustomerSearchBasic', '<common:dateCreated operator="within"><core:searchValue>2026-01-01T00:00:00Z</core:searchValue></common:dateCreated>'),
      '',
      'INVALID_SEARCH_VALUE',
      /CustomerSearchBasic.dateCreated with operator within needs searchValue2/,
    ],
    [
      'a date that is not one',
      searchRecord('CustomerSearchBasic', '<common:dateCreated operator="on"><core:searchValue>yesterday</core:searchValue></common:dateCreated>'),
      '',
      'INVALID_SEARCH_VALUE',
      /CustomerSearchBasic.dateCreated.searchValue is not a valid dateTime \(got "yesterday"\)/,
    ],
  ])("answers %s with its code, naming it: in search's status and as the asyncSearch job's failure", async (_what, inner, header, code, message) => {
    const refusal = await r.searchRefusal(inner, { account: ACCOUNT, header });
    expect(refusal.code).toBe(code);
    expect(refusal.message).toMatch(message);
  });

  it('answers INVALID_SEARCH_PAGE_SIZE for a pageSize outside 5 to 1000 in search and 5 to 2000 in asyncSearch, as NetSuite bounds them', async () => {
    const all = searchRecord('CustomerSearchBasic', '');
    const status = async (size: number) =>
      (await postSoap(t.url, V, request('search', all, { account: ACCOUNT, header: pageSizeHeader(size) }))).body.searchResponse.searchResult.status;
    for (const size of [4, 1001]) {
      expect((await status(size)).statusDetail).toMatchObject({
        code: 'INVALID_SEARCH_PAGE_SIZE',
        message: `searchPreferences.pageSize must be a whole number from 5 to 1000 (got "${size}").`,
      });
    }
    expect((await status(1000))['@isSuccess']).toBe('true');
    const job = async (size: number) => {
      const jobId = await r.submitAndRun('asyncSearch', all, { account: ACCOUNT, header: pageSizeHeader(size) });
      return (await getAsyncResult(t.url, jobId, 1, V, ACCOUNT)).body.getAsyncResultResponse.asyncResult.searchResult.status;
    };
    expect((await job(2000))['@isSuccess']).toBe('true');
    expect((await job(2001)).statusDetail).toMatchObject({
      code: 'INVALID_SEARCH_PAGE_SIZE',
      message: 'searchPreferences.pageSize must be a whole number from 5 to 2000 (got "2001").',
    });
  });
});

describe('asyncSearch, every criterion kind', () => {
  const KINDS = 'KINDS';
  const field = (name: string, operator: string, value: string, value2?: string) =>
    `<common:${name} operator="${operator}"><core:searchValue>${value}</core:searchValue>${value2 === undefined ? '' : `<core:searchValue2>${value2}</core:searchValue2>`}</common:${name}>`;
  const many = (name: string, operator: string, values: string[]) =>
    `<common:${name} operator="${operator}">${values.map((value) => `<core:searchValue>${value}</core:searchValue>`).join('')}</common:${name}>`;
  const refs = (name: string, operator: string, attributes: string[]) =>
    `<common:${name} operator="${operator}">${attributes.map((one) => `<core:searchValue ${one}/>`).join('')}</common:${name}>`;
  const found = async (fields: string, type = 'CustomerSearchBasic') => (await search(fields, { type, account: KINDS })).found;

  beforeAll(async () => {
    await r.submitAndRun(
      'asyncAddList',
      customer(
        'externalId="k-1"',
        '<listRel:companyName>Blue Sky Rockets</listRel:companyName><listRel:salesRep internalId="-5"/><listRel:emailPreference>_pDF</listRel:emailPreference><listRel:creditLimit>1000.5</listRel:creditLimit><listRel:daysOverdue>3</listRel:daysOverdue>',
      ) +
        customer(
          'externalId="k-2"',
          '<listRel:companyName>Sky blue paint</listRel:companyName><listRel:salesRep externalId="rep-2"/><listRel:emailPreference>_hTML</listRel:emailPreference><listRel:creditLimit>250</listRel:creditLimit><listRel:daysOverdue>40</listRel:daysOverdue>',
        ) +
        customer(
          'externalId="k-3"',
          '<listRel:companyName>Skyline</listRel:companyName><listRel:addressbookList><listRel:addressbook><listRel:label>Depot</listRel:label></listRel:addressbook></listRel:addressbookList>',
        ),
      { account: KINDS },
    );
    await r.submitAndRun(
      'asyncAddList',
      '<msg:record xsi:type="tranSales:SalesOrder" externalId="so-k1"><tranSales:entity externalId="k-1"/><tranSales:otherRefNum>PO-77</tranSales:otherRefNum></msg:record>' +
        '<msg:record xsi:type="tranSales:SalesOrder" externalId="so-k2"><tranSales:entity externalId="k-2"/><tranSales:otherRefNum>1500</tranSales:otherRefNum></msg:record>' +
        '<msg:record xsi:type="tranSales:Invoice" externalId="inv-k1"><tranSales:entity externalId="k-1"/><tranSales:otherRefNum>900</tranSales:otherRefNum></msg:record>',
      { account: KINDS },
    );
    const employee = (ext: string, first: string, last: string) =>
      `<msg:record xsi:type="listEmp:Employee" xmlns:listEmp="urn:employees_${V}.lists.webservices.netsuite.com" externalId="${ext}"><listEmp:firstName>${first}</listEmp:firstName><listEmp:lastName>${last}</listEmp:lastName></msg:record>`;
    const item = (ext: string, itemId: string, cost: string) =>
      `<msg:record xsi:type="listAcct:InventoryItem" xmlns:listAcct="urn:accounting_${V}.lists.webservices.netsuite.com" externalId="${ext}"><listAcct:itemId>${itemId}</listAcct:itemId><listAcct:cost>${cost}</listAcct:cost></msg:record>`;
    await r.submitAndRun(
      'asyncAddList',
      employee('emp-k1', 'Ada', 'Lovelace') + employee('emp-k2', 'Grace', 'Hopper') + item('sku-k1', 'SKU-1', '3.25') + item('sku-k2', 'SKU-2', '12'),
      {
        account: KINDS,
      },
    );
  });

  it.each([
    ['a double greaterThan', field('creditLimit', 'greaterThan', '500'), ['k-1']],
    ['a double between', field('creditLimit', 'between', '200', '300'), ['k-2']],
    ['a double notGreaterThan, which a record without the field meets', field('creditLimit', 'notGreaterThan', '500'), ['k-2', 'k-3']],
    ['a double empty', field('creditLimit', 'empty', ''), ['k-3']],
    ['a long greaterThanOrEqualTo', field('daysOverdue', 'greaterThanOrEqualTo', '3'), ['k-1', 'k-2']],
    ['a long lessThan', field('daysOverdue', 'lessThan', '10'), ['k-1']],
    ['a long notBetween', field('daysOverdue', 'notBetween', '1', '10'), ['k-2', 'k-3']],
    ['a long equalTo', field('daysOverdue', 'equalTo', '40'), ['k-2']],
    ['an enum anyOf', many('emailPreference', 'anyOf', ['_pDF', '_hTML']), ['k-1', 'k-2']],
    ['an enum noneOf', many('emailPreference', 'noneOf', ['_pDF']), ['k-2', 'k-3']],
    ['a record reference by internalId', refs('salesRep', 'anyOf', ['internalId="-5"']), ['k-1']],
    ['a record reference by externalId', refs('salesRep', 'anyOf', ['externalId="rep-2"']), ['k-2']],
    ['a record reference noneOf', refs('salesRep', 'noneOf', ['internalId="-5"']), ['k-2', 'k-3']],
    ['hasKeywords: every word begins a word of the field', field('companyName', 'hasKeywords', 'sky blue'), ['k-1', 'k-2']],
    ['hasKeywords: a word inside another is no keyword', field('companyName', 'hasKeywords', 'line'), []],
    ['a date notAfter', field('dateCreated', 'notAfter', '2000-01-01T00:00:00Z'), []],
    ['a date notBefore', field('dateCreated', 'notBefore', '2000-01-01T00:00:00Z'), ['k-1', 'k-2', 'k-3']],
    ['a date notWithin', field('dateCreated', 'notWithin', '2000-01-01T00:00:00Z', '2001-01-01T00:00:00Z'), ['k-1', 'k-2', 'k-3']],
  ])('finds customers by %s', async (_what, fields, expected) => {
    expect(await found(fields)).toEqual(expected);
  });

  it.each([
    ["the transaction's type, anyOf", many('type', 'anyOf', ['_salesOrder']), ['so-k1', 'so-k2']],
    ["the transaction's type, noneOf", many('type', 'noneOf', ['_salesOrder']), ['inv-k1']],
    ['a type no served record has', many('type', 'anyOf', ['_journalEntry']), []],
    ['its entity', refs('entity', 'anyOf', ['externalId="k-1"']), ['so-k1', 'inv-k1']],
    ['a text number given as a number, against the records holding one', field('otherRefNum', 'greaterThan', '1000'), ['so-k2']],
    ['a text number given as text, ignoring case', field('otherRefNum', 'equalTo', 'po-77'), ['so-k1']],
    ['a text number empty, whatever its text', field('otherRefNum', 'empty', ''), []],
    ['a text number notEmpty, whatever its text', field('otherRefNum', 'notEmpty', ''), ['so-k1', 'so-k2', 'inv-k1']],
  ])('finds transactions by %s', async (_what, fields, expected) => {
    expect(await found(fields, 'TransactionSearchBasic')).toEqual(expected);
  });

  it('leaves sublists out of the records unless searchPreferences.bodyFieldsOnly is false', async () => {
    const skyline = field('companyName', 'is', 'Skyline');
    const preferences = (bodyFieldsOnly: string) => `<msg:searchPreferences><msg:bodyFieldsOnly>${bodyFieldsOnly}</msg:bodyFieldsOnly></msg:searchPreferences>`;
    const bodyOnly = (await search(skyline, { account: KINDS })).first.recordList.record;
    expect(bodyOnly).toMatchObject({ '@externalId': 'k-3', companyName: 'Skyline' });
    expect(bodyOnly.addressbookList).toBeUndefined();
    expect((await search(skyline, { account: KINDS, preferences: preferences('true') })).first.recordList.record.addressbookList).toBeUndefined();
    const whole = (await search(skyline, { account: KINDS, preferences: preferences('false') })).first.recordList.record;
    expect(whole.addressbookList.addressbook).toMatchObject({ label: 'Depot' });
    const header = preferences('sometimes');
    const refused = await postSoap(t.url, V, request('asyncSearch', searchRecord('CustomerSearchBasic', skyline), { account: KINDS, header }));
    expect(faultOf(refused).faultstring).toBe('searchPreferences.bodyFieldsOnly must be true or false (got "sometimes").');
  });

  it('finds employees and items by their own search basics, and items by their type', async () => {
    expect(await found(field('firstName', 'is', 'grace'), 'EmployeeSearchBasic')).toEqual(['emp-k2']);
    expect(await found(field('cost', 'greaterThan', '5'), 'ItemSearchBasic')).toEqual(['sku-k2']);
    expect(await found(many('type', 'anyOf', ['_inventoryItem']), 'ItemSearchBasic')).toEqual(['sku-k1', 'sku-k2']);
    expect(await found(many('type', 'noneOf', ['_inventoryItem']), 'ItemSearchBasic')).toEqual([]);
  });

  it.each([
    [
      'an operator its field kind does not take',
      field('creditLimit', 'contains', '5'),
      'INVALID_SEARCH_OPERATOR',
      /CustomerSearchBasic.creditLimit needs operator one of between, empty, equalTo/,
    ],
    ['a number that is not one', field('daysOverdue', 'equalTo', 'many'), 'INVALID_SEARCH_VALUE', /CustomerSearchBasic.daysOverdue: "many" is not a number/],
    ['a number past what numeric holds', field('creditLimit', 'lessThan', '1e200000'), 'INVALID_SEARCH_VALUE', /CustomerSearchBasic.creditLimit: "1e200000" is not a number/],
    ['between without searchValue2', field('creditLimit', 'between', '1'), 'INVALID_SEARCH_VALUE', /creditLimit with operator between needs searchValue2/],
    [
      'a boolean that is not one',
      '<common:isInactive><core:searchValue>maybe</core:searchValue></common:isInactive>',
      'INVALID_SEARCH_VALUE',
      /isInactive needs searchValue true or false/,
    ],
    ['a reference without an id', refs('salesRep', 'anyOf', ['type="employee"']), 'INVALID_SEARCH_VALUE', /salesRep.searchValue\[1\] needs an internalId or an externalId/],
    [
      'a predefined date the schema does not list',
      '<common:dateCreated operator="within"><core:predefinedSearchValue>lastCentury</core:predefinedSearchValue></common:dateCreated>',
      'INVALID_SEARCH_VALUE',
      /CustomerSearchBasic.dateCreated.predefinedSearchValue must be a SearchDate, e.g. today, lastMonth, thisFiscalYear \(got "lastCentury"\)/,
    ],
    [
      'a predefined date and a searchValue both',
      '<common:dateCreated operator="within"><core:searchValue>2026-01-01T00:00:00Z</core:searchValue><core:predefinedSearchValue>today</core:predefinedSearchValue></common:dateCreated>',
      'INVALID_SEARCH_VALUE',
      /give either predefinedSearchValue or searchValue, not both/,
    ],
  ])("answers %s with its code, naming the field: in search's status and as the asyncSearch job's failure", async (_what, fields, code, message) => {
    const refusal = await r.searchRefusal(searchRecord('CustomerSearchBasic', fields), { account: KINDS });
    expect(refusal.code).toBe(code);
    expect(refusal.message).toMatch(message);
  });

  describe('predefined dates, resolved on the service clock when the search runs', () => {
    const predefined = (operator: string, name: string) =>
      `<common:dateCreated operator="${operator}"><core:predefinedSearchValue>${name}</core:predefinedSearchValue></common:dateCreated>`;

    it.each([
      ['within today', predefined('within', 'today'), ['k-1', 'k-2', 'k-3']],
      ['within yesterday', predefined('within', 'yesterday'), []],
      ['onOrAfter thisMonth', predefined('onOrAfter', 'thisMonth'), ['k-1', 'k-2', 'k-3']],
      ['before today', predefined('before', 'today'), []],
      ['notWithin today', predefined('notWithin', 'today'), []],
      ['after lastFiscalYear', predefined('after', 'lastFiscalYear'), ['k-1', 'k-2', 'k-3']],
    ])('finds customers created %s', async (_what, fields, expected) => {
      expect(await found(fields)).toEqual(expected);
    });

    it('moves with a manual clock: two days on, the same records were made twoDaysAgo, not today', async () => {
      (t.clock as ManualClock).advance(2 * 24 * 3600);
      expect(await found(predefined('within', 'today'))).toEqual([]);
      expect(await found(predefined('on', 'twoDaysAgo'))).toEqual(['k-1', 'k-2', 'k-3']);
    });
  });
});

describe('search and searchMoreWithId', () => {
  const bulk = stringField('companyName', 'startsWith', 'bulk');
  const searchCall = (fields: string, account = ACCOUNT, pageSize = 5) =>
    postSoap(t.url, V, request('search', searchRecord('CustomerSearchBasic', fields), { account, header: pageSizeHeader(pageSize) }));
  const more = (searchId: string, pageIndex: number, account = ACCOUNT) =>
    postSoap(t.url, V, request('searchMoreWithId', `<msg:searchId>${searchId}</msg:searchId><msg:pageIndex>${pageIndex}</msg:pageIndex>`, { account }));
  const resultOf = (answer: { status: number; body: Record<string, any> }, operation: string) => {
    expect(answer.status).toBe(200);
    return answer.body[`${operation}Response`].searchResult;
  };
  const externalIds = (result: Record<string, any>) => asList(result.recordList?.record).map((record: Record<string, string>) => record['@externalId']);
  const failure = (result: Record<string, any>) => ({ isSuccess: result.status['@isSuccess'], code: result.status.statusDetail?.code });

  it('answers page 1 with a searchId, and searchMoreWithId pages the same rows in the order asyncSearch gives them', async () => {
    const first = resultOf(await searchCall(bulk), 'search');
    expect(first).toMatchObject({ totalRecords: '12', pageSize: '5', totalPages: '3', pageIndex: '1' });
    expect(first.status['@isSuccess']).toBe('true');
    expect(first.searchId).toMatch(/^WEBSERVICES_SEARCHER_\d{27}_[0-9a-f]{8}$/);
    const rows = [...externalIds(first)];
    for (const page of [2, 3]) {
      const next = resultOf(await more(first.searchId, page), 'searchMoreWithId');
      expect(next).toMatchObject({ totalRecords: '12', pageSize: '5', totalPages: '3', pageIndex: String(page), searchId: first.searchId });
      rows.push(...externalIds(next));
    }
    expect(rows).toEqual((await search(bulk, { pageSize: 5 })).found);
    expect(rows).toEqual(Array.from({ length: 12 }, (_, i) => `bulk-${i + 1}`));
  });

  it('pages the results as they stood when the search ran', async () => {
    const first = resultOf(await searchCall(bulk), 'search');
    await r.submitAndRun('asyncAddList', customer('externalId="bulk-13"', '<listRel:companyName>Bulk 13</listRel:companyName>'), { account: ACCOUNT });
    expect(externalIds(resultOf(await more(first.searchId, 3), 'searchMoreWithId'))).toEqual(['bulk-11', 'bulk-12']);
    expect(resultOf(await searchCall(bulk), 'search')).toMatchObject({ totalRecords: '13', totalPages: '3' });
  });

  it('answers a page out of range with INVALID_SEARCH_PAGE_INDEX, and another account or an unknown id with INVALID_SEARCH_MORE', async () => {
    const first = resultOf(await searchCall(bulk), 'search');
    for (const page of [0, 4]) expect(failure(resultOf(await more(first.searchId, page), 'searchMoreWithId'))).toEqual({ isSuccess: 'false', code: 'INVALID_SEARCH_PAGE_INDEX' });
    expect(failure(resultOf(await more(first.searchId, 1, 'KINDS'), 'searchMoreWithId'))).toEqual({ isSuccess: 'false', code: 'INVALID_SEARCH_MORE' });
    expect(failure(resultOf(await more('WEBSERVICES_SEARCHER_no_such', 1), 'searchMoreWithId'))).toEqual({ isSuccess: 'false', code: 'INVALID_SEARCH_MORE' });
  });

  it('answers an empty search with no pages, and forgets a search once SEARCH_RESULTS_MINUTES have passed on the clock', async () => {
    const none = resultOf(await searchCall(stringField('companyName', 'is', 'nobody at all')), 'search');
    expect(none).toMatchObject({ totalRecords: '0', totalPages: '0', pageIndex: '1' });
    expect(asList(none.recordList?.record)).toEqual([]);
    const first = resultOf(await searchCall(bulk), 'search');
    (t.clock as ManualClock).advance(14 * 60);
    expect(resultOf(await more(first.searchId, 2), 'searchMoreWithId').pageIndex).toBe('2');
    (t.clock as ManualClock).advance(60);
    expect(failure(resultOf(await more(first.searchId, 2), 'searchMoreWithId'))).toEqual({ isSuccess: 'false', code: 'INVALID_SEARCH_MORE' });
  });

  it('refuses a searchMoreWithId without a searchId, or with a pageIndex that is no int', async () => {
    const missing = await postSoap(t.url, V, request('searchMoreWithId', '<msg:pageIndex>1</msg:pageIndex>', { account: ACCOUNT }));
    expect(faultOf(missing).faultstring).toMatch(/searchMoreWithId requires a non-empty <searchId> element/);
    const wrong = await postSoap(t.url, V, request('searchMoreWithId', '<msg:searchId>x</msg:searchId><msg:pageIndex>two</msg:pageIndex>', { account: ACCOUNT }));
    expect(faultOf(wrong).faultstring).toMatch(/<pageIndex> must be an xsd:int/);
  });
});
