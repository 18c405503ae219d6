import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TEMPLATE_DIR } from '../src/records/wsdl-templates';
import {
  elementType,
  localOf,
  prefixOf,
  readNetSuiteFacts,
  type FactChild,
  type FactComplexType,
  type FactName,
  type FactOperation,
  type FactSimpleType,
  type NetSuiteFacts,
} from './netsuite-facts';
import { allFacts, DOCUMENT_INFO, GOVERNANCE_OPERATIONS, PASSPORT_HEADER, PASSPORT_OPERATIONS } from './version-facts';

/**
 * Writes wsdl/ (the templates src/soap/wsdl-catalog.ts serves for every version) from the facts in
 * ../shared/netsuite-schema: the operations this service answers, the ten record types, the
 * search basics it answers, and every type and element they reach, each declared as the facts
 * state it. Version differences become <!--IF feature--> blocks. Run: npm run schemas.
 */

/** The operations the SOAP face answers (src/soap/operations.ts, session-operations.ts). */
export const SERVED_OPERATIONS = [
  'checkAsyncStatus',
  'getAsyncResult',
  'asyncAddList',
  'asyncUpdateList',
  'asyncUpsertList',
  'asyncDeleteList',
  'asyncGetList',
  'asyncInitializeList',
  'asyncSearch',
  'search',
  'searchMoreWithId',
  'getSavedSearch',
  'add',
  'addList',
  'update',
  'updateList',
  'upsert',
  'upsertList',
  'delete',
  'deleteList',
  'get',
  'getList',
  'initialize',
  'initializeList',
  'getDeleted',
  ...PASSPORT_OPERATIONS,
  'getDataCenterUrls',
  'getServerTime',
  ...GOVERNANCE_OPERATIONS,
];

/** The record types the built-in WSDL serves (records.md), and the search basics asyncSearch answers. */
export const RECORD_TYPES = [
  'listRel:Customer',
  'listRel:Contact',
  'listRel:Vendor',
  'listEmp:Employee',
  'listAcct:InventoryItem',
  'tranSales:SalesOrder',
  'tranSales:Invoice',
  'tranSales:Estimate',
  'tranSales:CashSale',
  'tranPurch:PurchaseOrder',
];
export const SEARCH_TYPES = [
  'platformCommon:CustomerSearchBasic',
  'platformCommon:ContactSearchBasic',
  'platformCommon:VendorSearchBasic',
  'platformCommon:EmployeeSearchBasic',
  'platformCommon:ItemSearchBasic',
  'platformCommon:TransactionSearchBasic',
  'listRel:CustomerSearch',
  'listRel:ContactSearch',
  'listRel:VendorSearch',
  'listEmp:EmployeeSearch',
  'listAcct:ItemSearch',
  'tranSales:TransactionSearch',
  'listRel:CustomerSearchAdvanced',
  'listRel:ContactSearchAdvanced',
  'listRel:VendorSearchAdvanced',
  'listEmp:EmployeeSearchAdvanced',
  'listAcct:ItemSearchAdvanced',
  'tranSales:TransactionSearchAdvanced',
];
/** Stand-ins for abstract types the facts reach: the seven asyncResult types, typed custom field values, and custom field criteria and columns. */
const SUBTYPES = [
  'AsyncAddListResult',
  'AsyncUpdateListResult',
  'AsyncUpsertListResult',
  'AsyncDeleteListResult',
  'AsyncGetListResult',
  'AsyncInitializeListResult',
  'AsyncSearchResult',
]
  .map((name) => `platformMsgs:${name}`)
  .concat(['String', 'Boolean', 'Long', 'Double', 'Date'].map((kind) => `platformCore:${kind}CustomFieldRef`))
  .concat(['String', 'Boolean', 'Long', 'Double', 'Date', 'MultiSelect', 'EnumMultiSelect'].map((kind) => `platformCore:Search${kind}CustomField`))
  .concat(['String', 'Boolean', 'Long', 'Double', 'Date', 'Select', 'MultiSelect'].map((kind) => `platformCore:SearchColumn${kind}CustomField`));

/** What is served besides the operations' messages; with them, the roots of every declaration written. */
export const SERVED_ROOTS = [...RECORD_TYPES, ...SEARCH_TYPES, ...SUBTYPES];

