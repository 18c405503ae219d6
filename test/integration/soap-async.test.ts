import type { ManualClock } from '../../src/lib/clock';
import { createJob, startTestService, type TestService } from '../helpers/service';
import { checkAsyncStatus, faultOf, getAsyncResult, statusOf } from '../helpers/soap';

let t: TestService;
let clock: ManualClock;

beforeAll(async () => {
  t = await startTestService({ env: { RESULT_PAGE_SIZE: '3' } });
  clock = t.clock as ManualClock;
});
afterAll(() => t.close());

/** Moves the clock and lets the worker do what is due, as time passing would. */
async function elapse(seconds: number): Promise<void> {
  for (let i = 0; i < seconds * 5; i++) {
    clock.advance(0.2);
    await t.service.worker.runDue();
  }
}

describe('checkAsyncStatus', () => {
  it('walks a job from pending through processing to finished, with percent and estimate', async () => {
    const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 10, ratePerSecond: 2, startAfterSeconds: 3 });
    expect(jobId).toMatch(/^ASYNCWEBSERVICES_TSTDRV1234567_\d{27}_[0-9a-f]{8}$/);

    const pending = statusOf(await checkAsyncStatus(t.url, jobId));
    expect(pending).toEqual({ jobId, status: 'pending', percentCompleted: 0, estRemainingDuration: 8 });

    await elapse(3);
    await elapse(2);
    const processing = statusOf(await checkAsyncStatus(t.url, jobId));
    expect(processing.status).toBe('processing');
    expect(processing.percentCompleted).toBe(40);
    expect(processing.estRemainingDuration).toBeGreaterThan(2);
    expect(processing.estRemainingDuration).toBeLessThan(4);

    await elapse(4);
    const done = statusOf(await checkAsyncStatus(t.url, jobId));
    expect(done).toEqual({ jobId, status: 'finished', percentCompleted: 100, estRemainingDuration: 0 });
  });

  it('answers in the shape NetSuite uses, with platformCore children and doubles printed as 0.0', async () => {
    const jobId = await createJob(t.url, { operation: 'asyncUpdateList', items: 1 });
    const answer = await checkAsyncStatus(t.url, jobId);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^text\/xml/);
    expect(answer.text).toContain('<platformMsgs:checkAsyncStatusResponse xmlns:platformMsgs="urn:messages_2017_1.platform.webservices.netsuite.com">');
    expect(answer.text).toContain('<platformCore:asyncStatusResult xmlns:platformCore="urn:core_2017_1.platform.webservices.netsuite.com">');
    expect(answer.text).toContain('<platformCore:percentCompleted>0.0</platformCore:percentCompleted>');
  });

  it('estimates a queued job from the work ahead of it in the same account', async () => {
    const account = 'QUEUE1';
    const first = await createJob(t.url, { operation: 'asyncAddList', account, items: 20, ratePerSecond: 4 });
    const second = await createJob(t.url, { operation: 'asyncAddList', account, items: 8, ratePerSecond: 4 });
    const status = async (jobId: string) => statusOf(await checkAsyncStatus(t.url, jobId, '2017_1', account));
    expect((await status(second)).estRemainingDuration).toBe(7);
    await elapse(2);
    expect((await status(first)).status).toBe('processing');
    // First in, first out: the second job waits while the first runs.
    expect((await status(second)).status).toBe('pending');
    await elapse(6);
    expect((await status(first)).status).toBe('finished');
    await elapse(3);
    expect((await status(second)).status).toBe('finished');
  });
});

