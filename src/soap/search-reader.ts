import type { RecordCatalog, SearchType } from '../records/record-catalog';
import { SEARCH_BASICS, type Criterion, type RowPart, type SearchColumn, type SearchCriteria, type SearchField, type SearchRows } from '../records/search';
import { SEARCH_JOINS } from '../records/search-joins';
import { localOf, namespaceOf, type QName } from '../records/schema-set';
import { SoapClientError } from './soap-client-error';
import { readCriterion } from './criterion-reader';
import { readCustomColumns, readCustomCriteria } from './custom-search-fields';
import { SearchError } from '../lib/errors';
import type { Scope } from './record-reader';
import { namespacesOf } from '../records/versions';
import { attribute, child, children, declarations, elementKeys, localName, namedChildren, prefixOf, text, type XmlNode } from './xml-read';
import { XSI_NS } from './xml-write';

/**
 * Reads a search's searchRecord and searchPreferences into criteria. What the schema itself would
 * refuse (an element in another namespace, a search type it lacks) is a soapenv:Client fault; what
 * NetSuite refuses as a search (a field or join the type lacks, an operator the field does not
 * take, a value of the wrong kind, a page size out of bounds) is a SearchError with its code.
 */

export const MIN_PAGE_SIZE = 5;
export const MAX_PAGE_SIZE = 2000;
/** The synchronous search pages at most 1000 (NetSuite's governance: asynchronous searches 2000). */
export const MAX_SYNC_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 1000;

/** A family search's record types narrowed by its type criterion (TransactionSearchBasic.type anyOf _salesOrder: salesOrder). */
function ofTypes(recordTypes: string[], operator: 'anyOf' | 'noneOf', values: string[]): string[] {
  const named = new Set(values.map((value) => value.replace(/^_/, '')));
  return recordTypes.filter((recordType) => named.has(recordType) === (operator === 'anyOf'));
}

/** An advanced search run by a saved search's savedSearchId or savedSearchScriptId (or both, naming one search). */
export interface SavedSearchUse {
  internalId?: string;
  scriptId?: string;
  /** The advanced search that runs it: TransactionSearchAdvanced. */
  advancedType: string;
  /** Whether the request gave columns of its own (they replace the saved search's). */
  columnsGiven: boolean;
}

/** A search as a request gives it: its criteria and columns, and the saved search it runs, if any. */
export interface SearchRequest {
  search: SearchCriteria;
  saved?: SavedSearchUse;
}

export function readSearch(body: XmlNode, scope: Scope, version: string, catalog: RecordCatalog): SearchRequest {
  const searchRecord = child(body, 'searchRecord');
  if (searchRecord === undefined) throw new SoapClientError('A search requires a <searchRecord> element.');
  const recordScope = new Map([...scope, ...declarations(searchRecord)]);
  const xsiType =
    typeof searchRecord === 'string'
      ? undefined
      : Object.entries(searchRecord).find(([key]) => key.startsWith('@_') && localName(key.slice(2)) === 'type' && recordScope.get(prefixOf(key.slice(2))) === XSI_NS)?.[1];
  if (typeof xsiType !== 'string') throw new SoapClientError('searchRecord has no xsi:type; name its search, e.g. xsi:type="platformCommon:CustomerSearchBasic".');
  const reader = new CriteriaReader(version, catalog);
  const search = catalog.searchType(localName(xsiType));
  if (!search || recordScope.get(prefixOf(xsiType)) !== reader.concrete(search.type)) {
    // Named: the basic searches that find records of the served types.
    const answered = catalog.searchTypes().filter((type) => type.kind === 'basic' && catalog.searchedRecordTypes(type.typeName).length > 0);
    const names =
      answered
        .slice(0, 12)
        .map((type) => type.typeName)
        .join(', ') + (answered.length > 12 ? ` and ${answered.length - 12} more` : '');
    const namespace = answered.length > 0 ? ` in ${reader.concrete(answered[0].type)}` : '';
    const wrappers = catalog.searchTypes().some((type) => type.kind === 'search') ? ', and the record searches holding one as <basic> (e.g. listRel:CustomerSearch)' : '';
    throw new SoapClientError(`searchRecord has xsi:type ${xsiType}; this emulator answers ${names}${namespace}${wrappers}.`);
  }
  if (search.kind === 'other') {
    throw new SoapClientError(`${search.typeName} is a search this emulator does not answer; send a basic, record or advanced search (e.g. listRel:CustomerSearchAdvanced).`);
  }
  if (search.kind === 'basic') return { search: reader.basic(searchRecord, recordScope, search.type) };
  if (search.kind === 'advanced') return reader.advanced(searchRecord, recordScope, search, 'request');
  return { search: reader.recordSearch(searchRecord, recordScope, search) };
}