/** Where each namespace's schema lives under wsdl/ (and so under /xsd/<area>/vV_0/). */
export const SCHEMA_FILES: Record<string, string> = {
  platformCore: 'platform/core.xsd',
  platformCoreTyp: 'platform/coreTypes.xsd',
  platformMsgs: 'platform/messages.xsd',
  platformFaults: 'platform/faults.xsd',
  platformFaultTyp: 'platform/faultTypes.xsd',
  platformCommon: 'platform/common.xsd',
  platformCommonTyp: 'platform/commonTypes.xsd',
  listRel: 'lists/relationships.xsd',
  listRelTyp: 'lists/relationshipTypes.xsd',
  listEmp: 'lists/employees.xsd',
  listEmpTyp: 'lists/employeeTypes.xsd',
  listAcct: 'lists/accounting.xsd',
  listAcctTyp: 'lists/accountingTypes.xsd',
  tranSales: 'transactions/sales.xsd',
  tranSalesTyp: 'transactions/saleTypes.xsd',
  tranPurch: 'transactions/purchases.xsd',
  tranPurchTyp: 'transactions/purchaseTypes.xsd',
};

type Feature = 'passport' | 'governance';
const XSD_NS = 'http://www.w3.org/2001/XMLSchema';

/** Every declaration reached from some roots: types, simple types, elements. */
class Reach {
  readonly types = new Set<FactName>();
  readonly simpleTypes = new Set<FactName>();
  readonly elements = new Set<FactName>();

  constructor(private readonly facts: NetSuiteFacts) {}

  operation(operation: FactOperation): void {
    for (const element of [operation.input.element, operation.output.element, ...operation.faults, ...operation.headers]) this.element(element);
  }

  element(name: FactName): void {
    if (this.elements.has(name)) return;
    this.elements.add(name);
    const type = elementType(this.facts, name);
    if (!type) throw new Error(`the facts give no type for element ${name}`);
    this.type(type);
  }

  type(name: FactName): void {
    if (prefixOf(name) === 'xsd' || this.types.has(name) || this.simpleTypes.has(name)) return;
    const simple = this.facts.simpleTypes.get(name);
    if (simple) {
      this.simpleTypes.add(name);
      return;
    }
    const complex = this.facts.complexTypes.get(name);
    if (!complex) throw new Error(`the facts do not declare ${name}`);
    this.types.add(name);
    if (complex.base) this.type(complex.base);
    for (const child of complex.children) {
      if (child.ref) this.element(child.ref);
      else this.type(child.type!);
    }
    for (const attribute of complex.attributes) this.type(attribute.type);
  }

  has(name: FactName): boolean {
    return this.types.has(name) || this.simpleTypes.has(name) || this.elements.has(name);
  }
}

