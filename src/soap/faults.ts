import type { FaultElement } from '../faults/fault-rule';
import { AsyncJobError, AuthError, LimitError, ValidationError } from '../lib/errors';
import { SOAP11_ENVELOPE_NS } from './envelope-parser';
import { SoapClientError } from './soap-client-error';
import { namespacesOf } from '../records/versions';
import { escapeXml } from './xml-write';
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from '../lib/database-unavailable';

/**
 * The one place where errors become SOAP faults, shaped as NetSuite sends them: HTTP 500,
 * faultcode soapenv:Server.userException, faultstring = the message, and a platformFaults element
 * with code and message in detail. Client mistakes get soapenv:Client without detail.
 */

export interface SoapFault {
  faultcode: 'soapenv:Client' | 'soapenv:Server.userException';
  faultstring: string;
  /** The platformFaults element in detail, when there is one. */
  detail?: { element: FaultElement; code: string; message: string };
}

export function faultXml(fault: SoapFault, version: string): string {
  let detail = '';
  if (fault.detail) {
    const { element, code, message } = fault.detail;
    const ns = namespacesOf(version).platformFaults;
    detail =
      `<detail><platformFaults:${element} xmlns:platformFaults="${ns}">` +
      `<platformFaults:code>${code}</platformFaults:code>` +
      `<platformFaults:message>${escapeXml(message)}</platformFaults:message>` +
      `</platformFaults:${element}></detail>`;
  }
  return `<soapenv:Fault><faultcode>${fault.faultcode}</faultcode><faultstring>${escapeXml(fault.faultstring)}</faultstring>${detail}</soapenv:Fault>`;
}

/** A complete SOAP 1.1 envelope around an answer's body, with the header when there is one. */
export function envelopeXml(bodyXml: string, headerXml = ''): string {
  const header = headerXml ? `<soapenv:Header>${headerXml}</soapenv:Header>` : '';
  return `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="${SOAP11_ENVELOPE_NS}">${header}<soapenv:Body>${bodyXml}</soapenv:Body></soapenv:Envelope>`;
}

export const clientFault = (message: string): SoapFault => ({ faultcode: 'soapenv:Client', faultstring: message });

export const userFault = (element: FaultElement, code: string, message: string): SoapFault => ({
  faultcode: 'soapenv:Server.userException',
  faultstring: message,
  detail: { element, code, message },
});

/** Maps any error to its fault; unknown errors say nothing about their cause but a reference. */
export function toFault(error: unknown, reference: string): SoapFault {
  if (error instanceof AsyncJobError) return userFault('asyncFault', error.code, error.message);
  if (error instanceof LimitError) {
    return userFault(error.limit === 'recordCount' ? 'exceededRecordCountFault' : 'exceededRequestLimitFault', error.code, error.message);
  }
  if (error instanceof AuthError) return userFault(`${error.fault}Fault`, error.code, error.message);
  if (error instanceof SoapClientError || error instanceof ValidationError) return clientFault(error.message);
  // A database that is down or stalled is a temporary failure, as NetSuite's maintenance windows are.
  if (isDatabaseUnavailable(error)) return userFault('unexpectedErrorFault', 'ACCT_TEMP_UNAVAILABLE', DATABASE_UNAVAILABLE_MESSAGE);
  return userFault('unexpectedErrorFault', 'UNEXPECTED_ERROR', `An unexpected error occurred. Error ID: ${reference}`);
}
