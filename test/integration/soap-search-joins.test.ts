import { asList, RecordRequests, request, typedRecord, V } from '../helpers/record-requests';
import { startTestService, type TestService } from '../helpers/service';
import { faultOf, getAsyncResult, postSoap } from '../helpers/soap';

/**
 * Record searches (listRel:CustomerSearch, tranSales:TransactionSearch…) with their basic criteria
 * and joins, over records that refer to each other by internalId and by externalId: each join
 * search-joins.ts follows, through asyncSearch and the synchronous search.
 */

const ACCOUNT = 'JOINER';
const NS = {
  acct: `urn:accounting_${V}.lists.webservices.netsuite.com`,
  emp: `urn:employees_${V}.lists.webservices.netsuite.com`,
  purch: `urn:purchases_${V}.transactions.webservices.netsuite.com`,
};
let t: TestService;
let r: RecordRequests;
const ids: Record<string, string> = {};

const record = typedRecord;
const item = (externalId: string, fields: string) => record('listAcct:InventoryItem', externalId, fields, ` xmlns:listAcct="${NS.acct}"`);
const lines = (prefix: string, refs: string[]) =>
  `<${prefix}:itemList>${refs.map((one) => `<${prefix}:item><${prefix}:item ${one}/></${prefix}:item>`).join('')}</${prefix}:itemList>`;

const add = async (records: string) => Object.assign(ids, await r.addAll(records, ACCOUNT));

beforeAll(async () => {
  t = await startTestService();
  r = new RecordRequests(t);
  await add(
    item('sku-a', '<listAcct:itemId>Anvil</listAcct:itemId>') +
      item('sku-b', '<listAcct:itemId>Bolt</listAcct:itemId>') +
      record('listEmp:Employee', 'emp-1', '<listEmp:firstName>Ada</listEmp:firstName>', ` xmlns:listEmp="${NS.emp}"`) +
      record('listRel:Customer', 'cust-a', '<listRel:companyName>Acme</listRel:companyName><listRel:salesRep externalId="emp-1"/>') +
      record('listRel:Customer', 'cust-b', '<listRel:companyName>Beta</listRel:companyName>') +
      record('listRel:Vendor', 'ven-1', '<listRel:companyName>Vulcan Supply</listRel:companyName><listRel:email>sales@vulcan.test</listRel:email>'),
  );
  await add(
    item('sku-c', `<listAcct:itemId>Anvil stand</listAcct:itemId><listAcct:parent internalId="${ids['sku-a']}"/>`) +
      record('listRel:Customer', 'cust-a1', `<listRel:companyName>Acme West</listRel:companyName><listRel:parent internalId="${ids['cust-a']}"/>`) +
      record(
        'listRel:Contact',
        'con-1',
        `<listRel:firstName>Wile</listRel:firstName><listRel:email>wile@acme.test</listRel:email><listRel:company internalId="${ids['cust-a']}"/>`,
      ) +
      record('listRel:Contact', 'con-2', '<listRel:firstName>Vera</listRel:firstName><listRel:email>vera@vulcan.test</listRel:email><listRel:company externalId="ven-1"/>') +
      record(
        'tranSales:SalesOrder',
        'so-a',
        `<tranSales:entity internalId="${ids['cust-a']}"/><tranSales:salesRep internalId="${ids['emp-1']}"/>${lines('tranSales', [`internalId="${ids['sku-a']}"`, 'externalId="sku-b"'])}`,
      ) +
      record('tranSales:Invoice', 'inv-b', `<tranSales:entity externalId="cust-b"/>${lines('tranSales', [`internalId="${ids['sku-b']}"`])}`) +
      record('tranPurch:PurchaseOrder', 'po-v', `<tranPurch:entity externalId="ven-1"/>${lines('tranPurch', ['externalId="sku-c"'])}`, ` xmlns:tranPurch="${NS.purch}"`),
  );
});
afterAll(() => t.close());

const searchXml = (type: string, parts: string, xmlns = '') => `<msg:searchRecord xsi:type="${type}"${xmlns}>${parts}</msg:searchRecord>`;
const field = (name: string, operator: string, value: string) => `<common:${name} operator="${operator}"><core:searchValue>${value}</core:searchValue></common:${name}>`;
const enumField = (name: string, operator: string, values: string[]) =>
  `<common:${name} operator="${operator}">${values.map((value) => `<core:searchValue>${value}</core:searchValue>`).join('')}</common:${name}>`;
/** A record search's part: `<prefix:basic>` or a join, holding search basic fields. */
const part = (prefix: string, name: string, fields: string) => `<${prefix}:${name}>${fields}</${prefix}:${name}>`;

