import { asList, NS, RecordRequests, request, typedRecord as record, V } from '../helpers/record-requests';
import { startTestService, type TestService } from '../helpers/service';
import { faultOf, postSoap } from '../helpers/soap';

/**
 * Custom fields in searches: a search basic's customFieldList criteria (SearchStringCustomField,
 * SearchBooleanCustomField, SearchLongCustomField, SearchDoubleCustomField, SearchDateCustomField,
 * SearchMultiSelectCustomField) by scriptId or internalId, through joins too; and an advanced
 * search's customFieldList columns (SearchColumn…CustomField). Answers are validated against the XSDs.
 */

const ACCOUNT = 'CUSTOMIZER';
let t: TestService;
let r: RecordRequests;

const custom = (type: string, key: string, value: string) => `<core:customField xsi:type="core:${type}" ${key}>${value}</core:customField>`;
const customer = (externalId: string, name: string, fields: string) =>
  record('listRel:Customer', externalId, `<listRel:companyName>${name}</listRel:companyName>${fields ? `<listRel:customFieldList>${fields}</listRel:customFieldList>` : ''}`);

beforeAll(async () => {
  t = await startTestService();
  r = new RecordRequests(t);
  await r.addAll(
    customer(
      'gold',
      'Gold Co',
      custom('StringCustomFieldRef', 'scriptId="custentity_tier" internalId="101"', '<core:value>gold</core:value>') +
        custom('BooleanCustomFieldRef', 'scriptId="custentity_vip"', '<core:value>true</core:value>') +
        custom('LongCustomFieldRef', 'scriptId="custentity_score"', '<core:value>10</core:value>') +
        custom('DoubleCustomFieldRef', 'scriptId="custentity_weight"', '<core:value>1.5</core:value>') +
        custom('DateCustomFieldRef', 'scriptId="custentity_since"', '<core:value>2026-02-01T00:00:00Z</core:value>') +
        custom('SelectCustomFieldRef', 'scriptId="custentity_region"', '<core:value internalId="3" typeId="7"><core:name>West</core:name></core:value>'),
    ) +
      customer(
        'silver',
        'Silver Co',
        custom('StringCustomFieldRef', 'scriptId="CUSTENTITY_TIER" internalId="101"', '<core:value>silver</core:value>') +
          custom('BooleanCustomFieldRef', 'scriptId="custentity_vip"', '<core:value>false</core:value>') +
          custom('LongCustomFieldRef', 'scriptId="custentity_score"', '<core:value>20</core:value>') +
          custom('DateCustomFieldRef', 'scriptId="custentity_since"', '<core:value>2026-03-01T00:00:00Z</core:value>') +
          custom('SelectCustomFieldRef', 'scriptId="custentity_region"', '<core:value internalId="4"/>'),
      ) +
      customer('plain', 'Plain Co', ''),
    ACCOUNT,
  );
  await r.addAll(
    record('tranSales:SalesOrder', 'so-gold', '<tranSales:entity externalId="gold"/><tranSales:memo>gold order</tranSales:memo>') +
      record('tranSales:SalesOrder', 'so-silver', '<tranSales:entity externalId="silver"/><tranSales:memo>silver order</tranSales:memo>'),
    ACCOUNT,
  );
});
afterAll(() => t.close());

const criterion = (type: string, key: string, operator: string | undefined, values: string) =>
  `<core:customField xsi:type="core:${type}" ${key}${operator === undefined ? '' : ` operator="${operator}"`}>${values}</core:customField>`;
const value = (text: string) => `<core:searchValue>${text}</core:searchValue>`;
const basic = (customFields: string) =>
  `<msg:searchRecord xsi:type="common:CustomerSearchBasic"><common:customFieldList>${customFields}</common:customFieldList></msg:searchRecord>`;

/** The externalIds a synchronous search of `searchRecord` finds. */
async function found(searchRecord: string): Promise<string[]> {
  const answer = await postSoap(t.url, V, request('search', searchRecord, { account: ACCOUNT }));
  expect(answer.status).toBe(200);
  const result = answer.body.searchResponse.searchResult;
  expect(result.status['@isSuccess']).toBe('true');
  return asList(result.recordList?.record).map((one: Record<string, string>) => one['@externalId']);
}

