import { arrived, crossing } from '../../src/compose/journal-thread';
import { journalRow } from '../../src/journal/journal-writer';
import type { JournalCall } from '../../src/journal/journal-entry';

/**
 * What crosses to the journal's thread: a call, cloned as postMessage clones it, must make the
 * same row there as it would have made where it was answered, whatever its bodies.
 */

const base: JournalCall = {
  at: new Date('2026-11-26T10:00:00.123Z'),
  requestId: 'r-1',
  face: 'soap',
  account: 'tstdrv_1',
  operation: 'checkAsyncStatus',
  method: 'POST',
  path: '/services/NetSuitePort_2017_1',
  headers: { 'content-type': 'text/xml', authorization: 'Basic c2VjcmV0', 'set-cookie': ['a=1', 'b=2'] },
  requestBody: '<Envelope><password>s3cret</password><jobId>JOB_1</jobId></Envelope>',
  requestBytes: 68,
  status: 200,
  answer: { bytes: 9, text: () => '<ok>1</ok>' },
  faultCode: null,
  durationMs: 1.5,
};

const secretAtTheCut = `<Envelope><password>${'p'.repeat(40)}</password>${'x'.repeat(200)}</Envelope>`;
const cases: Array<[string, Partial<JournalCall>]> = [
  ['a short call', {}],
  ['a body past the cap, cut in a secret', { requestBody: secretAtTheCut, requestBytes: secretAtTheCut.length }],
  ['a body of exactly the cap', { requestBody: 'y'.repeat(32), requestBytes: 32 }],
  ['characters of several bytes across the cut', { requestBody: 'é☃😀'.repeat(30), requestBytes: Buffer.byteLength('é☃😀'.repeat(30)) }],
  ['a body left as bytes (not UTF-8)', { requestBody: Buffer.concat([Buffer.from('<a>'), Buffer.from([0xff, 0xfe]), Buffer.alloc(100, 0x41)]), requestBytes: 105 }],
  ['a body refused unread', { requestBody: null, requestBytes: 10_000_000 }],
  ['no answer (dropped)', { answer: null, status: null }],
  ['an empty answer', { answer: { bytes: 0, text: () => '' } }],
  ['a long answer', { answer: { bytes: 5000, text: () => `<a>${'z'.repeat(4993)}</a>` } }],
  ['a fault, an injected rule and a known job', { faultCode: 'WS_REQUEST_BLOCKED', injected: { ruleId: 7, effect: 'fault' }, jobId: 'JOB_9' }],
  ['a JSON face', { face: 'progress', requestBody: '{"password":"pw","jobId":"JOB_2"}', requestBytes: 33, account: null }],
];

describe.each([32, 0, 16 * 1024])('with a cap of %i bytes', (cap) => {
  it.each(cases)('%s makes the same row after crossing', (_name, change) => {
    const call = { ...base, ...change };
    const crossed = arrived(structuredClone(crossing(call, cap)));
    expect(journalRow(crossed, cap)).toEqual(journalRow(call, cap));
  });
});

it('sends no more of a body than the cap and one', () => {
  const [, , , , , , , , requestBody, , , answerBytes, answerText] = crossing(
    { ...base, requestBody: 'q'.repeat(100_000), answer: { bytes: 200_000, text: () => 'w'.repeat(200_000) } },
    1000,
  );
  expect(requestBody).toHaveLength(1001);
  expect(answerText).toHaveLength(1001);
  expect(answerBytes).toBe(200_000);
});