export function generateSchemas(facts: NetSuiteFacts): Map<string, string> {
  const all = allFacts(facts);
  const always = new Reach(all);
  const operations = SERVED_OPERATIONS.map((name) => all.operations.get(name) ?? missing(`operation ${name}`));
  for (const operation of operations) if (!PASSPORT_OPERATIONS.includes(operation.name) && !GOVERNANCE_OPERATIONS.includes(operation.name)) always.operation(operation);
  for (const type of SERVED_ROOTS) always.type(type);
  always.element(DOCUMENT_INFO);
  const featured: Record<Feature, Reach> = { passport: new Reach(all), governance: new Reach(all) };
  for (const operation of operations) {
    if (PASSPORT_OPERATIONS.includes(operation.name)) featured.passport.operation(operation);
    if (GOVERNANCE_OPERATIONS.includes(operation.name)) featured.governance.operation(operation);
  }
  featured.passport.element(PASSPORT_HEADER);
  /** The feature a declaration needs, or undefined when every version has it. */
  const featureOf = (name: FactName): Feature | undefined => {
    if (always.has(name)) return undefined;
    if (featured.passport.has(name)) return 'passport';
    if (featured.governance.has(name)) return 'governance';
    return missing(`a feature for ${name}`);
  };

  const files = new Map<string, string>();
  for (const [prefix, file] of Object.entries(SCHEMA_FILES)) {
    const declarations: string[] = [];
    const used = new Set<string>([prefix]);
    const use = (name: FactName) => {
      used.add(prefixOf(name));
      return name;
    };
    const wrap = (name: FactName, text: string) => {
      const feature = featureOf(name);
      return feature ? `  <!--IF ${feature}-->\n${text}\n  <!--END ${feature}-->` : text;
    };
    const inFile = (name: FactName) => prefixOf(name) === prefix;
    for (const type of all.complexTypes.values()) {
      if (inFile(type.name) && (always.has(type.name) || featured.passport.has(type.name) || featured.governance.has(type.name)))
        declarations.push(wrap(type.name, complexTypeXml(type, use)));
    }
    for (const type of all.simpleTypes.values()) {
      if (inFile(type.name) && (always.has(type.name) || featured.passport.has(type.name) || featured.governance.has(type.name)))
        declarations.push(wrap(type.name, simpleTypeXml(type, use)));
    }
    const elements = [...new Set([...always.elements, ...featured.passport.elements, ...featured.governance.elements])].filter(inFile).sort();
    for (const element of elements) declarations.push(wrap(element, `  <xsd:element name="${localOf(element)}" type="${use(elementType(all, element)!)}"/>`));
    if (declarations.length === 0) continue;
    used.delete('xsd');
    const ns = (p: string) => all.namespaces.get(p)!.replace('_V.', '_{{V}}.');
    const imports = [...used]
      .filter((p) => p !== prefix)
      .sort()
      .map((p) => `  <xsd:import namespace="${ns(p)}" schemaLocation="${relativeLocation(file, SCHEMA_FILES[p] ?? missing(`a file for ${p}`))}"/>`);
    const declared = [`xmlns:xsd="${XSD_NS}"`, ...[...used].sort().map((p) => `xmlns:${p}="${ns(p)}"`)];
    files.set(
      file,
      `<?xml version="1.0" encoding="UTF-8"?>\n` +
        `<!-- Written by npm run schemas from ../shared/netsuite-schema (NetSuite's schema as facts); edit the generator, not this file. -->\n` +
        `<xsd:schema ${declared.join('\n            ')}\n            targetNamespace="${ns(prefix)}"\n            elementFormDefault="qualified">\n` +
        [...imports, ...declarations].join('\n') +
        `\n</xsd:schema>\n`,
    );
  }
  files.set('platform/core.xsd', withStatusDetailVersions(files.get('platform/core.xsd')!));
  files.set('netsuite.wsdl', wsdlXml(all, operations, [...files.keys()]));
  return files;
}

function missing(what: string): never {
  throw new Error(`generate-schemas: no ${what} in the facts`);
}

const V_SUFFIX = 'v{{V}}_0';

/** From wsdl/<area>/<file> to another, as served under /xsd/<area>/vV_0/. */
function relativeLocation(from: string, to: string): string {
  const [fromArea] = from.split('/');
  const [toArea, toFile] = to.split('/');
  return fromArea === toArea ? toFile : `../../${toArea}/${V_SUFFIX}/${toFile}`;
}

function occurs(child: FactChild): string {
  return (child.minOccurs === 0 ? ' minOccurs="0"' : '') + (child.maxOccurs === 'unbounded' ? ' maxOccurs="unbounded"' : '') + (child.nillable ? ' nillable="true"' : '');
}

function complexTypeXml(type: FactComplexType, use: (name: FactName) => FactName): string {
  const children = type.children.map((child) =>
    child.ref ? `<xsd:element ref="${use(child.ref)}"${occurs(child)}/>` : `<xsd:element name="${child.name}" type="${use(child.type!)}"${occurs(child)}/>`,
  );
  const attributes = type.attributes.map(
    (attribute) =>
      `<xsd:attribute name="${attribute.name}" type="${use(attribute.type)}"${attribute.required ? ' use="required"' : ''}${attribute.default !== undefined ? ` default="${attribute.default}"` : ''}/>`,
  );
  const indent = (lines: string[], depth: number) => lines.map((line) => `${' '.repeat(depth)}${line}`);
  const sequence = (depth: number) => (children.length > 0 ? [`${' '.repeat(depth)}<xsd:sequence>`, ...indent(children, depth + 2), `${' '.repeat(depth)}</xsd:sequence>`] : []);
  const open = `  <xsd:complexType name="${localOf(type.name)}"${type.abstract ? ' abstract="true"' : ''}`;
  if (type.base) {
    const content = prefixOf(type.base) === 'xsd' ? 'simpleContent' : 'complexContent';
    return [
      `${open}>`,
      `    <xsd:${content}>`,
      `      <xsd:extension base="${use(type.base)}">`,
      ...sequence(8),
      ...indent(attributes, 8),
      `      </xsd:extension>`,
      `    </xsd:${content}>`,
      `  </xsd:complexType>`,
    ].join('\n');
  }
  if (children.length === 0 && attributes.length === 0) return `${open}>\n    <xsd:sequence/>\n  </xsd:complexType>`;
  return [`${open}>`, ...sequence(4), ...indent(attributes, 4), `  </xsd:complexType>`].join('\n');
}

