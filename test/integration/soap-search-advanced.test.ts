import { asList, RecordRequests, request, typedRecord, V } from '../helpers/record-requests';
import { startTestService, type TestService } from '../helpers/service';
import { faultOf, getAsyncResult, postSoap } from '../helpers/soap';

/**
 * Advanced searches (listRel:CustomerSearchAdvanced, tranSales:TransactionSearchAdvanced…): their
 * criteria, a record search, and their columns, answered as searchRowList rows of the right
 * …SearchRow type with each column NetSuite's SearchColumn…Field; through asyncSearch and the
 * synchronous search and searchMoreWithId. Every answer is validated against the served XSDs.
 */

const ACCOUNT = 'ADVANCER';
let t: TestService;
let r: RecordRequests;
const ids: Record<string, string> = {};

const record = typedRecord;

const add = async (records: string) => Object.assign(ids, await r.addAll(records, ACCOUNT));

beforeAll(async () => {
  t = await startTestService();
  r = new RecordRequests(t);
  await add(
    record('listEmp:Employee', 'emp-1', '<listEmp:firstName>Ada</listEmp:firstName>', ` xmlns:listEmp="urn:employees_${V}.lists.webservices.netsuite.com"`) +
      record(
        'listRel:Customer',
        'cust-a',
        '<listRel:companyName>Acme</listRel:companyName><listRel:email>sales@acme.test</listRel:email><listRel:salesRep externalId="emp-1"/><listRel:creditLimit>1000.5</listRel:creditLimit><listRel:isInactive>false</listRel:isInactive>',
      ) +
      record('listRel:Customer', 'cust-b', '<listRel:companyName>Beta</listRel:companyName><listRel:isInactive>true</listRel:isInactive>'),
  );
  await add(
    record(
      'tranSales:SalesOrder',
      'so-a',
      `<tranSales:entity internalId="${ids['cust-a']}"/><tranSales:tranDate>2026-03-01T10:00:00Z</tranSales:tranDate><tranSales:memo>first</tranSales:memo>`,
    ) + record('tranSales:Invoice', 'inv-b', '<tranSales:entity externalId="cust-b"/><tranSales:memo>second</tranSales:memo>'),
  );
});
afterAll(() => t.close());

const column = (name: string, label?: string) => `<common:${name}>${label === undefined ? '' : `<core:customLabel>${label}</core:customLabel>`}</common:${name}>`;
const field = (name: string, operator: string, value: string) => `<common:${name} operator="${operator}"><core:searchValue>${value}</core:searchValue></common:${name}>`;
const advanced = (type: string, criteria: string, columns: string, attributes = '') =>
  `<msg:searchRecord xsi:type="${type}"${attributes}>${criteria === '' ? '' : `<${type.split(':')[0]}:criteria>${criteria}</${type.split(':')[0]}:criteria>`}${columns === '' ? '' : `<${type.split(':')[0]}:columns>${columns}</${type.split(':')[0]}:columns>`}</msg:searchRecord>`;

const CUSTOMER_COLUMNS = `<listRel:basic>${column('salesRep')}${column('isInactive')}${column('internalId')}${column('externalId')}${column('email')}${column('dateCreated')}${column('creditLimit')}${column('companyName', 'Name')}</listRel:basic>`;
const customerSearch = advanced('listRel:CustomerSearchAdvanced', '', CUSTOMER_COLUMNS);
const transactionSearch = advanced(
  'tranSales:TransactionSearchAdvanced',
  `<tranSales:basic><common:type operator="anyOf"><core:searchValue>_salesOrder</core:searchValue><core:searchValue>_invoice</core:searchValue></common:type></tranSales:basic>`,
  `<tranSales:basic>${column('type')}${column('tranDate')}${column('memo')}${column('entity')}</tranSales:basic><tranSales:customerJoin>${column('email')}${column('companyName')}</tranSales:customerJoin>`,
);

/** page 1 of an asyncSearch of `searchRecord`: its searchResult and the answer's text. */
async function asyncPage(searchRecord: string, header?: string) {
  const jobId = await r.submitAndRun('asyncSearch', searchRecord, { account: ACCOUNT, header });
  const answer = await getAsyncResult(t.url, jobId, 1, V, ACCOUNT);
  expect(answer.status).toBe(200);
  return { result: answer.body.getAsyncResultResponse.asyncResult.searchResult, text: answer.text };
}

