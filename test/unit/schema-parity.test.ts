import { readFileSync } from 'node:fs';
import path from 'node:path';
import { elementType, readNetSuiteFacts, type FactAttribute, type FactChild, type FactComplexType, type NetSuiteFacts } from '../../tools/netsuite-facts';
import { generateSchemas, RECORD_TYPES } from '../../tools/generate-schemas';
import { DOCUMENT_INFO, factsForVersion } from '../../tools/version-facts';
import { VERSIONS } from '../../src/soap/versions';
import { WsdlCatalog, wsdlPath } from '../../src/soap/wsdl-catalog';
import { TEMPLATE_DIR } from '../../src/wsdl-templates';
import { readServedSchemas, type ServedSchemas } from '../helpers/served-schemas';

/**
 * Every declaration the served WSDL and XSDs make, for every version, held against NetSuite's own
 * (../shared/netsuite-schema, the facts of 2023_2): the same name, namespace, base, children in
 * order with their types and occurrence, attributes with use and default, enumerations, and per
 * operation the same messages, faults and input headers. Versions differ only as
 * tools/version-facts.ts says (passport up to 2020_1, retry from 2018_2, afterSubmitFailed from
 * 2018_1, governance from 2020_2); record fields are 2023_2's in every version. A declaration the
 * facts do not have fails; one the facts have and we do not serve is coverage, printed.
 */

const FACTS_DIR = path.resolve(__dirname, '../../../shared/netsuite-schema');
const BASE_URL = 'http://parity.test';
const catalog = new WsdlCatalog();

let loaded: NetSuiteFacts | undefined;
const facts = () => (loaded ??= readNetSuiteFacts(FACTS_DIR));

interface Comparison {
  differences: string[];
  declarations: number;
  differing: number;
  served: ServedSchemas;
}

function serve(version: string): ServedSchemas {
  const prefixes = new Map([...facts().namespaces].map(([prefix, namespace]) => [namespace.replace('_V.', `_${version}.`), prefix]));
  prefixes.set(`urn:platform_${version}.webservices.netsuite.com`, 'tns');
  return readServedSchemas(BASE_URL + wsdlPath(version), (url) => catalog.document(new URL(url).pathname, BASE_URL), prefixes);
}

const childText = (child: FactChild | undefined) =>
  child === undefined ? 'nothing' : `${child.ref ? `${child.ref} (ref)` : `${child.name}: ${child.type}`}${child.minOccurs === 0 ? (child.maxOccurs === 1 ? ' ?' : ' *') : child.maxOccurs === 1 ? '' : ' +'}${child.nillable ? ' nillable' : ''}`;
const attributeText = (attribute: FactAttribute) => `@${attribute.name}: ${attribute.type}${attribute.required ? ' required' : ''}${attribute.default !== undefined ? ` default ${attribute.default}` : ''}`;

function compareType(served: FactComplexType, expected: FactComplexType): string[] {
  const out: string[] = [];
  if (served.abstract !== expected.abstract) out.push(expected.abstract ? 'is not abstract; NetSuite: abstract' : 'is abstract; NetSuite: not');
  if (served.base !== expected.base) out.push(`extends ${served.base ?? 'nothing'}; NetSuite: ${expected.base ?? 'nothing'}`);
  const length = Math.max(served.children.length, expected.children.length);
  for (let at = 0; at < length; at += 1) {
    const [mine, theirs] = [served.children[at], expected.children[at]];
    if (childText(mine) !== childText(theirs)) out.push(`child ${at + 1} is ${childText(mine)}; NetSuite: ${childText(theirs)}`);
  }
  const theirs = new Map(expected.attributes.map((attribute) => [attribute.name, attributeText(attribute)]));
  const mine = new Map(served.attributes.map((attribute) => [attribute.name, attributeText(attribute)]));
  for (const [name, text] of mine) if (theirs.get(name) !== text) out.push(`${text}; NetSuite: ${theirs.get(name) ?? 'no such attribute'}`);
  for (const [name, text] of theirs) if (!mine.has(name)) out.push(`lacks ${text}`);
  return out;
}

