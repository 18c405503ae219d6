import { SearchError } from '../lib/errors';
import type { RecordCatalog } from '../records/record-catalog';
import type { Criterion, SearchColumn } from '../records/search';
import { localOf, type QName } from '../records/schema-set';
import { namespacesOf } from '../records/versions';
import { readCriterion } from './criterion-reader';
import { xsiTypeOf, type Scope } from './record-reader';
import { SoapClientError } from './soap-client-error';
import { attribute, children, declarations, elementKeys, localName, namedChildren, prefixOf, text, type XmlNode } from './xml-read';

/**
 * A search's customFieldList: criteria (SearchStringCustomField…) in a search basic, columns
 * (SearchColumnStringCustomField…) in a row basic. Each customField names its custom field by
 * scriptId or internalId and says its kind by xsi:type; a criterion is then read as the search
 * field of its kind is, on the custom field's value.
 */

interface CustomField {
  node: XmlNode;
  scope: Scope;
  /** Its xsi:type as the catalog names it (templates keep {{V}}). */
  type: QName;
  scriptId?: string;
  internalId?: string;
  where: string;
}

/** Each customField of a customFieldList element, its namespace, xsi:type and key checked. */
function customFields(list: XmlNode, listScope: Scope, version: string, catalog: RecordCatalog, within: string): CustomField[] {
  const core = namespacesOf(version).platformCore;
  const other = typeof list === 'string' ? [] : elementKeys(list).filter((key) => localName(key) !== 'customField');
  if (other.length > 0) throw new SoapClientError(`${within} holds customField elements only (got ${localName(other[0])}).`);
  return namedChildren(list, 'customField').map((occurrence, index) => {
    const where = `${within}.customField[${index + 1}]`;
    const namespace = new Map([...listScope, ...declarations(occurrence.node)]).get(prefixOf(occurrence.key));
    if (namespace !== core) throw new SoapClientError(`${where} must be in namespace ${core} (got ${namespace ?? 'no namespace'}).`);
    const scope = new Map([...listScope, ...declarations(occurrence.node)]);
    const given = xsiTypeOf(occurrence.node, scope);
    if (given === undefined) throw new SoapClientError(`${where} needs an xsi:type naming its kind, e.g. platformCore:SearchStringCustomField.`);
    const type = catalog.schemas.complexTypes.has(given) ? given : given.replaceAll(`_${version}.`, '_{{V}}.');
    const scriptId = attribute(occurrence.node, 'scriptId')?.trim() || undefined;
    const internalId = attribute(occurrence.node, 'internalId')?.trim() || undefined;
    if (scriptId === undefined && internalId === undefined) throw new SearchError('INVALID_SEARCH_FIELD_KEY', `${where} names no custom field: give its scriptId or internalId.`);
    return { node: occurrence.node, scope, type, scriptId, internalId, where: `${within}.customField[${scriptId ?? internalId}]` };
  });
}

/** Each child `name` of a custom field must be in platformCore, where its type declares it. */
function inCore(field: CustomField, names: string[], core: string): void {
  for (const name of names) {
    for (const value of namedChildren(field.node, name)) {
      const namespace = new Map([...field.scope, ...declarations(value.node)]).get(prefixOf(value.key));
      if (namespace !== core) throw new SoapClientError(`${field.where}.${name} must be in namespace ${core} (got ${namespace ?? 'no namespace'}).`);
    }
  }
}

/** A search basic's customFieldList: a criterion on each custom field named. */
export function readCustomCriteria(list: XmlNode, listScope: Scope, version: string, catalog: RecordCatalog, within: string): Criterion[] {
  const core = namespacesOf(version).platformCore;
  return customFields(list, listScope, version, catalog, within).map((field) => {
    const kind = catalog.customSearchField(field.type);
    if (!kind)
      throw new SoapClientError(
        `${field.where} has xsi:type ${localOf(field.type)}, which is not a kind of SearchCustomField (e.g. SearchStringCustomField, SearchDateCustomField).`,
      );
    inCore(field, ['searchValue', 'searchValue2', 'predefinedSearchValue'], core);
    const values = children(field.node, 'searchValue');
    const key = { scriptId: field.scriptId, internalId: field.internalId };
    if (kind.kind === 'boolean') {
      const raw = text(values[0])?.trim();
      if (raw !== 'true' && raw !== 'false') throw new SearchError('INVALID_SEARCH_VALUE', `${field.where} needs searchValue true or false (got "${raw ?? ''}").`);
      return { kind: 'custom', ...key, criterion: { kind: 'boolean', field: 'value', value: raw === 'true' } };
    }
    const operator = attribute(field.node, 'operator');
    if (operator === undefined || !kind.operators.includes(operator)) {
      throw new SearchError(
        'INVALID_SEARCH_OPERATOR',
        `${field.where} needs operator one of ${kind.operators.join(', ')} (got ${operator === undefined ? 'none' : `"${operator}"`}).`,
      );
    }
    return { kind: 'custom', ...key, criterion: readCriterion(kind.kind, 'value', operator, field.node, values, field.where, catalog.searchDates) };
  });
}

/** A row basic's customFieldList: a column for each custom field named, of its xsi:type's kind. */
export function readCustomColumns(list: XmlNode, listScope: Scope, version: string, catalog: RecordCatalog, within: string): SearchColumn[] {
  const core = namespacesOf(version).platformCore;
  return customFields(list, listScope, version, catalog, within).map((field) => {
    const kind = catalog.customColumnKind(field.type);
    if (!kind) {
      throw new SoapClientError(
        `${field.where} has xsi:type ${localOf(field.type)}, which is not a kind of SearchColumnCustomField (e.g. SearchColumnStringCustomField, SearchColumnSelectCustomField).`,
      );
    }
    inCore(field, ['customLabel'], core);
    const label = namedChildren(field.node, 'customLabel')[0];
    return {
      field: 'customFieldList',
      kind,
      customLabel: label ? (text(label.node) ?? '') : undefined,
      custom: { type: localOf(field.type), scriptId: field.scriptId, internalId: field.internalId },
    };
  });
}
