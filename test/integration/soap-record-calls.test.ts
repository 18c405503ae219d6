import type { ManualClock } from '../../src/lib/clock';
import { asList, customer, RecordRequests, ref, request, V } from '../helpers/record-requests';
import { adminHeaders, startTestService, TEST_ADMIN_TOKEN, type TestService } from '../helpers/service';
import { ensureTestAccount } from '../helpers/credentials';
import { faultOf, postSoap } from '../helpers/soap';

/**
 * The synchronous record operations (add, addList, update, updateList, upsert, upsertList,
 * delete, deleteList, get, getList, initialize, initializeList): answered at once from the same
 * record store as the asynchronous jobs, each record in a transaction of its own, with the same
 * outcomes, and bounded as NetSuite's governance bounds synchronous lists. Answers are validated
 * against the served XSDs.
 */

const ACCOUNT = 'SYNCER';
let t: TestService;
let r: RecordRequests;

beforeAll(async () => {
  t = await startTestService();
  r = new RecordRequests(t);
});
afterAll(() => t.close());

async function call(operation: string, inner: string, account = ACCOUNT) {
  const answer = await postSoap(t.url, V, request(operation, inner, { account }));
  expect(answer.status).toBe(200);
  return answer.body[`${operation}Response`];
}

const company = (externalId: string, name: string) => customer(`externalId="${externalId}"`, `<listRel:companyName>${name}</listRel:companyName>`);
const outcome = (response: any) => ({ ok: response.status['@isSuccess'] === 'true', code: response.status.statusDetail?.code });

describe('writing and reading records at once', () => {
  it('adds a record and reads it back with get and getList, a missing one answering RCRD_DSNT_EXIST', async () => {
    const added = (await call('add', company('sync-1', 'Sync One'))).writeResponse;
    expect(outcome(added)).toEqual({ ok: true, code: undefined });
    expect(added.baseRef).toMatchObject({ '@type': 'customer', '@externalId': 'sync-1', '@xsi:type': 'platformCore:RecordRef' });
    const internalId = added.baseRef['@internalId'];
    const read = (await call('get', ref(`type="customer" internalId="${internalId}"`))).readResponse;
    expect(read.record).toMatchObject({ '@xsi:type': 'listRel:Customer', '@internalId': internalId, companyName: 'Sync One' });
    const list = (await call('getList', ref('type="customer" externalId="sync-1"') + ref('type="customer" internalId="999999"'))).readResponseList;
    expect(list.status['@isSuccess']).toBe('true');
    expect(asList(list.readResponse).map(outcome)).toEqual([
      { ok: true, code: undefined },
      { ok: false, code: 'RCRD_DSNT_EXIST' },
    ]);
  });

  it('applies each record of addList in a transaction of its own: a duplicate fails alone', async () => {
    await call('add', company('dup-1', 'First'));
    const list = (await call('addList', company('list-1', 'One') + company('dup-1', 'Again') + company('list-2', 'Two'))).writeResponseList;
    expect(list.status).toBeUndefined();
    expect(asList(list.writeResponse).map(outcome)).toEqual([
      { ok: true, code: undefined },
      { ok: false, code: 'DUP_ENTITY' },
      { ok: true, code: undefined },
    ]);
    const read = (await call('getList', ref('type="customer" externalId="list-1"') + ref('type="customer" externalId="list-2"'))).readResponseList;
    expect(asList(read.readResponse).map((one: any) => one.record.companyName)).toEqual(['One', 'Two']);
  });

  it('updates only the fields sent, moving lastModifiedDate on the service clock, and upserts by externalId', async () => {
    const added = (await call('add', customer('externalId="upd-1"', '<listRel:companyName>Before</listRel:companyName><listRel:email>keep@x.test</listRel:email>'))).writeResponse;
    (t.clock as ManualClock).advance(60);
    expect(outcome((await call('update', customer('externalId="upd-1"', '<listRel:companyName>After</listRel:companyName>'))).writeResponse).ok).toBe(true);
    const read = (await call('get', ref(`type="customer" internalId="${added.baseRef['@internalId']}"`))).readResponse.record;
    expect(read).toMatchObject({ companyName: 'After', email: 'keep@x.test' });
    expect(new Date(read.lastModifiedDate).getTime() - new Date(read.dateCreated).getTime()).toBeGreaterThanOrEqual(60_000);
    expect(outcome((await call('update', customer('externalId="nobody"', '<listRel:companyName>X</listRel:companyName>'))).writeResponse)).toEqual({
      ok: false,
      code: 'RCRD_DSNT_EXIST',
    });
    const upserted = (await call('upsertList', company('upd-1', 'Upserted') + company('ups-new', 'New') + customer('', '<listRel:companyName>No key</listRel:companyName>')))
      .writeResponseList;
    expect(asList(upserted.writeResponse).map(outcome)).toEqual([
      { ok: true, code: undefined },
      { ok: true, code: undefined },
      { ok: false, code: 'USER_ERROR' },
    ]);
    expect(asList(upserted.writeResponse)[0].baseRef['@internalId']).toBe(added.baseRef['@internalId']);
  });

  it('deletes, after which get answers RCRD_DSNT_EXIST; deleteList answers each reference', async () => {
    const added = (await call('add', company('del-1', 'Doomed'))).writeResponse;
    const gone = ref(`type="customer" internalId="${added.baseRef['@internalId']}"`);
    expect(outcome((await call('delete', gone)).writeResponse).ok).toBe(true);
    expect(outcome((await call('get', gone)).readResponse)).toEqual({ ok: false, code: 'RCRD_DSNT_EXIST' });
    const list = (await call('deleteList', gone + ref('externalId="no-type"'))).writeResponseList;
    expect(asList(list.writeResponse).map(outcome)).toEqual([
      { ok: false, code: 'RCRD_DSNT_EXIST' },
      { ok: false, code: 'INVALID_RCRD_TYPE' },
    ]);
  });

  it('initializes an unsaved sales order from a customer', async () => {
    await call('add', company('init-1', 'Initial'));
    const inner = '<msg:initializeRecord><core:type>salesOrder</core:type><core:reference type="customer" externalId="init-1"/></msg:initializeRecord>';
    const read = (await call('initialize', inner)).readResponse;
    expect(read.status['@isSuccess']).toBe('true');
    expect(read.record['@xsi:type']).toBe('tranSales:SalesOrder');
    expect(read.record['@internalId']).toBeUndefined();
  });
});

