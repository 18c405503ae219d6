import { XMLParser } from 'fast-xml-parser';
import { DEMO } from '../../src/accounts/demo';
import { signTokenPassport, tokenPassportXml, type Credentials } from '../helpers/credentials';
import { SOAPENV } from '../helpers/soap';

/**
 * SOAP over real HTTP as a connector sends it, each call timed and kept: what it was, when it
 * started and ended, and what came back (an answer, a fault, or nothing before the client's own
 * timeout or a broken connection). Every request is signed afresh with the demo account's token.
 */

export const DEMO_ACCOUNT = 'TSTDRV1234567';
export const DEMO_CREDENTIALS: Credentials = {
  account: DEMO_ACCOUNT,
  consumerKey: DEMO.consumerKey,
  consumerSecret: DEMO.consumerSecret,
  tokenId: DEMO.tokenId,
  tokenSecret: DEMO.tokenSecret,
};

/** Versions: token-based authentication on a current one, sessions on the last that has them. */
export const TBA_VERSION = '2023_2';
export const SESSION_VERSION = '2020_1';

/** How long a client waits before it gives up: a hang guard, far past the bounds the tests assert. */
export const CLIENT_GIVES_UP_MS = 60_000;

export interface Call {
  operation: string;
  startedAt: number;
  endedAt: number;
  ms: number;
  /** answer: HTTP 200; fault: any other HTTP answer; none: no answer (timeout or broken connection). */
  outcome: 'answer' | 'fault' | 'none';
  httpStatus: number;
  /** The platformFaults code, or the faultcode of a fault without detail. */
  faultCode?: string;
  /** Why there was no answer. */
  error?: string;
  text: string;
  body: Record<string, any>;
  setCookie?: string;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  transformTagName: (name) => name.slice(name.indexOf(':') + 1),
});

const ns = (version: string) => ({
  msgs: `urn:messages_${version}.platform.webservices.netsuite.com`,
  core: `urn:core_${version}.platform.webservices.netsuite.com`,
  rel: `urn:relationships_${version}.lists.webservices.netsuite.com`,
});

function envelopeXml(version: string, operation: string, inner: string, header: string): string {
  const { msgs, core, rel } = ns(version);
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAPENV}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
    `xmlns:msg="${msgs}" xmlns:core="${core}" xmlns:listRel="${rel}">` +
    (header ? `<soapenv:Header>${header}</soapenv:Header>` : '') +
    `<soapenv:Body><msg:${operation}>${inner}</msg:${operation}></soapenv:Body></soapenv:Envelope>`
  );
}

export interface CallOptions {
  version?: string;
  /** Sign a tokenPassport with these (the default: the demo account's token); null: none. */
  credentials?: Credentials | null;
  /** A JSESSIONID=… cookie to ride on. */
  cookie?: string;
  timeoutMs?: number;
}

/** One SOAP call, timed; never throws. */
export async function soapCall(url: string, operation: string, inner: string, options: CallOptions = {}): Promise<Call> {
  const version = options.version ?? TBA_VERSION;
  const credentials = options.credentials === undefined ? DEMO_CREDENTIALS : options.credentials;
  const header = credentials ? tokenPassportXml(signTokenPassport(credentials), version) : '';
  const headers: Record<string, string> = { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: operation };
  if (options.cookie) headers.Cookie = options.cookie;
  const startedAt = Date.now();
  const done = (rest: Omit<Call, 'operation' | 'startedAt' | 'endedAt' | 'ms'>): Call => {
    const endedAt = Date.now();
    return { operation, startedAt, endedAt, ms: endedAt - startedAt, ...rest };
  };
  try {
    const response = await fetch(`${url}/services/NetSuitePort_${version}`, {
      method: 'POST',
      headers,
      body: envelopeXml(version, operation, inner, header),
      signal: AbortSignal.timeout(options.timeoutMs ?? CLIENT_GIVES_UP_MS),
    });
    const text = await response.text();
    let body: Record<string, any> = {};
    try {
      body = parser.parse(text)?.Envelope?.Body ?? {};
    } catch {
      body = {};
    }
    return done({
      outcome: response.status === 200 ? 'answer' : 'fault',
      httpStatus: response.status,
      faultCode: faultCodeOf(body),
      text,
      body,
      setCookie: response.headers.get('set-cookie') ?? undefined,
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return done({ outcome: 'none', httpStatus: 0, error: cause?.code ?? cause?.message ?? (error as Error).message, text: '', body: {} });
  }
}

function faultCodeOf(body: Record<string, any>): string | undefined {
  const fault = body.Fault;
  if (!fault) return undefined;
  const detail = fault.detail ? Object.entries(fault.detail as Record<string, any>).find(([key]) => !key.startsWith('@')) : undefined;
  return detail?.[1]?.code !== undefined ? String(detail[1].code) : String(fault.faultcode);
}

/** asyncAddList of customers with these externalIds. */
export function addCustomers(url: string, externalIds: string[], options: CallOptions = {}): Promise<Call> {
  const records = externalIds
    .map((id) => `<msg:record xsi:type="listRel:Customer" externalId="${id}"><listRel:companyName>Company ${id}</listRel:companyName></msg:record>`)
    .join('');
  return soapCall(url, 'asyncAddList', records, options);
}

export const checkStatus = (url: string, jobId: string, options: CallOptions = {}) => soapCall(url, 'checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`, options);

/** The jobId of a submit's answer, if it has one. */
export function jobIdOf(call: Call): string | undefined {
  if (call.outcome !== 'answer') return undefined;
  const result = Object.values(call.body).find((value) => value && typeof value === 'object' && 'asyncStatusResult' in value) as
    { asyncStatusResult?: { jobId?: string } } | undefined;
  const jobId = result?.asyncStatusResult?.jobId;
  return jobId === undefined ? undefined : String(jobId);
}

/** The status a checkAsyncStatus answer reports, if it is one. */
export function statusIn(call: Call): string | undefined {
  const status = call.body.checkAsyncStatusResponse?.asyncStatusResult?.status;
  return status === undefined ? undefined : String(status);
}

/** The short form of a call, for failure messages and the run's figures. */
export const describeCall = (call: Call) =>
  `${call.operation} at ${new Date(call.startedAt).toISOString().slice(11, 23)} took ${call.ms} ms: ${call.outcome}${call.httpStatus ? ` ${call.httpStatus}` : ''}${call.faultCode ? ` ${call.faultCode}` : ''}${call.error ? ` (${call.error})` : ''}`;
