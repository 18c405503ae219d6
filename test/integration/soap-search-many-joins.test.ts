import { asList, RecordRequests, request, typedRecord as record, V } from '../helpers/record-requests';
import { startTestService, type TestService } from '../helpers/service';
import { faultOf, getAsyncResult, postSoap } from '../helpers/soap';

/**
 * Columns of a join to many records: a customer's contacts, a transaction's item lines. Each
 * record the join reaches makes a row of its own, as NetSuite answers such a search; a record it
 * reaches none of makes one row without that part; criteria on the same join choose the rows.
 */

const ACCOUNT = 'MANYJOINS';
let t: TestService;
let r: RecordRequests;
const ids: Record<string, string> = {};

const item = (externalId: string, itemId: string) =>
  record('listAcct:InventoryItem', externalId, `<listAcct:itemId>${itemId}</listAcct:itemId>`, ` xmlns:listAcct="urn:accounting_${V}.lists.webservices.netsuite.com"`);
const lines = (refs: string[]) => `<tranSales:itemList>${refs.map((one) => `<tranSales:item><tranSales:item ${one}/></tranSales:item>`).join('')}</tranSales:itemList>`;

beforeAll(async () => {
  t = await startTestService();
  r = new RecordRequests(t);
  Object.assign(
    ids,
    await r.addAll(
      record('listRel:Customer', 'acme', '<listRel:companyName>Acme</listRel:companyName>') +
        record('listRel:Customer', 'beta', '<listRel:companyName>Beta</listRel:companyName>') +
        record('listRel:Customer', 'lone', '<listRel:companyName>Lone</listRel:companyName>') +
        item('anvil', 'Anvil') +
        item('bolt', 'Bolt'),
      ACCOUNT,
    ),
  );
  Object.assign(
    ids,
    await r.addAll(
      record('listRel:Contact', 'wile', `<listRel:email>wile@acme.test</listRel:email><listRel:company internalId="${ids.acme}"/>`) +
        record('listRel:Contact', 'road', '<listRel:email>road@acme.test</listRel:email><listRel:company externalId="acme" type="customer"/>') +
        record('listRel:Contact', 'bert', '<listRel:email>bert@beta.test</listRel:email><listRel:company externalId="beta"/>') +
        record(
          'tranSales:SalesOrder',
          'so-1',
          `<tranSales:entity externalId="acme"/><tranSales:memo>three lines</tranSales:memo>${lines([`externalId="bolt"`, `internalId="${ids.anvil}"`, `externalId="bolt"`])}`,
        ) +
        record('tranSales:SalesOrder', 'so-2', '<tranSales:entity externalId="beta"/><tranSales:memo>no lines</tranSales:memo>'),
      ACCOUNT,
    ),
  );
});
afterAll(() => t.close());

const column = (name: string) => `<common:${name}/>`;
const advanced = (type: string, criteria: string, columns: string) => {
  const prefix = type.split(':')[0];
  return `<msg:searchRecord xsi:type="${type}">${criteria ? `<${prefix}:criteria>${criteria}</${prefix}:criteria>` : ''}<${prefix}:columns>${columns}</${prefix}:columns></msg:searchRecord>`;
};
const customerContacts = (criteria = '') =>
  advanced('listRel:CustomerSearchAdvanced', criteria, `<listRel:basic>${column('companyName')}</listRel:basic><listRel:contactJoin>${column('email')}</listRel:contactJoin>`);

/** A synchronous search's rows, each as [basic, join part]. */
async function rows(searchRecord: string, join: string): Promise<Array<[string, string | undefined]>> {
  const answer = await postSoap(t.url, V, request('search', searchRecord, { account: ACCOUNT }));
  expect(answer.status).toBe(200);
  const result = answer.body.searchResponse.searchResult;
  expect(result.status['@isSuccess']).toBe('true');
  const found = asList(result.searchRowList?.searchRow).map((row: any): [string, string | undefined] => [
    row.basic.companyName?.searchValue ?? row.basic.memo?.searchValue,
    join === 'contactJoin' ? row.contactJoin?.email?.searchValue : row.itemJoin?.itemId?.searchValue,
  ]);
  expect(Number(result.totalRecords)).toBe(found.length);
  return found;
}

describe('columns of a join to many records', () => {
  it("answers a row for each of a customer's contacts (by internalId or by externalId of its type), and one for a customer with none", async () => {
    expect(await rows(customerContacts(), 'contactJoin')).toEqual([
      ['Acme', 'wile@acme.test'],
      ['Acme', 'road@acme.test'],
      ['Beta', 'bert@beta.test'],
      ['Lone', undefined],
    ]);
  });

  it('makes rows only of the joined records that meet criteria on the same join', async () => {
    const criteria = `<listRel:contactJoin><common:email operator="startsWith"><core:searchValue>road</core:searchValue></common:email></listRel:contactJoin>`;
    expect(await rows(customerContacts(criteria), 'contactJoin')).toEqual([['Acme', 'road@acme.test']]);
  });

  it("answers a row for each of a transaction's item lines, the same item on two lines twice", async () => {
    const search = advanced(
      'tranSales:TransactionSearchAdvanced',
      '',
      `<tranSales:basic>${column('memo')}</tranSales:basic><tranSales:itemJoin>${column('itemId')}</tranSales:itemJoin>`,
    );
    expect(await rows(search, 'itemJoin')).toEqual([
      ['three lines', 'Anvil'],
      ['three lines', 'Bolt'],
      ['three lines', 'Bolt'],
      ['no lines', undefined],
    ]);
  });

  it('answers the same rows through asyncSearch, paged', async () => {
    const jobId = await r.submitAndRun('asyncSearch', customerContacts(), {
      account: ACCOUNT,
      header: '<msg:searchPreferences><msg:pageSize>5</msg:pageSize></msg:searchPreferences>',
    });
    const result = (await getAsyncResult(t.url, jobId, 1, V, ACCOUNT)).body.getAsyncResultResponse.asyncResult.searchResult;
    expect(result.totalRecords).toBe('4');
    expect(asList(result.searchRowList.searchRow).map((row: any) => row.contactJoin?.email?.searchValue)).toEqual([
      'wile@acme.test',
      'road@acme.test',
      'bert@beta.test',
      undefined,
    ]);
  });

  it('answers a soapenv:Client fault for columns of two joins to many records', async () => {
    const two = advanced(
      'listRel:CustomerSearchAdvanced',
      '',
      `<listRel:basic>${column('companyName')}</listRel:basic><listRel:contactJoin>${column('email')}</listRel:contactJoin><listRel:transactionJoin>${column('memo')}</listRel:transactionJoin>`,
    );
    const answer = await postSoap(t.url, V, request('search', two, { account: ACCOUNT }));
    expect(faultOf(answer).faultcode).toBe('soapenv:Client');
    expect(faultOf(answer).faultstring).toMatch(/columns of one join to many records are answered per search \(this one has contactJoin already\)/);
  });
});