describe('an advanced search', () => {
  it('answers rows of CustomerSearchRow with the basic columns asked, in schema order, empty ones left out', async () => {
    const { result, text } = await asyncPage(customerSearch);
    expect(result.totalRecords).toBe('2');
    expect(result.recordList).toBeUndefined();
    expect(text).toContain('xsi:type="listRel:CustomerSearchRow"');
    const [acme, beta] = asList(result.searchRowList.searchRow).map((row: Record<string, any>) => row.basic);
    expect(acme.companyName).toEqual({ customLabel: 'Name', searchValue: 'Acme' });
    expect(acme.email.searchValue).toBe('sales@acme.test');
    expect(acme.creditLimit.searchValue).toBe('1000.5');
    expect(acme.isInactive.searchValue).toBe('false');
    // The manual clock's start, and the half seconds the worker's steps moved it.
    expect(acme.dateCreated.searchValue).toMatch(/^2026-01-15T10:00:\d\d\.\d{3}Z$/);
    expect(acme.internalId.searchValue['@internalId']).toBe(ids['cust-a']);
    expect(acme.externalId.searchValue['@externalId']).toBe('cust-a');
    expect(acme.salesRep.searchValue['@externalId']).toBe('emp-1');
    expect(beta.isInactive.searchValue).toBe('true');
    expect(beta.email).toBeUndefined();
    expect(beta.salesRep).toBeUndefined();
    // CustomerSearchRowBasic's order: companyName, creditLimit, dateCreated, email, externalId, internalId, isInactive … salesRep.
    const row = text.slice(text.indexOf('<platformCore:searchRow'), text.indexOf('</platformCore:searchRow>'));
    const order = ['companyName', 'creditLimit', 'dateCreated', 'email', 'externalId', 'internalId', 'isInactive', 'salesRep'].map((name) => row.indexOf(`:${name}>`));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('answers a join reaching one record with its own columns, and the transaction type as NetSuite names it', async () => {
    const { result, text } = await asyncPage(transactionSearch);
    expect(text).toContain('xsi:type="tranSales:TransactionSearchRow"');
    const rows = asList(result.searchRowList.searchRow);
    expect(rows).toHaveLength(2);
    expect(rows[0].basic.type.searchValue).toBe('_salesOrder');
    expect(rows[0].basic.tranDate.searchValue).toBe('2026-03-01T10:00:00.000Z');
    expect(rows[0].basic.entity.searchValue['@internalId']).toBe(ids['cust-a']);
    expect(rows[0].customerJoin).toEqual({ email: { searchValue: 'sales@acme.test' }, companyName: { searchValue: 'Acme' } });
    expect(rows[1].basic.type.searchValue).toBe('_invoice');
    expect(rows[1].basic.memo.searchValue).toBe('second');
    expect(rows[1].customerJoin).toEqual({ companyName: { searchValue: 'Beta' } });
  });

  it('takes criteria with joins, and answers records with returnSearchColumns false or no columns', async () => {
    const criteria = `<listRel:basic>${field('companyName', 'is', 'Acme')}</listRel:basic>`;
    const { result } = await asyncPage(advanced('listRel:CustomerSearchAdvanced', criteria, CUSTOMER_COLUMNS));
    expect(asList(result.searchRowList.searchRow).map((row: Record<string, any>) => row.basic.companyName.searchValue)).toEqual(['Acme']);
    const joined = advanced(
      'tranSales:TransactionSearchAdvanced',
      `<tranSales:customerJoin>${field('companyName', 'is', 'Beta')}</tranSales:customerJoin>`,
      `<tranSales:basic>${column('memo')}</tranSales:basic>`,
    );
    expect(asList((await asyncPage(joined)).result.searchRowList.searchRow).map((row: Record<string, any>) => row.basic.memo.searchValue)).toEqual(['second']);
    const records = await asyncPage(
      customerSearch,
      '<msg:searchPreferences><msg:bodyFieldsOnly>true</msg:bodyFieldsOnly><msg:returnSearchColumns>false</msg:returnSearchColumns></msg:searchPreferences>',
    );
    expect(records.result.searchRowList).toBeUndefined();
    expect(asList(records.result.recordList.record).map((one: Record<string, string>) => one['@externalId'])).toEqual(['cust-a', 'cust-b']);
    const noColumns = await asyncPage(advanced('listRel:CustomerSearchAdvanced', criteria, ''));
    expect(asList(noColumns.result.recordList.record).map((one: Record<string, string>) => one['@externalId'])).toEqual(['cust-a']);
  });

  it('answers the synchronous search and searchMoreWithId with the same rows as asyncSearch', async () => {
    const answer = await postSoap(t.url, V, request('search', transactionSearch, { account: ACCOUNT }));
    expect(answer.status).toBe(200);
    const first = answer.body.searchResponse.searchResult;
    expect(first.totalRecords).toBe('2');
    const more = await postSoap(t.url, V, request('searchMoreWithId', `<msg:searchId>${first.searchId}</msg:searchId><msg:pageIndex>1</msg:pageIndex>`, { account: ACCOUNT }));
    const again = more.body.searchMoreWithIdResponse.searchResult;
    expect(again.searchRowList).toEqual(first.searchRowList);
    expect(first.searchRowList).toEqual((await asyncPage(transactionSearch)).result.searchRowList);
  });

  it('writes a column once for each time it is asked, whatever its prefix', async () => {
    const account = 'ADVANCER_ODD';
    await r.addAll(record('listRel:Customer', 'odd-parent', '<listRel:companyName>Parent</listRel:companyName>'), account);
    await r.addAll(record('listRel:Customer', 'odd', '<listRel:companyName>Odd</listRel:companyName><listRel:parent externalId="odd-parent" type="customer"/>'), account);
    const twice = `<listRel:basic>${column('companyName', 'A')}${column('companyName', 'B')}<c2:companyName xmlns:c2="urn:common_${V}.platform.webservices.netsuite.com"/>${column('parent')}</listRel:basic>`;
    const jobId = await r.submitAndRun('asyncSearch', advanced('listRel:CustomerSearchAdvanced', `<listRel:basic>${field('companyName', 'is', 'Odd')}</listRel:basic>`, twice), {
      account,
    });
    const row = (await getAsyncResult(t.url, jobId, 1, V, account)).body.getAsyncResultResponse.asyncResult.searchResult.searchRowList.searchRow;
    // One column per occurrence, whatever its prefix (each was written once per prefix before).
    expect(asList(row.basic.companyName)).toEqual([{ customLabel: 'A', searchValue: 'Odd' }, { customLabel: 'B', searchValue: 'Odd' }, { searchValue: 'Odd' }]);
    expect(row.basic.parent.searchValue).toEqual({ '@externalId': 'odd-parent', '@type': 'customer' });
  });

  it.each([
    [
      'columns of a join not followed',
      advanced('listRel:CustomerSearchAdvanced', '', `<listRel:callJoin>${column('title')}</listRel:callJoin>`),
      /callJoin: this emulator does not follow this join/,
    ],
    [
      'a custom field column without an xsi:type',
      advanced('listRel:CustomerSearchAdvanced', '', '<listRel:basic><common:customFieldList><core:customField scriptId="custentity_x"/></common:customFieldList></listRel:basic>'),
      /columns.basic.customFieldList.customField\[1\] needs an xsi:type naming its kind/,
    ],
    [
      'a column in another namespace',
      advanced('listRel:CustomerSearchAdvanced', '', '<listRel:basic><listRel:email/></listRel:basic>'),
      /columns.basic.email must be in namespace urn:common_2023_2/,
    ],
  ])('answers a soapenv:Client fault for %s', async (_what, searchRecord, message) => {
    const answer = await postSoap(t.url, V, request('asyncSearch', searchRecord, { account: ACCOUNT }));
    expect(faultOf(answer).faultcode).toBe('soapenv:Client');
    expect(faultOf(answer).faultstring).toMatch(message);
  });

  it.each([
    [
      'a column the row basic does not have',
      advanced('listRel:CustomerSearchAdvanced', '', `<listRel:basic>${column('tranDate')}</listRel:basic>`),
      'INVALID_SEARCH_FIELD_NAME',
      /CustomerSearchRowBasic has no column tranDate/,
    ],
    [
      'a row part the row does not have',
      advanced('listRel:CustomerSearchAdvanced', '', `<listRel:itemJoin>${column('memo')}</listRel:itemJoin>`),
      'INVALID_SEARCH_JOIN_ID',
      /CustomerSearchRow has no itemJoin/,
    ],
  ])("answers %s with its code: in search's status and as the asyncSearch job's failure", async (_what, searchRecord, code, message) => {
    const refusal = await r.searchRefusal(searchRecord, { account: ACCOUNT });
    expect(refusal.code).toBe(code);
    expect(refusal.message).toMatch(message);
  });
});
