import type { ItemResult } from '../../src/jobs/job';
import type { ResultPage } from '../../src/jobs/job-service';
import type { RecordFields } from '../../src/records/record';
import { RecordCatalog } from '../../src/records/record-catalog';
import { VersionCatalogs } from '../../src/records/version-catalogs';
import { ResultWriter } from '../../src/soap/result-writer';
import { customerFields, itemResult, resultPage } from '../helpers/result-pages';

/**
 * getAsyncResult pages byte for byte, against snapshots taken before the writer was tuned for
 * speed: clients depend on the exact prefixes, attribute order and escaping, not just the infoset.
 */

const writer = new ResultWriter(new VersionCatalogs(new RecordCatalog(), undefined));
const V = '2023_2';
const CORE = 'urn:core_{{V}}.platform.webservices.netsuite.com';
const MKT = `urn:marketing_${V}.lists.webservices.netsuite.com`;
const NASTY = `Tom & "Jerry" <'cats'> — café 日本 😀`;

const writeItems: ItemResult[] = [
  itemResult(1, { externalId: 'c-1' }),
  itemResult(2, { externalId: `ext&<>"'${NASTY}` }),
  itemResult(3, { isSuccess: false, code: 'DUP_ENTITY', message: `A customer record with externalId ${NASTY} already exists.`, internalId: null, externalId: 'c-1' }),
  itemResult(4, { isSuccess: false, code: `ODD&<>"'CODE`, message: '', internalId: '999' }),
  itemResult(5, { isSuccess: false, code: null, message: null, internalId: null }),
  itemResult(6, { recordType: 'campaign', externalId: 'camp-1' }),
  itemResult(7, { recordType: 'notARecordType' }),
  itemResult(8, { recordType: 'salesOrder', internalId: null, externalId: null }),
];

/** A record of a type the schemas lack, stored as sent (see RecordReader.untyped). */
const campaign: RecordFields = {
  '@xsi:type': `{${MKT}}Campaign`,
  title: `Spring & sale ${NASTY}`,
  audience: { segment: ['A', 'B', 3, true] },
  note: { '@ns': 'urn:odd"ns&<', '#text': 'x' },
  mixed: { '@kind': `a"b&c`, '@other': 'z', '#text': 'text & more', part: 'p' },
  empty: {},
  typed: { '@xsi:type': `{${MKT}}Special`, '@label': 'L' },
  coreElsewhere: { '@ns': `urn:core_${V}.elsewhere.webservices.netsuite.com`, inner: 'i' },
  messages: { '@ns': `urn:messages_${V}.platform.webservices.netsuite.com`, inner: 'm' },
  oldVersion: { '@ns': 'urn:relationships_2017_1.lists.webservices.netsuite.com', inner: 'o' },
  customFieldList: {
    customField: {
      '@ns': `urn:core_${V}.platform.webservices.netsuite.com`,
      '@xsi:type': `{urn:core_${V}.platform.webservices.netsuite.com}StringCustomFieldRef`,
      '@scriptId': 'custevent_x',
      value: 'v',
    },
  },
  '@ignored': 'not written',
};

const salesOrder: RecordFields = {
  tranId: 'SO-1',
  entity: { '@internalId': '1001', '@type': 'customer', name: `Acme ${NASTY}` },
  tranDate: '2026-03-01T10:00:00.000Z',
  memo: 'Rush',
  total: 99.5,
  itemList: {
    item: [
      { item: { '@externalId': 'sku-9' }, quantity: '40', rate: '1.5' },
      { item: { '@internalId': '7', '@type': 'inventoryItem' }, line: 2, description: 'second & last', amount: '12' },
    ],
  },
  customFieldList: { customField: [{ '@xsi:type': `{${CORE}}BooleanCustomFieldRef`, '@scriptId': 'custbody_vip', '@internalId': '5', value: true }] },
  notInSchema: 'dropped',
};

const readItems: ItemResult[] = [
  itemResult(1, { externalId: 'c-1', record: customerFields(1) }),
  itemResult(2, { isSuccess: false, code: 'RCRD_DSNT_EXIST', message: 'That record does not exist.', internalId: '424242', record: null }),
  itemResult(3, { recordType: 'salesOrder', externalId: `so&"1`, record: salesOrder }),
  itemResult(4, { recordType: 'campaign', externalId: 'camp-1', record: campaign }),
  itemResult(5, { record: { companyName: 'Numbers', balance: 12, isInactive: false, addressbookList: {}, comments: NASTY } }),
  itemResult(6, { recordType: 'employee', externalId: 'emp-1', record: { firstName: 'Ada', lastName: 'Lovelace' } }),
  itemResult(7, { record: null }),
];

const searchItems: ItemResult[] = [
  ...Array.from({ length: 3 }, (_, i) => itemResult(i + 1, { externalId: `bulk-${i + 1}`, record: customerFields(i + 1) })),
  itemResult(4, { recordType: 'salesOrder', record: salesOrder }),
  itemResult(5, { recordType: 'campaign', record: campaign }),
  itemResult(6, { recordType: 'invoice', record: { otherRefNum: 'PO-77', memo: 'Ship fast', total: '12' } }),
];

const pages: Array<[string, ResultPage, string]> = [
  ['an add page', resultPage('asyncAddList', writeItems), V],
  ['a delete page of an older version', resultPage('asyncDeleteList', writeItems), '2017_1'],
  [
    'an update page of a job that failed',
    resultPage('asyncUpdateList', writeItems.slice(0, 2), { failureCode: 'UNEXPECTED_ERROR', failureMessage: `Stopped <here> & "there"` }),
    V,
  ],
  ['an empty upsert page', resultPage('asyncUpsertList', []), V],
  ['a get page', resultPage('asyncGetList', readItems), V],
  ['a get page of an older version', resultPage('asyncGetList', readItems.slice(0, 3)), '2017_1'],
  ['an initialize page', resultPage('asyncInitializeList', readItems), V],
  ['a search page', resultPage('asyncSearch', searchItems, { processedItems: 2500, scenario: { bodyFieldsOnly: false } }, 6), V],
  ['a search page of body fields only, searchPreferences’ default', resultPage('asyncSearch', searchItems.slice(0, 2), { processedItems: 2 }), V],
  [
    'a search page of a job that failed',
    resultPage('asyncSearch', searchItems.slice(0, 1), { failureCode: 'SEARCH_ERROR', failureMessage: 'café & co', scenario: { bodyFieldsOnly: false } }),
    '2025_2',
  ],
];

describe('ResultWriter.getAsyncResultResponseXml', () => {
  it.each(pages)('writes %s exactly as before', (_what, page, version) => {
    expect(writer.getAsyncResultResponseXml(page, version)).toMatchSnapshot();
  });

  it('refuses a record whose type has neither a schema nor an xsi:type', () => {
    const page = resultPage('asyncGetList', [itemResult(1, { recordType: 'campaign', record: { title: 'x' } })]);
    expect(() => writer.getAsyncResultResponseXml(page, V)).toThrow('record type campaign has no schema in version 2023_2');
  });
});