function compareVersion(version: string): Comparison {
  const expected = factsForVersion(facts(), version);
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
    else for (const difference of compareType(type, theirs)) note(name, difference);
  }
  for (const [name, type] of served.simpleTypes) {
    const theirs = expected.simpleTypes.get(name);
    if (!theirs) note(name, 'declared; NetSuite has no such simple type');
    else {
      if (type.base !== theirs.base) note(name, `restricts ${type.base}; NetSuite: ${theirs.base}`);
      const extra = type.values.filter((value) => !theirs.values.includes(value));
      const lacking = theirs.values.filter((value) => !type.values.includes(value));
      if (extra.length > 0) note(name, `lists ${extra.length} value(s) NetSuite does not: ${extra.slice(0, 8).join(', ')}${extra.length > 8 ? ', …' : ''}`);
      if (lacking.length > 0) note(name, `lacks ${lacking.length} of NetSuite's values: ${lacking.slice(0, 8).join(', ')}${lacking.length > 8 ? ', …' : ''}`);
      if (extra.length === 0 && lacking.length === 0 && type.values.join() !== theirs.values.join()) note(name, "lists NetSuite's values in another order");
    }
  }
  for (const [name, type] of served.elements) {
    if (!expected.elements.has(name)) note(`element ${name}`, 'declared; NetSuite has no such global element');
    else if (type !== elementType(expected, name)) note(`element ${name}`, `is a ${type ?? 'anonymous type'}; NetSuite: ${elementType(expected, name)}`);
  }
  for (const [name, operation] of served.operations) {
    const theirs = expected.operations.get(name);
    const where = `operation ${name}`;
    if (!theirs) {
      note(where, `served; NetSuite ${version} has no such operation`);
      continue;
    }
    for (const direction of ['input', 'output'] as const) {
      const [mine, their] = [operation[direction], theirs[direction]];
      if (mine.element !== their.element || mine.type !== their.type) note(where, `${direction} is ${mine.element} (${mine.type}); NetSuite: ${their.element} (${their.type})`);
    }
    const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((item) => b.includes(item));
    if (!sameSet(operation.faults, theirs.faults)) note(where, `faults ${operation.faults.join(', ')}; NetSuite: ${theirs.faults.join(', ')}`);
    if (!sameSet(operation.headers, theirs.headers)) note(where, `input headers ${operation.headers.join(', ')}; NetSuite: ${theirs.headers.join(', ')}`);
    if (operation.outputHeaders.join() !== DOCUMENT_INFO) note(where, `output headers ${operation.outputHeaders.join(', ') || 'none'}; NetSuite: ${DOCUMENT_INFO}`);
    if (operation.soapAction !== name) note(where, `soapAction ${operation.soapAction}; NetSuite: ${name}`);
  }
  const declarations = served.complexTypes.size + served.simpleTypes.size + served.elements.size + served.operations.size;
  const differences = [...byDeclaration].flatMap(([declaration, list]) => list.map((difference) => `${version} ${declaration}: ${difference}`));
  return { differences, declarations, differing: [...byDeclaration.keys()].filter((key) => key !== '(documents)').length, served };
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
    let report = '';
    for (const version of VERSIONS) {
      const result = compareVersion(version);
      all.push(...result.differences);
      if (version === '2023_2') {
        const { served } = result;
        const theirs = facts();
        const records = fieldCoverage(served, RECORD_TYPES);
        const reached = fieldCoverage(served, [...served.complexTypes.keys()].filter((name) => theirs.complexTypes.has(name)));
        const types = [...served.complexTypes.keys(), ...served.simpleTypes.keys()].filter((name) => theirs.complexTypes.has(name) || theirs.simpleTypes.has(name)).length;
        const operations = [...served.operations.keys()].filter((name) => theirs.operations.has(name)).length;
        report =
          `2023_2: ${result.differing} of ${result.declarations} declarations differ from NetSuite's, in ${result.differences.length} ways\n` +
          `fields of the ten record types served: ${percent(records.served, records.declared)}\n` +
          `children and attributes of the served types: ${percent(reached.served, reached.declared)}\n` +
          `types served of the types in the facts: ${percent(types, theirs.complexTypes.size + theirs.simpleTypes.size)}\n` +
          `operations served of NetSuite's: ${percent(operations, theirs.operations.size)}`;
      }
    }
    console.log(`${report}\nall versions: ${all.length} differences${all.length > 0 ? `:\n${all.slice(0, 400).join('\n')}` : ''}`);
    expect(all).toEqual([]);
  });

  it('keeps wsdl/ as npm run schemas writes it from the facts', () => {
    for (const [file, text] of generateSchemas(facts())) expect([file, readFileSync(path.join(TEMPLATE_DIR, file), 'utf8')]).toEqual([file, text]);
  });

  it('serves every field of the ten record types', () => {
    const coverage = fieldCoverage(compareVersion('2023_2').served, RECORD_TYPES);
    expect(coverage.served).toBe(coverage.declared);
  });
});
