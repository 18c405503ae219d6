import { parseDateTime } from '../records/date-time';
import type { RecordCatalog } from '../records/record-catalog';
import { DATE_OPERATORS, ID_OPERATORS, STRING_OPERATORS, type Criterion, type SearchCriteria } from '../records/search';
import { localOf, namespaceOf } from '../records/schema-set';
import { SoapClientError } from './soap-client-error';
import type { Scope } from './record-reader';
import { namespacesOf } from '../records/versions';
import { attribute, child, children, declarations, elementKeys, localName, namedChildren, prefixOf, text, type XmlNode } from './xml-read';
import { XSI_NS } from './xml-write';

/** Reads asyncSearch's searchRecord (a search basic) and searchPreferences into criteria. */

export const MIN_PAGE_SIZE = 5;
export const MAX_PAGE_SIZE = 2000;
export const DEFAULT_PAGE_SIZE = 1000;

const oneOf = <T extends string>(values: readonly T[], value: string | undefined, where: string): T => {
  if (value !== undefined && (values as readonly string[]).includes(value)) return value as T;
  throw new SoapClientError(`${where} needs operator one of ${values.join(', ')} (got ${value === undefined ? 'none' : `"${value}"`}).`);
};

function dateValue(node: XmlNode | undefined, where: string): string | undefined {
  const raw = text(node)?.trim();
  if (raw === undefined || raw === '') return undefined;
  const at = parseDateTime(raw);
  if (!at) throw new SoapClientError(`${where} is not a valid dateTime (got "${raw}").`);
  return at;
}

