import { SearchError } from '../lib/errors';
import type { DeletedFilter } from '../records/deleted-records';
import type { RecordCatalog } from '../records/record-catalog';
import type { Criterion } from '../records/search';
import { namespacesOf } from '../records/versions';
import { readCriterion } from './criterion-reader';
import type { Scope } from './record-reader';
import { SoapClientError } from './soap-client-error';
import { children, declarations, elementKeys, localName, namedChildren, prefixOf, attribute, type XmlNode } from './xml-read';

/**
 * getDeleted's getDeletedFilter (platformCore:GetDeletedFilter): `deletedDate` a SearchDateField,
 * `type` a SearchEnumMultiSelectField of record types (customer, _salesOrder…), `scriptId` a
 * SearchStringField; each read as a search's field of that kind is.
 */

const FIELDS: Record<string, string> = { deletedDate: 'SearchDateField', type: 'SearchEnumMultiSelectField', scriptId: 'SearchStringField' };

export function readDeletedFilter(body: XmlNode, scope: Scope, version: string, catalog: RecordCatalog): DeletedFilter {
  const core = namespacesOf(version).platformCore;
  const filters = namedChildren(body, 'getDeletedFilter');
  if (filters.length !== 1) throw new SoapClientError(`getDeleted requires one <getDeletedFilter> (got ${filters.length}).`);
  const filter = filters[0].node;
  const filterScope = new Map([...scope, ...declarations(filter)]);
  const criteria: Criterion[] = [];
  for (const key of typeof filter === 'string' ? [] : elementKeys(filter)) {
    const name = localName(key);
    const where = `getDeletedFilter.${name}`;
    const typeName = FIELDS[name];
    if (typeName === undefined) throw new SoapClientError(`getDeletedFilter has no ${name}; it takes ${Object.keys(FIELDS).join(', ')}.`);
    const occurrences = namedChildren(filter, name);
    if (occurrences.length > 1) throw new SoapClientError(`${where} may appear only once.`);
    const { node } = occurrences[0];
    const nodeScope = new Map([...filterScope, ...declarations(node)]);
    if (nodeScope.get(prefixOf(occurrences[0].key)) !== core) throw new SoapClientError(`${where} must be in namespace ${core}.`);
    const field = catalog.coreSearchField(typeName)!;
    const operator = attribute(node, 'operator');
    if (operator === undefined || !field.operators.includes(operator)) {
      throw new SearchError('INVALID_SEARCH_OPERATOR', `${where} needs operator one of ${field.operators.join(', ')} (got ${operator === undefined ? 'none' : `"${operator}"`}).`);
    }
    const criterion = readCriterion(field.kind, name, operator, node, children(node, 'searchValue'), where, catalog.searchDates);
    // A type is a record type, named as a RecordRef names it or as a search's type enumeration does (_salesOrder).
    criteria.push(criterion.kind === 'enum' ? { ...criterion, values: criterion.values.map((value) => value.replace(/^_/, '')) } : criterion);
  }
  return { criteria };
}