/** Version differences inside one declaration: retry from 2018_2, afterSubmitFailed from 2018_1. */
function simpleTypeXml(type: FactSimpleType, use: (name: FactName) => FactName): string {
  const values = type.values.map((value) => {
    const line = `      <xsd:enumeration value="${escapeAttribute(value)}"/>`;
    return type.name === 'platformCoreTyp:AsyncStatusType' && value === 'retry' ? `      <!--IF retryStatus-->${line.trim()}<!--END retryStatus-->` : line;
  });
  return [`  <xsd:simpleType name="${localOf(type.name)}">`, `    <xsd:restriction base="${use(type.base)}">`, ...values, `    </xsd:restriction>`, `  </xsd:simpleType>`].join(
    '\n',
  );
}

const escapeAttribute = (value: string) => value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');

/** StatusDetail before 2018_1: code required, no afterSubmitFailed. */
function withStatusDetailVersions(xsd: string): string {
  const newer =
    /( *)<xsd:element name="code" type="platformFaultTyp:StatusDetailCodeType" minOccurs="0"\/>\n( *<xsd:element name="message" type="xsd:string" minOccurs="0"\/>)\n( *<xsd:element name="afterSubmitFailed" type="xsd:boolean" minOccurs="0"\/>)/;
  const match = newer.exec(xsd);
  if (!match) throw new Error('generate-schemas: StatusDetail is not as expected');
  const [all, indent, message, after] = match;
  return xsd.replace(
    all,
    `${indent}<!--IF afterSubmitFailed-->\n${indent}<xsd:element name="code" type="platformFaultTyp:StatusDetailCodeType" minOccurs="0"/>\n${message}\n${after}\n${indent}<!--END afterSubmitFailed-->\n` +
      `${indent}<!--IFNOT afterSubmitFailed-->\n${indent}<xsd:element name="code" type="platformFaultTyp:StatusDetailCodeType"/>\n${message}\n${indent}<!--END afterSubmitFailed-->`,
  );
}

const capital = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

