import { startTestService, type TestService } from '../helpers/service';
import { accountHeader, envelope, faultOf, postSoap } from '../helpers/soap';

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
    expect((await clientFault(flood)).faultstring).toBe('The request has more than 100000 elements.');
  });

  it('answers an over-long jobId like an unknown one, without echoing all of it', async () => {
    const answer = await postSoap(t.url, '2017_1', envelope('checkAsyncStatus', `<msg:jobId>${'A'.repeat(100_000)}</msg:jobId>`, '2017_1', accountHeader()));
    expect(faultOf(answer).code).toBe('INVALID_JOB_ID');
    expect(answer.text.length).toBeLessThan(2000);
    expect(faultOf(answer).message).toMatch(/^Invalid job id: A{200}…$/);
  });
});
