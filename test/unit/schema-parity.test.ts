import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { elementType, readNetSuiteFacts, type FactAttribute, type FactChild, type FactComplexType, type FactName, type NetSuiteFacts } from '../../tools/netsuite-facts';
import { RECORD_TYPES, SERVED_OPERATIONS, SERVED_ROOTS, writeSchemas } from '../../tools/generate-schemas';
import { DOCUMENT_INFO, factsForVersion, ownDeclarations, PASSPORT_HEADER } from '../../tools/version-facts';
import { FAULT_ELEMENTS } from '../../src/faults/fault-rule';
import { featuresOf, VERSIONS } from '../../src/records/versions';
import { endpointPath, WsdlCatalog, wsdlPath } from '../../src/soap/wsdl-catalog';
import { TEMPLATE_DIR } from '../../src/records/wsdl-templates';
import { readServedSchemas, type ServedSchemas } from '../helpers/served-schemas';

/**
 * Every declaration the served WSDL and XSDs make, for every version, held against NetSuite's own
 * (../shared/netsuite-schema, the facts of 2023_2, and netsuite-async-facts.md): the same name,
 * namespace, base, children in order with their types and occurrence, attributes with use and
 * default, enumerations, and per operation the same messages, faults and input headers; the
 * binding, service and port as netsuite-async-facts.md states them. Every name a served
 * declaration uses is declared, every declaration the facts reach from what is served is served,
 * every file under wsdl/ is reached, and nothing is declared twice or with what the facts cannot
 * state (facets, mixed, nillable elements…).
 *
 * Versions differ only as tools/version-facts.ts says (passport up to 2020_1, retry from 2018_2,
 * afterSubmitFailed from 2018_1, governance from 2020_2). Record and search types are 2023_2's in
 * every version, since the facts give no other: an older version serves fields NetSuite added
 * later, so for those versions this holds the platform parts exactly and the records to 2023_2.
 * Where every fact is silent the project declares its own (typed custom field values; login and
 * logout up to 2020_1, with changePassword's faults): those are held to tools/version-facts.ts
 * and counted apart, "declared without facts". A declaration the facts do not have fails; one the
 * facts have and nothing served reaches is coverage, printed.
 */

const FACTS_DIR = path.resolve(__dirname, '../../../shared/netsuite-schema');
const BASE_URL = 'http://parity.test';
const catalog = new WsdlCatalog();
const OURS = 'ours (tools/version-facts.ts)';

let loaded: NetSuiteFacts | undefined;
const facts = () => (loaded ??= readNetSuiteFacts(FACTS_DIR));

interface Comparison {
  differences: string[];
  declarations: number;
  differing: number;
  /** Served declarations no NetSuite fact states, held to tools/version-facts.ts. */
  own: string[];
  served: ServedSchemas;
}

function serve(version: string): ServedSchemas {
  const prefixes = new Map([...facts().namespaces].map(([prefix, namespace]) => [namespace.replace('_V.', `_${version}.`), prefix]));
  prefixes.set(`urn:platform_${version}.webservices.netsuite.com`, 'tns');
  return readServedSchemas(BASE_URL + wsdlPath(version), (url) => catalog.document(new URL(url).pathname, BASE_URL), prefixes);
}

/** Every file under a directory, as paths relative to it. */
function filesUnder(dir: string, under = ''): string[] {
  return readdirSync(path.join(dir, under), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(dir, path.posix.join(under, entry.name)) : [path.posix.join(under, entry.name)],
  );
}

/** Where the catalog serves a file of wsdl/ for a version. */
const servedAt = (file: string, version: string) =>
  file === 'netsuite.wsdl' ? BASE_URL + wsdlPath(version) : `${BASE_URL}/xsd/${path.posix.dirname(file)}/v${version}_0/${path.posix.basename(file)}`;

const childText = (child: FactChild | undefined) =>
  child === undefined
    ? 'nothing'
    : `${child.ref ? `${child.ref} (ref)` : `${child.name}: ${child.type}`}${child.minOccurs === 0 ? (child.maxOccurs === 1 ? ' ?' : ' *') : child.maxOccurs === 1 ? '' : ' +'}${child.nillable ? ' nillable' : ''}`;