/**
 * A saved search's definition: an advanced search of this version's namespaces, read as a request's
 * is (it may not run another saved search). Throws SoapClientError saying what is wrong.
 */
export function readAdvancedSearch(record: XmlNode, scope: Scope, version: string, catalog: RecordCatalog, search: SearchType): SearchCriteria {
  return new CriteriaReader(version, catalog).advanced(record, scope, search, 'definition').search;
}

/** Reads the criteria of a search basic, and of a record search's basic and joins, for one version's namespaces. */
class CriteriaReader {
  private readonly ns: ReturnType<typeof namespacesOf>;

  constructor(
    private readonly version: string,
    private readonly catalog: RecordCatalog,
  ) {
    this.ns = namespacesOf(version);
  }

  /** A type's namespace, for this version. */
  concrete(type: string): string {
    return this.inVersion(namespaceOf(type));
  }

  private inVersion(namespace: string): string {
    return namespace.replaceAll('{{V}}', this.version);
  }

  /** Each occurrence's namespace, from its own prefix and the declarations in scope there. */
  private inNamespace(parentScope: Scope, occurrence: { key: string; node: XmlNode }, expected: string, what: string): void {
    const actual = new Map([...parentScope, ...declarations(occurrence.node)]).get(prefixOf(occurrence.key));
    if (actual !== expected) throw new SoapClientError(`${what} must be in namespace ${expected} (got ${actual ?? 'no namespace'}).`);
  }

  /** Each child element of `node`, refused if repeated or outside `namespace`, with the scope inside it; `within` names `node`. */
  private *singleChildren(node: XmlNode, scope: Scope, namespace: string, within: string): Generator<{ name: string; where: string; node: XmlNode; inScope: Scope }> {
    for (const key of typeof node === 'string' ? [] : elementKeys(node)) {
      const name = localName(key);
      const where = `${within}.${name}`;
      const occurrences = namedChildren(node, name);
      if (occurrences.length > 1) throw new SoapClientError(`${where} may appear only once.`);
      this.inNamespace(scope, occurrences[0], namespace, where);
      yield { name, where, node: occurrences[0].node, inScope: new Map([...scope, ...declarations(occurrences[0].node)]) };
    }
  }

  /** A record search (listRel:CustomerSearch): its `basic` criteria, and each join's as a join criterion. */
  recordSearch(searchRecord: XmlNode, recordScope: Scope, search: SearchType): SearchCriteria {
    const basicType = search.basic!;
    let found: SearchCriteria = { recordTypes: this.catalog.searchedRecordTypes(localOf(basicType)), criteria: [] };
    const joins: Criterion[] = [];
    const followed = SEARCH_JOINS[search.typeName] ?? {};
    const followedNames = Object.keys(followed).join(', ') || 'none yet';
    for (const { name, where, node, inScope } of this.singleChildren(searchRecord, recordScope, this.concrete(search.type), search.typeName)) {
      if (name === 'basic') {
        found = this.basic(node, inScope, basicType);
        continue;
      }
      const joinType = search.joins?.get(name);
      if (joinType === undefined) throw new SearchError('INVALID_SEARCH_JOIN_ID', `${search.typeName} has no join ${name}; the joins this emulator follows are ${followedNames}.`);
      const link = followed[name];
      if (link === undefined) throw new SoapClientError(`${where}: this emulator does not follow this join; it follows ${followedNames}.`);
      const joined = this.basic(node, inScope, joinType, where);
      joins.push({ kind: 'join', search: search.typeName, join: name, recordTypes: joined.recordTypes, criteria: joined.criteria });
    }
    return { recordTypes: found.recordTypes, criteria: [...found.criteria, ...joins] };
  }

  /** An advanced search (listRel:CustomerSearchAdvanced): its criteria, a record search, and its columns, a search row. */
  advanced(searchRecord: XmlNode, recordScope: Scope, search: SearchType, from: 'request' | 'definition'): SearchRequest {
    const [internalId, scriptId] = ['savedSearchId', 'savedSearchScriptId'].map((name) => attribute(searchRecord, name)?.trim() || undefined);
    if (from === 'definition' && (internalId ?? scriptId) !== undefined)
      throw new SoapClientError(`${search.typeName}: a saved search's definition gives its own criteria and columns; it does not run another saved search.`);
    const criteriaSearch = this.catalog.searchType(localOf(search.criteria!));
    if (criteriaSearch?.kind !== 'search') throw new SoapClientError(`${search.typeName}'s criteria are not a record search this emulator answers.`);
    let found: SearchCriteria = { recordTypes: this.catalog.searchedRecordTypes(localOf(criteriaSearch.basic!)), criteria: [] };
    let rows: SearchRows | undefined;
    for (const { name, where, node, inScope } of this.singleChildren(searchRecord, recordScope, this.concrete(search.type), search.typeName)) {
      if (name === 'criteria') found = this.recordSearch(node, inScope, criteriaSearch);
      else if (name === 'columns') rows = this.columns(node, inScope, search.columns!, criteriaSearch, where);
      else throw new SoapClientError(`${search.typeName} has no ${name}; it takes criteria and columns.`);
    }
    const columnsGiven = rows !== undefined && rows.parts.length > 0;
    // Without columns there are no rows to answer: the records are, as a record search's.
    const criteria = columnsGiven ? { ...found, rows } : found;
    if (internalId === undefined && scriptId === undefined) return { search: criteria };
    return { search: criteria, saved: { internalId, scriptId, advancedType: search.typeName, columnsGiven } };
  }