describe('beside the asynchronous operations', () => {
  it('reads with get what asyncAddList added, and asyncGetList reads what add added', async () => {
    const ids = await r.addAll(company('from-job', 'From a job'), ACCOUNT);
    expect((await call('get', ref(`type="customer" internalId="${ids['from-job']}"`))).readResponse.record.companyName).toBe('From a job');
    await call('add', company('from-call', 'From a call'));
    const jobId = await r.submitAndRun('asyncGetList', ref('type="customer" externalId="from-call"'), { account: ACCOUNT });
    expect((await r.readResults(jobId, ACCOUNT))[0].record.companyName).toBe('From a call');
  });

  it("reads, writes and deletes nothing of another account's", async () => {
    const mine = (await call('add', company('private-1', 'Mine'))).writeResponse.baseRef['@internalId'];
    const theirs = ref(`type="customer" internalId="${mine}"`);
    expect(outcome((await call('get', theirs, 'SYNCER_OTHER')).readResponse)).toEqual({ ok: false, code: 'RCRD_DSNT_EXIST' });
    expect(outcome((await call('delete', theirs, 'SYNCER_OTHER')).writeResponse)).toEqual({ ok: false, code: 'RCRD_DSNT_EXIST' });
    expect(outcome((await call('update', company('private-1', 'Taken'), 'SYNCER_OTHER')).writeResponse)).toEqual({ ok: false, code: 'RCRD_DSNT_EXIST' });
    expect((await call('get', theirs)).readResponse.record.companyName).toBe('Mine');
  });
});

