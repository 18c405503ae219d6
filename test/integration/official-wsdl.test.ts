import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as soap from 'soap';
import type { ManualClock } from '../../src/lib/clock';
import { loadConfig } from '../../src/compose/config';
import type { Logger } from '../../src/lib/logger';
import { silentLogger } from '../../src/lib/logger';
import { buildService } from '../../src/compose/serve';
import { readOfficialTree } from '../../src/soap/official-tree';
import { testCredentials } from '../helpers/credentials';
import { createTestDatabase } from '../helpers/database';
import { netsuiteStyleFiles, STYLE_RECORD_TYPES, STYLE_SEARCH_TYPES, writeNetSuiteStyleTree, type StyleLayout } from '../helpers/netsuite-style-tree';
import { ref } from '../helpers/record-requests';
import { startTestService, type TestService } from '../helpers/service';
import { accountHeader, faultOf, getAsyncResult, postSoap, SOAPENV, TEST_ACCOUNT } from '../helpers/soap';
import { useSchemaTree } from '../helpers/xsd';
import { signedTokenPassport } from '../interop/node-soap-passport';

/**
 * NETSUITE_WSDL_DIR on NetSuite's files as NetSuite publishes them. The project ships none, so the
 * test writes a small tree in NetSuite's style (netsuite-style-tree.ts: default-namespace schema
 * tags, mixed prefixes, absolute https://webservices.netsuite.com imports), in both layouts, with
 * record types the built-in schemas lack (Partner, Campaign). Answers of that version are
 * validated against the same tree.
 */

