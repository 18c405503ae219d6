import { parseEnvelope } from '../../src/soap/envelope-parser';
import { SoapClientError } from '../../src/soap/soap-client-error';
import { child, text } from '../../src/soap/xml-read';

const SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
const MSGS = 'urn:messages_2020_2.platform.webservices.netsuite.com';

describe('parseEnvelope', () => {
  it('reads the operation and its namespace whatever prefixes the client chose', () => {
    const request = parseEnvelope(
      `<?xml version="1.0"?><e:Envelope xmlns:e="${SOAP}"><e:Body><checkAsyncStatus xmlns="${MSGS}"><jobId>J1</jobId></checkAsyncStatus></e:Body></e:Envelope>`,
    );
    expect(request.operation).toBe('checkAsyncStatus');
    expect(request.operationNamespace).toBe(MSGS);
    expect(text(child(request.body, 'jobId'))).toBe('J1');
  });

  it('finds headers by local name, in any namespace', () => {
    const request = parseEnvelope(
      `<soapenv:Envelope xmlns:soapenv="${SOAP}" xmlns:ns="ns" xmlns:m="${MSGS}"><soapenv:Header><ns:tokenPassport><ns:account>123_SB1</ns:account></ns:tokenPassport></soapenv:Header>` +
        `<soapenv:Body><m:checkAsyncStatus><m:jobId>J</m:jobId></m:checkAsyncStatus></soapenv:Body></soapenv:Envelope>`,
    );
    expect(text(child(request.headers.get('tokenPassport'), 'account'))).toBe('123_SB1');
  });

  it('decodes character references once, and keeps an escaped ampersand literal', () => {
    const request = parseEnvelope(
      `<soapenv:Envelope xmlns:soapenv="${SOAP}"><soapenv:Body><m:x xmlns:m="${MSGS}" a="&#x4F;&apos;k"><m:jobId>O&#39;Brien&#13;&amp;#39;&lt;</m:jobId></m:x></soapenv:Body></soapenv:Envelope>`,
    );
    expect(text(child(request.body, 'jobId'))).toBe("O'Brien\r&#39;<");
    expect((request.body as Record<string, string>)['@_a']).toBe("O'k");
  });

  it.each([
    ['', /empty/],
    [`<soapenv:Envelope xmlns:soapenv="${SOAP}"><soapenv:Body><m:x xmlns:m="${MSGS}">&#1;</m:x></soapenv:Body></soapenv:Envelope>`, /&#1; names a character XML does not allow/],
    [`<soapenv:Envelope xmlns:soapenv="${SOAP}"><soapenv:Body><m:x xmlns:m="${MSGS}">\u0001</m:x></soapenv:Body></soapenv:Envelope>`, /character XML does not allow \(U\+0001/],
    [`<soapenv:Envelope xmlns:soapenv="${SOAP}"><soapenv:Header><constructor/></soapenv:Header><soapenv:Body/></soapenv:Envelope>`, /element name constructor is not allowed/],
    [`<soapenv:Envelope xmlns:soapenv="${SOAP}"><soapenv:Body><m:toString xmlns:m="${MSGS}"/></soapenv:Body></soapenv:Envelope>`, /element name toString is not allowed/],
    ['<a><b></a>', /not well-formed/],
    [`<!DOCTYPE x [<!ENTITY a "aaaa">]><soapenv:Envelope xmlns:soapenv="${SOAP}"/>`, /document type declaration/],
    [`<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body/></env:Envelope>`, /SOAP 1.2 is not supported/],
    [`<Envelope><Body/></Envelope>`, /has no namespace/],
    [`<soapenv:Envelope xmlns:soapenv="${SOAP}"><soapenv:Body/></soapenv:Envelope>`, /no Body element holding an operation/],
    [`<soapenv:Envelope xmlns:soapenv="${SOAP}"><soapenv:Body a="1"></soapenv:Body></soapenv:Envelope>`, /exactly one element \(found 0\)/],
    [`<soapenv:Envelope xmlns:soapenv="${SOAP}"><soapenv:Body><a:x/></soapenv:Body></soapenv:Envelope>`, /prefix "a" of the operation element <a:x> is not declared/],
    [`<soapenv:Envelope xmlns:soapenv="${SOAP}"><soapenv:Body><x xmlns="u"/><y xmlns="u"/></soapenv:Body></soapenv:Envelope>`, /exactly one element \(found 2\)/],
  ])('refuses %j with a message saying what is wrong', (xml, message) => {
    expect(() => parseEnvelope(xml)).toThrow(SoapClientError);
    expect(() => parseEnvelope(xml)).toThrow(message);
  });
});
