import { adminHeaders, startTestService, type TestService } from '../helpers/service';
import { asList, NS, RecordRequests, request, typedRecord as record, V } from '../helpers/record-requests';
import { checkAsyncStatus, faultOf, getAsyncResult, postSoap, statusOf } from '../helpers/soap';

/**
 * Saved searches: defined through the admin API and fixtures (an advanced search's XML), run by
 * savedSearchId or savedSearchScriptId through search, searchMoreWithId and asyncSearch with the
 * request's criteria ANDed on and its columns replacing the saved ones, listed by getSavedSearch,
 * and INVALID_SAVED_SRCH for one the account does not have. Answers are validated against the XSDs.
 */

const ACCOUNT = 'SAVER';
let t: TestService;
let r: RecordRequests;
const ids: Record<string, string> = {};

async function admin(method: string, route: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: any }> {
  const response = await fetch(`${t.url}/admin${route}`, {
    method,
    headers: { ...adminHeaders, ...(body === undefined ? {} : { 'Content-Type': contentType }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: response.status === 204 ? null : await response.json() };
}

const declared = `xmlns:tranSales="${NS.sales}" xmlns:common="${NS.common}" xmlns:core="${NS.core}"`;
const field = (name: string, operator: string, value: string) => `<common:${name} operator="${operator}"><core:searchValue>${value}</core:searchValue></common:${name}>`;
const column = (name: string, label?: string) => `<common:${name}>${label === undefined ? '' : `<core:customLabel>${label}</core:customLabel>`}</common:${name}>`;

/** Open orders: sales orders of customers whose name starts with A, with their memo and the customer's name. */
const OPEN_ORDERS =
  `<tranSales:TransactionSearchAdvanced ${declared}>` +
  `<tranSales:criteria><tranSales:basic>${field('type', 'anyOf', '_salesOrder')}</tranSales:basic>` +
  `<tranSales:customerJoin>${field('companyName', 'startsWith', 'A')}</tranSales:customerJoin></tranSales:criteria>` +
  `<tranSales:columns><tranSales:basic>${column('memo')}${column('tranDate')}</tranSales:basic><tranSales:customerJoin>${column('companyName', 'Customer')}</tranSales:customerJoin></tranSales:columns>` +
  `</tranSales:TransactionSearchAdvanced>`;

/** A run of a saved search: `attributes` name it, `criteria` and `columns` are the request's own. */
const run = (attributes: string, criteria = '', columns = '') =>
  `<msg:searchRecord xsi:type="tranSales:TransactionSearchAdvanced" ${attributes}>` +
  (criteria && `<tranSales:criteria>${criteria}</tranSales:criteria>`) +
  (columns && `<tranSales:columns>${columns}</tranSales:columns>`) +
  `</msg:searchRecord>`;

async function search(searchRecord: string, account = ACCOUNT, header?: string) {
  const answer = await postSoap(t.url, V, request('search', searchRecord, { account, header }));
  expect(answer.status).toBe(200);
  return answer.body.searchResponse.searchResult;
}

const memos = (result: any) => asList(result.searchRowList?.searchRow).map((row: any) => row.basic.memo.searchValue);

beforeAll(async () => {
  t = await startTestService();
  r = new RecordRequests(t);
  Object.assign(
    ids,
    await r.addAll(
      record('listRel:Customer', 'acme', '<listRel:companyName>Acme</listRel:companyName>') +
        record('listRel:Customer', 'atlas', '<listRel:companyName>Atlas</listRel:companyName>') +
        record('listRel:Customer', 'beta', '<listRel:companyName>Beta</listRel:companyName>'),
      ACCOUNT,
    ),
  );
  await r.addAll(
    record('tranSales:SalesOrder', 'so-1', '<tranSales:entity externalId="acme"/><tranSales:memo>acme one</tranSales:memo>') +
      record('tranSales:SalesOrder', 'so-2', '<tranSales:entity externalId="atlas"/><tranSales:memo>atlas two</tranSales:memo>') +
      record('tranSales:SalesOrder', 'so-3', '<tranSales:entity externalId="beta"/><tranSales:memo>beta three</tranSales:memo>') +
      record('tranSales:Invoice', 'inv-1', '<tranSales:entity externalId="acme"/><tranSales:memo>acme invoice</tranSales:memo>'),
    ACCOUNT,
  );
  const defined = await admin('POST', '/saved-searches', { account: ACCOUNT, scriptId: 'customsearch_OPEN_SO', title: 'Open orders', search: OPEN_ORDERS });
  expect(defined.status).toBe(201);
});
afterAll(() => t.close());

describe('defining a saved search', () => {
  it('numbers it, keeps its script id in lower case, and lists it', async () => {
    const listed = await admin('GET', `/saved-searches?account=${ACCOUNT}`);
    expect(listed.status).toBe(200);
    expect(listed.body.savedSearches).toEqual([
      {
        account: ACCOUNT,
        internalId: '1',
        scriptId: 'customsearch_open_so',
        title: 'Open orders',
        searchType: 'transaction',
        advancedType: 'TransactionSearchAdvanced',
        version: V,
        definition: OPEN_ORDERS,
      },
    ]);
    expect((await admin('GET', `/saved-searches?account=${ACCOUNT}&searchType=customer`)).body.savedSearches).toEqual([]);
  });

  it.each([
    [
      'a script id in use, in any case',
      { scriptId: 'customsearch_open_SO', search: OPEN_ORDERS },
      409,
      /scriptId: the account has a saved search with scriptId customsearch_open_so already/,
    ],
    ['an internalId in use', { internalId: '1', scriptId: 'customsearch_other', search: OPEN_ORDERS }, 409, /internalId: the account has a saved search with internalId 1 already/],
    ['a script id not starting customsearch', { scriptId: 'custsearch_x', search: OPEN_ORDERS }, 400, /scriptId/],
    // The next one taken after it must still be one a look-up by savedSearchId takes.
    [
      'an internalId past 999999999',
      { internalId: '1000000000', scriptId: 'customsearch_big', search: OPEN_ORDERS },
      400,
      /internalId: must be a whole number from 1 to 999999999/,
    ],
    ['XML that is not well formed', { scriptId: 'customsearch_bad', search: '<tranSales:TransactionSearchAdvanced' }, 400, /search: The saved search is not well-formed XML/],
    ['no namespace', { scriptId: 'customsearch_bad', search: '<TransactionSearchAdvanced/>' }, 400, /has no namespace; declare it on the element/],
    [
      'a basic search',
      { scriptId: 'customsearch_bad', search: `<common:TransactionSearchBasic ${declared}/>` },
      400,
      /is not an advanced search of 2023_2; a saved search is one of/,
    ],
    [
      'a column the row does not have',
      {
        scriptId: 'customsearch_bad',
        search: `<tranSales:TransactionSearchAdvanced ${declared}><tranSales:columns><tranSales:basic>${column('bogus')}</tranSales:basic></tranSales:columns></tranSales:TransactionSearchAdvanced>`,
      },
      400,
      /TransactionSearchRowBasic has no column bogus/,
    ],
    [
      'a definition that runs another saved search',
      { scriptId: 'customsearch_bad', search: `<tranSales:TransactionSearchAdvanced ${declared} savedSearchId="1"/>` },
      400,
      /does not run another saved search/,
    ],
  ])('refuses %s, naming the field', async (_what, body, status, message) => {
    const answer = await admin('POST', '/saved-searches', { account: ACCOUNT, ...body });
    expect(answer.status).toBe(status);
    expect(answer.body.error).toMatch(message);
  });
});

describe('running a saved search', () => {
  it('answers its rows by savedSearchScriptId (any case) and by savedSearchId, the same through searchMoreWithId', async () => {
    const byScriptId = await search(run('savedSearchScriptId="customsearch_Open_SO"'));
    expect(byScriptId.totalRecords).toBe('2');
    expect(memos(byScriptId)).toEqual(['acme one', 'atlas two']);
    expect(asList(byScriptId.searchRowList.searchRow)[0].customerJoin).toEqual({ companyName: { customLabel: 'Customer', searchValue: 'Acme' } });
    const byId = await search(run('savedSearchId="1"'));
    expect(byId.searchRowList).toEqual(byScriptId.searchRowList);
    const both = await search(run('savedSearchId="1" savedSearchScriptId="customsearch_open_so"'));
    expect(both.searchRowList).toEqual(byScriptId.searchRowList);
    const more = await postSoap(t.url, V, request('searchMoreWithId', `<msg:searchId>${byId.searchId}</msg:searchId><msg:pageIndex>1</msg:pageIndex>`, { account: ACCOUNT }));
    expect(more.body.searchMoreWithIdResponse.searchResult.searchRowList).toEqual(byScriptId.searchRowList);
  });

  it("ANDs the request's criteria onto the saved ones and lets its columns replace the saved columns", async () => {
    const narrowed = await search(run('savedSearchScriptId="customsearch_open_so"', `<tranSales:basic>${field('memo', 'contains', 'atlas')}</tranSales:basic>`));
    expect(memos(narrowed)).toEqual(['atlas two']);
    // The request's type criterion meets the saved one: invoices are not sales orders, so nothing.
    const none = await search(run('savedSearchScriptId="customsearch_open_so"', `<tranSales:basic>${field('type', 'anyOf', '_invoice')}</tranSales:basic>`));
    expect(none.totalRecords).toBe('0');
    const columns = await search(run('savedSearchId="1"', '', `<tranSales:basic>${column('memo', 'Note')}</tranSales:basic>`));
    const rows = asList(columns.searchRowList.searchRow);
    expect(rows.map((row: any) => row.basic)).toEqual([{ memo: { customLabel: 'Note', searchValue: 'acme one' } }, { memo: { customLabel: 'Note', searchValue: 'atlas two' } }]);
    expect(rows.every((row: any) => row.customerJoin === undefined)).toBe(true);
  });

  it('answers records with returnSearchColumns false', async () => {
    const records = await search(
      run('savedSearchId="1"'),
      ACCOUNT,
      '<msg:searchPreferences><msg:bodyFieldsOnly>true</msg:bodyFieldsOnly><msg:returnSearchColumns>false</msg:returnSearchColumns></msg:searchPreferences>',
    );
    expect(records.searchRowList).toBeUndefined();
    expect(asList(records.recordList.record).map((one: any) => one['@externalId'])).toEqual(['so-1', 'so-2']);
  });

  it('answers the same rows through asyncSearch and getAsyncResult', async () => {
    const jobId = await r.submitAndRun('asyncSearch', run('savedSearchScriptId="customsearch_open_so"'), { account: ACCOUNT });
    const result = (await getAsyncResult(t.url, jobId, 1, V, ACCOUNT)).body.getAsyncResultResponse.asyncResult.searchResult;
    expect(result.status['@isSuccess']).toBe('true');
    expect(result.searchRowList).toEqual((await search(run('savedSearchId="1"'))).searchRowList);
  });

  it.each([
    ['an unknown script id', run('savedSearchScriptId="customsearch_nothing"'), ACCOUNT, /no saved search of savedSearchScriptId customsearch_nothing/],
    ['an unknown internalId', run('savedSearchId="999"'), ACCOUNT, /no saved search of savedSearchId 999/],
    ['an internalId that is not a number', run('savedSearchId="one"'), ACCOUNT, /no saved search of savedSearchId one/],
    ['another account', run('savedSearchScriptId="customsearch_open_so"'), 'SAVER_OTHER', /no saved search of savedSearchScriptId customsearch_open_so/],
    ['an id and script id of two searches', run('savedSearchId="1" savedSearchScriptId="customsearch_x"'), ACCOUNT, /name two different saved searches/],
    [
      'another advanced search type',
      '<msg:searchRecord xsi:type="listRel:CustomerSearchAdvanced" savedSearchId="1"/>',
      ACCOUNT,
      /is a TransactionSearchAdvanced; run it with one, not a CustomerSearchAdvanced/,
    ],
  ])("answers INVALID_SAVED_SRCH for %s: in search's status, and as the failure of an asyncSearch job", async (_what, searchRecord, account, message) => {
    const result = await search(searchRecord, account);
    expect(result.status['@isSuccess']).toBe('false');
    expect(result.status.statusDetail.code).toBe('INVALID_SAVED_SRCH');
    expect(result.status.statusDetail.message).toMatch(message);
    const jobId = await r.submitAndRun('asyncSearch', searchRecord, { account });
    expect(statusOf(await checkAsyncStatus(t.url, jobId, V, account)).status).toBe('failed');
    const failed = (await getAsyncResult(t.url, jobId, 1, V, account)).body.getAsyncResultResponse.asyncResult.searchResult;
    expect(failed.status.statusDetail.code).toBe('INVALID_SAVED_SRCH');
    expect(failed.totalRecords).toBe('0');
  });
});

describe('getSavedSearch', () => {
  const getSavedSearch = (searchType: string, account = ACCOUNT) => postSoap(t.url, V, request('getSavedSearch', `<msg:record searchType="${searchType}"/>`, { account }));

  it("lists the account's saved searches of a record type, each a CustomizationRef with its script id and title", async () => {
    const answer = await getSavedSearch('transaction');
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('xsi:type="platformCore:CustomizationRef"');
    const result = answer.body.getSavedSearchResponse.getSavedSearchResult;
    expect(result.status['@isSuccess']).toBe('true');
    expect(result.totalRecords).toBe('1');
    expect(result.recordRefList.recordRef).toMatchObject({ '@internalId': '1', '@scriptId': 'customsearch_open_so', name: 'Open orders' });
    const none = (await getSavedSearch('customer')).body.getSavedSearchResponse.getSavedSearchResult;
    expect(none.totalRecords).toBe('0');
    expect((await getSavedSearch('transaction', 'SAVER_OTHER')).body.getSavedSearchResponse.getSavedSearchResult.totalRecords).toBe('0');
  });

  it('answers a soapenv:Client fault for a searchType SearchRecordType does not list', async () => {
    const answer = await getSavedSearch('salesOrder');
    expect(faultOf(answer).faultcode).toBe('soapenv:Client');
    expect(faultOf(answer).faultstring).toMatch(/record.searchType must be a SearchRecordType/);
  });
});

describe('saved searches in fixtures', () => {
  const account = 'SAVER_FIX';
  const yaml = [
    'savedSearches:',
    `  - account: ${account}`,
    '    internalId: "40"',
    '    scriptId: customsearch_fixture',
    '    search: |',
    `      <tranSales:TransactionSearchAdvanced ${declared}>`,
    `        <tranSales:columns><tranSales:basic>${column('memo')}</tranSales:basic></tranSales:columns>`,
    '      </tranSales:TransactionSearchAdvanced>',
    '',
  ].join('\n');

  it('loads them whole, answers a taken id naming its field, and a reset of the account removes them', async () => {
    await r.addAll(record('tranSales:SalesOrder', 'fix-so', '<tranSales:memo>fixture order</tranSales:memo>'), account);
    const loaded = await admin('POST', '/fixtures', yaml, 'application/yaml');
    expect(loaded.status).toBe(201);
    expect(loaded.body.savedSearches).toEqual([{ account, internalId: '40', scriptId: 'customsearch_fixture' }]);
    expect(memos(await search(run('savedSearchScriptId="customsearch_fixture"'), account))).toEqual(['fixture order']);
    const again = await admin('POST', '/fixtures', yaml, 'application/yaml');
    expect(again.status).toBe(400);
    expect(again.body.error).toMatch(/savedSearches\[0\]\.scriptId: the account has a saved search with scriptId customsearch_fixture already/);
    const next = await admin('POST', '/saved-searches', { account, scriptId: 'customsearch_next', search: OPEN_ORDERS });
    expect(next.body.internalId).toBe('41');
    const reset = await admin('POST', `/reset?account=${account}`);
    expect(reset.status).toBe(200);
    expect(reset.body.removed.saved_searches).toBe(2);
    expect((await admin('GET', `/saved-searches?account=${account}`)).body.savedSearches).toEqual([]);
    expect((await admin('GET', `/saved-searches?account=${ACCOUNT}`)).body.savedSearches).toHaveLength(1);
  });

  it('refuses a definition with a mistake, naming the saved search', async () => {
    const answer = await admin('POST', '/fixtures', { savedSearches: [{ account, scriptId: 'customsearch_broken', search: '<x/>' }] });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(/^savedSearches\[0\]\.search: .*has no namespace/);
  });
});

describe('removing a saved search', () => {
  it('removes it by internalId; one that is not there answers 404', async () => {
    const account = 'SAVER_DEL';
    const made = await admin('POST', '/saved-searches', { account, scriptId: 'customsearch_gone', search: OPEN_ORDERS });
    expect((await admin('DELETE', `/saved-searches/${made.body.internalId}?account=${account}`)).status).toBe(204);
    expect((await admin('DELETE', `/saved-searches/${made.body.internalId}?account=${account}`)).status).toBe(404);
    const result = await search(run('savedSearchScriptId="customsearch_gone"'), account);
    expect(result.status.statusDetail.code).toBe('INVALID_SAVED_SRCH');
  });
});
