import { XMLParser } from 'fast-xml-parser';
import { ensureTestAccount, signTokenPassport, testAccountsIn, testCredentials, tokenPassportXml } from './credentials';
import { TEST_ADMIN_TOKEN } from './service-token';
import { answersReadBy, queueSoapAnswer, validateAnswersAtFileEnd } from './xsd';

export const SOAPENV = 'http://schemas.xmlsoap.org/soap/envelope/';
export const messagesNs = (version: string) => `urn:messages_${version}.platform.webservices.netsuite.com`;

export interface SoapAnswer {
  status: number;
  contentType: string | null;
  text: string;
  /** The parsed envelope with prefixes removed. */
  body: Record<string, any>;
}

// Element names lose their prefixes; attribute names keep them (xsi:type must not collide with type).
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  transformTagName: (name) => name.slice(name.indexOf(':') + 1),
});

export function envelope(operation: string, innerXml: string, version = '2017_1', header = ''): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<soapenv:Envelope xmlns:soapenv="${SOAPENV}" xmlns:msg="${messagesNs(version)}">` +
    (header ? `<soapenv:Header>${header}</soapenv:Header>` : '') +
    `<soapenv:Body><msg:${operation}>${innerXml}</msg:${operation}></soapenv:Body></soapenv:Envelope>`
  );
}

/**
 * Every SOAP answer postSoap reads is validated against the served XSDs when the test file ends,
 * with the file's other answers that need the same schemas in one xmllint run; one invalid answer
 * fails the file, naming the test that read it. (Validating each answer on its own spent 35 of
 * soap-search.test.ts's 56 s compiling schemas; after each test, 20 s.)
 */
// Bounded as a hang guard only: a large file's answers take xmllint some seconds, its WASM build more.
afterAll(validateAnswersAtFileEnd, 10 * 60_000);
beforeEach(() => answersReadBy(expect.getState().currentTestName ?? 'a test'));
afterEach(() => answersReadBy('a hook outside any test'));

/** Posts an envelope and reads the answer (validated as above). */
export async function postSoap(
  url: string,
  version: string,
  xml: string | Uint8Array,
  headers: Record<string, string> = {},
  /** Only for answers that carry a record type the served schema lacks by design. */
  options: { validate: boolean } = { validate: true },
): Promise<SoapAnswer> {
  if (typeof xml === 'string') {
    for (const account of testAccountsIn(xml)) await ensureTestAccount(url, account, TEST_ADMIN_TOKEN);
  }
  const response = await fetch(`${url}/services/NetSuitePort_${version}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=utf-8', ...headers },
    body: xml,
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type');
  if (options.validate && contentType?.startsWith('text/xml')) await queueSoapAnswer(text, version);
  let body: Record<string, any>;
  try {
    body = parser.parse(text)?.Envelope?.Body ?? {};
  } catch {
    body = {};
  }
  return { status: response.status, contentType, text, body };
}

/** The account test requests act for when they name none: the service's DEFAULT_ACCOUNT. */
export const TEST_ACCOUNT = 'TSTDRV1234567';

/**
 * A freshly signed tokenPassport for the test account (its credentials come from the account id;
 * postSoap creates the account on first use). Each call has a new nonce and the current time.
 */
export const accountHeader = (account = TEST_ACCOUNT, version = '2017_1') => tokenPassportXml(signTokenPassport(testCredentials(account)), version);

export const checkAsyncStatus = (url: string, jobId: string, version = '2017_1', account = TEST_ACCOUNT) =>
  postSoap(url, version, envelope('checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`, version, accountHeader(account, version)), {
    SOAPAction: '"checkAsyncStatus"',
  });

export const getAsyncResult = (url: string, jobId: string, pageIndex: number | string, version = '2017_1', account = TEST_ACCOUNT) =>
  postSoap(url, version, envelope('getAsyncResult', `<msg:jobId>${jobId}</msg:jobId><msg:pageIndex>${pageIndex}</msg:pageIndex>`, version, accountHeader(account, version)), {
    SOAPAction: 'getAsyncResult',
  });

export function statusOf(answer: SoapAnswer) {
  const result = answer.body.checkAsyncStatusResponse?.asyncStatusResult;
  if (!result) throw new Error(`not a checkAsyncStatus answer (${answer.status}): ${answer.text}`);
  return {
    jobId: String(result.jobId),
    status: String(result.status),
    percentCompleted: Number(result.percentCompleted),
    estRemainingDuration: Number(result.estRemainingDuration),
  };
}

export function faultOf(answer: SoapAnswer) {
  const fault = answer.body.Fault;
  if (!fault) throw new Error(`not a fault (${answer.status}): ${answer.text}`);
  const detail = fault.detail ? Object.entries(fault.detail as Record<string, any>).find(([key]) => !key.startsWith('@')) : undefined;
  return {
    faultcode: String(fault.faultcode),
    faultstring: String(fault.faultstring),
    element: detail?.[0],
    code: detail ? String(detail[1].code) : undefined,
    message: detail ? String(detail[1].message) : undefined,
  };
}