const attributeText = (attribute: FactAttribute) =>
  `@${attribute.name}: ${attribute.type}${attribute.required ? ' required' : ''}${attribute.default !== undefined ? ` default ${attribute.default}` : ''}`;

function compareType(served: FactComplexType, expected: FactComplexType, by: string): string[] {
  const out: string[] = [];
  if (served.abstract !== expected.abstract) out.push(expected.abstract ? `is not abstract; ${by}: abstract` : `is abstract; ${by}: not`);
  if (served.base !== expected.base) out.push(`extends ${served.base ?? 'nothing'}; ${by}: ${expected.base ?? 'nothing'}`);
  const length = Math.max(served.children.length, expected.children.length);
  for (let at = 0; at < length; at += 1) {
    const [mine, theirs] = [served.children[at], expected.children[at]];
    if (childText(mine) !== childText(theirs)) out.push(`child ${at + 1} is ${childText(mine)}; ${by}: ${childText(theirs)}`);
  }
  const theirs = new Map(expected.attributes.map((attribute) => [attribute.name, attributeText(attribute)]));
  const mine = new Map<string, string>();
  for (const attribute of served.attributes) {
    if (mine.has(attribute.name)) out.push(`declares @${attribute.name} twice`);
    mine.set(attribute.name, attributeText(attribute));
  }
  for (const [name, text] of mine) if (theirs.get(name) !== text) out.push(`${text}; ${by}: ${theirs.get(name) ?? 'no such attribute'}`);
  for (const [name, text] of theirs) if (!mine.has(name)) out.push(`lacks ${text}`);
  return out;
}

/** Two lists as sets that must be equal, with anything listed twice said: faults, headers. */
function listDifferences(what: string, mine: string[], theirs: string[], by: string): string[] {
  const out: string[] = [];
  const twice = [...new Set(mine.filter((item, at) => mine.indexOf(item) !== at))];
  if (twice.length > 0) out.push(`${what}: lists ${twice.join(', ')} more than once`);
  const extra = [...new Set(mine)].filter((item) => !theirs.includes(item)).sort();
  const lacking = theirs.filter((item) => !mine.includes(item)).sort();
  if (extra.length > 0) out.push(`${what}: ${extra.join(', ')}, which ${by} does not declare`);
  if (lacking.length > 0) out.push(`${what}: lacks ${lacking.join(', ')} (${by} declares them)`);
  return out;
}

/**
 * The declarations the facts reach from what a version serves (its operations' messages, faults
 * and headers, the served types and elements, the record, search and subtype roots), each with
 * the declaration it was reached from.
 */
function reachedFrom(expected: NetSuiteFacts, served: ServedSchemas, version: string): Map<FactName, { kind: 'type' | 'element'; via: string }> {
  const reached = new Map<FactName, { kind: 'type' | 'element'; via: string }>();
  const queue: Array<[FactName, 'type' | 'element', string]> = [];
  const add = (name: FactName, kind: 'type' | 'element', via: string) => {
    if (!name.startsWith('xsd:') && !reached.has(name)) {
      reached.set(name, { kind, via });
      queue.push([name, kind, via]);
    }
  };
  for (const operation of expected.operations.values()) {
    if (!served.operations.has(operation.name) && !SERVED_OPERATIONS.includes(operation.name)) continue;
    for (const element of [operation.input.element, operation.output.element, ...operation.faults, ...operation.headers]) add(element, 'element', `operation ${operation.name}`);
  }
  for (const name of SERVED_ROOTS) add(name, 'type', 'the record, search and subtype types served (SERVED_ROOTS)');
  for (const name of [...served.complexTypes.keys(), ...served.simpleTypes.keys()])
    if (expected.complexTypes.has(name) || expected.simpleTypes.has(name)) add(name, 'type', `${name}, which is served`);
  for (const name of served.elements.keys()) if (expected.elements.has(name)) add(name, 'element', `element ${name}, which is served`);
  add(DOCUMENT_INFO, 'element', 'every operation (its output header)');
  if (featuresOf(version).passport) add(PASSPORT_HEADER, 'element', 'every operation (its passport header)');
  while (queue.length > 0) {
    const [name, kind] = queue.shift()!;
    const from = kind === 'element' ? `element ${name}` : name;
    if (kind === 'element') {
      const type = elementType(expected, name);
      if (type) add(type, 'type', from);
      continue;
    }
    const complex = expected.complexTypes.get(name);
    if (!complex) continue;
    if (complex.base) add(complex.base, 'type', from);
    for (const child of complex.children) {
      if (child.ref) add(child.ref, 'element', from);
      else add(child.type!, 'type', from);
    }
    for (const attribute of complex.attributes) add(attribute.type, 'type', from);
  }
  return reached;
}