describe('custom field criteria', () => {
  it.each([
    ['a string that is', criterion('SearchStringCustomField', 'scriptId="custentity_tier"', 'is', value('GOLD')), ['gold']],
    ['a string that is not, with records lacking the field', criterion('SearchStringCustomField', 'scriptId="custentity_tier"', 'isNot', value('gold')), ['silver', 'plain']],
    ['a string that contains, by a script id in another case', criterion('SearchStringCustomField', 'scriptId="CustEntity_Tier"', 'contains', value('ilv')), ['silver']],
    ['a string empty: the record lacking the field', criterion('SearchStringCustomField', 'scriptId="custentity_tier"', 'empty', ''), ['plain']],
    ['the custom field internalId', criterion('SearchStringCustomField', 'internalId="101"', 'startsWith', value('s')), ['silver']],
    ['a boolean true', criterion('SearchBooleanCustomField', 'scriptId="custentity_vip"', undefined, value('true')), ['gold']],
    ['a boolean false, with records lacking the field', criterion('SearchBooleanCustomField', 'scriptId="custentity_vip"', undefined, value('false')), ['silver', 'plain']],
    ['a long greater than', criterion('SearchLongCustomField', 'scriptId="custentity_score"', 'greaterThan', value('15')), ['silver']],
    ['a long not equal to, with records lacking the field', criterion('SearchLongCustomField', 'scriptId="custentity_score"', 'notEqualTo', value('10')), ['silver', 'plain']],
    ['a double between', criterion('SearchDoubleCustomField', 'scriptId="custentity_weight"', 'between', value('1') + '<core:searchValue2>2</core:searchValue2>'), ['gold']],
    ['a date on or after', criterion('SearchDateCustomField', 'scriptId="custentity_since"', 'onOrAfter', value('2026-02-15T00:00:00Z')), ['silver']],
    ['a select anyOf', criterion('SearchMultiSelectCustomField', 'scriptId="custentity_region"', 'anyOf', '<core:searchValue internalId="3"/>'), ['gold']],
    [
      'a select noneOf, with records lacking the field',
      criterion('SearchMultiSelectCustomField', 'scriptId="custentity_region"', 'noneOf', '<core:searchValue internalId="3"/>'),
      ['silver', 'plain'],
    ],
    [
      'two custom fields, both met',
      criterion('SearchLongCustomField', 'scriptId="custentity_score"', 'lessThan', value('100')) +
        criterion('SearchBooleanCustomField', 'scriptId="custentity_vip"', undefined, value('true')),
      ['gold'],
    ],
  ])('finds by %s', async (_what, customFields, expected) => {
    expect(await found(basic(customFields))).toEqual(expected);
  });

  it("finds transactions by their customer's custom field, through customerJoin", async () => {
    const joined =
      `<msg:searchRecord xsi:type="tranSales:TransactionSearch"><tranSales:customerJoin><common:customFieldList>` +
      criterion('SearchStringCustomField', 'scriptId="custentity_tier"', 'is', value('silver')) +
      `</common:customFieldList></tranSales:customerJoin></msg:searchRecord>`;
    expect(await found(joined)).toEqual(['so-silver']);
  });

  it.each([
    [
      'a custom field named by neither id',
      basic(criterion('SearchStringCustomField', '', 'is', value('gold'))),
      'INVALID_SEARCH_FIELD_KEY',
      /customField\[1\] names no custom field: give its scriptId or internalId/,
    ],
    [
      'an operator its kind does not take',
      basic(criterion('SearchLongCustomField', 'scriptId="custentity_score"', 'contains', value('1'))),
      'INVALID_SEARCH_OPERATOR',
      /customFieldList.customField\[custentity_score\] needs operator one of between/,
    ],
    [
      'a long that is not a number',
      basic(criterion('SearchLongCustomField', 'scriptId="custentity_score"', 'equalTo', value('ten'))),
      'INVALID_SEARCH_VALUE',
      /"ten" is not a number/,
    ],
  ])('answers %s with its code', async (_what, searchRecord, code, message) => {
    const refusal = await r.searchRefusal(searchRecord, { account: ACCOUNT });
    expect(refusal.code).toBe(code);
    expect(refusal.message).toMatch(message);
  });

  it('answers a soapenv:Client fault for a customField whose xsi:type is not a kind of SearchCustomField', async () => {
    const answer = await postSoap(t.url, V, request('search', basic(criterion('SearchStringField', 'scriptId="x"', 'is', value('gold'))), { account: ACCOUNT }));
    expect(faultOf(answer).faultcode).toBe('soapenv:Client');
    expect(faultOf(answer).faultstring).toMatch(/has xsi:type SearchStringField, which is not a kind of SearchCustomField/);
  });
});

