import { asList, customer, RecordRequests, ref, V } from '../helpers/record-requests';
import { adminHeaders, startTestService, type TestService } from '../helpers/service';
import { signTokenPassport, testCredentials, tokenPassportXml } from '../helpers/credentials';
import { checkAsyncStatus, envelope, faultOf, getAsyncResult, postSoap } from '../helpers/soap';

/**
 * Account B, knowing every id of account A's jobs and records, tries them through every SOAP
 * operation: it learns nothing, and changes nothing of A's.
 */

const A = 'ACCOUNT_A1';
const B = 'ACCOUNT_B1';
let t: TestService;
let r: RecordRequests;
let jobOfA: string;
let customerOfA: { internalId: string; externalId: string };

beforeAll(async () => {
  t = await startTestService();
  r = new RecordRequests(t);
  jobOfA = await r.submitAndRun(
    'asyncAddList',
    customer('externalId="a-secret"', '<listRel:companyName>A only</listRel:companyName>') +
      '<msg:record xsi:type="tranSales:SalesOrder" externalId="a-order"><tranSales:memo>A order</tranSales:memo></msg:record>',
    { account: A },
  );
  const [written] = await r.writeResults(jobOfA, A);
  customerOfA = { internalId: written.baseRef['@internalId'], externalId: 'a-secret' };
});
afterAll(() => t.close());

const recordsOfA = () => t.database.db('records').where({ account: A }).orderBy('internal_id').select('external_id', 'fields');

it("answers another account's job id exactly as an unknown one, and counts nothing against it", async () => {
  const [before] = await t.database.db('jobs').where({ id: jobOfA }).select('result_calls');
  const unknown = jobOfA.replace(/_[0-9a-f]{8}$/, '_00000000');
  for (const [theirs, never] of [
    [await checkAsyncStatus(t.url, jobOfA, V, B), await checkAsyncStatus(t.url, unknown, V, B)],
    [await getAsyncResult(t.url, jobOfA, 1, V, B), await getAsyncResult(t.url, unknown, 1, V, B)],
  ]) {
    expect(theirs.status).toBe(500);
    const [a, b] = [faultOf(theirs), faultOf(never)];
    expect(a.code).toBe('INVALID_JOB_ID');
    expect({ ...a, message: a.message?.replace(jobOfA, 'ID'), faultstring: a.faultstring.replace(jobOfA, 'ID') }).toEqual({
      ...b,
      message: b.message?.replace(unknown, 'ID'),
      faultstring: b.faultstring.replace(unknown, 'ID'),
    });
  }
  const [after] = await t.database.db('jobs').where({ id: jobOfA }).select('result_calls');
  expect(after.result_calls).toBe(before.result_calls);
});