describe('bounds', () => {
  it.each([
    ['addList', 201, (i: number) => company(`many-${i}`, 'Many')],
    ['updateList', 101, (i: number) => company(`many-${i}`, 'Many')],
    ['upsertList', 101, (i: number) => company(`many-${i}`, 'Many')],
    ['deleteList', 201, (i: number) => ref(`type="customer" internalId="${i + 1}"`)],
    ['getList', 1001, (i: number) => ref(`type="customer" internalId="${i + 1}"`)],
  ])('refuses %s of %i records with exceededRecordCountFault, as NetSuite bounds it', async (operation, count, item) => {
    const answer = await postSoap(
      t.url,
      V,
      request(operation as string, Array.from({ length: count as number }, (_, i) => (item as (i: number) => string)(i)).join(''), { account: ACCOUNT }),
    );
    expect(faultOf(answer)).toMatchObject({ faultcode: 'soapenv:Server.userException', element: 'exceededRecordCountFault', code: 'MAX_RCRDS_EXCEEDED' });
  });

  it('answers a soapenv:Client fault for add with two records, and for addList with none', async () => {
    const two = await postSoap(t.url, V, request('add', company('two-1', 'A') + company('two-2', 'B'), { account: ACCOUNT }));
    expect(faultOf(two).faultstring).toBe('add takes one item (got 2); addList takes several.');
    const none = await postSoap(t.url, V, request('addList', '', { account: ACCOUNT }));
    expect(faultOf(none).faultstring).toBe('addList needs at least one item.');
  });
});

describe('getDeleted', () => {
  const ACCOUNT_D = 'SYNCER_DELETES';
  const filter = (inner: string, page = 1) => `<msg:getDeletedFilter>${inner}</msg:getDeletedFilter><msg:pageIndex>${page}</msg:pageIndex>`;
  const since = (at: string) => `<core:deletedDate operator="onOrAfter"><core:searchValue>${at}</core:searchValue></core:deletedDate>`;
  const ofType = (...types: string[]) => `<core:type operator="anyOf">${types.map((type) => `<core:searchValue>${type}</core:searchValue>`).join('')}</core:type>`;
  let started: string;

  beforeAll(async () => {
    started = t.clock.now().toISOString();
    const ids = await r.addAll(company('gone-async', 'Gone by a job') + company('gone-sync', 'Gone by a call') + company('kept', 'Kept'), ACCOUNT_D);
    await r.submitAndRun('asyncDeleteList', ref(`type="customer" internalId="${ids['gone-async']}"`), { account: ACCOUNT_D });
    (t.clock as ManualClock).advance(30);
    expect(outcome((await call('delete', ref(`type="customer" externalId="gone-sync"`), ACCOUNT_D)).writeResponse).ok).toBe(true);
  });

  it('lists the records deleted by delete and by asyncDeleteList since a date, newest first, each a RecordRef with its deletedDate', async () => {
    const result = (await call('getDeleted', filter(since(started) + ofType('customer')), ACCOUNT_D)).getDeletedResult;
    expect(result).toMatchObject({ totalRecords: '2', pageSize: '1000', totalPages: '1', pageIndex: '1' });
    const deleted = asList(result.deletedRecordList.deletedRecord);
    expect(deleted.map((one: any) => one.record['@externalId'])).toEqual(['gone-sync', 'gone-async']);
    expect(deleted[0].record).toMatchObject({ '@type': 'customer', '@xsi:type': 'platformCore:RecordRef' });
    expect(new Date(deleted[0].deletedDate).getTime()).toBeGreaterThan(new Date(deleted[1].deletedDate).getTime());
  });

  it('filters by type and by a predefined date on the service clock, and lists nothing of another account', async () => {
    expect((await call('getDeleted', filter(ofType('_salesOrder')), ACCOUNT_D)).getDeletedResult.totalRecords).toBe('0');
    const today = '<core:deletedDate operator="within"><core:predefinedSearchValue>today</core:predefinedSearchValue></core:deletedDate>';
    expect((await call('getDeleted', filter(today), ACCOUNT_D)).getDeletedResult.totalRecords).toBe('2');
    expect((await call('getDeleted', filter(since(started)), 'SYNCER_NOBODY')).getDeletedResult.totalRecords).toBe('0');
  });

  it('answers a page past the last, and a criterion without its operator, in its status', async () => {
    const past = (await call('getDeleted', filter(since(started), 2), ACCOUNT_D)).getDeletedResult.status;
    expect(past.statusDetail.code).toBe('INVALID_SEARCH_PAGE_INDEX');
    const bare = (await call('getDeleted', filter('<core:type><core:searchValue>customer</core:searchValue></core:type>'), ACCOUNT_D)).getDeletedResult.status;
    expect(bare.statusDetail).toMatchObject({ code: 'INVALID_SEARCH_OPERATOR', message: expect.stringMatching(/^getDeletedFilter.type needs operator one of anyOf, noneOf/) });
  });
});

