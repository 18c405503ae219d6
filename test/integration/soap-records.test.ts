import { startTestService, type TestService } from '../helpers/service';
import { asList, customer, NS, RecordRequests, ref, request, V } from '../helpers/record-requests';
import { checkAsyncStatus, faultOf, getAsyncResult, postSoap, statusOf } from '../helpers/soap';
import type { ManualClock } from '../../src/lib/clock';

/** The submit operations on the record store, through SOAP over HTTP, checked in SQL and by reading back. */

let t: TestService;
let r: RecordRequests;
beforeAll(async () => {
  t = await startTestService();
  r = new RecordRequests(t);
});
afterAll(() => t.close());

describe('asyncAddList', () => {
  it('adds records with increasing internalIds and refuses a taken externalId', async () => {
    const jobId = await r.submitAndRun(
      'asyncAddList',
      customer('externalId="c-1"', '<listRel:companyName>Acme &amp; Sons</listRel:companyName><listRel:isInactive>0</listRel:isInactive><listRel:balance>12.50</listRel:balance>') +
        customer('externalId="c-2"', '<listRel:companyName>Globex</listRel:companyName><listRel:email>info@globex.test</listRel:email><listRel:phone>555-0100</listRel:phone>') +
        customer('externalId="c-1"', '<listRel:companyName>Acme again</listRel:companyName>'),
    );
    expect(statusOf(await checkAsyncStatus(t.url, jobId, V)).status).toBe('finishedWithErrors');
    const [first, second, third] = await r.writeResults(jobId);
    expect(first.status['@isSuccess']).toBe('true');
    expect(first.baseRef).toMatchObject({ '@type': 'customer', '@externalId': 'c-1', '@xsi:type': 'platformCore:RecordRef' });
    expect(Number(second.baseRef['@internalId'])).toBe(Number(first.baseRef['@internalId']) + 1);
    expect(third.status['@isSuccess']).toBe('false');
    expect(third.status.statusDetail).toMatchObject({ code: 'DUP_ENTITY', message: 'A customer record with externalId c-1 already exists.' });

    const rows = await t.database.db('records').where({ account: 'TSTDRV1234567', record_type: 'customer' }).orderBy('internal_id');
    expect(rows.map((row) => [String(row.internal_id), row.external_id])).toEqual([
      [first.baseRef['@internalId'], 'c-1'],
      [second.baseRef['@internalId'], 'c-2'],
    ]);
    expect(rows[0].fields).toEqual({ companyName: 'Acme & Sons', isInactive: 'false', balance: '12.50' });
    const [{ count }] = await t.database.db('job_items').where({ job_id: jobId }).count({ count: '*' });
    expect(Number(count)).toBe(3);
  });
});

