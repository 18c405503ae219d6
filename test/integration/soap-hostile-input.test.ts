import { startTestService, type TestService } from '../helpers/service';
import { asList, customer, RecordRequests, ref, V } from '../helpers/record-requests';
import { accountHeader, envelope, faultOf, getAsyncResult, postSoap } from '../helpers/soap';

/** Input no client should send: each gets a well-formed fault (or the right status), and quickly. */

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(() => t.close());

async function clientFault(xml: string | Uint8Array) {
  const answer = await postSoap(t.url, '2017_1', xml);
  expect(answer.status).toBe(500);
  return faultOf(answer);
}

describe('hostile and broken input', () => {
  it.each([
    ['application/soap+xml', /SOAP 1.2 is not supported; send SOAP 1.1 as text\/xml/],
    ['application/json', /Content-Type application\/json is not accepted/],
    ['', /Content-Type \(none\) is not accepted/],
  ])('answers Content-Type %j with 415 and a Client fault', async (contentType, message) => {
    const answer = await postSoap(t.url, '2017_1', envelope('checkAsyncStatus', '<msg:jobId>J</msg:jobId>'), { 'Content-Type': contentType });
    expect(answer.status).toBe(415);
    expect(faultOf(answer)).toMatchObject({ faultcode: 'soapenv:Client' });
    expect(faultOf(answer).faultstring).toMatch(message);
  });

  it('refuses bytes that are not UTF-8', async () => {
    const [before, after] = envelope('checkAsyncStatus', '<msg:jobId>JOB</msg:jobId>').split('JOB');
    const body = Buffer.concat([Buffer.from(before), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(after)]);
    expect((await clientFault(body)).faultstring).toBe('The request is not valid UTF-8.');
  });

  it('refuses deep nesting and a flood of elements with a Client fault', async () => {
    const deep = envelope('checkAsyncStatus', `<msg:jobId>J</msg:jobId>`, '2017_1', `${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`);
    expect((await clientFault(deep)).faultstring).toMatch(/Maximum nested tags exceeded/);
    const flood = envelope('checkAsyncStatus', `<msg:jobId>J</msg:jobId>`, '2017_1', '<a/>'.repeat(150_000));
    expect((await clientFault(flood)).faultstring).toBe('The request has more than 100000 elements and attributes (namespace declarations count as attributes).');
  });

  it('refuses a flood of attributes or namespace declarations with a Client fault naming the cap, before authentication', async () => {
    const attributes = (count: number, name: (i: number) => string) => Array.from({ length: count }, (_, i) => ` ${name(i)}="v"`).join('');
    // 200,000 on one element: refused at its 1,001st.
    const wide = envelope('checkAsyncStatus', `<msg:jobId${attributes(200_000, (i) => `a${i}`)}>J</msg:jobId>`);
    expect(await clientFault(wide)).toMatchObject({
      faultcode: 'soapenv:Client',
      faultstring: expect.stringMatching(/^The element <msg:jobId> has more than 1000 attributes, namespace declarations included/),
    });
    // 200,000 spread over elements of 1,000 each: refused at the request's 100,001st node.
    const spread = (name: (i: number) => string) => envelope('checkAsyncStatus', '<msg:jobId>J</msg:jobId>', '2017_1', `<a${attributes(1_000, name)}/>`.repeat(200));
    for (const name of [(i: number) => `a${i}`, (i: number) => `xmlns:p${i}`]) {
      expect(await clientFault(spread(name))).toMatchObject({
        faultcode: 'soapenv:Client',
        faultstring: 'The request has more than 100000 elements and attributes (namespace declarations count as attributes).',
      });
    }
  });

  it('answers an over-long jobId like an unknown one, without echoing all of it', async () => {
    const answer = await postSoap(t.url, '2017_1', envelope('checkAsyncStatus', `<msg:jobId>${'A'.repeat(100_000)}</msg:jobId>`, '2017_1', accountHeader()));
    expect(faultOf(answer).code).toBe('INVALID_JOB_ID');
    expect(answer.text.length).toBeLessThan(2000);
    expect(faultOf(answer).message).toMatch(/^Invalid job id: A{200}…$/);
  });
});

describe('SQL metacharacters', () => {
  const NASTY = `x'; drop table records; -- " or "1"="1 % _ \\ $1 ;`;
  const escaped = NASTY.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

  it('answers a missing pageIndex with a soapenv:Client fault', async () => {
    const fault = await clientFault(envelope('getAsyncResult', '<msg:jobId>J</msg:jobId>', '2017_1', accountHeader()));
    expect(fault).toMatchObject({ faultcode: 'soapenv:Client' });
    expect(fault.faultstring).toMatch(/requires a non-empty <pageIndex>/);
  });

  it('are only ever values: in job ids, credentials, record fields, external ids and search values', async () => {
    const tables = async () => (await t.database.db.raw(`select count(*)::int as n from information_schema.tables where table_schema = current_schema()`)).rows[0].n;
    const before = await tables();

    expect(faultOf(await postSoap(t.url, '2017_1', envelope('checkAsyncStatus', `<msg:jobId>${escaped}</msg:jobId>`, '2017_1', accountHeader()))).code).toBe('INVALID_JOB_ID');
    const forged = accountHeader().replace(/<token>[^<]+<\/token>/, `<token>${escaped}</token>`);
    expect(faultOf(await postSoap(t.url, '2017_1', envelope('checkAsyncStatus', '<msg:jobId>J</msg:jobId>', '2017_1', forged))).code).toBe('USER_ERROR');

    const r = new RecordRequests(t);
    const added = await r.writeResults(await r.submitAndRun('asyncAddList', customer(`externalId="${escaped}"`, `<listRel:companyName>${escaped}</listRel:companyName>`)));
    expect(added[0].status['@isSuccess']).toBe('true');
    const [read] = await r.readResults(await r.submitAndRun('asyncGetList', ref(`type="customer" externalId="${escaped}"`)));
    expect(read.record.companyName).toBe(NASTY);
    expect(read.record['@externalId']).toBe(NASTY);

    // Search operators take % and _ literally: as wildcards, "% _" would match the plain name too.
    await r.submitAndRun('asyncAddList', customer('externalId="plain-1"', '<listRel:companyName>plain name here</listRel:companyName>'));
    const search = await r.submitAndRun(
      'asyncSearch',
      `<msg:searchRecord xsi:type="common:CustomerSearchBasic"><common:companyName operator="contains"><core:searchValue>% _</core:searchValue></common:companyName></msg:searchRecord>`,
    );
    const found = (await getAsyncResult(t.url, search, 1, V)).body.getAsyncResultResponse.asyncResult.searchResult;
    expect(found.totalRecords).toBe('1');
    expect(asList(found.recordList.record)[0].companyName).toBe(NASTY);

    expect(await tables()).toBe(before);
  });
});
