import { answersReadBy, queueSoapAnswer, validateAnswersAtFileEnd, validateQueuedAnswers, validateSoapAnswer } from '../helpers/xsd';

/**
 * The tests' check of every SOAP answer against the served XSDs (test/helpers/xsd.ts): answers
 * queued during a file are validated together, and an invalid one is named with the test that read it.
 */

const V = '2017_1';
const statusAnswer = (status: string) =>
  `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
  `<checkAsyncStatusResponse xmlns="urn:messages_${V}.platform.webservices.netsuite.com">` +
  `<platformCore:asyncStatusResult xmlns:platformCore="urn:core_${V}.platform.webservices.netsuite.com">` +
  `<platformCore:jobId>ASYNCWEBSERVICES_1</platformCore:jobId><platformCore:status>${status}</platformCore:status>` +
  `<platformCore:percentCompleted>0.0</platformCore:percentCompleted><platformCore:estRemainingDuration>0.0</platformCore:estRemainingDuration>` +
  `</platformCore:asyncStatusResult></checkAsyncStatusResponse></soapenv:Body></soapenv:Envelope>`;

it('accepts a valid answer and rejects one outside the schema, quoting xmllint', async () => {
  await expect(validateSoapAnswer(statusAnswer('pending'), V)).resolves.toBeUndefined();
  await expect(validateSoapAnswer(statusAnswer('sleeping'), V)).rejects.toThrow(/rejected the answer:[\s\S]*sleeping/);
});

it('validates queued answers together, naming each invalid one with the test that read it', async () => {
  answersReadBy('the test reading statuses');
  await queueSoapAnswer(statusAnswer('pending'), V);
  await queueSoapAnswer(statusAnswer('napping'), V);
  await queueSoapAnswer(statusAnswer('finished'), V);
  const failure = await validateQueuedAnswers().then(
    () => null,
    (error: Error) => error.message,
  );
  expect(failure).toMatch(/rejected 1 answer\(s\)/);
  expect(failure).toContain('an answer read by “the test reading statuses”');
  expect(failure).toContain('napping');
  expect(failure).not.toContain('>finished<');
  // The queue was emptied: nothing is validated twice.
  await expect(validateQueuedAnswers()).resolves.toBeUndefined();
});

it('rejects an answer that is not XML at all', async () => {
  await queueSoapAnswer('<soapenv:Envelope', V);
  await expect(validateQueuedAnswers()).rejects.toThrow(/rejected 1 answer/);
});

it('validates an answer read after the end of the file’s tests at once, as a file’s own afterAll reads it', async () => {
  await validateAnswersAtFileEnd();
  await expect(queueSoapAnswer(statusAnswer('pending'), V)).resolves.toBeUndefined();
  await expect(queueSoapAnswer(statusAnswer('dozing'), V)).rejects.toThrow(/rejected the answer:[\s\S]*dozing/);
});