describe('asyncUpdateList, asyncUpsertList, asyncDeleteList and asyncGetList', () => {
  it('changes only the fields sent, clears nulled ones, and reads back what is stored', async () => {
    const update = await r.submitAndRun(
      'asyncUpdateList',
      customer('externalId="c-2"', '<listRel:companyName>Globex Corp</listRel:companyName><core:nullFieldList><core:name>phone</core:name></core:nullFieldList>') +
        customer('internalId="999999"', '<listRel:companyName>Nobody</listRel:companyName>') +
        customer('', '<listRel:companyName>No key</listRel:companyName>'),
    );
    const [changed, missing, keyless] = await r.writeResults(update);
    expect(changed.status['@isSuccess']).toBe('true');
    expect(missing.status.statusDetail).toMatchObject({ code: 'RCRD_DSNT_EXIST', message: 'That record does not exist.' });
    expect(missing.baseRef['@internalId']).toBe('999999');
    expect(keyless.status.statusDetail.code).toBe('INVALID_KEY_OR_REF');

    const get = await r.submitAndRun('asyncGetList', ref('type="customer" externalId="c-2"') + ref('type="customer" internalId="424242"'));
    const [found, absent] = await r.readResults(get);
    expect(found.record['@xsi:type']).toBe('listRel:Customer');
    expect(found.record).toMatchObject({ companyName: 'Globex Corp', email: 'info@globex.test', '@externalId': 'c-2' });
    expect(found.record.phone).toBeUndefined();
    expect(absent.status.statusDetail.code).toBe('RCRD_DSNT_EXIST');
  });

  it('upserts by externalId: updates the existing, adds the new, refuses a record without one', async () => {
    const before = await t.database.db('records').where({ account: 'TSTDRV1234567', external_id: 'c-1' }).first();
    const upsert = await r.submitAndRun(
      'asyncUpsertList',
      customer('externalId="c-1"', '<listRel:email>hello@acme.test</listRel:email>') +
        customer('externalId="c-9"', '<listRel:companyName>Initech</listRel:companyName>') +
        customer('', '<listRel:companyName>Anonymous</listRel:companyName>'),
    );
    const [updated, added, refused] = await r.writeResults(upsert);
    expect(updated.baseRef['@internalId']).toBe(String(before.internal_id));
    expect(Number(added.baseRef['@internalId'])).toBeGreaterThan(Number(before.internal_id));
    expect(refused.status.statusDetail).toMatchObject({ code: 'USER_ERROR', message: 'An upsert needs an externalId on each record.' });
    const after = await t.database.db('records').where({ account: 'TSTDRV1234567', external_id: 'c-1' }).first();
    expect(after.fields).toEqual({ ...before.fields, email: 'hello@acme.test' });
  });

  it('deletes by reference, and the record is gone for later reads', async () => {
    const target = await t.database.db('records').where({ account: 'TSTDRV1234567', external_id: 'c-9' }).first();
    const remove = await r.submitAndRun(
      'asyncDeleteList',
      ref(`type="customer" internalId="${target.internal_id}"`) + ref('type="customer" externalId="never-was"') + '<msg:deletionReason>cleanup</msg:deletionReason>',
    );
    expect(statusOf(await checkAsyncStatus(t.url, remove, V)).status).toBe('finishedWithErrors');
    const [deleted, missing] = await r.writeResults(remove);
    expect(deleted.status['@isSuccess']).toBe('true');
    expect(missing.status.statusDetail.code).toBe('RCRD_DSNT_EXIST');
    expect(await t.database.db('records').where({ account: 'TSTDRV1234567', external_id: 'c-9' }).first()).toBeUndefined();
    const [gone] = await r.readResults(await r.submitAndRun('asyncGetList', ref(`type="customer" internalId="${target.internal_id}"`)));
    expect(gone.status.statusDetail.code).toBe('RCRD_DSNT_EXIST');
  });

  it("keeps each account's records to itself", async () => {
    const add = await r.submitAndRun('asyncAddList', customer('externalId="shared-ext"', '<listRel:companyName>Theirs</listRel:companyName>'), { account: 'ACCOUNT_B' });
    const [{ baseRef }] = await r.writeResults(add, 'ACCOUNT_B');
    // Each account numbers its own records, so the same internalId may name another record here.
    const [byExternal, byInternal] = await r.readResults(
      await r.submitAndRun('asyncGetList', ref('type="customer" externalId="shared-ext"') + ref(`type="customer" internalId="${baseRef['@internalId']}"`)),
    );
    expect(byExternal.status.statusDetail.code).toBe('RCRD_DSNT_EXIST');
    expect(byInternal.record?.companyName).not.toBe('Theirs');
    const [own] = await r.readResults(await r.submitAndRun('asyncGetList', ref(`type="customer" internalId="${baseRef['@internalId']}"`), { account: 'ACCOUNT_B' }), 'ACCOUNT_B');
    expect(own.record.companyName).toBe('Theirs');
  });

  it('stores an xsd:long to its last digit and reads it back unchanged, 2^63 - 1 and -2^63 included', async () => {
    const add = await r.submitAndRun(
      'asyncAddList',
      customer('externalId="long-max"', '<listRel:daysOverdue>9223372036854775807</listRel:daysOverdue>') +
        customer('externalId="long-min"', '<listRel:daysOverdue>-9223372036854775808</listRel:daysOverdue>'),
    );
    expect((await r.writeResults(add)).map((result) => result.status['@isSuccess'])).toEqual(['true', 'true']);
    const [max, min] = await r.readResults(await r.submitAndRun('asyncGetList', ref('type="customer" externalId="long-max"') + ref('type="customer" externalId="long-min"')));
    expect([max.record.daysOverdue, min.record.daysOverdue]).toEqual(['9223372036854775807', '-9223372036854775808']);
  });

  it('returns records of several areas in one getList', async () => {
    const add = await r.submitAndRun(
      'asyncAddList',
      '<msg:record xsi:type="tranSales:SalesOrder" externalId="so-1"><tranSales:memo>Rush</tranSales:memo><tranSales:total>99.5</tranSales:total></msg:record>',
    );
    const [{ baseRef }] = await r.writeResults(add);
    expect(baseRef['@type']).toBe('salesOrder');
    const [order, person] = await r.readResults(await r.submitAndRun('asyncGetList', ref('type="salesOrder" externalId="so-1"') + ref('type="customer" externalId="c-2"')));
    expect(order.record).toMatchObject({ '@xsi:type': 'tranSales:SalesOrder', memo: 'Rush', total: '99.5' });
    expect(person.record['@xsi:type']).toBe('listRel:Customer');
  });
});

