import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';

/**
 * A SoapUI 5.x project file read into the parts a replay needs: the WSDL interfaces and their
 * operations, and each test case's steps (requests with their assertions, property transfers,
 * delays, conditional gotos) and properties. What the replay cannot interpret faithfully is kept
 * as `unsupported` so a check can name it rather than skip it.
 */

export const SOAPUI_NAMESPACE = 'http://eviware.com/soapui/config';

export interface Assertion {
  type: string;
  name: string;
  /** The children of con:configuration (path, content, token, ignoreCase, codes…), as text. */
  config: Record<string, string>;
}

export interface Transfer {
  name: string;
  sourceType: string;
  sourceStep: string;
  sourcePath: string;
  targetType: string;
  targetStep: string;
  failOnError: boolean;
}

export interface GotoCondition {
  name: string;
  expression: string;
  targetStep: string;
  type: string;
}

export type Step =
  | { kind: 'request'; name: string; interfaceName: string; operation: string; endpoint: string; body: string; assertions: Assertion[] }
  | { kind: 'transfer'; name: string; transfers: Transfer[] }
  | { kind: 'delay'; name: string; milliseconds: number }
  | { kind: 'goto'; name: string; conditions: GotoCondition[] }
  | { kind: 'unsupported'; name: string; type: string };

export interface TestCase {
  name: string;
  timeoutMs: number;
  failOnError: boolean;
  steps: Step[];
  properties: Record<string, string>;
}

export interface TestSuite {
  name: string;
  testCases: TestCase[];
  properties: Record<string, string>;
}

export interface WsdlInterface {
  name: string;
  type: string;
  bindingName: string;
  definition: string;
  soapVersion: string;
  endpoints: string[];
  operations: { name: string; action: string }[];
}

export interface SoapUiProject {
  name: string;
  soapuiVersion: string;
  /** What the con: prefix is bound to. */
  namespace: string;
  properties: Record<string, string>;
  interfaces: WsdlInterface[];
  testSuites: TestSuite[];
}

type Node = Record<string, unknown>;

const REPEATED = new Set([
  'con:interface',
  'con:operation',
  'con:endpoint',
  'con:testSuite',
  'con:testCase',
  'con:testStep',
  'con:assertion',
  'con:transfers',
  'con:condition',
  'con:property',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => REPEATED.has(name),
});

const text = (value: unknown): string => {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  return String((value as Node)['#text'] ?? '');
};
const node = (value: unknown): Node => (value && typeof value === 'object' ? (value as Node) : {});
const list = (value: unknown): Node[] => (Array.isArray(value) ? value.map(node) : []);
const texts = (value: unknown): string[] => (Array.isArray(value) ? value.map(text) : []);
/** The text of an element the parser keeps as a list (its name repeats elsewhere in the file). */
const only = (value: unknown): string => texts(value)[0] ?? '';

function properties(container: Node): Record<string, string> {
  return Object.fromEntries(list(node(container['con:properties'])['con:property']).map((p) => [text(p['con:name']), text(p['con:value'])]));
}

function assertionOf(raw: Node): Assertion {
  const config = node(raw['con:configuration']);
  return {
    type: text(raw['@type']),
    name: text(raw['@name']) || text(raw['@type']),
    config: Object.fromEntries(
      Object.entries(config)
        .filter(([key]) => !key.startsWith('@'))
        .map(([key, value]) => [key, text(value)]),
    ),
  };
}

function stepOf(raw: Node): Step {
  const name = text(raw['@name']);
  const type = text(raw['@type']);
  const config = node(raw['con:config']);
  switch (type) {
    case 'request': {
      const request = node(config['con:request']);
      return {
        kind: 'request',
        name,
        interfaceName: only(config['con:interface']),
        operation: only(config['con:operation']),
        endpoint: only(request['con:endpoint']),
        body: text(request['con:request']),
        assertions: list(request['con:assertion']).map(assertionOf),
      };
    }
    case 'transfer':
      return {
        kind: 'transfer',
        name,
        transfers: list(config['con:transfers']).map((t) => ({
          name: text(t['con:name']),
          sourceType: text(t['con:sourceType']),
          sourceStep: text(t['con:sourceStep']),
          sourcePath: text(t['con:sourcePath']),
          targetType: text(t['con:targetType']),
          targetStep: text(t['con:targetStep']),
          failOnError: text(t['@failOnError']) === 'true',
        })),
      };
    case 'delay':
      return { kind: 'delay', name, milliseconds: Number(text(config.delay)) };
    case 'goto':
      return {
        kind: 'goto',
        name,
        conditions: list(config['con:condition']).map((c) => ({
          name: text(c['con:name']),
          expression: text(c['con:expression']),
          targetStep: text(c['con:targetStep']),
          type: text(c['con:type']),
        })),
      };
    default:
      return { kind: 'unsupported', name, type };
  }
}

export function parseSoapUiProject(xml: string): SoapUiProject {
  const root = node(parser.parse(xml)['con:soapui-project']);
  return {
    name: text(root['@name']),
    soapuiVersion: text(root['@soapui-version']),
    namespace: text(root['@xmlns:con']),
    properties: properties(root),
    interfaces: list(root['con:interface']).map((i) => ({
      name: text(i['@name']),
      type: text(i['@xsi:type']),
      bindingName: text(i['@bindingName']),
      definition: text(i['@definition']),
      soapVersion: text(i['@soapVersion']),
      endpoints: texts(node(i['con:endpoints'])['con:endpoint']),
      operations: list(i['con:operation']).map((o) => ({ name: text(o['@name']), action: text(o['@action']) })),
    })),
    testSuites: list(root['con:testSuite']).map((suite) => ({
      name: text(suite['@name']),
      properties: properties(suite),
      testCases: list(suite['con:testCase']).map((testCase) => ({
        name: text(testCase['@name']),
        timeoutMs: Number(text(testCase['@timeout']) || 0),
        failOnError: text(testCase['@failOnError']) !== 'false',
        steps: list(testCase['con:testStep']).map(stepOf),
        properties: properties(testCase),
      })),
    })),
  };
}

export function readSoapUiProject(file: string): SoapUiProject {
  return parseSoapUiProject(readFileSync(file, 'utf8'));
}