  /** An advanced search's columns: each part (basic, or a join reaching one record) and its columns, in schema order. */
  private columns(node: XmlNode, inScope: Scope, rowType: QName, criteriaSearch: SearchType, within: string): SearchRows {
    const parts = this.catalog.rowParts(rowType);
    const followed = SEARCH_JOINS[criteriaSearch.typeName] ?? {};
    const followedNames = Object.keys(followed).join(', ') || 'none';
    const chosen: RowPart[] = [];
    let many: string | undefined;
    for (const { name, where, node: partNode, inScope: partScope } of this.singleChildren(node, inScope, this.concrete(rowType), within)) {
      const part = parts.find((one) => one.name === name);
      if (!part) throw new SearchError('INVALID_SEARCH_JOIN_ID', `${localOf(rowType)} has no ${name}; its parts are basic and joins such as ${followedNames}.`);
      let joined: Pick<RowPart, 'search' | 'recordTypes' | 'many'> = {};
      if (name !== 'basic') {
        const link = followed[name];
        if (link === undefined) throw new SoapClientError(`${where}: this emulator does not follow this join; columns are answered for basic and ${followedNames}.`);
        // A join to many records makes a row for each; two would make one for each pair, which this emulator does not answer.
        if (link.via !== 'field' && many !== undefined)
          throw new SoapClientError(`${where}: columns of one join to many records are answered per search (this one has ${many} already).`);
        if (link.via !== 'field') many = name;
        joined = {
          search: criteriaSearch.typeName,
          recordTypes: this.catalog.searchedRecordTypes(localOf(criteriaSearch.joins!.get(name)!)),
          ...(link.via === 'field' ? {} : { many: true }),
        };
      }
      const available = this.catalog.rowColumns(part.type);
      const columns: Array<SearchColumn & { at: number }> = [];
      const seen = new Set<string>();
      for (const columnKey of typeof partNode === 'string' ? [] : elementKeys(partNode)) {
        const field = localName(columnKey);
        // Each key of a name gives all its occurrences, whatever their prefix.
        if (seen.has(field)) continue;
        seen.add(field);
        const at = available.findIndex((column) => column.name === field);
        if (at < 0) throw new SearchError('INVALID_SEARCH_FIELD_NAME', `${where}: ${localOf(part.type)} has no column ${field}.`);
        const { kind, namespace } = available[at];
        if (field === 'customFieldList') {
          for (const list of namedChildren(partNode, field)) {
            this.inNamespace(partScope, list, this.inVersion(namespace), `${where}.${field}`);
            const listScope = new Map([...partScope, ...declarations(list.node)]);
            columns.push(...readCustomColumns(list.node, listScope, this.version, this.catalog, `${where}.${field}`).map((column) => ({ ...column, at })));
          }
          continue;
        }
        if (kind === undefined) throw new SoapClientError(`${where}.${field}: ${localOf(part.type)}'s ${field} is not a column this emulator answers.`);
        for (const column of namedChildren(partNode, field)) {
          this.inNamespace(partScope, column, this.inVersion(namespace), `${where}.${field}`);
          const label = namedChildren(column.node, 'customLabel')[0];
          if (label) this.inNamespace(new Map([...partScope, ...declarations(column.node)]), label, this.ns.platformCore, `${where}.${field}.customLabel`);
          columns.push({ field, kind, customLabel: label ? (text(label.node) ?? '') : undefined, at });
        }
      }
      if (columns.length === 0) continue;
      columns.sort((a, b) => a.at - b.at);
      chosen.push({
        part: name,
        namespace: part.namespace,
        columnNamespace: available[columns[0].at].namespace,
        columns: columns.map(({ at: _at, ...column }) => column),
        ...joined,
      });
    }
    chosen.sort((a, b) => parts.findIndex((one) => one.name === a.part) - parts.findIndex((one) => one.name === b.part));
    return { rowType, parts: chosen };
  }