it('finds none of its records by internalId, externalId, search or initialize, and changes none', async () => {
  const before = await recordsOfA();
  const byInternal = ref(`type="customer" internalId="${customerOfA.internalId}"`);
  const byExternal = ref(`type="customer" externalId="${customerOfA.externalId}"`);

  const [get1, get2] = await r.readResults(await r.submitAndRun('asyncGetList', byInternal + byExternal, { account: B }), B);
  expect([get1.status.statusDetail.code, get2.status.statusDetail.code]).toEqual(['RCRD_DSNT_EXIST', 'RCRD_DSNT_EXIST']);

  const updated = await r.writeResults(
    await r.submitAndRun(
      'asyncUpdateList',
      customer(`internalId="${customerOfA.internalId}"`, '<listRel:companyName>B was here</listRel:companyName>') +
        customer('externalId="a-secret"', '<listRel:email>b@b.b</listRel:email>'),
      { account: B },
    ),
    B,
  );
  expect(updated.map((response) => response.status.statusDetail.code)).toEqual(['RCRD_DSNT_EXIST', 'RCRD_DSNT_EXIST']);

  const deleted = await r.writeResults(await r.submitAndRun('asyncDeleteList', byInternal + byExternal, { account: B }), B);
  expect(deleted.map((response) => response.status.statusDetail.code)).toEqual(['RCRD_DSNT_EXIST', 'RCRD_DSNT_EXIST']);

  // An upsert by A's externalId makes B a record of its own.
  const [upserted] = await r.writeResults(
    await r.submitAndRun('asyncUpsertList', customer('externalId="a-secret"', '<listRel:companyName>B copy</listRel:companyName>'), { account: B }),
    B,
  );
  expect(upserted.status['@isSuccess']).toBe('true');

  const initialized = await getAsyncResult(
    t.url,
    await r.submitAndRun(
      'asyncInitializeList',
      '<msg:initializeRecord><core:type>invoice</core:type><core:reference type="salesOrder" externalId="a-order"/></msg:initializeRecord>',
      { account: B },
    ),
    1,
    V,
    B,
  );
  expect(asList(initialized.body.getAsyncResultResponse.asyncResult.readResponseList.readResponse)[0].status.statusDetail.code).toBe('RCRD_DSNT_EXIST');

  const search = await r.submitAndRun(
    'asyncSearch',
    '<msg:searchRecord xsi:type="common:CustomerSearchBasic"><common:companyName operator="contains"><core:searchValue>A only</core:searchValue></common:companyName></msg:searchRecord>',
    { account: B },
  );
  const found = (await getAsyncResult(t.url, search, 1, V, B)).body.getAsyncResultResponse.asyncResult.searchResult;
  expect(found.totalRecords).toBe('0');

  expect(await recordsOfA()).toEqual(before);
  expect(await t.database.db('records').where({ account: B }).select('external_id', 'fields')).toEqual([{ external_id: 'a-secret', fields: { companyName: 'B copy' } }]);
});

it('compares account ids as NetSuite does: case aside, and _SB1 the same as -sb1', async () => {
  const created = await fetch(`${t.url}/admin/jobs`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...adminHeaders },
    body: JSON.stringify({ operation: 'asyncAddList', account: '1234567-sb1', items: 1 }),
  });
  const { id: jobId } = (await created.json()) as { id: string };
  expect(jobId).toMatch(/^ASYNCWEBSERVICES_1234567_SB1_/);
  for (const spelling of ['1234567_SB1', '1234567-SB1', '1234567_sb1']) {
    expect((await checkAsyncStatus(t.url, jobId, V, spelling)).status).toBe(200);
  }
  expect(faultOf(await checkAsyncStatus(t.url, jobId, V, '1234567')).code).toBe('INVALID_JOB_ID');
  const listed = (await (await fetch(`${t.url}/admin/jobs?account=1234567_sb1`, { headers: adminHeaders })).json()) as { jobs: Array<{ id: string }> };
  expect(listed.jobs.map((job) => job.id)).toEqual([jobId]);
});

it("lets no account act as another: B's token naming A is refused, and B's secrets open no JSON face", async () => {
  const b = testCredentials(B);
  const posing = tokenPassportXml(signTokenPassport({ ...b, account: A }), V);
  const answer = await postSoap(t.url, V, envelope('checkAsyncStatus', `<msg:jobId>${jobOfA}</msg:jobId>`, V, posing));
  expect(faultOf(answer)).toMatchObject({ element: 'invalidCredentialsFault', code: 'USER_ERROR', message: 'Invalid login attempt.' });
  expect(answer.text).not.toContain('processing');
  // The JSON faces are the admin API's; a SOAP token or secret is not its token.
  for (const secret of [b.tokenId, b.tokenSecret, b.consumerSecret]) {
    for (const route of [`/admin/jobs/${jobOfA}`, `/admin/jobs?account=${A}`, `/admin/accounts/${A}`]) {
      const response = await fetch(`${t.url}${route}`, { headers: { Authorization: `Bearer ${secret}` } });
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain(jobOfA);
    }
  }
});
