import { parseDateTime } from '../records/date-time';
import type { RecordCatalog } from '../records/record-catalog';
import { DATE_OPERATORS, ID_OPERATORS, SEARCH_BASICS, STRING_OPERATORS, type Criterion, type SearchCriteria } from '../records/search';
import { SoapClientError } from './envelope-parser';
import type { Scope } from './record-reader';
import { namespacesOf } from './versions';
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
  const record = child(body, 'searchRecord');
  if (record === undefined) throw new SoapClientError('asyncSearch requires a <searchRecord> element.');
  const inScope = new Map([...scope, ...declarations(record)]);
  const xsiType = typeof record === 'string' ? undefined : Object.entries(record).find(([key]) => key.startsWith('@_') && localName(key.slice(2)) === 'type' && inScope.get(prefixOf(key.slice(2))) === XSI_NS)?.[1];
  if (typeof xsiType !== 'string') throw new SoapClientError('searchRecord has no xsi:type; name its search, e.g. xsi:type="platformCommon:CustomerSearchBasic".');
  const typeName = localName(xsiType);
  const fields = catalog.searchFields(typeName);
  if (!fields || !SEARCH_BASICS[typeName] || inScope.get(prefixOf(xsiType)) !== namespacesOf(version).platformCommon) {
    throw new SoapClientError(`searchRecord has xsi:type ${xsiType}; this emulator answers ${Object.keys(SEARCH_BASICS).join(', ')} in ${namespacesOf(version).platformCommon}.`);
  }

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
      inNamespace(inScope, occurrence, ns.platformCommon, where);
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
  return { recordTypes: SEARCH_BASICS[typeName], criteria };
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