function compareVersion(version: string): Comparison {
  const expected = factsForVersion(facts(), version);
  const own = ownDeclarations(featuresOf(version));
  const by = (name: string) => (own.has(name) ? OURS : 'NetSuite');
  const served = serve(version);
  const byDeclaration = new Map<string, string[]>();
  const note = (declaration: string, difference: string) => byDeclaration.set(declaration, [...(byDeclaration.get(declaration) ?? []), difference]);
  for (const problem of served.problems) {
    const at = problem.indexOf(': ');
    note(at < 0 ? '(documents)' : problem.slice(0, at), at < 0 ? problem : problem.slice(at + 2));
  }

  for (const [name, type] of served.complexTypes) {
    const theirs = expected.complexTypes.get(name);
    if (!theirs) note(name, 'declared; NetSuite has no such type');
    else for (const difference of compareType(type, theirs, by(name))) note(name, difference);
  }
  for (const [name, type] of served.simpleTypes) {
    const theirs = expected.simpleTypes.get(name);
    if (!theirs) note(name, 'declared; NetSuite has no such simple type');
    else {
      if (type.base !== theirs.base) note(name, `restricts ${type.base}; NetSuite: ${theirs.base}`);
      const extra = type.values.filter((value) => !theirs.values.includes(value));
      const lacking = theirs.values.filter((value) => !type.values.includes(value));
      const twice = type.values.filter((value, at) => type.values.indexOf(value) !== at);
      if (extra.length > 0) note(name, `lists ${extra.length} value(s) NetSuite does not: ${extra.slice(0, 8).join(', ')}${extra.length > 8 ? ', …' : ''}`);
      if (lacking.length > 0) note(name, `lacks ${lacking.length} of NetSuite's values: ${lacking.slice(0, 8).join(', ')}${lacking.length > 8 ? ', …' : ''}`);
      if (twice.length > 0) note(name, `lists ${twice.join(', ')} more than once`);
      if (extra.length === 0 && lacking.length === 0 && twice.length === 0 && type.values.join() !== theirs.values.join()) note(name, "lists NetSuite's values in another order");
    }
  }
  for (const [name, type] of served.elements) {
    if (!expected.elements.has(name)) note(`element ${name}`, 'declared; NetSuite has no such global element');
    else if (type !== elementType(expected, name)) note(`element ${name}`, `is a ${type ?? 'anonymous type'}; ${by(name)}: ${elementType(expected, name)}`);
  }

  const answered = SERVED_OPERATIONS.filter((name) => expected.operations.has(name));
  for (const name of answered) if (!served.operations.has(name)) note(`operation ${name}`, `not in the WSDL, though the service answers it in ${version}`);
  for (const [name, operation] of served.operations) {
    const theirs = expected.operations.get(name);
    const where = `operation ${name}`;
    const label = by(where);
    if (!theirs) {
      note(where, `served; NetSuite ${version} has no such operation`);
      continue;
    }
    if (!answered.includes(name)) note(where, 'declared, but the service does not answer it');
    for (const direction of ['input', 'output'] as const) {
      const [mine, their] = [operation[direction], theirs[direction]];
      if (mine.element !== their.element || mine.type !== their.type) note(where, `${direction} is ${mine.element} (${mine.type}); ${label}: ${their.element} (${their.type})`);
    }
    for (const difference of listDifferences('faults', operation.faults, theirs.faults, label)) note(where, difference);
    for (const difference of listDifferences('input headers', operation.headers, theirs.headers, label)) note(where, difference);
    if (operation.outputHeaders.join() !== DOCUMENT_INFO) note(where, `output headers ${operation.outputHeaders.join(', ') || 'none'}; NetSuite: ${DOCUMENT_INFO}`);
    if (operation.soapAction !== name) note(where, `soapAction ${operation.soapAction}; NetSuite: ${name}`);
  }

  // The WSDL around the operations, as netsuite-async-facts.md states it.
  if (served.portTypes.join() !== 'NetSuitePortType') note('(wsdl)', `portTypes ${served.portTypes.join(', ') || 'none'}; NetSuite: NetSuitePortType`);
  if (served.bindings.length !== 1) note('(wsdl)', `${served.bindings.length} bindings; NetSuite: one, NetSuiteBinding`);
  for (const binding of served.bindings) {
    const where = `binding ${binding.name}`;
    if (binding.name !== 'NetSuiteBinding') note(where, 'named so; NetSuite: NetSuiteBinding');
    if (binding.type !== 'tns:NetSuitePortType') note(where, `binds ${binding.type}; NetSuite: tns:NetSuitePortType`);
    if (binding.style !== 'document') note(where, `soap:binding style ${binding.style ?? 'none'}; NetSuite: document`);
    if (binding.transport !== 'http://schemas.xmlsoap.org/soap/http')
      note(where, `soap:binding transport ${binding.transport ?? 'none'}; NetSuite: SOAP over HTTP (http://schemas.xmlsoap.org/soap/http)`);
    for (const difference of listDifferences(
      'operations',
      binding.operations.map((operation) => operation.name),
      [...served.operations.keys()],
      'the portType',
    ))
      note(where, difference);
    for (const operation of binding.operations) {
      const at = `${where} operation ${operation.name}`;
      if (operation.style !== undefined && operation.style !== 'document') note(at, `soap:operation style ${operation.style}; NetSuite: document`);
      for (const { where: part, use } of operation.uses) if (use !== 'literal') note(at, `${part} use ${use ?? 'none'}; NetSuite: literal`);
      for (const fault of operation.faults) if (fault.soapFault !== fault.name) note(at, `fault ${fault.name} has soap:fault ${fault.soapFault ?? 'none'}; the names must match`);
      const portFaults = served.operations.get(operation.name)?.faultNames ?? [];
      for (const difference of listDifferences(
        'binding faults',
        operation.faults.map((fault) => fault.name),
        portFaults,
        "the portType's operation",
      ))
        note(at, difference);
    }
  }
  const ports = served.ports.map((port) => `${port.service}/${port.name} → ${port.binding} at ${port.address ?? 'no address'}`);
  const port = `NetSuiteService/NetSuitePort → tns:NetSuiteBinding at ${BASE_URL}${endpointPath(version)}`;
  if (ports.join() !== port) note('(wsdl)', `service ${ports.join(', ') || 'none'}; NetSuite: ${port}`);

  // Everything the facts reach from what is served is served; every file of wsdl/ is reached.
  for (const [name, { kind, via }] of reachedFrom(expected, served, version)) {
    const present = kind === 'element' ? served.elements.has(name) : served.complexTypes.has(name) || served.simpleTypes.has(name);
    if (!present) note(kind === 'element' ? `element ${name}` : name, `not served, though the facts reach it from ${via}`);
  }
  for (const file of filesUnder(TEMPLATE_DIR))
    if (!served.documents.includes(servedAt(file, version))) note('(documents)', `wsdl/${file} is served at ${servedAt(file, version)} but nothing served imports it`);
  // Every fault the service sends is one the WSDL declares for some operation.
  for (const element of FAULT_ELEMENTS) {
    if (![...served.operations.values()].some((operation) => operation.faults.includes(`platformFaults:${element}`)))
      note(`element platformFaults:${element}`, 'sent by the service (src/soap/faults.ts), but no operation declares it');
  }

  const names = [...served.complexTypes.keys(), ...served.simpleTypes.keys(), ...served.elements.keys(), ...[...served.operations.keys()].map((name) => `operation ${name}`)];
  const differences = [...byDeclaration].flatMap(([declaration, list]) => list.map((difference) => `${version} ${declaration}: ${difference}`));
  return {
    differences,
    declarations: names.length,
    differing: [...byDeclaration.keys()].filter((key) => !key.startsWith('(')).length,
    own: names.filter((name) => own.has(name)),
    served,
  };
}

