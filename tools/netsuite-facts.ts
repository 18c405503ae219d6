import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Reads ../shared/netsuite-schema (NetSuite's 2023_2 schema restated as facts, in the notation its
 * README gives) into one model: namespaces by prefix, complex and simple types, global elements
 * and operations. The schema generator writes wsdl/ from this model and the parity test holds the
 * served schemas against it, so both read the facts the same way.
 */

/** A prefixed name as the facts write it, e.g. platformCore:RecordRef or xsd:string. */
export type FactName = string;

export interface FactChild {
  /** Local name; for a reference, the referenced global element's local name. */
  name: string;
  /** For a reference: the global element (prefixed); a local element has a type instead. */
  ref?: FactName;
  type?: FactName;
  minOccurs: 0 | 1;
  maxOccurs: 1 | 'unbounded';
  nillable: boolean;
}

export interface FactAttribute {
  name: string;
  type: FactName;
  required: boolean;
  default?: string;
}

export interface FactComplexType {
  name: FactName;
  abstract: boolean;
  /** A complex base (complexContent) or an xsd: base (simpleContent). */
  base?: FactName;
  children: FactChild[];
  attributes: FactAttribute[];
}

export interface FactSimpleType {
  name: FactName;
  base: FactName;
  values: string[];
}

export interface FactOperation {
  name: string;
  input: { element: FactName; type: FactName };
  output: { element: FactName; type: FactName };
  faults: FactName[];
  headers: FactName[];
}

export interface NetSuiteFacts {
  /** Namespace by prefix, with V where the version goes (urn:core_V.platform…). */
  namespaces: Map<string, string>;
  complexTypes: Map<FactName, FactComplexType>;
  simpleTypes: Map<FactName, FactSimpleType>;
  operations: Map<string, FactOperation>;
  /** Global elements the facts name, with their type where the facts state it. */
  elements: Map<FactName, FactName | undefined>;
}

export const FACT_FILES = ['operations.md', 'records.md', 'searches.md'] as const;

/** Where CI lays the facts out: ../shared/netsuite-schema beside the repository. */
export const DEFAULT_FACTS_DIR = path.resolve(__dirname, '../../shared/netsuite-schema');

export function readNetSuiteFacts(dir: string = DEFAULT_FACTS_DIR): NetSuiteFacts {
  const missing = FACT_FILES.filter((file) => !existsSync(path.join(dir, file)));
  if (missing.length > 0) {
    throw new Error(
      `NetSuite's schema facts are expected in ${dir} (${FACT_FILES.join(', ')}); missing ${missing.join(', ')}. Lay ../shared/netsuite-schema beside the repository, as CI does.`,
    );
  }
  const facts = emptyFacts();
  for (const file of FACT_FILES) parseFacts(readFileSync(path.join(dir, file), 'utf8'), file, facts);
  return facts;
}

export function emptyFacts(): NetSuiteFacts {
  return { namespaces: new Map(), complexTypes: new Map(), simpleTypes: new Map(), operations: new Map(), elements: new Map() };
}

const HEADING = /^## (\w+) = (\S+)$/;
const SIMPLE = /^(\w+:\w+) = (\w+:\w+) one of: (.*)$/;
const COMPLEX = /^(\w+:\w+)( \(abstract\))?(?: extends (\w+:\w+))?$/;
const CHILD = /^ {2}(\w+): (\w+:\w+)((?: [?*+])?)( nillable)?$/;
const REF = /^ {2}(\w+):(\w+) \(ref\)((?: [?*+])?)( nillable)?$/;
const ATTRIBUTE = /^ {2}@(\w+): (\w+:\w+)( required)?(?: default (\S+))?$/;
const OPERATION = /^(\w+)$/;
const MESSAGE = /^ {2}(in|out): (\w+:\w+) \((\w+:\w+)\)$/;
const LIST = /^ {2}(faults|input headers): (.*)$/;

const OCCURS: Record<string, Pick<FactChild, 'minOccurs' | 'maxOccurs'>> = {
  '': { minOccurs: 1, maxOccurs: 1 },
  ' ?': { minOccurs: 0, maxOccurs: 1 },
  ' *': { minOccurs: 0, maxOccurs: 'unbounded' },
  ' +': { minOccurs: 1, maxOccurs: 'unbounded' },
};

