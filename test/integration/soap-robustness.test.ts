// Every answer a test reads through postSoap has been validated against the XSDs (see helpers/soap.ts).
import { request } from 'node:http';
import { createJob, startTestService, type TestService } from '../helpers/service';
import { accountHeader, checkAsyncStatus, envelope, faultOf, postSoap, SOAPENV } from '../helpers/soap';

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ env: { MAX_REQUEST_BYTES: '4096' } });
});
afterAll(() => t.close());

async function clientFault(xml: string, version = '2017_1', headers: Record<string, string> = {}) {
  const answer = await postSoap(t.url, version, xml, headers);
  expect(answer.status).toBe(500);
  expect(answer.contentType).toMatch(/^text\/xml/);
  return faultOf(answer);
}

describe('requests the client got wrong', () => {
  it.each([
    ['malformed XML', '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>', /not well-formed/],
    ['an empty body', '', /empty/],
    ['a DTD', `<!DOCTYPE lol [<!ENTITY a "aaaaaaaa">]><soapenv:Envelope xmlns:soapenv="${SOAPENV}"/>`, /document type declaration/],
    ['an unknown operation', envelope('deleteEverything', ''), /Unknown operation deleteEverything/],
    ["an operation in another version's namespace", envelope('checkAsyncStatus', '<msg:jobId>J</msg:jobId>', '2019_1'), /must be in namespace urn:messages_2017_1/],
    ['a missing jobId', envelope('checkAsyncStatus', '', '2017_1', accountHeader()), /requires a non-empty <jobId>/],
    [
      'a pageIndex that is not an int',
      envelope('getAsyncResult', '<msg:jobId>J</msg:jobId><msg:pageIndex>two</msg:pageIndex>', '2017_1', accountHeader()),
      /pageIndex> must be an xsd:int/,
    ],
  ])('answers %s with a soapenv:Client fault', async (_what, xml, message) => {
    const fault = await clientFault(xml);
    expect(fault.faultcode).toBe('soapenv:Client');
    expect(fault.faultstring).toMatch(message);
  });

  it("answers with a documentInfo header carrying the request's nsId", async () => {
    const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 1 });
    const answer = await checkAsyncStatus(t.url, jobId, '2022_1');
    expect(answer.text).toMatch(
      /<soapenv:Header><platformMsgs:documentInfo [^>]*><platformMsgs:nsId>WEBSERVICES_TSTDRV1234567_\d{27}_[0-9a-f]{8}<\/platformMsgs:nsId><\/platformMsgs:documentInfo><\/soapenv:Header>/,
    );
  });

  it('refuses an account in the header that is not an account id, so it can never reach an answer', async () => {
    const header = `<tokenPassport xmlns="urn:core_2017_1.platform.webservices.netsuite.com"><account>X&lt;/platformCore:nsId&gt;&lt;evil/&gt;</account></tokenPassport>`;
    const answer = await postSoap(t.url, '2017_1', envelope('checkAsyncStatus', '<msg:jobId>J</msg:jobId>', '2017_1', header));
    expect(faultOf(answer)).toMatchObject({ element: 'invalidCredentialsFault', faultstring: 'Invalid login attempt.' });
    expect(answer.text).not.toMatch(/evil/);
  });

  it('runs the operation in the body, whatever SOAPAction says', async () => {
    const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 1 });
    const answer = await postSoap(t.url, '2017_1', envelope('checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`, '2017_1', accountHeader()), {
      SOAPAction: '"getAsyncResult"',
    });
    expect(answer.status).toBe(200);
    expect(answer.body.checkAsyncStatusResponse.asyncStatusResult.status).toBe('pending');
  });

  it('answers a request over the size limit with exceededRequestSizeFault and reads no further', async () => {
    const padding = `<!--${'x'.repeat(8000)}-->`;
    const answer = await postSoap(t.url, '2017_1', envelope('checkAsyncStatus', `<msg:jobId>J</msg:jobId>${padding}`));
    expect(answer.status).toBe(500);
    expect(faultOf(answer)).toMatchObject({ faultcode: 'soapenv:Server.userException', element: 'exceededRequestSizeFault' });
    expect(faultOf(answer).message).toMatch(/4096 bytes/);
  });

  it('does not add a WS-Security header when the request carried a Timestamp', async () => {
    const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 1 });
    const security =
      '<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" ' +
      'xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><wsu:Timestamp><wsu:Created>2026-01-01T00:00:00Z</wsu:Created></wsu:Timestamp></wsse:Security>';
    const answer = await postSoap(t.url, '2017_1', envelope('checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`, '2017_1', accountHeader() + security));
    expect(answer.status).toBe(200);
    expect(answer.text).not.toMatch(/Security|mustUnderstand/);
  });

  it('answers a database failure with unexpectedErrorFault that leaks no SQL or stack', async () => {
    const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 1 });
    await t.database.db.raw('alter table jobs rename to jobs_away');
    try {
      const answer = await checkAsyncStatus(t.url, jobId);
      expect(answer.status).toBe(500);
      const fault = faultOf(answer);
      expect(fault).toMatchObject({ faultcode: 'soapenv:Server.userException', element: 'unexpectedErrorFault', code: 'UNEXPECTED_ERROR' });
      expect(fault.message).toMatch(/^An unexpected error occurred\. Error ID: [0-9a-f-]{36}$/);
      expect(answer.text).not.toMatch(/jobs_away|relation|select|at .*\.ts/i);
    } finally {
      await t.database.db.raw('alter table jobs_away rename to jobs');
    }
  });
});