describe('the admin API', () => {
  const ACCOUNT_A = 'SYNCER_ADMIN';
  const admin = async (route: string): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${t.url}/admin${route}`, { headers: adminHeaders });
    return { status: response.status, body: await response.json() };
  };

  it('shows the records add and asyncAddList wrote, paged in internalId order, and one by its internalId', async () => {
    const added = (await call('add', company('admin-1', 'By a call'), ACCOUNT_A)).writeResponse.baseRef['@internalId'];
    const ids = await r.addAll(company('admin-2', 'By a job') + company('admin-3', 'Also by a job'), ACCOUNT_A);
    const first = await admin(`/records?account=${ACCOUNT_A}&recordType=customer&limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.records.map((one: any) => one.externalId)).toEqual(['admin-1', 'admin-2']);
    expect(first.body.records[0]).toMatchObject({ recordType: 'customer', internalId: added, fields: { companyName: 'By a call' }, createdAt: expect.stringMatching(/^2026-/) });
    const rest = await admin(`/records?account=${ACCOUNT_A}&after=${first.body.next}`);
    expect(rest.body.records.map((one: any) => one.externalId)).toEqual(['admin-3']);
    expect(rest.body.next).toBeNull();
    expect((await admin(`/records/${ids['admin-3']}?account=${ACCOUNT_A}`)).body.fields.companyName).toBe('Also by a job');
    expect((await admin(`/records/${ids['admin-3']}?account=SYNCER_NOBODY`)).status).toBe(404);
    expect((await admin('/records?recordType=Not-a-type')).status).toBe(400);
  });
});

describe('concurrent lists', () => {
  it('applies lists of one account sent at once, touching the same records in different orders, without a deadlock', async () => {
    const account = 'SYNCER_CONCURRENT';
    await ensureTestAccount(t.url, account, TEST_ADMIN_TOKEN);
    const patched = await fetch(`${t.url}/admin/accounts/${account}`, {
      method: 'PATCH',
      headers: { ...adminHeaders, 'Content-Type': 'application/json' },
      body: JSON.stringify({ limits: { concurrentRequests: 0 } }),
    });
    expect(patched.status).toBe(200);
    const shared = Array.from({ length: 30 }, (_, i) => `shared-${i}`);
    await call('upsertList', shared.map((id) => company(id, id)).join(''), account);
    // Each list updates the shared records in an order of its own, adding one of its own after each.
    const lists = Array.from({ length: 6 }, (_, k) => {
      const order = shared.map((_, i) => shared[(i * (k + 1) + k * 7) % shared.length]);
      const ordered = k % 2 ? [...order].reverse() : order;
      return ordered.flatMap((id, i) => [company(id, `${id} by ${k}`), company(`own-${k}-${i}`, `own ${k}`)]).join('');
    });
    const answers = await Promise.all(lists.map((list) => postSoap(t.url, V, request('upsertList', list, { account }))));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    for (const answer of answers)
      expect(asList(answer.body.upsertListResponse.writeResponseList.writeResponse).every((one: any) => one.status['@isSuccess'] === 'true')).toBe(true);
  });
});