describe('getAsyncResult', () => {
  it('pages a finishedWithErrors add job with per-record statuses and RecordRefs', async () => {
    const jobId = await createJob(t.url, {
      operation: 'asyncAddList',
      recordType: 'customer',
      items: [{ externalId: 'c-1' }, { externalId: 'c-2' }, { externalId: 'c-3' }, { externalId: 'c-4' }],
      ratePerSecond: 10,
      failures: [{ item: 2, code: 'DUP_ENTITY', message: 'This entity already exists.' }],
    });
    await elapse(1);
    expect(statusOf(await checkAsyncStatus(t.url, jobId)).status).toBe('finishedWithErrors');

    const page1 = await getAsyncResult(t.url, jobId, 1);
    expect(page1.text).toContain('<platformMsgs:asyncResult xsi:type="platformMsgs:AsyncAddListResult">');
    expect(page1.text).toContain('xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"');
    const list = page1.body.getAsyncResultResponse.asyncResult.writeResponseList;
    expect(list.writeResponse).toHaveLength(3);
    expect(list.writeResponse[0].status['@isSuccess']).toBe('true');
    expect(list.writeResponse[0].baseRef).toMatchObject({ '@type': 'customer', '@externalId': 'c-1', '@xsi:type': 'platformCore:RecordRef' });
    expect(Number(list.writeResponse[0].baseRef['@internalId'])).toBeGreaterThan(1000);
    expect(list.writeResponse[1].status['@isSuccess']).toBe('false');
    expect(list.writeResponse[1].status.statusDetail).toMatchObject({ code: 'DUP_ENTITY', message: 'This entity already exists.', '@type': 'ERROR' });

    const page2 = await getAsyncResult(t.url, jobId, 2);
    const rest = page2.body.getAsyncResultResponse.asyncResult.writeResponseList.writeResponse;
    expect(rest.baseRef['@externalId']).toBe('c-4');
  });

  it.each([
    ['asyncUpdateList', 'AsyncUpdateListResult'],
    ['asyncUpsertList', 'AsyncUpsertListResult'],
    ['asyncDeleteList', 'AsyncDeleteListResult'],
  ])('names the concrete type of %s results', async (operation, resultType) => {
    const jobId = await createJob(t.url, {
      operation,
      items: [{ internalId: '501' }],
      failures: operation === 'asyncDeleteList' ? [{ item: 1, code: 'RCRD_DSNT_EXIST' }] : [],
      ratePerSecond: 100,
    });
    await elapse(1);
    const answer = await getAsyncResult(t.url, jobId, 1);
    expect(answer.text).toContain(`xsi:type="platformMsgs:${resultType}"`);
    const response = answer.body.getAsyncResultResponse.asyncResult.writeResponseList.writeResponse;
    expect(response.baseRef['@internalId']).toBe('501');
    if (operation === 'asyncDeleteList') {
      expect(statusOf(await checkAsyncStatus(t.url, jobId)).status).toBe('failed');
      expect(response.status.statusDetail.code).toBe('RCRD_DSNT_EXIST');
      expect(response.status.statusDetail.message).toBe('That record does not exist.');
    }
  });

  it('returns whole records for getList and initializeList, typed by their record area', async () => {
    const getJob = await createJob(t.url, {
      operation: 'asyncGetList',
      recordType: 'customer',
      items: [{ internalId: '42', externalId: 'ext-42', fields: { companyName: 'Acme & Co', isInactive: false, balance: 10.5 } }, { internalId: '43' }],
      failures: [{ item: 2, code: 'RCRD_DSNT_EXIST' }],
      ratePerSecond: 100,
    });
    const initJob = await createJob(t.url, {
      operation: 'asyncInitializeList',
      recordType: 'invoice',
      items: [{ fields: { memo: 'from SO 7', total: 99 } }],
      ratePerSecond: 100,
    });
    await elapse(1);
    const got = await getAsyncResult(t.url, getJob, 1);
    expect(got.text).toContain('xsi:type="platformMsgs:AsyncGetListResult"');
    expect(got.text).toContain(
      '<platformMsgs:record xmlns:listRel="urn:relationships_2017_1.lists.webservices.netsuite.com" xsi:type="listRel:Customer" internalId="42" externalId="ext-42"><listRel:companyName>Acme &amp; Co</listRel:companyName><listRel:isInactive>false</listRel:isInactive><listRel:balance>10.5</listRel:balance></platformMsgs:record>',
    );
    const reads = got.body.getAsyncResultResponse.asyncResult.readResponseList.readResponse;
    expect(reads[1].status.statusDetail.code).toBe('RCRD_DSNT_EXIST');
    expect(reads[1].record).toBeUndefined();

    const initialized = await getAsyncResult(t.url, initJob, 1);
    expect(initialized.text).toContain('xsi:type="platformMsgs:AsyncInitializeListResult"');
    expect(initialized.text).toContain(
      '<platformMsgs:record xmlns:tranSales="urn:sales_2017_1.transactions.webservices.netsuite.com" xsi:type="tranSales:Invoice"><tranSales:memo>from SO 7</tranSales:memo><tranSales:total>99</tranSales:total></platformMsgs:record>',
    );
  });

  it('pages search results by the search page size', async () => {
    const jobId = await createJob(t.url, { operation: 'asyncSearch', recordType: 'contact', items: 12, pageSize: 5, ratePerSecond: 100 });
    await elapse(1);
    const page3 = await getAsyncResult(t.url, jobId, 3);
    expect(page3.text).toContain('xsi:type="platformMsgs:AsyncSearchResult"');
    const result = page3.body.getAsyncResultResponse.asyncResult.searchResult;
    expect(result).toMatchObject({ totalRecords: '12', pageSize: '5', totalPages: '3', pageIndex: '3' });
    expect(result.recordList.record).toHaveLength(2);
    expect(result.recordList.record[0]['@xsi:type']).toBe('listRel:Contact');
    expect(faultOf(await getAsyncResult(t.url, jobId, 4)).code).toBe('INVALID_PAGE_INDEX');
  });

  it('reports a job that failed as a whole in the list status, with what it did before', async () => {
    const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 5, ratePerSecond: 100, fail: { afterItems: 2, message: 'Server went away' } });
    await elapse(1);
    expect(statusOf(await checkAsyncStatus(t.url, jobId))).toMatchObject({ status: 'failed', percentCompleted: 40 });
    const answer = await getAsyncResult(t.url, jobId, 1);
    const list = answer.body.getAsyncResultResponse.asyncResult.writeResponseList;
    expect(list.status['@isSuccess']).toBe('false');
    expect(list.status.statusDetail).toMatchObject({ code: 'UNEXPECTED_ERROR', message: 'Server went away' });
    expect(list.writeResponse).toHaveLength(2);
  });
});