describe('records with sublists, references and custom fields', () => {
  const addresses =
    '<listRel:addressbookList replaceAll="true">' +
    '<listRel:addressbook><listRel:defaultShipping>true</listRel:defaultShipping><listRel:label>Warehouse</listRel:label>' +
    '<listRel:addressbookAddress><common:country>_unitedStates</common:country><common:addr1>1 Dock Rd</common:addr1><common:city>Oakland</common:city><common:zip>94607</common:zip></listRel:addressbookAddress></listRel:addressbook>' +
    '<listRel:addressbook><listRel:defaultBilling>true</listRel:defaultBilling><listRel:addressbookAddress><common:addr1>2 Main St</common:addr1></listRel:addressbookAddress></listRel:addressbook>' +
    '</listRel:addressbookList>';
  const customFields =
    '<listRel:customFieldList>' +
    '<core:customField xsi:type="core:StringCustomFieldRef" scriptId="custentity_tier"><core:value>gold</core:value></core:customField>' +
    '<core:customField xsi:type="core:BooleanCustomFieldRef" scriptId="custentity_vip"><core:value>1</core:value></core:customField>' +
    '<core:customField xsi:type="core:SelectCustomFieldRef" scriptId="custentity_region"><core:value internalId="3" typeId="12"/></core:customField>' +
    '</listRel:customFieldList>';

  it('stores a customer with addresses and custom fields and reads it back in schema order', async () => {
    const add = await r.submitAndRun('asyncAddList', customer('externalId="nest-1"', `<listRel:companyName>Nested Inc</listRel:companyName>${customFields}${addresses}`));
    const [{ baseRef }] = await r.writeResults(add);
    const row = await t.database.db('records').where({ account: 'TSTDRV1234567', external_id: 'nest-1' }).first();
    expect(row.fields.addressbookList.addressbook).toHaveLength(2);
    expect(row.fields.addressbookList['@replaceAll']).toBe('true');
    expect(row.fields.customFieldList.customField[1]).toMatchObject({ '@scriptId': 'custentity_vip', value: 'true' });

    const get = await r.submitAndRun('asyncGetList', ref(`type="customer" internalId="${baseRef['@internalId']}"`));
    const answer = await getAsyncResult(t.url, get, 1, V);
    // Elements follow the schema's order and namespaces, whatever order the client used; the record's own times come with it.
    expect(answer.text).toMatch(
      /<listRel:companyName>Nested Inc<\/listRel:companyName><listRel:dateCreated>2026-[^<]+Z<\/listRel:dateCreated><listRel:lastModifiedDate>2026-[^<]+Z<\/listRel:lastModifiedDate><listRel:addressbookList replaceAll="true"><listRel:addressbook><listRel:defaultShipping>true<\/listRel:defaultShipping><listRel:label>Warehouse<\/listRel:label><listRel:addressbookAddress><platformCommon:country>_unitedStates<\/platformCommon:country><platformCommon:addr1>1 Dock Rd</,
    );
    expect(answer.text).toContain(
      '<platformCore:customField scriptId="custentity_region" xsi:type="platformCore:SelectCustomFieldRef"><platformCore:value internalId="3" typeId="12"/></platformCore:customField>',
    );
    const [read] = asList(answer.body.getAsyncResultResponse.asyncResult.readResponseList.readResponse) as Array<Record<string, any>>;
    expect(read.record.addressbookList.addressbook[1].addressbookAddress.addr1).toBe('2 Main St');
  });

  it('stores a sales order with its customer and item lines, and purchase orders, employees and items too', async () => {
    const order =
      '<msg:record xsi:type="tranSales:SalesOrder" externalId="so-lines"><tranSales:entity internalId="1001" type="customer"><core:name>Acme</core:name></tranSales:entity>' +
      '<tranSales:itemList><tranSales:item><tranSales:item internalId="55"/><tranSales:quantity>2</tranSales:quantity><tranSales:rate>9.50</tranSales:rate></tranSales:item>' +
      '<tranSales:item><tranSales:item externalId="sku-9"/><tranSales:quantity>1</tranSales:quantity></tranSales:item></tranSales:itemList></msg:record>';
    const others =
      `<msg:record xsi:type="listEmp:Employee" xmlns:listEmp="urn:employees_${V}.lists.webservices.netsuite.com" externalId="emp-1"><listEmp:firstName>Ada</listEmp:firstName><listEmp:hireDate>2024-02-01T00:00:00Z</listEmp:hireDate></msg:record>` +
      `<msg:record xsi:type="listAcct:InventoryItem" xmlns:listAcct="urn:accounting_${V}.lists.webservices.netsuite.com" externalId="sku-9"><listAcct:itemId>SKU-9</listAcct:itemId><listAcct:cost>3.25</listAcct:cost></msg:record>` +
      `<msg:record xsi:type="tranPurch:PurchaseOrder" xmlns:tranPurch="urn:purchases_${V}.transactions.webservices.netsuite.com" externalId="po-1"><tranPurch:entity internalId="7" type="vendor"/><tranPurch:itemList><tranPurch:item><tranPurch:item externalId="sku-9"/><tranPurch:quantity>40</tranPurch:quantity></tranPurch:item></tranPurch:itemList></msg:record>`;
    const add = await r.submitAndRun('asyncAddList', order + others);
    expect((await r.writeResults(add)).map((response) => [response.status['@isSuccess'], response.baseRef['@type']])).toEqual([
      ['true', 'salesOrder'],
      ['true', 'employee'],
      ['true', 'inventoryItem'],
      ['true', 'purchaseOrder'],
    ]);
    const get = await r.submitAndRun(
      'asyncGetList',
      ref('type="salesOrder" externalId="so-lines"') +
        ref('type="employee" externalId="emp-1"') +
        ref('type="inventoryItem" externalId="sku-9"') +
        ref('type="purchaseOrder" externalId="po-1"'),
    );
    const [so, emp, item, po] = await r.readResults(get);
    expect(so.record.entity).toMatchObject({ '@internalId': '1001', '@type': 'customer', name: 'Acme' });
    expect(so.record.itemList.item.map((line: Record<string, any>) => [line.item['@internalId'] ?? line.item['@externalId'], line.quantity])).toEqual([
      ['55', '2'],
      ['sku-9', '1'],
    ]);
    expect(emp.record).toMatchObject({ '@xsi:type': 'listEmp:Employee', firstName: 'Ada', hireDate: '2024-02-01T00:00:00.000Z' });
    expect(item.record).toMatchObject({ '@xsi:type': 'listAcct:InventoryItem', itemId: 'SKU-9', cost: '3.25' });
    expect(po.record.itemList.item.quantity).toBe('40');
  });

  it('reads each field by its own prefix, as clients that declare one per element write them', async () => {
    const perElement =
      '<listRel:customFieldList>' +
      `<p1:customField xmlns:p1="${NS.core}" xsi:type="p1:StringCustomFieldRef" scriptId="custentity_a"><p1:value>one</p1:value></p1:customField>` +
      `<p2:customField xmlns:p2="${NS.core}" xsi:type="p2:BooleanCustomFieldRef" scriptId="custentity_b"><p2:value>true</p2:value></p2:customField>` +
      '</listRel:customFieldList>';
    const added = await r.writeResults(await r.submitAndRun('asyncAddList', customer('externalId="prefixes-1"', perElement)));
    expect(added[0].status['@isSuccess']).toBe('true');
    const row = await t.database.db('records').where({ external_id: 'prefixes-1' }).first();
    expect(row.fields.customFieldList.customField.map((field: Record<string, string>) => field.value)).toEqual(['one', 'true']);

    const second = `<p1:customField xmlns:p1="${NS.core}" xsi:type="p1:StringCustomFieldRef" scriptId="a"><p1:value>1</p1:value></p1:customField><p2:customField xmlns:p2="${NS.rel}" scriptId="b"/>`;
    const refused = await postSoap(t.url, V, request('asyncAddList', customer('', `<listRel:customFieldList>${second}</listRel:customFieldList>`)));
    expect(faultOf(refused).faultstring).toMatch(/customField must be in namespace urn:core_2023_2\.platform\.webservices\.netsuite\.com \(got urn:relationships_2023_2/);
  });

  it.each([
    [
      'a field inside a sublist the schema lacks',
      '<listRel:addressbookList><listRel:addressbook><listRel:colour>red</listRel:colour></listRel:addressbook></listRel:addressbookList>',
      /addressbookList: addressbook has no field colour/,
    ],
    [
      'a custom field without xsi:type',
      '<listRel:customFieldList><core:customField scriptId="x"><core:value>1</core:value></core:customField></listRel:customFieldList>',
      /customField needs an xsi:type naming a kind of CustomFieldRef/,
    ],
    [
      'an xsi:type that is not a custom field',
      '<listRel:customFieldList><core:customField xsi:type="core:RecordRef"/></listRel:customFieldList>',
      /customField has xsi:type RecordRef, which is not a kind of CustomFieldRef/,
    ],
    [
      'a wrong value in a custom field',
      '<listRel:customFieldList><core:customField xsi:type="core:LongCustomFieldRef"><core:value>ten</core:value></core:customField></listRel:customFieldList>',
      /value is not a valid long/,
    ],
    ['a simple field given twice', '<listRel:email>a@b.c</listRel:email><listRel:email>d@e.f</listRel:email>', /email may appear only once/],
    ['a date before year 1', '<listRel:dateCreated>0000-01-01T00:00:00Z</listRel:dateCreated>', /dateCreated is not a valid dateTime \(got "0000-01-01T00:00:00Z"\)/],
    ['a date in another format', '<listRel:dateCreated>01/02/2026</listRel:dateCreated>', /dateCreated is not a valid dateTime/],
    // Stored as ISO, +010000-01-01T13:59:59Z, which no xsd:dateTime answer could carry.
    ['a reference of a type RecordType does not list', '<listRel:parent externalId="x" type="bogusType"/>', /parent: its type must be a RecordType: one of .* \(got "bogusType"\)/],
    ['a date its offset moves past year 9999', '<listRel:dateCreated>9999-12-31T23:59:59-14:00</listRel:dateCreated>', /dateCreated is not a valid dateTime/],
    ['a date its offset moves before year 1', '<listRel:dateCreated>0001-01-01T00:00:00+14:00</listRel:dateCreated>', /dateCreated is not a valid dateTime/],
    [
      'an xsd:long past 2^63 - 1',
      '<listRel:daysOverdue>9223372036854775808</listRel:daysOverdue>',
      /daysOverdue is not a valid long \(got "9223372036854775808"\): it must be an xsd:long, a whole number from -9223372036854775808 to 9223372036854775807/,
    ],
    ['a hexadecimal xsd:double', '<listRel:balance>0x10</listRel:balance>', /balance is not a valid double \(got "0x10"\)/],
    [
      'a field in another namespace',
      '<core:email>a@b.c</core:email>',
      /email must be in namespace urn:relationships_2023_2\.lists\.webservices\.netsuite\.com \(got urn:core_2023_2/,
    ],
    [
      "an address field in the record's namespace",
      '<listRel:addressbookList><listRel:addressbook><listRel:addressbookAddress><listRel:addr1>x</listRel:addr1></listRel:addressbookAddress></listRel:addressbook></listRel:addressbookList>',
      /addr1 must be in namespace urn:common_2023_2/,
    ],
  ])('refuses %s with a Client fault', async (_what, fields, message) => {
    const answer = await postSoap(t.url, V, request('asyncAddList', customer('', fields)));
    expect(faultOf(answer).faultcode).toBe('soapenv:Client');
    expect(faultOf(answer).faultstring).toMatch(message);
  });
});

describe('records of types the WSDL does not know', () => {
  const MKT = `urn:marketing_${V}.lists.webservices.netsuite.com`;
  const campaign =
    `<msg:record xmlns:mkt="${MKT}" xsi:type="mkt:Campaign" externalId="camp-1"><mkt:title>Spring &amp; sale</mkt:title>` +
    '<mkt:audience><mkt:segment>A</mkt:segment><mkt:segment>B</mkt:segment></mkt:audience><q:note xmlns:q="urn:odd&quot;ns">x</q:note>' +
    '<mkt:customFieldList><core:customField xsi:type="core:StringCustomFieldRef" scriptId="custevent_x"><core:value>v</core:value></core:customField></mkt:customFieldList></msg:record>';

  it('stores them as sent and reads them back in their namespaces', async () => {
    const add = await r.submitAndRun('asyncAddList', campaign);
    const [written] = await r.writeResults(add);
    expect(written.status['@isSuccess']).toBe('true');
    const row = await t.database.db('records').where({ account: 'TSTDRV1234567', external_id: 'camp-1' }).first();
    expect(row.record_type).toBe('campaign');
    expect(row.fields).toMatchObject({ title: 'Spring & sale', audience: { segment: ['A', 'B'] }, '@xsi:type': `{${MKT}}Campaign` });
    expect(row.fields.customFieldList.customField).toMatchObject({ '@ns': NS.core, '@scriptId': 'custevent_x', value: 'v' });

    const get = await r.submitAndRun('asyncGetList', ref('type="campaign" externalId="camp-1"'));
    // The served schema has no Campaign, so this one answer is checked by hand rather than by xmllint.
    const answer = await postSoap(t.url, V, request('getAsyncResult', `<msg:jobId>${get}</msg:jobId><msg:pageIndex>1</msg:pageIndex>`), {}, { validate: false });
    expect(answer.status).toBe(200);
    expect(answer.text).toMatch(new RegExp(`<platformMsgs:record xmlns:ns1="${MKT.replaceAll('.', '\\.')}"[^>]* xsi:type="ns1:Campaign" internalId="\\d+" externalId="camp-1">`));
    expect(answer.text).toContain('<ns1:title>Spring &amp; sale</ns1:title>');
    // A client's namespace URI is written back escaped, whatever it holds.
    expect(answer.text).toMatch(/xmlns:(ns\d+)="urn:odd&quot;ns"[\s\S]*<\1:note>x<\/\1:note>/);
    expect(answer.text).toContain('<ns1:audience><ns1:segment>A</ns1:segment><ns1:segment>B</ns1:segment></ns1:audience>');
    expect(answer.text).toContain(
      '<ns1:customFieldList><platformCore:customField scriptId="custevent_x" xsi:type="platformCore:StringCustomFieldRef"><platformCore:value>v</platformCore:value></platformCore:customField></ns1:customFieldList>',
    );
  });

  it("still refuses a type in another version's namespace or outside NetSuite's", async () => {
    for (const namespace of ['urn:marketing_2017_1.lists.webservices.netsuite.com', 'urn:example:records']) {
      const answer = await postSoap(t.url, V, request('asyncAddList', `<msg:record xmlns:x="${namespace}" xsi:type="x:Campaign"/>`));
      expect(faultOf(answer).faultstring).toMatch(/is not a record type of version 2023_2/);
    }
  });
});

describe('asyncInitializeList', () => {
  it('initializes an unsaved invoice from a sales order, and refuses references it cannot start from', async () => {
    await r.submitAndRun(
      'asyncAddList',
      '<msg:record xsi:type="tranSales:SalesOrder" externalId="so-init"><tranSales:entity internalId="1001" type="customer"/><tranSales:otherRefNum>PO-77</tranSales:otherRefNum>' +
        '<tranSales:memo>Ship fast</tranSales:memo><tranSales:total>12</tranSales:total>' +
        '<tranSales:itemList><tranSales:item><tranSales:item internalId="55"/><tranSales:quantity>3</tranSales:quantity></tranSales:item></tranSales:itemList></msg:record>',
    );
    const initialize = (type: string, reference: string) => `<msg:initializeRecord><core:type>${type}</core:type><core:reference ${reference}/></msg:initializeRecord>`;
    const jobId = await r.submitAndRun(
      'asyncInitializeList',
      initialize('invoice', 'type="salesOrder" externalId="so-init"') +
        initialize('invoice', 'type="salesOrder" externalId="no-such-order"') +
        initialize('invoice', 'type="vendor" internalId="1"') +
        initialize('salesOrder', 'type="customer" externalId="c-2"') +
        initialize('constructor', 'type="salesOrder" externalId="so-init"'),
    );
    const answer = await getAsyncResult(t.url, jobId, 1, V);
    expect(answer.text).toContain('xsi:type="platformMsgs:AsyncInitializeListResult"');
    const [invoice, missing, refused, order, odd] = asList(answer.body.getAsyncResultResponse.asyncResult.readResponseList.readResponse) as Array<Record<string, any>>;
    expect(odd.status.statusDetail).toMatchObject({ code: 'INVALID_INITIALIZE_REF', message: 'Invalid initialize reference: initializing a constructor is not supported.' });
    expect(invoice.record).toMatchObject({ '@xsi:type': 'tranSales:Invoice', otherRefNum: 'PO-77', memo: 'Ship fast', total: '12' });
    // The customer and the lines carry over, as NetSuite's initialize does.
    expect(invoice.record.entity).toMatchObject({ '@internalId': '1001', '@type': 'customer' });
    expect(invoice.record.itemList.item).toMatchObject({ item: { '@internalId': '55' }, quantity: '3' });
    expect(invoice.record['@internalId']).toBeUndefined();
    expect(missing.status.statusDetail.code).toBe('RCRD_DSNT_EXIST');
    expect(refused.status.statusDetail).toMatchObject({
      code: 'INVALID_INITIALIZE_REF',
      message: 'Invalid initialize reference: an invoice can be initialized from customer, estimate, salesOrder.',
    });
    expect(order.record['@xsi:type']).toBe('tranSales:SalesOrder');
    expect(await t.database.db('records').where({ record_type: 'invoice' })).toEqual([]);
  });
});

describe('a job that cannot continue', () => {
  it('ends failed after repeated failed steps, with the reason in getAsyncResult and nothing half-applied', async () => {
    const answer = await postSoap(t.url, V, request('asyncAddList', customer('externalId="p-1"', '') + customer('externalId="p-2"', '') + customer('externalId="p-3"', '')));
    const { jobId } = answer.body.asyncAddListResponse.asyncStatusResult;
    // A corrupt input, as a bad deploy or a hand-edited row might leave it.
    await t.database
      .db('job_inputs')
      .where({ job_id: jobId, position: 2 })
      .update({ payload: JSON.stringify({ kind: 'record' }) });
    const clock = t.clock as ManualClock;
    for (let i = 0; i < 30; i++) {
      clock.advance(0.5);
      await t.service.worker.runDue();
    }
    expect(statusOf(await checkAsyncStatus(t.url, jobId, V))).toMatchObject({ status: 'failed', percentCompleted: 0 });
    const result = await getAsyncResult(t.url, jobId, 1, V);
    const list = result.body.getAsyncResultResponse.asyncResult.writeResponseList;
    expect(list.status['@isSuccess']).toBe('false');
    expect(list.status.statusDetail.code).toBe('UNEXPECTED_ERROR');
    expect(list.status.statusDetail.message).toMatch(/^The job could not continue: a step failed 5 times in a row \(reference [0-9a-f-]{36}\)\.$/);
    // NetSuite's WriteResponseList holds at least one writeResponse: the failure, once.
    expect(list.writeResponse.status).toEqual(list.status);
    expect(await t.database.db('records').whereIn('external_id', ['p-1', 'p-2', 'p-3'])).toEqual([]);
    expect(await t.database.db('jobs').where({ id: jobId }).first('step_failures')).toEqual({ step_failures: 5 });
  });
});

describe('requests the record store refuses whole', () => {
  it.each([
    ['asyncAddList', 401],
    ['asyncUpdateList', 201],
    ['asyncUpsertList', 201],
  ])('answers exceededRecordCountFault when %s carries %i records', async (operation, count) => {
    const records = Array.from({ length: count }, (_, i) => customer(`externalId="many-${i}"`, '')).join('');
    const answer = await postSoap(t.url, V, request(operation, records));
    expect(answer.status).toBe(500);
    expect(faultOf(answer)).toMatchObject({ element: 'exceededRecordCountFault', code: 'MAX_RCRDS_EXCEEDED' });
    expect(faultOf(answer).message).toMatch(new RegExp(`\\(${count}\\) exceeds the limit of ${count - 1} for ${operation}`));
  });

  it('answers exceededRecordCountFault for more than 400 deletes and 2000 gets', async () => {
    for (const [operation, count] of [
      ['asyncDeleteList', 401],
      ['asyncGetList', 2001],
    ] as const) {
      const refs = Array.from({ length: count }, (_, i) => ref(`type="customer" internalId="${i + 1}"`)).join('');
      expect(faultOf(await postSoap(t.url, V, request(operation, refs))).code).toBe('MAX_RCRDS_EXCEEDED');
    }
  });

  it.each([
    ['an unknown field', customer('', '<listRel:nickname>x</listRel:nickname>'), /record 1 \(Customer\) has no field nickname/],
    ['a value of the wrong kind', customer('', '<listRel:isInactive>maybe</listRel:isInactive>'), /record 1 \(Customer\): isInactive is not a valid boolean/],
    ['a record without xsi:type', '<msg:record><listRel:companyName>x</listRel:companyName></msg:record>', /record 1 has no xsi:type/],
    [
      "another version's record namespace",
      '<msg:record xmlns:old="urn:relationships_2017_1.lists.webservices.netsuite.com" xsi:type="old:Customer"/>',
      /xsi:type Customer in urn:relationships_2017_1\.lists\.webservices\.netsuite\.com, which is not a record type of version 2023_2/,
    ],
    ['no records at all', '', /asyncAddList needs at least one item/],
  ])('answers a soapenv:Client fault for %s', async (_what, inner, message) => {
    const answer = await postSoap(t.url, V, request('asyncAddList', inner));
    expect(faultOf(answer)).toMatchObject({ faultcode: 'soapenv:Client' });
    expect(faultOf(answer).faultstring).toMatch(message);
  });
});