  /** A search basic's criteria (`record` is the basic itself, or a record search's basic or join); `within` names where it is. */
  basic(record: XmlNode, inScope: Scope, basicType: QName, within?: string): SearchCriteria {
    const typeName = localOf(basicType);
    const fields = this.catalog.searchFields(typeName) ?? new Map<string, SearchField>();
    const criteria: Criterion[] = [];
    const seen = new Set<string>();
    let recordTypes = this.catalog.searchedRecordTypes(typeName);
    for (const key of typeof record === 'string' ? [] : elementKeys(record)) {
      const name = localName(key);
      if (seen.has(name)) continue;
      seen.add(name);
      const field = fields.get(name);
      const where = `${within ?? typeName}.${name}`;
      if (!field && name === 'customFieldList' && this.catalog.schemas.allElements(basicType).some((element) => element.name === name)) {
        for (const list of namedChildren(record, name)) {
          this.inNamespace(inScope, list, this.concrete(basicType), where);
          criteria.push(...readCustomCriteria(list.node, new Map([...inScope, ...declarations(list.node)]), this.version, this.catalog, where));
        }
        continue;
      }
      if (!field)
        throw new SearchError('INVALID_SEARCH_FIELD_NAME', `${within ? `${within}: ` : ''}${typeName} has no field ${name}; its fields are ${[...fields.keys()].join(', ')}.`);
      for (const occurrence of namedChildren(record, name)) {
        this.inNamespace(inScope, occurrence, this.concrete(basicType), where);
        const node = occurrence.node;
        const nodeScope = new Map([...inScope, ...declarations(node)]);
        // searchValue and searchValue2 belong to the Search*Field types, in platformCore.
        for (const valueName of ['searchValue', 'searchValue2']) {
          for (const value of namedChildren(node, valueName)) this.inNamespace(nodeScope, value, this.ns.platformCore, `${where}.${valueName}`);
        }
        const values = children(node, 'searchValue');
        if (field.kind === 'boolean') {
          const raw = text(values[0])?.trim();
          if (raw !== 'true' && raw !== 'false') throw new SearchError('INVALID_SEARCH_VALUE', `${where} needs searchValue true or false (got "${raw ?? ''}").`);
          criteria.push({ kind: 'boolean', field: name, value: raw === 'true' });
          continue;
        }
        const operator = attribute(node, 'operator');
        if (operator === undefined || !field.operators.includes(operator)) {
          throw new SearchError(
            'INVALID_SEARCH_OPERATOR',
            `${where} needs operator one of ${field.operators.join(', ')} (got ${operator === undefined ? 'none' : `"${operator}"`}).`,
          );
        }
        const criterion = readCriterion(field.kind, name, operator, node, values, where, this.catalog.searchDates);
        // A family's search (transactions, items) chooses among its record types by its type field.
        if (criterion.kind === 'enum' && name === 'type' && SEARCH_BASICS[typeName] !== undefined) recordTypes = ofTypes(recordTypes, criterion.operator, criterion.values);
        else criteria.push(criterion);
      }
    }
    return { recordTypes, criteria };
  }
}

/** searchPreferences.pageSize, 5 to `max` (2000 for asyncSearch, 1000 for search), default 1000. */
export function readPageSize(headers: Map<string, XmlNode>, max = MAX_PAGE_SIZE): number {
  const raw = text(child(headers.get('searchPreferences'), 'pageSize'))?.trim();
  if (raw === undefined || raw === '') return DEFAULT_PAGE_SIZE;
  const size = Number(raw);
  if (!Number.isInteger(size) || size < MIN_PAGE_SIZE || size > max) {
    throw new SearchError('INVALID_SEARCH_PAGE_SIZE', `searchPreferences.pageSize must be a whole number from ${MIN_PAGE_SIZE} to ${max} (got "${raw}").`);
  }
  return size;
}

/** searchPreferences.bodyFieldsOnly, an xsd:boolean, default true. */
export function readBodyFieldsOnly(headers: Map<string, XmlNode>): boolean {
  return readPreference(headers, 'bodyFieldsOnly');
}

/** searchPreferences.returnSearchColumns (default true): false answers an advanced search with its records, not rows. */
export function readReturnSearchColumns(headers: Map<string, XmlNode>): boolean {
  return readPreference(headers, 'returnSearchColumns');
}

/** A boolean of searchPreferences; absent, true (the default of both NetSuite reads). */
function readPreference(headers: Map<string, XmlNode>, name: string): boolean {
  const raw = text(child(headers.get('searchPreferences'), name))?.trim();
  if (raw === undefined || raw === '') return true;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new SoapClientError(`searchPreferences.${name} must be true or false (got "${raw}").`);
}