const OFFICIAL = '2023_2';
const OTHER = '2022_2';
const ns = (version: string) => ({
  msgs: `urn:messages_${version}.platform.webservices.netsuite.com`,
  core: `urn:core_${version}.platform.webservices.netsuite.com`,
  common: `urn:common_${version}.platform.webservices.netsuite.com`,
  rel: `urn:relationships_${version}.lists.webservices.netsuite.com`,
  mkt: `urn:marketing_${version}.lists.webservices.netsuite.com`,
});
const NETSUITE_URL = /https?:\/\/[^\s"'<>]*netsuite\.com/i;

const scratch = mkdtempSync(path.join(os.tmpdir(), 'ase-official-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// Answers of the official version are checked against NetSuite's declarations, as the tree makes them.
const validation = path.join(scratch, 'validation');
writeNetSuiteStyleTree(validation, { version: OFFICIAL, layout: 'urls', imports: 'relative' });
useSchemaTree(OFFICIAL, validation);

const envelope = (version: string, operation: string, inner: string) =>
  `<soapenv:Envelope xmlns:soapenv="${SOAPENV}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:msg="${ns(version).msgs}" xmlns:core="${ns(version).core}" ` +
  `xmlns:common="${ns(version).common}" xmlns:listRel="${ns(version).rel}" xmlns:listMkt="${ns(version).mkt}">` +
  `<soapenv:Header>${accountHeader(undefined, version)}</soapenv:Header><soapenv:Body><msg:${operation}>${inner}</msg:${operation}></soapenv:Body></soapenv:Envelope>`;
const partner = (externalId: string, code: string) =>
  `<msg:record xsi:type="listRel:Partner" externalId="${externalId}"><listRel:partnerCode>${code}</listRel:partnerCode><listRel:companyName>Partners &amp; Co</listRel:companyName><listRel:entityId>${code}-entity</listRel:entityId></msg:record>`;

async function runJobs(t: TestService): Promise<void> {
  const clock = t.clock as ManualClock;
  for (let i = 0; i < 10; i++) {
    clock.advance(0.5);
    await t.service.worker.runDue();
  }
}

/** Submits on the official version, lets the worker finish, and returns page 1 of the result. */
async function submitAndRead(t: TestService, operation: string, inner: string, version = OFFICIAL) {
  const answer = await postSoap(t.url, version, envelope(version, operation, inner));
  expect(answer.status).toBe(200);
  const { jobId } = answer.body[`${operation}Response`].asyncStatusResult;
  await runJobs(t);
  const result = await getAsyncResult(t.url, jobId, 1, version);
  expect(result.status).toBe(200);
  return result;
}

/** Every document a client loads from the WSDL: each location followed, as zeep or wsimport would. */
async function crawl(start: string): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  const queue = [start];
  for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
    if (seen.has(url)) continue;
    const response = await fetch(url);
    expect({ url, status: response.status }).toEqual({ url, status: 200 });
    const text = await response.text();
    seen.set(url, text);
    for (const [, location] of text.matchAll(/schemaLocation="([^"]+)"/g)) queue.push(new URL(location, url).toString());
  }
  return seen;
}

const LAYOUTS: Array<[string, StyleLayout, 'absolute' | 'relative']> = [
  ['NetSuite URL layout, as published', 'urls', 'absolute'],
  ['saved folder, imports as published', 'saved', 'absolute'],
  ['saved folder, imports rewritten to relative paths, the WSDL under another name', 'saved', 'relative'],
];

describe.each(LAYOUTS)('NETSUITE_WSDL_DIR holding NetSuite-style files (%s)', (_name, layout, imports) => {
  const tree = path.join(scratch, `${layout}-${imports}`);
  const started: string[] = [];
  const logger: Logger = { info: (message) => started.push(message), error: () => undefined };
  let t: TestService;
  beforeAll(async () => {
    writeNetSuiteStyleTree(tree, { version: OFFICIAL, layout, imports });
    if (layout === 'saved' && imports === 'relative') renameSync(path.join(tree, 'netsuite.wsdl'), path.join(tree, `NetSuitePort_${OFFICIAL}.wsdl`));
    t = await startTestService({ env: { NETSUITE_WSDL_DIR: tree }, logger });
  });
  afterAll(() => t.close());

  it('says at start what it found: version, record types, search types, where', () => {
    expect(started).toContain(
      `NETSUITE_WSDL_DIR: NetSuite's WSDL ${OFFICIAL}, ${STYLE_RECORD_TYPES.length} record types, ${STYLE_SEARCH_TYPES.length} search types, ` +
        `from ${tree} (${layout === 'urls' ? 'NetSuite URL layout' : 'saved folder'})`,
    );
  });

  it('serves the WSDL and every XSD it reaches from here, with no NetSuite URL left, as written otherwise', async () => {
    for (const start of [`${t.url}/wsdl/v${OFFICIAL}_0/netsuite.wsdl`, `${t.url}/services/NetSuitePort_${OFFICIAL}?wsdl`]) {
      const documents = await crawl(start);
      expect(documents.size).toBe(netsuiteStyleFiles(OFFICIAL).length);
      for (const [url, text] of documents) {
        expect(url.startsWith(`${t.url}/`)).toBe(true);
        expect({ url, netsuite: NETSUITE_URL.exec(text)?.[0] }).toEqual({ url, netsuite: undefined });
      }
      const wsdl = documents.get(start)!;
      expect(wsdl).toContain(`<soap:address location="${t.url}/services/NetSuitePort_${OFFICIAL}"/>`);
      expect(wsdl).toContain(`<xsd:import namespace="${ns(OFFICIAL).rel}" schemaLocation="${t.url}/xsd/lists/v${OFFICIAL}_0/relationships.xsd"/>`);
    }
    // NetSuite's own spelling is kept: default-namespace tags, and its URL paths.
    const relationships = await (await fetch(`${t.url}/xsd/lists/v${OFFICIAL}_0/relationships.xsd`)).text();
    expect(relationships).toContain('<complexType name="Partner">');
    expect(relationships).toContain(`<import namespace="${ns(OFFICIAL).core}" schemaLocation="${t.url}/xsd/platform/v${OFFICIAL}_0/core.xsd"/>`);
    // Other versions keep this project's own files.
    expect(await (await fetch(`${t.url}/xsd/lists/v${OTHER}_0/relationships.xsd`)).text()).not.toContain('name="Partner"');
    expect((await fetch(`${t.url}/xsd/lists/v${OFFICIAL}_0/nothing.xsd`)).status).toBe(404);
  });

  it('takes asyncAddList of a record type the built-in schemas lack, and reads it back with asyncGetList in its schema order', async () => {
    const added = await submitAndRead(t, 'asyncAddList', partner(`p-${layout}-${imports}`, 'NS1'));
    const { writeResponse } = added.body.getAsyncResultResponse.asyncResult.writeResponseList;
    expect(writeResponse.status['@isSuccess']).toBe('true');
    expect(writeResponse.baseRef['@type']).toBe('partner');
    const internalId = writeResponse.baseRef['@internalId'];

    const read = await submitAndRead(t, 'asyncGetList', ref(`type="partner" internalId="${internalId}"`));
    // In the tree's order, with the record's own dateCreated where the tree declares it.
    const record =
      `<platformMsgs:record xmlns:listRel="${ns(OFFICIAL).rel}" xsi:type="listRel:Partner" internalId="${internalId}" externalId="p-${layout}-${imports}">` +
      '<listRel:entityId>NS1-entity</listRel:entityId><listRel:partnerCode>NS1</listRel:partnerCode><listRel:companyName>Partners &amp; Co</listRel:companyName>';
    expect(read.text).toMatch(new RegExp(`${record.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}<listRel:dateCreated>2026-01-15T[0-9:.]+Z</listRel:dateCreated></platformMsgs:record>`));
  });

  it('checks a field by its declared type, a restriction by its base: an xsd:int to 2^31 - 1, an xsd:byte to 127', async () => {
    const ranked = (externalId: string, count: string, tier: string) =>
      `<msg:record xsi:type="listRel:Partner" externalId="${externalId}"><listRel:referralCount>${count}</listRel:referralCount><listRel:tier>${tier}</listRel:tier></msg:record>`;
    const added = await submitAndRead(t, 'asyncAddList', ranked(`r-${layout}-${imports}`, '2147483647', '-128'));
    const internalId = added.body.getAsyncResultResponse.asyncResult.writeResponseList.writeResponse.baseRef['@internalId'];
    const read = await submitAndRead(t, 'asyncGetList', ref(`type="partner" internalId="${internalId}"`));
    expect(read.text).toContain('<listRel:referralCount>2147483647</listRel:referralCount><listRel:tier>-128</listRel:tier>');
    for (const [count, tier, message] of [
      ['2147483648', '1', 'referralCount is not a valid int (got "2147483648"): it must be an xsd:int, a whole number from -2147483648 to 2147483647.'],
      ['1', '128', 'tier is not a valid PartnerTier (got "128"): it must be an xsd:byte, a whole number from -128 to 127.'],
    ]) {
      const answer = await postSoap(t.url, OFFICIAL, envelope(OFFICIAL, 'asyncAddList', ranked(`bad-${layout}-${imports}`, count, tier)));
      expect(faultOf(answer)).toMatchObject({ faultcode: 'soapenv:Client', faultstring: expect.stringContaining(`record 1 (Partner): ${message}`) });
    }
  });

  it("answers asyncSearch with the tree's search types: a basic search, a record search holding one, and an advanced search's criteria", async () => {
    await submitAndRead(t, 'asyncAddList', partner(`s-${layout}-${imports}`, `FIND-${layout}-${imports}`));
    const code = `<common:partnerCode operator="is"><core:searchValue>FIND-${layout}-${imports}</core:searchValue></common:partnerCode>`;
    for (const searchRecord of [
      `<msg:searchRecord xsi:type="common:PartnerSearchBasic">${code}</msg:searchRecord>`,
      `<msg:searchRecord xsi:type="listRel:PartnerSearch"><listRel:basic>${code}</listRel:basic></msg:searchRecord>`,
    ]) {
      const found = await submitAndRead(t, 'asyncSearch', searchRecord);
      const { searchResult } = found.body.getAsyncResultResponse.asyncResult;
      expect(searchResult.totalRecords).toBe('1');
      expect(searchResult.recordList.record['@externalId']).toBe(`s-${layout}-${imports}`);
    }
    // The tree's PartnerSearchRow declares no parts: criteria answer records, a column part is a join it lacks.
    const advanced = await submitAndRead(
      t,
      'asyncSearch',
      `<msg:searchRecord xsi:type="listRel:PartnerSearchAdvanced"><listRel:criteria><listRel:basic>${code}</listRel:basic></listRel:criteria></msg:searchRecord>`,
    );
    expect(advanced.body.getAsyncResultResponse.asyncResult.searchResult.recordList.record['@externalId']).toBe(`s-${layout}-${imports}`);
    const columns = await submitAndRead(
      t,
      'asyncSearch',
      '<msg:searchRecord xsi:type="listRel:PartnerSearchAdvanced"><listRel:columns><listRel:basic/></listRel:columns></msg:searchRecord>',
    );
    const { statusDetail } = columns.body.getAsyncResultResponse.asyncResult.searchResult.status;
    expect(statusDetail.code).toBe('INVALID_SEARCH_JOIN_ID');
    expect(statusDetail.message).toContain('PartnerSearchRow has no basic');
  });

  it('serves a client generated from the served WSDL: node-soap submits a Campaign, polls, and reads the result', async () => {
    const client = await soap.createClientAsync(`${t.url}/wsdl/v${OFFICIAL}_0/netsuite.wsdl`);
    client.addSoapHeader(() => signedTokenPassport({ credentials: testCredentials(TEST_ACCOUNT), algorithm: 'HMAC-SHA256' }, ns(OFFICIAL).core), '', '', '');
    const campaign = {
      attributes: { xsi_type: { type: 'Campaign', xmlns: ns(OFFICIAL).mkt }, externalId: `c-${layout}-${imports}` },
      campaignId: 'SPRING',
      title: 'Spring',
      expectedRevenue: 1250.5,
    };
    const [submitted] = await client.asyncAddListAsync({ record: [campaign] });
    expect(submitted.asyncStatusResult).toMatchObject({ status: 'pending', percentCompleted: 0 });
    const { jobId } = submitted.asyncStatusResult;
    await runJobs(t);
    const [status] = await client.checkAsyncStatusAsync({ jobId });
    expect(status.asyncStatusResult).toMatchObject({ jobId, status: 'finished', percentCompleted: 100 });
    const [result] = await client.getAsyncResultAsync({ jobId, pageIndex: 1 });
    const [written] = result.asyncResult.writeResponseList.writeResponse;
    expect(written.status.attributes.isSuccess).toBe('true');
    expect(written.baseRef.attributes).toMatchObject({ type: 'campaign', externalId: `c-${layout}-${imports}` });

    const [get] = await client.asyncGetListAsync({
      baseRef: [{ attributes: { xsi_type: { type: 'RecordRef', xmlns: ns(OFFICIAL).core }, type: 'campaign', internalId: written.baseRef.attributes.internalId } }],
    });
    await runJobs(t);
    const [read] = await client.getAsyncResultAsync({ jobId: get.asyncStatusResult.jobId, pageIndex: 1 });
    expect(read.asyncResult.readResponseList.readResponse[0].record).toMatchObject({ campaignId: 'SPRING', title: 'Spring', expectedRevenue: 1250.5 });
  });

  it('keeps a record type its tree adds untyped, as sent, on versions whose schemas lack it', async () => {
    const answer = await postSoap(t.url, OTHER, envelope(OTHER, 'asyncAddList', partner(`o-${layout}-${imports}`, 'OTHER')));
    expect(answer.status).toBe(200);
    await runJobs(t);
    const row = await t.database
      .db('records')
      .where({ external_id: `o-${layout}-${imports}` })
      .first();
    expect(row.fields).toEqual({ '@xsi:type': `{${ns(OTHER).rel}}Partner`, partnerCode: 'OTHER', companyName: 'Partners & Co', entityId: 'OTHER-entity' });
  });
});

describe('NETSUITE_WSDL_DIR that is not such a tree', () => {
  const bad = (name: string) => {
    const dir = path.join(scratch, 'bad', name);
    writeNetSuiteStyleTree(dir, { version: OFFICIAL });
    return dir;
  };

  it('refuses to start, saying what the folder must hold', async () => {
    const database = await createTestDatabase();
    const empty = path.join(scratch, 'empty');
    mkdirSync(empty, { recursive: true });
    try {
      const config = loadConfig({ PORT: '0', NETSUITE_WSDL_DIR: empty });
      await expect(buildService(config, { database: database.handle, logger: silentLogger, worker: false })).rejects.toThrow(
        /holds no netsuite\.wsdl: give it NetSuite's files for one version, laid out as NetSuite's URLs are \(wsdl\/v<version>_0\/netsuite\.wsdl/,
      );
    } finally {
      await database.close();
    }
  });

  it('names a version this server does not serve', () => {
    const dir = path.join(scratch, 'bad', 'old');
    writeNetSuiteStyleTree(dir, { version: '2016_2' });
    expect(() => readOfficialTree(dir)).toThrow(`NETSUITE_WSDL_DIR=${dir} holds NetSuite's WSDL for version 2016_2; this server serves 2017_1 to 2025_2.`);
  });

  it('names the documents its WSDL imports that the tree lacks', () => {
    const dir = bad('no-core');
    rmSync(path.join(dir, 'xsd', 'platform', `v${OFFICIAL}_0`, 'core.xsd'));
    expect(() => readOfficialTree(dir)).toThrow(
      `NETSUITE_WSDL_DIR=${dir} lacks documents its WSDL needs: wsdl/v${OFFICIAL}_0/netsuite.wsdl imports https://webservices.netsuite.com/xsd/platform/v${OFFICIAL}_0/core.xsd`,
    );
  });

  it('reads nothing outside the folder: a relative import leading out of it counts as missing', () => {
    const dir = bad('escape');
    const common = path.join(dir, 'xsd', 'platform', `v${OFFICIAL}_0`, 'common.xsd');
    writeFileSync(path.join(scratch, 'bad', 'outside.xsd'), `<schema xmlns="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:outside"/>`);
    writeFileSync(common, readFileSync(common, 'utf8').replace('<import ', '<import namespace="urn:outside" schemaLocation="../../../../outside.xsd"/><import '));
    expect(() => readOfficialTree(dir)).toThrow(`lacks documents its WSDL needs: xsd/platform/v${OFFICIAL}_0/common.xsd imports ../../../../outside.xsd.`);
  });

  it('names the document and the location whose %-escapes are malformed, and a WSDL that imports another WSDL', () => {
    const dir = bad('malformed');
    const common = path.join(dir, 'xsd', 'platform', `v${OFFICIAL}_0`, 'common.xsd');
    const original = readFileSync(common, 'utf8');
    for (const location of ['../broken%E0%A4.xsd', 'https://webservices.netsuite.com/xsd/platform/broken%zz.xsd']) {
      writeFileSync(common, original.replace('<import ', `<import namespace="urn:broken" schemaLocation="${location}"/><import `));
      expect(() => readOfficialTree(dir)).toThrow(`xsd/platform/v${OFFICIAL}_0/common.xsd names the location ${location}, whose %-escapes are malformed.`);
    }
    writeFileSync(common, original);
    const wsdl = path.join(dir, 'wsdl', `v${OFFICIAL}_0`, 'netsuite.wsdl');
    writeFileSync(path.join(dir, 'wsdl', `v${OFFICIAL}_0`, 'other.wsdl'), readFileSync(wsdl, 'utf8'));
    writeFileSync(wsdl, readFileSync(wsdl, 'utf8').replace('<types>', '<import namespace="urn:other" location="other.wsdl"/><types>'));
    expect(() => readOfficialTree(dir)).toThrow(
      `other.wsdl, imported by wsdl/v${OFFICIAL}_0/netsuite.wsdl, is another WSDL: the tree's one WSDL must import XML schemas only, as NetSuite's does.`,
    );
  });

  it('names the platform schemas a WSDL that does not reach them lacks', () => {
    const dir = bad('no-messages');
    const wsdl = path.join(dir, 'wsdl', `v${OFFICIAL}_0`, 'netsuite.wsdl');
    const text = netsuiteStyleFiles(OFFICIAL).find((file) => file.urlPath.endsWith('.wsdl'))!.text;
    writeFileSync(wsdl, text.replace(/\s*<xsd:import namespace="urn:messages_[^>]*\/>/, ''));
    expect(() => readOfficialTree(dir)).toThrow(`lacks the schema of ${ns(OFFICIAL).msgs} (NetSuite's xsd/platform/v${OFFICIAL}_0/messages.xsd)`);
  });
});
