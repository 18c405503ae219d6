import type { ManualClock } from '../../src/lib/clock';
import { asList, customer, NS, RecordRequests, ref, request, V } from '../helpers/record-requests';
import { adminHeaders, startTestService, type TestService } from '../helpers/service';
import { faultOf, postSoap } from '../helpers/soap';

/**
 * The preferences header of writes, as NetSuite applies it: the fields NetSuite sets (dateCreated,
 * lastModifiedDate) refused with INSUFFICIENT_PERMISSION when a write sends them, dropped under
 * ignoreReadOnlyFields, by the synchronous operations and their asynchronous twins alike; an
 * add's internalId ignored; the other preferences read and checked as the schema declares them.
 */

const ACCOUNT = 'PREFERRER';
let t: TestService;
let r: RecordRequests;

beforeAll(async () => {
  t = await startTestService();
  r = new RecordRequests(t);
});
afterAll(() => t.close());

const preferences = (values: Record<string, string>) =>
  `<msg:preferences>${Object.entries(values)
    .map(([name, value]) => `<msg:${name}>${value}</msg:${name}>`)
    .join('')}</msg:preferences>`;
const IGNORE = preferences({ ignoreReadOnlyFields: 'true' });

async function call(operation: string, inner: string, header = '') {
  const answer = await postSoap(t.url, V, request(operation, inner, { account: ACCOUNT, header }));
  expect(answer.status).toBe(200);
  return answer.body[`${operation}Response`];
}
/** The fields the store holds for a record (the admin API): what a write kept, before get lays the record's own dates over them. */
async function storedFields(internalId: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${t.url}/admin/records/${internalId}?account=${ACCOUNT}`, { headers: adminHeaders });
  expect(response.status).toBe(200);
  return ((await response.json()) as { fields: Record<string, unknown> }).fields;
}
const outcome = (response: any) => ({ ok: response.status['@isSuccess'] === 'true', code: response.status.statusDetail?.code });
const getCustomer = async (internalId: string) => (await call('get', ref(`type="customer" internalId="${internalId}"`))).readResponse.record;
/** A record as get read it, sent back by an update with a new companyName: its dates and internalId included. */
const sentBack = (read: any, companyName: string) =>
  customer(
    `internalId="${read['@internalId']}"`,
    `<listRel:companyName>${companyName}</listRel:companyName><listRel:dateCreated>${read.dateCreated}</listRel:dateCreated><listRel:lastModifiedDate>${read.lastModifiedDate}</listRel:lastModifiedDate>`,
  );

describe('read-only fields', () => {
  it('refuses an update that sends back the dates get read, naming them, and changes nothing', async () => {
    const added = (await call('add', customer('externalId="ro-1"', '<listRel:companyName>Before</listRel:companyName>'))).writeResponse;
    const read = await getCustomer(added.baseRef['@internalId']);
    const refused = (await call('update', sentBack(read, 'After'))).writeResponse;
    expect(outcome(refused)).toEqual({ ok: false, code: 'INSUFFICIENT_PERMISSION' });
    expect(refused.status.statusDetail.message).toMatch(/dateCreated, lastModifiedDate of a customer.*ignoreReadOnlyFields/);
    expect(await getCustomer(added.baseRef['@internalId'])).toEqual(read);
  });

  it('ignores them under ignoreReadOnlyFields: the update applies and lastModifiedDate moves on the service clock', async () => {
    const added = (await call('add', customer('externalId="ro-2"', '<listRel:companyName>Before</listRel:companyName>'))).writeResponse;
    const read = await getCustomer(added.baseRef['@internalId']);
    (t.clock as ManualClock).advance(90);
    const stale = { ...read, dateCreated: '2001-01-01T00:00:00.000Z', lastModifiedDate: '2001-01-01T00:00:00.000Z' };
    expect(outcome((await call('update', sentBack(stale, 'After'), IGNORE)).writeResponse)).toEqual({ ok: true, code: undefined });
    const after = await getCustomer(added.baseRef['@internalId']);
    expect(after.companyName).toBe('After');
    expect(after.dateCreated).toBe(read.dateCreated);
    expect(new Date(after.lastModifiedDate).getTime() - new Date(read.lastModifiedDate).getTime()).toBeGreaterThanOrEqual(90_000);
    // Dropped, not stored and hidden on read.
    expect(Object.keys(await storedFields(added.baseRef['@internalId'])).sort()).toEqual(['companyName']);
  });

  it('refuses an add or upsertList item that sets dateCreated, alone in its list; one clearing lastModifiedDate too', async () => {
    const list = (
      await call(
        'upsertList',
        customer('externalId="ro-3"', '<listRel:companyName>Dated</listRel:companyName><listRel:dateCreated>2020-01-01T00:00:00Z</listRel:dateCreated>') +
          customer('externalId="ro-4"', '<listRel:companyName>Plain</listRel:companyName>') +
          customer('externalId="ro-5"', '<core:nullFieldList><core:name>lastModifiedDate</core:name></core:nullFieldList>'),
      )
    ).writeResponseList;
    expect(asList(list.writeResponse).map(outcome)).toEqual([
      { ok: false, code: 'INSUFFICIENT_PERMISSION' },
      { ok: true, code: undefined },
      { ok: false, code: 'INSUFFICIENT_PERMISSION' },
    ]);
    const added = (await call('add', customer('externalId="ro-3"', '<listRel:dateCreated>2020-01-01T00:00:00Z</listRel:dateCreated>'), IGNORE)).writeResponse;
    expect(outcome(added)).toEqual({ ok: true, code: undefined });
    expect(new Date((await getCustomer(added.baseRef['@internalId'])).dateCreated).getUTCFullYear()).toBe((t.clock as ManualClock).now().getUTCFullYear());
  });

  it('applies the same rule to asyncAddList and asyncUpdateList, by the preferences sent with the job', async () => {
    const dated = (id: string) =>
      customer(`externalId="${id}"`, `<listRel:companyName>${id}</listRel:companyName><listRel:lastModifiedDate>2020-01-01T00:00:00Z</listRel:lastModifiedDate>`);
    const refusedJob = await r.submitAndRun('asyncAddList', dated('job-1'), { account: ACCOUNT });
    expect((await r.writeResults(refusedJob, ACCOUNT)).map(outcome)).toEqual([{ ok: false, code: 'INSUFFICIENT_PERMISSION' }]);
    const ids = await r.addAll(customer('externalId="job-2"', '<listRel:companyName>job-2</listRel:companyName>'), ACCOUNT);
    const updateJob = await r.submitAndRun('asyncUpdateList', dated('job-2') + dated('job-3'), { account: ACCOUNT, header: IGNORE });
    expect((await r.writeResults(updateJob, ACCOUNT)).map(outcome)).toEqual([
      { ok: true, code: undefined },
      { ok: false, code: 'RCRD_DSNT_EXIST' },
    ]);
    expect(new Date((await getCustomer(ids['job-2'])).lastModifiedDate).getUTCFullYear()).not.toBe(2020);
    expect(await storedFields(ids['job-2'])).not.toHaveProperty('lastModifiedDate');
  });

  it('says first what is wrong with the key: an update without one, or of a record that is not there', async () => {
    const dated = '<listRel:companyName>x</listRel:companyName><listRel:lastModifiedDate>2020-01-01T00:00:00Z</listRel:lastModifiedDate>';
    expect(outcome((await call('update', customer('', dated))).writeResponse)).toEqual({ ok: false, code: 'INVALID_KEY_OR_REF' });
    expect(outcome((await call('update', customer('externalId="no-such"', dated))).writeResponse)).toEqual({ ok: false, code: 'RCRD_DSNT_EXIST' });
    expect(outcome((await call('upsert', customer('', dated))).writeResponse)).toEqual({ ok: false, code: 'USER_ERROR' });
  });

  it("ignores an add's internalId: the record gets one of its own", async () => {
    const first = (await call('add', customer('externalId="id-1"', '<listRel:companyName>First</listRel:companyName>'))).writeResponse.baseRef['@internalId'];
    const second = (await call('add', customer(`internalId="${first}" externalId="id-2"`, '<listRel:companyName>Second</listRel:companyName>'))).writeResponse;
    expect(outcome(second)).toEqual({ ok: true, code: undefined });
    expect(second.baseRef['@internalId']).not.toBe(first);
    expect((await getCustomer(first)).companyName).toBe('First');
  });
});

describe('the other preferences', () => {
  it('accepts all five as xsd:booleans on a write', async () => {
    const all = preferences({
      warningAsError: 'true',
      disableMandatoryCustomFieldValidation: '1',
      disableSystemNotesForCustomFields: 'false',
      ignoreReadOnlyFields: '0',
      runServerSuiteScriptAndTriggerWorkflows: 'true',
    });
    expect(outcome((await call('add', customer('externalId="all-prefs"', '<listRel:companyName>All</listRel:companyName>'), all)).writeResponse)).toEqual({
      ok: true,
      code: undefined,
    });
  });

  it.each([
    ['a value that is not an xsd:boolean', preferences({ ignoreReadOnlyFields: 'yes' }), /preferences.ignoreReadOnlyFields must be true or false \(got "yes"\)/],
    ['a field Preferences does not have', preferences({ skipEverything: 'true' }), /preferences has no skipEverything; its fields are warningAsError, /],
    [
      'a preference twice',
      preferences({ warningAsError: 'true' }).replace('</msg:preferences>', '<msg:warningAsError>false</msg:warningAsError></msg:preferences>'),
      /warningAsError may appear only once/,
    ],
    [
      'a preference twice, under two prefixes',
      preferences({ warningAsError: 'true' }).replace('</msg:preferences>', `<m2:warningAsError xmlns:m2="${NS.msgs}">false</m2:warningAsError></msg:preferences>`),
      /warningAsError may appear only once/,
    ],
  ])('answers a soapenv:Client fault for %s, on add and on asyncAddList', async (_, header, message) => {
    for (const operation of ['add', 'asyncAddList']) {
      const answer = await postSoap(t.url, V, request(operation, customer('externalId="bad-prefs"', ''), { account: ACCOUNT, header }));
      expect(answer.status).toBe(500);
      expect(faultOf(answer)).toMatchObject({ faultcode: 'soapenv:Client', faultstring: expect.stringMatching(message) });
    }
  });
});