describe('custom field columns', () => {
  const column = (type: string, key: string, label?: string) =>
    `<core:customField xsi:type="core:${type}" ${key}>${label === undefined ? '' : `<core:customLabel>${label}</core:customLabel>`}</core:customField>`;
  const columns =
    `<listRel:basic><common:companyName/><common:customFieldList>` +
    column('SearchColumnStringCustomField', 'scriptId="custentity_tier"', 'Tier') +
    column('SearchColumnSelectCustomField', 'scriptId="custentity_region"') +
    column('SearchColumnBooleanCustomField', 'scriptId="custentity_vip"') +
    column('SearchColumnLongCustomField', 'scriptId="custentity_score"') +
    column('SearchColumnDateCustomField', 'scriptId="custentity_since"') +
    column('SearchColumnDoubleCustomField', 'scriptId="custentity_weight"') +
    `</common:customFieldList></listRel:basic>`;
  const advanced = `<msg:searchRecord xsi:type="listRel:CustomerSearchAdvanced"><listRel:columns>${columns}</listRel:columns></msg:searchRecord>`;

  it("answers each custom field the record holds in the row basic's customFieldList, in the order asked, typed as asked", async () => {
    const answer = await postSoap(t.url, V, request('search', advanced, { account: ACCOUNT }));
    expect(answer.status).toBe(200);
    const [gold, silver, plain] = asList(answer.body.searchResponse.searchResult.searchRowList.searchRow).map((row: any) => row.basic);
    expect(gold.companyName.searchValue).toBe('Gold Co');
    const goldFields = asList(gold.customFieldList.customField);
    expect(goldFields.map((field: any) => field['@xsi:type'])).toEqual([
      'platformCore:SearchColumnStringCustomField',
      'platformCore:SearchColumnSelectCustomField',
      'platformCore:SearchColumnBooleanCustomField',
      'platformCore:SearchColumnLongCustomField',
      'platformCore:SearchColumnDateCustomField',
      'platformCore:SearchColumnDoubleCustomField',
    ]);
    expect(goldFields[0]).toMatchObject({ '@scriptId': 'custentity_tier', '@internalId': '101', customLabel: 'Tier', searchValue: 'gold' });
    expect(goldFields[1].searchValue).toEqual({ '@internalId': '3', '@typeId': '7', name: 'West' });
    expect(goldFields.slice(2).map((field: any) => field.searchValue)).toEqual(['true', '10', '2026-02-01T00:00:00.000Z', '1.5']);
    // Silver holds no weight: that column is left out, as NetSuite leaves empty columns out; its script id is as the record keeps it.
    const silverFields = asList(silver.customFieldList.customField);
    expect(silverFields).toHaveLength(5);
    expect(silverFields[0]).toMatchObject({ '@scriptId': 'CUSTENTITY_TIER', searchValue: 'silver' });
    expect(plain.customFieldList).toBeUndefined();
    expect(answer.text).toContain(`xmlns:platformCommon="${NS.common}"`);
  });

  it('answers a soapenv:Client fault for a column whose xsi:type is not a kind of SearchColumnCustomField', async () => {
    const wrong = advanced.replace('core:SearchColumnLongCustomField', 'core:SearchColumnLongField');
    const answer = await postSoap(t.url, V, request('search', wrong, { account: ACCOUNT }));
    expect(faultOf(answer).faultstring).toMatch(/has xsi:type SearchColumnLongField, which is not a kind of SearchColumnCustomField/);
  });
});