describe('async faults', () => {
  it('answers JOB_NOT_COMPLETE while a job runs', async () => {
    // Its own account, so this slow job does not hold up the default account's queue.
    const jobId = await createJob(t.url, { operation: 'asyncAddList', account: 'SLOW1', items: 100, ratePerSecond: 1 });
    const answer = await getAsyncResult(t.url, jobId, 1, '2017_1', 'SLOW1');
    expect(answer.status).toBe(500);
    expect(faultOf(answer)).toMatchObject({ faultcode: 'soapenv:Server.userException', element: 'asyncFault', code: 'JOB_NOT_COMPLETE' });
    expect(faultOf(answer).faultstring).toBe(faultOf(answer).message);
  });

  it.each([0, -1, 2])('answers INVALID_PAGE_INDEX for page %i of a one-page job', async (pageIndex) => {
    const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 2, ratePerSecond: 100 });
    await elapse(1);
    const answer = await getAsyncResult(t.url, jobId, pageIndex);
    expect(faultOf(answer)).toMatchObject({ element: 'asyncFault', code: 'INVALID_PAGE_INDEX' });
  });

  it("answers INVALID_JOB_ID alike for unknown ids and for another account's job", async () => {
    const foreign = await createJob(t.url, { operation: 'asyncAddList', account: 'OTHER', items: 1 });
    const unknown = faultOf(await checkAsyncStatus(t.url, 'ASYNCWEBSERVICES_TSTDRV1234567_000_deadbeef'));
    const other = faultOf(await checkAsyncStatus(t.url, foreign));
    expect(unknown.code).toBe('INVALID_JOB_ID');
    expect(other.code).toBe('INVALID_JOB_ID');
    expect(other.message?.replace(foreign, 'ID')).toBe(unknown.message?.replace('ASYNCWEBSERVICES_TSTDRV1234567_000_deadbeef', 'ID'));
  });

  it('lets results be read 20 times, then the job id is invalid', async () => {
    const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 1, ratePerSecond: 100 });
    await elapse(1);
    for (let call = 1; call <= 20; call++) expect((await getAsyncResult(t.url, jobId, 1)).status).toBe(200);
    const answer = await getAsyncResult(t.url, jobId, 1);
    expect(faultOf(answer)).toMatchObject({ element: 'asyncFault', code: 'INVALID_JOB_ID' });
    expect(faultOf(answer).message).toMatch(/at most 20 times/);
    const [row] = await t.database.db('jobs').where({ id: jobId }).select('result_calls');
    expect(row.result_calls).toBe(20);
  });

  it('expires a job after the retention period', async () => {
    const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 1, ratePerSecond: 100 });
    await elapse(1);
    expect((await checkAsyncStatus(t.url, jobId)).status).toBe(200);
    clock.advance(30 * 24 * 3600);
    expect(faultOf(await checkAsyncStatus(t.url, jobId)).code).toBe('INVALID_JOB_ID');
    expect(faultOf(await getAsyncResult(t.url, jobId, 1)).code).toBe('INVALID_JOB_ID');
  });
});