/** Fields (children and attributes) served of those the facts declare, for some types. */
function fieldCoverage(served: ServedSchemas, types: string[]): { served: number; declared: number } {
  let count = 0;
  let declared = 0;
  for (const name of types) {
    const theirs = facts().complexTypes.get(name)!;
    const mine = served.complexTypes.get(name);
    declared += theirs.children.length + theirs.attributes.length;
    if (!mine) continue;
    count += theirs.children.filter((child) => mine.children.some((candidate) => candidate.name === child.name)).length;
    count += theirs.attributes.filter((attribute) => mine.attributes.some((candidate) => candidate.name === attribute.name)).length;
  }
  return { served: count, declared };
}

const percent = (part: number, whole: number) => `${part} of ${whole} (${whole === 0 ? 100 : Math.floor((part * 1000) / whole) / 10}%)`;

describe('schema parity with NetSuite (../shared/netsuite-schema)', () => {
  it('finds the facts where CI lays them out', () => {
    expect(() => facts()).not.toThrow();
  });

  it('declares every type, element and operation of every version as NetSuite does', () => {
    const all: string[] = [];
    const lines: string[] = [];
    for (const version of VERSIONS) {
      const result = compareVersion(version);
      all.push(...result.differences);
      if (version === '2023_2') {
        const { served } = result;
        const theirs = facts();
        const records = fieldCoverage(served, RECORD_TYPES);
        const reached = fieldCoverage(
          served,
          [...served.complexTypes.keys()].filter((name) => theirs.complexTypes.has(name)),
        );
        const types = [...served.complexTypes.keys(), ...served.simpleTypes.keys()].filter((name) => theirs.complexTypes.has(name) || theirs.simpleTypes.has(name)).length;
        const operations = [...served.operations.keys()].filter((name) => theirs.operations.has(name)).length;
        lines.unshift(
          `2023_2: ${result.declarations} declarations, ${result.declarations - result.own.length} held against NetSuite's facts; ${result.differing} differ, in ${result.differences.length} ways`,
          `2023_2: declared without facts: ${result.own.length} (${result.own.join(', ')})`,
          `fields of the ten record types served: ${percent(records.served, records.declared)}`,
          `children and attributes of the served types: ${percent(reached.served, reached.declared)}`,
          `types served of the types in the facts: ${percent(types, theirs.complexTypes.size + theirs.simpleTypes.size)}`,
          `operations served of NetSuite's: ${percent(operations, theirs.operations.size)}`,
        );
      }
      if (version === '2020_1') lines.push(`2020_1 (passport): ${result.declarations} declarations; declared without facts: ${result.own.length} (${result.own.join(', ')})`);
    }
    console.log(`${lines.join('\n')}\nall versions: ${all.length} differences${all.length > 0 ? `:\n${all.slice(0, 400).join('\n')}` : ''}`);
    expect(all).toEqual([]);
  });

  it('keeps wsdl/ as npm run schemas writes it from the facts, file for file', () => {
    // The script's own write path (writeSchemas), into a scratch directory, then both trees compared.
    const scratch = mkdtempSync(path.join(tmpdir(), 'schemas-'));
    try {
      const written = writeSchemas(facts(), scratch).sort();
      expect(filesUnder(scratch).sort()).toEqual(written);
      expect(filesUnder(TEMPLATE_DIR).sort()).toEqual(written);
      for (const file of written) expect([file, readFileSync(path.join(TEMPLATE_DIR, file), 'utf8')]).toEqual([file, readFileSync(path.join(scratch, file), 'utf8')]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('serves every field of the ten record types', () => {
    const coverage = fieldCoverage(compareVersion('2023_2').served, RECORD_TYPES);
    expect(coverage.served).toBe(coverage.declared);
  });
});