/** Adds one facts file (or a block in the same notation) to `facts`. */
export function parseFacts(text: string, source: string, facts: NetSuiteFacts): void {
  let inBlock = false;
  let section: 'operations' | 'types' | undefined;
  let type: FactComplexType | undefined;
  let operation: FactOperation | undefined;
  const fail = (line: number, why: string): never => {
    throw new Error(`${source}:${line}: ${why}`);
  };
  const finish = () => {
    if (type) addType(facts, type, source);
    if (operation) addOperation(facts, operation, source);
    type = undefined;
    operation = undefined;
  };
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\s+$/, '');
    const at = index + 1;
    if (line.startsWith('```')) {
      finish();
      inBlock = !inBlock;
      return;
    }
    if (!inBlock) {
      const heading = HEADING.exec(line);
      if (heading) {
        section = 'types';
        const known = facts.namespaces.get(heading[1]);
        if (known && known !== heading[2]) fail(at, `${heading[1]} is ${heading[2]} here and ${known} elsewhere`);
        facts.namespaces.set(heading[1], heading[2]);
      } else if (line.startsWith('## Operations')) section = 'operations';
      return;
    }
    if (line === '') return;
    if (section === 'operations') {
      if (!line.startsWith(' ')) {
        finish();
        const name = OPERATION.exec(line)?.[1] ?? fail(at, `not an operation name: ${line}`);
        operation = { name, input: { element: '', type: '' }, output: { element: '', type: '' }, faults: [], headers: [] };
        return;
      }
      if (!operation) return fail(at, `no operation above: ${line}`);
      const message = MESSAGE.exec(line);
      const list = LIST.exec(line);
      if (message) operation[message[1] === 'in' ? 'input' : 'output'] = { element: message[2], type: message[3] };
      else if (list) operation[list[1] === 'faults' ? 'faults' : 'headers'] = list[2].split(', ').map((item) => item.trim());
      else fail(at, `not an operation fact: ${line}`);
      return;
    }
    if (!line.startsWith(' ')) {
      finish();
      const simple = SIMPLE.exec(line);
      if (simple) {
        addSimpleType(facts, { name: simple[1], base: simple[2], values: simple[3].split(', ').map((value) => value.trim()) }, source);
        return;
      }
      const complex = COMPLEX.exec(line) ?? fail(at, `not a type: ${line}`);
      type = { name: complex[1], abstract: complex[2] !== undefined, base: complex[3], children: [], attributes: [] };
      return;
    }
    if (!type) return fail(at, `no type above: ${line}`);
    const child = CHILD.exec(line);
    const ref = REF.exec(line);
    const attribute = ATTRIBUTE.exec(line);
    if (child) type.children.push({ name: child[1], type: child[2], ...OCCURS[child[3]], nillable: child[4] !== undefined });
    else if (ref) {
      const element = `${ref[1]}:${ref[2]}`;
      type.children.push({ name: ref[2], ref: element, ...OCCURS[ref[3]], nillable: ref[4] !== undefined });
      if (!facts.elements.has(element)) facts.elements.set(element, undefined);
    } else if (attribute) type.attributes.push({ name: attribute[1], type: attribute[2], required: attribute[3] !== undefined, default: attribute[4] });
    else fail(at, `not a child or attribute: ${line}`);
  });
  finish();
}

function addType(facts: NetSuiteFacts, type: FactComplexType, source: string): void {
  const known = facts.complexTypes.get(type.name);
  if (known && JSON.stringify(known) !== JSON.stringify(type)) throw new Error(`${source}: ${type.name} is stated differently in two places`);
  facts.complexTypes.set(type.name, type);
}

function addSimpleType(facts: NetSuiteFacts, type: FactSimpleType, source: string): void {
  const known = facts.simpleTypes.get(type.name);
  if (known && JSON.stringify(known) !== JSON.stringify(type)) throw new Error(`${source}: ${type.name} is stated differently in two places`);
  facts.simpleTypes.set(type.name, type);
}

function addOperation(facts: NetSuiteFacts, operation: FactOperation, source: string): void {
  if (!operation.input.element || !operation.output.element) throw new Error(`${source}: operation ${operation.name} lacks its in or out message`);
  facts.operations.set(operation.name, operation);
  facts.elements.set(operation.input.element, operation.input.type);
  facts.elements.set(operation.output.element, operation.output.type);
  for (const name of [...operation.faults, ...operation.headers]) if (!facts.elements.has(name)) facts.elements.set(name, undefined);
}

/**
 * The type of a global element the facts name without one (headers, faults, references): the
 * type of the same name with a capital first letter, in the element's namespace or else in
 * platformCore (as platformMsgs:tokenPassport is a platformCore:TokenPassport).
 */
export function elementType(facts: NetSuiteFacts, element: FactName): FactName | undefined {
  const stated = facts.elements.get(element);
  if (stated) return stated;
  const [prefix, local] = element.split(':');
  const typeName = local.charAt(0).toUpperCase() + local.slice(1);
  return [`${prefix}:${typeName}`, `platformCore:${typeName}`].find((candidate) => facts.complexTypes.has(candidate));
}

export const prefixOf = (name: FactName): string => name.slice(0, name.indexOf(':'));
export const localOf = (name: FactName): string => name.slice(name.indexOf(':') + 1);