export function readSearch(body: XmlNode, scope: Scope, version: string, catalog: RecordCatalog): SearchCriteria {
  const searchRecord = child(body, 'searchRecord');
  if (searchRecord === undefined) throw new SoapClientError('asyncSearch requires a <searchRecord> element.');
  const recordScope = new Map([...scope, ...declarations(searchRecord)]);
  const xsiType =
    typeof searchRecord === 'string'
      ? undefined
      : Object.entries(searchRecord).find(([key]) => key.startsWith('@_') && localName(key.slice(2)) === 'type' && recordScope.get(prefixOf(key.slice(2))) === XSI_NS)?.[1];
  if (typeof xsiType !== 'string') throw new SoapClientError('searchRecord has no xsi:type; name its search, e.g. xsi:type="platformCommon:CustomerSearchBasic".');
  const concrete = (type: string) => namespaceOf(type).replaceAll('{{V}}', version);
  const search = catalog.searchType(localName(xsiType));
  if (!search || recordScope.get(prefixOf(xsiType)) !== concrete(search.type)) {
    // Named: the basic searches that find records of the served types.
    const answered = catalog.searchTypes().filter((type) => type.kind === 'basic' && catalog.searchedRecordTypes(type.typeName).length > 0);
    const names =
      answered
        .slice(0, 12)
        .map((type) => type.typeName)
        .join(', ') + (answered.length > 12 ? ` and ${answered.length - 12} more` : '');
    const namespace = answered.length > 0 ? ` in ${concrete(answered[0].type)}` : '';
    const wrappers = catalog.searchTypes().some((type) => type.kind === 'search') ? ', and the record searches holding one as <basic> (e.g. listRel:CustomerSearch)' : '';
    throw new SoapClientError(`searchRecord has xsi:type ${xsiType}; this emulator answers ${names}${namespace}${wrappers}.`);
  }
  if (search.kind === 'advanced' || search.kind === 'other') {
    throw new SoapClientError(
      `${search.typeName} is ${search.kind === 'advanced' ? 'an advanced search, answered with search rows' : 'a search'} this emulator does not answer; send a basic search (e.g. platformCommon:CustomerSearchBasic) or a record search with <basic> criteria.`,
    );
  }
  // A record search (CustomerSearch) holds its basic search as <basic>, in its own namespace; joins are not answered.
  let record: XmlNode = searchRecord;
  let inScope = recordScope;
  let basicType = search.type;
  if (search.kind === 'search') {
    const held = typeof searchRecord === 'string' ? [] : elementKeys(searchRecord);
    const join = held.find((key) => localName(key) !== 'basic');
    if (join) throw new SoapClientError(`${search.typeName}.${localName(join)}: this emulator answers a record search's <basic> criteria only, no joins.`);
    const basic = namedChildren(searchRecord, 'basic')[0];
    basicType = search.basic!;
    if (!basic) return { recordTypes: catalog.searchedRecordTypes(localOf(basicType)), criteria: [] };
    const basicNamespace = new Map([...recordScope, ...declarations(basic.node)]).get(prefixOf(basic.key));
    if (basicNamespace !== concrete(search.type))
      throw new SoapClientError(`${search.typeName}.basic must be in namespace ${concrete(search.type)} (got ${basicNamespace ?? 'no namespace'}).`);
    record = basic.node;
    inScope = new Map([...recordScope, ...declarations(record)]);
  }
  const typeName = localOf(basicType);
  const fields = catalog.searchFields(typeName) ?? new Map();

  const criteria: Criterion[] = [];
  const ns = namespacesOf(version);
  /** Each occurrence's namespace, from its own prefix and the declarations in scope there. */
  const inNamespace = (parentScope: Map<string, string>, occurrence: { key: string; node: XmlNode }, expected: string, what: string) => {
    const actual = new Map([...parentScope, ...declarations(occurrence.node)]).get(prefixOf(occurrence.key));
    if (actual !== expected) throw new SoapClientError(`${what} must be in namespace ${expected} (got ${actual ?? 'no namespace'}).`);
  };
  const seen = new Set<string>();
  for (const key of typeof record === 'string' ? [] : elementKeys(record)) {
    const field = localName(key);
    if (seen.has(field)) continue;
    seen.add(field);
    const kind = fields.get(field);
    const where = `${typeName}.${field}`;
    if (!kind) throw new SoapClientError(`${typeName} has no field ${field}; its fields are ${[...fields.keys()].join(', ')}.`);
    for (const occurrence of namedChildren(record, field)) {
      inNamespace(inScope, occurrence, concrete(basicType), where);
      const node = occurrence.node;
      const nodeScope = new Map([...inScope, ...declarations(node)]);
      // searchValue and searchValue2 belong to the Search*Field types, in platformCore.
      for (const valueName of ['searchValue', 'searchValue2']) {
        for (const value of namedChildren(node, valueName)) inNamespace(nodeScope, value, ns.platformCore, `${where}.${valueName}`);
      }
      const values = children(node, 'searchValue');
      if (kind === 'ids') {
        const idKey = field === 'externalId' ? 'externalId' : 'internalId';
        criteria.push({
          kind: 'ids',
          key: idKey,
          operator: oneOf(ID_OPERATORS, attribute(node, 'operator'), where),
          values: values.map((value) => attribute(value, idKey) ?? attribute(value, 'internalId') ?? '').filter((value) => value !== ''),
        });
      } else if (kind === 'string') {
        criteria.push({ kind: 'string', field, operator: oneOf(STRING_OPERATORS, attribute(node, 'operator'), where), value: text(values[0]) ?? '' });
      } else if (kind === 'boolean') {
        const raw = text(values[0])?.trim();
        if (raw !== 'true' && raw !== 'false') throw new SoapClientError(`${where} needs searchValue true or false (got "${raw ?? ''}").`);
        criteria.push({ kind: 'boolean', field, value: raw === 'true' });
      } else {
        const operator = oneOf(DATE_OPERATORS, attribute(node, 'operator'), where);
        const value = dateValue(values[0], `${where}.searchValue`);
        const value2 = dateValue(child(node, 'searchValue2'), `${where}.searchValue2`);
        if (operator !== 'empty' && operator !== 'notEmpty' && value === undefined) throw new SoapClientError(`${where} with operator ${operator} needs a searchValue.`);
        if (operator === 'within' && value2 === undefined) throw new SoapClientError(`${where} with operator within needs searchValue2.`);
        criteria.push({ kind: 'date', field, operator, value, value2 });
      }
    }
  }
  return { recordTypes: catalog.searchedRecordTypes(typeName), criteria };
}

/** searchPreferences.pageSize, 5 to 2000, default 1000. */
export function readPageSize(headers: Map<string, XmlNode>): number {
  const raw = text(child(headers.get('searchPreferences'), 'pageSize'))?.trim();
  if (raw === undefined || raw === '') return DEFAULT_PAGE_SIZE;
  const size = Number(raw);
  if (!Number.isInteger(size) || size < MIN_PAGE_SIZE || size > MAX_PAGE_SIZE) {
    throw new SoapClientError(`searchPreferences.pageSize must be a whole number from ${MIN_PAGE_SIZE} to ${MAX_PAGE_SIZE} (got "${raw}").`);
  }
  return size;
}
