import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { buildService } from '../../src/main';
import { WsdlCatalog } from '../../src/soap/wsdl-catalog';
import { createTestDatabase } from '../helpers/database';
import { ref } from '../helpers/record-requests';
import { startTestService, type TestService } from '../helpers/service';
import { accountHeader, getAsyncResult, postSoap, SOAPENV } from '../helpers/soap';
import { useSchemaTree } from '../helpers/xsd';

/**
 * NETSUITE_WSDL_DIR: a copy of NetSuite's WSDL tree served for its version. NetSuite's files are
 * not shipped, so this test writes a small tree of its own: this project's 2022_1 files, marked,
 * with NetSuite's address in the WSDL and one record type ours lacks (Partner).
 */

const OFFICIAL = '2022_1';
const tree = mkdtempSync(path.join(os.tmpdir(), 'ase-official-'));
const MARK = '<!-- the official copy, as downloaded -->';
const relNs = (version: string) => `urn:relationships_${version}.lists.webservices.netsuite.com`;

function writeTree(): void {
  new WsdlCatalog().writeVersion(OFFICIAL, tree, 'https://webservices.netsuite.com');
  const wsdl = path.join(tree, 'wsdl', `v${OFFICIAL}_0`, 'netsuite.wsdl');
  writeFileSync(wsdl, readFileSync(wsdl, 'utf8').replace('<definitions', `${MARK}\n<definitions`));
  const relationships = path.join(tree, 'xsd', 'lists', `v${OFFICIAL}_0`, 'relationships.xsd');
  const partner = `
  <xsd:complexType name="Partner">
    <xsd:complexContent><xsd:extension base="platformCore:Record">
      <xsd:sequence>
        <xsd:element name="partnerCode" type="xsd:string" minOccurs="0"/>
        <xsd:element name="companyName" type="xsd:string" minOccurs="0"/>
        <xsd:element name="customFieldList" type="platformCore:CustomFieldList" minOccurs="0"/>
      </xsd:sequence>
      <xsd:attribute name="internalId" type="xsd:string"/>
      <xsd:attribute name="externalId" type="xsd:string"/>
    </xsd:extension></xsd:complexContent>
  </xsd:complexType>
</xsd:schema>`;
  writeFileSync(relationships, readFileSync(relationships, 'utf8').replace('</xsd:schema>', partner));
  const coreTypes = path.join(tree, 'xsd', 'platform', `v${OFFICIAL}_0`, 'coreTypes.xsd');
  writeFileSync(coreTypes, readFileSync(coreTypes, 'utf8').replace('<xsd:enumeration value="phoneCall"/>', '<xsd:enumeration value="partner"/><xsd:enumeration value="phoneCall"/>'));
}

let t: TestService;
beforeAll(async () => {
  writeTree();
  useSchemaTree(OFFICIAL, tree);
  t = await startTestService({ env: { NETSUITE_WSDL_DIR: tree } });
});
afterAll(async () => {
  await t.close();
  rmSync(tree, { recursive: true, force: true });
});

const partnerRequest = (version: string, operation: string, inner: string) =>
  `<soapenv:Envelope xmlns:soapenv="${SOAPENV}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:msg="urn:messages_${version}.platform.webservices.netsuite.com" ` +
  `xmlns:core="urn:core_${version}.platform.webservices.netsuite.com" xmlns:listRel="${relNs(version)}"><soapenv:Header>${accountHeader(undefined, version)}</soapenv:Header><soapenv:Body><msg:${operation}>${inner}</msg:${operation}></soapenv:Body></soapenv:Envelope>`;
const partner = '<msg:record xsi:type="listRel:Partner" externalId="p-1"><listRel:partnerCode>P1</listRel:partnerCode><listRel:companyName>Partners &amp; Co</listRel:companyName></msg:record>';