const SEARCHES: Record<string, { type: string; prefix: string; xmlns: string }> = {
  customer: { type: 'listRel:CustomerSearch', prefix: 'listRel', xmlns: '' },
  contact: { type: 'listRel:ContactSearch', prefix: 'listRel', xmlns: '' },
  vendor: { type: 'listRel:VendorSearch', prefix: 'listRel', xmlns: '' },
  employee: { type: 'listEmp:EmployeeSearch', prefix: 'listEmp', xmlns: ` xmlns:listEmp="${NS.emp}"` },
  item: { type: 'listAcct:ItemSearch', prefix: 'listAcct', xmlns: ` xmlns:listAcct="${NS.acct}"` },
  transaction: { type: 'tranSales:TransactionSearch', prefix: 'tranSales', xmlns: '' },
};

/** The externalIds an asyncSearch of `of` finds, given its parts as [name, fields] pairs. */
async function found(of: string, parts: Array<[string, string]>): Promise<string[]> {
  const { type, prefix, xmlns } = SEARCHES[of];
  const jobId = await r.submitAndRun('asyncSearch', searchXml(type, parts.map(([name, fields]) => part(prefix, name, fields)).join(''), xmlns), { account: ACCOUNT });
  const answer = await getAsyncResult(t.url, jobId, 1, V, ACCOUNT);
  expect(answer.status).toBe(200);
  const result = answer.body.getAsyncResultResponse.asyncResult.searchResult;
  expect(result.status['@isSuccess']).toBe('true');
  return asList(result.recordList?.record).map((one: Record<string, string>) => one['@externalId']);
}