describe('versions, WSDL and schemas over HTTP', () => {
  it('answers 404 with a clear message for an unknown version', async () => {
    const response = await fetch(`${t.url}/services/NetSuitePort_2016_2`, { method: 'POST', body: envelope('checkAsyncStatus', '') });
    expect(response.status).toBe(404);
    expect(await response.text()).toMatch(/Unknown SuiteTalk version "2016_2": this server offers 2017_1 to 2025_2/);
    // Like every answer, it carries a request id.
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const wsdl = await fetch(`${t.url}/wsdl/v2030_1_0/netsuite.wsdl`);
    expect(wsdl.status).toBe(404);
    expect(((await wsdl.json()) as { error: string }).error).toMatch(/Unknown SuiteTalk version "2030_1"/);
  });

  it.each(['/wsdl/v2024_1_0/netsuite.wsdl', '/services/NetSuitePort_2024_1?wsdl'])('serves the WSDL at %s, pointing back at this server', async (path) => {
    // fetch cannot set Host; a proxy in front of the emulator would.
    const { status, type, wsdl } = await new Promise<{ status?: number; type?: string; wsdl: string }>((resolve, reject) => {
      const req = request(`${t.url}${path}`, { headers: { Host: 'emulator.test:8080' } }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], wsdl: body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    expect(type).toMatch(/xml/);
    expect(wsdl).toContain('<soap:address location="http://emulator.test:8080/services/NetSuitePort_2024_1"/>');
  });

  it('gives ?wsdl absolute schemaLocations, which resolvers that keep ".." (Java\'s, behind wsimport) can follow', async () => {
    const text = await (await fetch(`${t.url}/services/NetSuitePort_2021_2?wsdl`)).text();
    const locations = [...text.matchAll(/schemaLocation="([^"]+)"/g)].map((match) => match[1]);
    expect(locations.length).toBeGreaterThan(5);
    for (const location of locations) expect(location).toMatch(new RegExp(`^${t.url}/xsd/(platform|lists|transactions)/v2021_2_0/[A-Za-z]+\\.xsd$`));
  });

  it('reaches every schema the WSDL imports through relative schemaLocations', async () => {
    const seen = new Set<string>();
    const visit = async (url: string): Promise<void> => {
      if (seen.has(url)) return;
      seen.add(url);
      const response = await fetch(url);
      expect({ url, status: response.status }).toEqual({ url, status: 200 });
      const text = await response.text();
      for (const match of text.matchAll(/schemaLocation="([^"]+)"/g)) await visit(new URL(match[1], url).toString());
    };
    await visit(`${t.url}/services/NetSuitePort_2021_2?wsdl`);
    const paths = [...seen].map((url) => new URL(url).pathname).sort();
    expect(paths).toEqual([
      '/services/NetSuitePort_2021_2',
      '/xsd/lists/v2021_2_0/accounting.xsd',
      '/xsd/lists/v2021_2_0/accountingTypes.xsd',
      '/xsd/lists/v2021_2_0/employeeTypes.xsd',
      '/xsd/lists/v2021_2_0/employees.xsd',
      '/xsd/lists/v2021_2_0/relationshipTypes.xsd',
      '/xsd/lists/v2021_2_0/relationships.xsd',
      '/xsd/platform/v2021_2_0/common.xsd',
      '/xsd/platform/v2021_2_0/commonTypes.xsd',
      '/xsd/platform/v2021_2_0/core.xsd',
      '/xsd/platform/v2021_2_0/coreTypes.xsd',
      '/xsd/platform/v2021_2_0/faultTypes.xsd',
      '/xsd/platform/v2021_2_0/faults.xsd',
      '/xsd/platform/v2021_2_0/messages.xsd',
      '/xsd/transactions/v2021_2_0/purchaseTypes.xsd',
      '/xsd/transactions/v2021_2_0/purchases.xsd',
      '/xsd/transactions/v2021_2_0/saleTypes.xsd',
      '/xsd/transactions/v2021_2_0/sales.xsd',
    ]);
  });

  it('answers other methods on the endpoint with 405 and directions', async () => {
    const response = await fetch(`${t.url}/services/NetSuitePort_2017_1`, { method: 'PUT', body: 'x' });
    expect(response.status).toBe(405);
    expect(await response.text()).toMatch(/POST SOAP 1.1 envelopes/);
  });

  it("serves the same operations on every version with that version's namespaces", async () => {
    const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 1 });
    for (const version of ['2017_1', '2020_1', '2025_2']) {
      const answer = await checkAsyncStatus(t.url, jobId, version);
      expect(answer.status).toBe(200);
      expect(answer.text).toContain(`urn:core_${version}.platform.webservices.netsuite.com`);
    }
  });
});