function wsdlXml(facts: NetSuiteFacts, operations: FactOperation[], written: string[]): string {
  const ns = (p: string) => facts.namespaces.get(p)!.replace('_V.', '_{{V}}.');
  const imports = Object.entries(SCHEMA_FILES)
    .filter(([prefix, file]) => !prefix.endsWith('Typ') && written.includes(file))
    .map(([prefix, file]) => `      <xsd:import namespace="${ns(prefix)}" schemaLocation="../../xsd/${path.dirname(file)}/${V_SUFFIX}/${path.basename(file)}"/>`);
  const featureOf = (operation: string) => (PASSPORT_OPERATIONS.includes(operation) ? 'passport' : GOVERNANCE_OPERATIONS.includes(operation) ? 'governance' : undefined);
  const wrap = (feature: string | undefined, text: string) => (feature ? `  <!--IF ${feature}-->\n${text}\n  <!--END ${feature}-->` : text);
  const headers = [PASSPORT_HEADER, ...new Set(operations.flatMap((operation) => operation.headers)), DOCUMENT_INFO];
  const headerMessage = (element: FactName) => `${localOf(element)}Header`;
  const faults = [...new Set(operations.flatMap((operation) => operation.faults))];
  const faultName = (element: FactName) => capital(localOf(element));
  /** A fault only some versions' operations declare is a message of those versions only (login's invalidAccountFault). */
  const faultFeature = (element: FactName) => {
    const features = new Set(operations.filter((operation) => operation.faults.includes(element)).map((operation) => featureOf(operation.name)));
    return features.has(undefined) || features.size !== 1 ? undefined : [...features][0];
  };
  const lines: string[] = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<!-- Written by npm run schemas from ../shared/netsuite-schema (NetSuite's schema as facts); edit the generator, not this file. -->`,
    `<definitions xmlns="http://schemas.xmlsoap.org/wsdl/"`,
    `             xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"`,
    `             xmlns:xsd="${XSD_NS}"`,
    `             xmlns:tns="urn:platform_{{V}}.webservices.netsuite.com"`,
    `             xmlns:platformMsgs="${ns('platformMsgs')}"`,
    `             xmlns:platformFaults="${ns('platformFaults')}"`,
    `             targetNamespace="urn:platform_{{V}}.webservices.netsuite.com">`,
    `  <types>`,
    `    <xsd:schema elementFormDefault="qualified" targetNamespace="urn:platform_{{V}}.webservices.netsuite.com">`,
    ...imports,
    `    </xsd:schema>`,
    `  </types>`,
    ...headers.map((element) =>
      wrap(element === PASSPORT_HEADER ? 'passport' : undefined, `  <message name="${headerMessage(element)}"><part name="${localOf(element)}" element="${element}"/></message>`),
    ),
    ...faults.map((element) => wrap(faultFeature(element), `  <message name="${faultName(element)}"><part name="${localOf(element)}" element="${element}"/></message>`)),
    ...operations.map((operation) =>
      wrap(
        featureOf(operation.name),
        `  <message name="${operation.name}Request"><part name="parameters" element="${operation.input.element}"/></message>\n` +
          `  <message name="${operation.name}Response"><part name="parameters" element="${operation.output.element}"/></message>`,
      ),
    ),
    `  <portType name="NetSuitePortType">`,
    ...operations.map((operation) =>
      wrap(
        featureOf(operation.name),
        [
          `    <operation name="${operation.name}">`,
          `      <input message="tns:${operation.name}Request"/>`,
          `      <output message="tns:${operation.name}Response"/>`,
          ...operation.faults.map((element) => `      <fault name="${faultName(element)}" message="tns:${faultName(element)}"/>`),
          `    </operation>`,
        ].join('\n'),
      ),
    ),
    `  </portType>`,
    `  <binding name="NetSuiteBinding" type="tns:NetSuitePortType">`,
    `    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>`,
    ...operations.map((operation) => {
      const header = (element: FactName) => `<soap:header message="tns:${headerMessage(element)}" part="${localOf(element)}" use="literal"/>`;
      // Governance operations (from 2020_2) never meet passport (up to 2020_1); render does not nest blocks.
      const passport = featureOf(operation.name) ? [] : [`        <!--IF passport-->${header(PASSPORT_HEADER)}<!--END passport-->`];
      return wrap(
        featureOf(operation.name),
        [
          `    <operation name="${operation.name}">`,
          `      <soap:operation soapAction="${operation.name}" style="document"/>`,
          `      <input>`,
          ...passport,
          ...operation.headers.map((element) => `        ${header(element)}`),
          `        <soap:body use="literal"/>`,
          `      </input>`,
          `      <output>`,
          `        ${header(DOCUMENT_INFO)}`,
          `        <soap:body use="literal"/>`,
          `      </output>`,
          ...operation.faults.map((element) => `      <fault name="${faultName(element)}"><soap:fault name="${faultName(element)}" use="literal"/></fault>`),
          `    </operation>`,
        ].join('\n'),
      );
    }),
    `  </binding>`,
    `  <service name="NetSuiteService">`,
    `    <port name="NetSuitePort" binding="tns:NetSuiteBinding">`,
    `      <soap:address location="{{ENDPOINT}}"/>`,
    `    </port>`,
    `  </service>`,
    `</definitions>`,
  ];
  return lines.join('\n') + '\n';
}

/** Replaces wsdl/ with what the facts say: nothing else stays in it. */
export function writeSchemas(facts: NetSuiteFacts, dir: string = TEMPLATE_DIR): string[] {
  const files = generateSchemas(facts);
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(dir)) rmSync(path.join(dir, entry), { recursive: true });
  for (const [file, text] of files) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return [...files.keys()];
}

if (require.main === module) {
  const written = writeSchemas(readNetSuiteFacts(process.argv[2]));
  console.log(`wrote ${written.length} files under ${path.relative(process.cwd(), TEMPLATE_DIR) || '.'}: ${written.join(', ')}`);
}