describe('a record search', () => {
  it('takes its basic criteria as the search basic does, and no part at all as every record', async () => {
    expect(await found('customer', [['basic', field('companyName', 'startsWith', 'acme')]])).toEqual(['cust-a', 'cust-a1']);
    expect(await found('vendor', [])).toEqual(['ven-1']);
  });

  it.each([
    ['customerJoin, by an entity held by internalId', 'transaction', [['customerJoin', field('companyName', 'is', 'Acme')]], ['so-a']],
    ['customerJoin, by an entity held by externalId', 'transaction', [['customerJoin', field('companyName', 'is', 'Beta')]], ['inv-b']],
    ['vendorJoin', 'transaction', [['vendorJoin', field('email', 'contains', 'vulcan')]], ['po-v']],
    ['salesRepJoin', 'transaction', [['salesRepJoin', field('firstName', 'is', 'Ada')]], ['so-a']],
    ['itemJoin, over the lines', 'transaction', [['itemJoin', field('itemId', 'is', 'Bolt')]], ['so-a', 'inv-b']],
    [
      'itemJoin with the basic type',
      'transaction',
      [
        ['basic', enumField('type', 'anyOf', ['_invoice'])],
        ['itemJoin', field('itemId', 'is', 'Bolt')],
      ],
      ['inv-b'],
    ],
    ['contactJoin', 'customer', [['contactJoin', field('email', 'contains', '@acme.')]], ['cust-a']],
    ['transactionJoin, narrowed by its type', 'customer', [['transactionJoin', enumField('type', 'anyOf', ['_invoice'])]], ['cust-b']],
    [
      'transactionJoin with no criteria: has some transaction',
      'customer',
      [
        ['basic', field('companyName', 'startsWith', 'acme')],
        ['transactionJoin', ''],
      ],
      ['cust-a'],
    ],
    ['parentCustomerJoin', 'customer', [['parentCustomerJoin', field('companyName', 'is', 'Acme')]], ['cust-a1']],
    ['subCustomerJoin', 'customer', [['subCustomerJoin', field('companyName', 'is', 'Acme West')]], ['cust-a']],
    ['salesRepJoin, by an employee held by externalId', 'customer', [['salesRepJoin', field('firstName', 'is', 'Ada')]], ['cust-a']],
    ['customerJoin', 'contact', [['customerJoin', field('companyName', 'is', 'Acme')]], ['con-1']],
    ['vendorJoin', 'contact', [['vendorJoin', field('email', 'startsWith', 'sales@')]], ['con-2']],
    ['contactJoin', 'vendor', [['contactJoin', field('firstName', 'is', 'Vera')]], ['ven-1']],
    ['transactionJoin', 'vendor', [['transactionJoin', enumField('type', 'anyOf', ['_purchaseOrder'])]], ['ven-1']],
    ['transactionJoin, over the lines', 'item', [['transactionJoin', enumField('type', 'anyOf', ['_salesOrder'])]], ['sku-a', 'sku-b']],
    ['parentJoin', 'item', [['parentJoin', field('itemId', 'is', 'Anvil')]], ['sku-c']],
  ] as Array<[string, string, Array<[string, string]>, string[]]>)('follows %s of a %s search', async (_what, of, parts, expected) => {
    expect(await found(of, parts)).toEqual(expected);
  });

  it('resolves a predefined date inside a join on the service clock', async () => {
    const today = '<common:dateCreated operator="within"><core:predefinedSearchValue>today</core:predefinedSearchValue></common:dateCreated>';
    expect(await found('customer', [['transactionJoin', today]])).toEqual(['cust-a', 'cust-b']);
    const yesterday = today.replace('today', 'yesterday');
    expect(await found('customer', [['transactionJoin', yesterday]])).toEqual([]);
  });

  it('matches a reference given by externalId within its type: a customer and a vendor sharing an externalId are told apart', async () => {
    const account = 'JOINER_TWINS';
    await r.addAll(
      record('listRel:Customer', 'twin', '<listRel:companyName>Twin Customer</listRel:companyName><listRel:email>twin@customer.test</listRel:email>') +
        record('listRel:Vendor', 'twin', '<listRel:companyName>Twin Vendor</listRel:companyName><listRel:email>twin@vendor.test</listRel:email>'),
      account,
    );
    await r.addAll(record('tranPurch:PurchaseOrder', 'po-twin', '<tranPurch:entity externalId="twin" type="vendor"/>', ` xmlns:tranPurch="${NS.purch}"`), account);
    const search = async (join: string, email: string) => {
      const jobId = await r.submitAndRun('asyncSearch', searchXml('tranSales:TransactionSearch', part('tranSales', join, field('email', 'startsWith', email))), { account });
      const answer = await getAsyncResult(t.url, jobId, 1, V, account);
      return asList(answer.body.getAsyncResultResponse.asyncResult.searchResult.recordList?.record).map((one: Record<string, string>) => one['@externalId']);
    };
    expect(await search('vendorJoin', 'twin@')).toEqual(['po-twin']);
    // Before the type was compared, the customer's externalId matched the vendor's reference.
    expect(await search('customerJoin', 'twin@')).toEqual([]);
  });

  it('answers the synchronous search with the same records', async () => {
    const { type, prefix } = SEARCHES.transaction;
    const answer = await postSoap(t.url, V, request('search', searchXml(type, part(prefix, 'itemJoin', field('itemId', 'is', 'Bolt'))), { account: ACCOUNT }));
    expect(answer.status).toBe(200);
    const result = answer.body.searchResponse.searchResult;
    expect(result.totalRecords).toBe('2');
    expect(asList(result.recordList.record).map((one: Record<string, string>) => one['@externalId'])).toEqual(['so-a', 'inv-b']);
  });

  it.each([
    [
      'a join it does not follow',
      'customer',
      part('listRel', 'callJoin', ''),
      /CustomerSearch.callJoin: this emulator does not follow this join; it follows contactJoin, parentCustomerJoin/,
    ],
    ['a search whose joins it follows none of', 'employee', part('listEmp', 'transactionJoin', ''), /EmployeeSearch.transactionJoin: .* it follows none yet/],
    ['a join in another namespace', 'customer', part('common', 'contactJoin', ''), /CustomerSearch.contactJoin must be in namespace urn:relationships_2023_2/],
    ['a join given twice', 'customer', part('listRel', 'contactJoin', '') + part('listRel', 'contactJoin', ''), /CustomerSearch.contactJoin may appear only once/],
  ])('answers a soapenv:Client fault for %s', async (_what, of, parts, message) => {
    const { type, xmlns } = SEARCHES[of];
    const answer = await postSoap(t.url, V, request('asyncSearch', searchXml(type, parts, xmlns), { account: ACCOUNT }));
    expect(faultOf(answer).faultcode).toBe('soapenv:Client');
    expect(faultOf(answer).faultstring).toMatch(message);
  });

  it.each([
    [
      'a join the search does not have',
      'customer',
      part('listRel', 'itemJoin', ''),
      'INVALID_SEARCH_JOIN_ID',
      /CustomerSearch has no join itemJoin; the joins this emulator follows are contactJoin/,
    ],
    [
      'a field the joined basic does not have',
      'customer',
      part('listRel', 'contactJoin', field('creditLimit', 'equalTo', '5')),
      'INVALID_SEARCH_FIELD_NAME',
      /CustomerSearch.contactJoin: ContactSearchBasic has no field creditLimit/,
    ],
    [
      'a wrong operator inside a join',
      'transaction',
      part('tranSales', 'customerJoin', field('companyName', 'after', 'x')),
      'INVALID_SEARCH_OPERATOR',
      /TransactionSearch.customerJoin.companyName needs operator one of contains/,
    ],
  ])("answers %s with its code, naming it: in search's status and as the asyncSearch job's failure", async (_what, of, parts, code, message) => {
    const { type, xmlns } = SEARCHES[of];
    const refusal = await r.searchRefusal(searchXml(type, parts, xmlns), { account: ACCOUNT });
    expect(refusal.code).toBe(code);
    expect(refusal.message).toMatch(message);
  });
});
