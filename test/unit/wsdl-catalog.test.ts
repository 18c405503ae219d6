import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { STATUS_DETAIL_CODES } from '../../src/jobs/status-codes';
import { RecordCatalog } from '../../src/records/record-catalog';
import { featuresOf, VERSIONS } from '../../src/records/versions';
import { WsdlCatalog } from '../../src/soap/wsdl-catalog';
import { TEMPLATE_DIR } from '../../src/records/wsdl-templates';

const catalog = new WsdlCatalog();
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });

function enumeration(file: string, typeName: string): string[] {
  const xml = readFileSync(path.join(TEMPLATE_DIR, file), 'utf8');
  const block = new RegExp(`<xsd:simpleType name="${typeName}">([\\s\\S]*?)</xsd:simpleType>`).exec(xml)![1];
  return [...block.matchAll(/value="([^"]+)"/g)].map((match) => match[1]);
}

describe('WsdlCatalog', () => {
  it('serves 2017_1 to 2025_2, two versions a year', () => {
    expect(VERSIONS[0]).toBe('2017_1');
    expect(VERSIONS.at(-1)).toBe('2025_2');
    expect(VERSIONS).toHaveLength(18);
  });

  it('fills the version into every namespace and points soap:address at the caller', () => {
    const wsdl = catalog.document('/wsdl/v2023_2_0/netsuite.wsdl', 'http://emulator:9000')!;
    expect(wsdl).toContain('targetNamespace="urn:platform_2023_2.webservices.netsuite.com"');
    expect(wsdl).toContain('<soap:address location="http://emulator:9000/services/NetSuitePort_2023_2"/>');
    expect(wsdl).not.toMatch(/\{\{|_2017_1|IF /);
    const parsed = parser.parse(wsdl).definitions;
    expect(parsed.binding.name).toBe('NetSuiteBinding');
    expect(parsed.service.name).toBe('NetSuiteService');
    expect(parsed.service.port.name).toBe('NetSuitePort');
    for (const operation of parsed.binding.operation) {
      expect(operation['soap:operation'].soapAction).toBe(operation.name);
    }
  });

  it('keeps passport up to 2020_1, retry from 2018_2, afterSubmitFailed from 2018_1, governance from 2020_2', () => {
    expect(featuresOf('2020_1')).toEqual({ passport: true, retryStatus: true, afterSubmitFailed: true, governance: false });
    expect(featuresOf('2020_2')).toEqual({ passport: false, retryStatus: true, afterSubmitFailed: true, governance: true });
    expect(featuresOf('2017_2')).toEqual({ passport: true, retryStatus: false, afterSubmitFailed: false, governance: false });
    expect(catalog.document('/wsdl/v2020_1_0/netsuite.wsdl', 'http://h')).toContain('passportHeader');
    expect(catalog.document('/wsdl/v2020_2_0/netsuite.wsdl', 'http://h')).not.toContain('passport"');
    expect(catalog.document('/xsd/platform/v2018_1_0/coreTypes.xsd', 'http://h')).not.toContain('"retry"');
    expect(catalog.document('/xsd/platform/v2018_2_0/coreTypes.xsd', 'http://h')).toContain('"retry"');
    expect(catalog.document('/xsd/platform/v2017_2_0/core.xsd', 'http://h')).not.toContain('afterSubmitFailed');
  });

  it('answers nothing for unknown versions and files', () => {
    expect(catalog.document('/wsdl/v2016_2_0/netsuite.wsdl', 'http://h')).toBeUndefined();
    expect(catalog.document('/xsd/platform/v2019_1_0/nothing.xsd', 'http://h')).toBeUndefined();
    expect(catalog.document('/xsd/platform/v2019_1_0/../core.xsd', 'http://h')).toBeUndefined();
  });

  it("declares every status code the code knows (among NetSuite's), and every record type with a schema is a RecordType", () => {
    expect(enumeration('platform/faultTypes.xsd', 'StatusDetailCodeType')).toEqual(expect.arrayContaining([...STATUS_DETAIL_CODES]));
    const records = new RecordCatalog();
    expect(records.recordTypeValues()).toEqual(enumeration('platform/coreTypes.xsd', 'RecordType'));
    for (const recordType of records.recordTypes()) expect(records.isRecordType(recordType)).toBe(true);
  });
});

describe('RecordCatalog', () => {
  const records = new RecordCatalog();

  it('reads record types and their fields in schema order from the record XSDs', () => {
    expect(records.recordTypes()).toEqual(['cashSale', 'contact', 'customer', 'employee', 'estimate', 'inventoryItem', 'invoice', 'purchaseOrder', 'salesOrder', 'vendor']);
    const customer = records.get('customer')!;
    expect(customer).toMatchObject({ typeName: 'Customer', prefix: 'listRel', namespaceTemplate: 'urn:relationships_{{V}}.lists.webservices.netsuite.com' });
    expect(customer.fields.slice(0, 3).map((field) => field.name)).toEqual(['customForm', 'entityId', 'altName']);
    const preference = customer.fields.find((field) => field.name === 'emailPreference')!;
    expect(records.kindOf(preference.type)).toBe('enum');
    expect(records.enumValues(preference.type)).toEqual(['_default', '_hTML', '_pDF']);
    const addresses = customer.fields.find((field) => field.name === 'addressbookList')!;
    expect(records.kindOf(addresses.type)).toBe('complex');
    const [addressbook] = records.schemas.allElements(addresses.type);
    expect(addressbook).toMatchObject({ name: 'addressbook', repeated: true });
    expect(records.schemas.allElements(addressbook.type).map((field) => field.name)).toContain('addressbookAddress');
  });

  it('checks field values and names the offending field', () => {
    expect(records.validateFields('customer', { companyName: 'Acme', balance: 12.5, dateCreated: '2026-01-02T03:04:05Z' }, 'f')).toEqual({
      companyName: 'Acme',
      balance: 12.5,
      dateCreated: '2026-01-02T03:04:05.000Z',
    });
    expect(() => records.validateFields('customer', { nickname: 'x' }, 'items[0].fields')).toThrow(/items\[0\]\.fields\.nickname/);
    expect(() => records.validateFields('customer', { isInactive: 'yes' }, 'f')).toThrow(/f\.isInactive.*true or false/);
    expect(() => records.validateFields('task', {}, 'f')).toThrow(/no schema/);
  });
});