describe('NETSUITE_WSDL_DIR', () => {
  it('serves the tree for its version, with soap:address pointing here, and this project\'s files for the others', async () => {
    for (const url of [`/wsdl/v${OFFICIAL}_0/netsuite.wsdl`, `/services/NetSuitePort_${OFFICIAL}?wsdl`]) {
      const wsdl = await (await fetch(t.url + url)).text();
      expect(wsdl).toContain(MARK);
      expect(wsdl).toContain(`<soap:address location="${t.url}/services/NetSuitePort_${OFFICIAL}"/>`);
    }
    expect(await (await fetch(`${t.url}/xsd/lists/v${OFFICIAL}_0/relationships.xsd`)).text()).toContain('name="Partner"');
    expect(await (await fetch(`${t.url}/wsdl/v2023_2_0/netsuite.wsdl`)).text()).not.toContain(MARK);
    expect(await (await fetch(`${t.url}/xsd/lists/v2023_2_0/relationships.xsd`)).text()).not.toContain('name="Partner"');
  });

  it('accepts every record type the tree defines, and reads them back in its schema', async () => {
    const answer = await postSoap(t.url, OFFICIAL, partnerRequest(OFFICIAL, 'asyncAddList', partner));
    expect(answer.status).toBe(200);
    const { jobId } = answer.body.asyncAddListResponse.asyncStatusResult;
    const clock = t.clock as import('../../src/clock').ManualClock;
    for (let i = 0; i < 10; i++) {
      clock.advance(0.5);
      await t.service.worker.runDue();
    }
    const written = await getAsyncResult(t.url, jobId, 1, OFFICIAL);
    const { baseRef } = written.body.getAsyncResultResponse.asyncResult.writeResponseList.writeResponse;
    expect(baseRef['@type']).toBe('partner');

    const get = await postSoap(t.url, OFFICIAL, partnerRequest(OFFICIAL, 'asyncGetList', ref(`type="partner" internalId="${baseRef['@internalId']}"`)));
    const getJob = get.body.asyncGetListResponse.asyncStatusResult.jobId;
    for (let i = 0; i < 10; i++) {
      clock.advance(0.5);
      await t.service.worker.runDue();
    }
    const read = await getAsyncResult(t.url, getJob, 1, OFFICIAL);
    expect(read.text).toContain(`<platformMsgs:record xmlns:listRel="${relNs(OFFICIAL)}" xsi:type="listRel:Partner" internalId="${baseRef['@internalId']}" externalId="p-1"><listRel:partnerCode>P1</listRel:partnerCode>`);
  });

  it('keeps that type untyped, as sent, on versions whose schemas lack it', async () => {
    const answer = await postSoap(t.url, '2023_2', partnerRequest('2023_2', 'asyncAddList', partner.replace('p-1', 'p-2')));
    expect(answer.status).toBe(200);
    const clock = t.clock as import('../../src/clock').ManualClock;
    for (let i = 0; i < 10; i++) {
      clock.advance(0.5);
      await t.service.worker.runDue();
    }
    const row = await t.database.db('records').where({ external_id: 'p-2' }).first();
    expect(row.fields).toEqual({ '@xsi:type': `{${relNs('2023_2')}}Partner`, partnerCode: 'P1', companyName: 'Partners & Co' });
    const typed = await t.database.db('records').where({ external_id: 'p-1' }).first();
    expect(typed.fields).toEqual({ partnerCode: 'P1', companyName: 'Partners & Co' });
  });

  it('refuses to start on a folder that is not such a tree, saying what it needs', async () => {
    const database = await createTestDatabase();
    try {
      const config = loadConfig({ PORT: '0', NETSUITE_WSDL_DIR: os.tmpdir() });
      await expect(buildService(config, { db: database.db, schema: database.schema, logger: silentLogger, worker: false })).rejects.toThrow(
        /must hold exactly one wsdl\/v<version>_0\/netsuite\.wsdl/,
      );
    } finally {
      await database.close();
    }
  });
});
