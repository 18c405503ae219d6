import { ValidationError, SearchError } from '../lib/errors';
import type { SavedSearch, SavedSearchShape, SavedSearchStore } from '../records/saved-searches';
import type { SearchCriteria } from '../records/search';
import type { VersionCatalogs } from '../records/version-catalogs';
import { isVersion } from '../records/versions';
import { namespaceOf } from '../records/schema-set';
import { readAdvancedSearch, type SavedSearchUse } from './search-reader';
import { SoapClientError } from './soap-client-error';
import { declarations, elementKeys, localName, prefixOf, type XmlNode } from './xml-read';
import { readXml } from './xml-scanner';

/**
 * Saved searches on the SOAP face: a definition is an advanced search's XML, read as a request's
 * searchRecord is (in the namespaces of the version it names); running one ANDs the request's
 * criteria onto the saved ones, and the request's columns, when it gives any, replace the saved.
 */

const VERSION_OF_NAMESPACE = /_(\d{4}_\d)\./;

/** The SearchRecordType of an advanced search: TransactionSearchAdvanced is transaction. */
const searchTypeOf = (advancedType: string) => advancedType.replace(/SearchAdvanced$/, '').replace(/^./, (first) => first.toLowerCase());

/** Reads a definition: its shape and criteria. Throws SoapClientError saying what is wrong. */
function readDefinition(xml: string, catalogs: VersionCatalogs): { shape: SavedSearchShape; criteria: SearchCriteria } {
  const document = readXml(xml) as XmlNode;
  const keys = elementKeys(document);
  if (keys.length !== 1) throw new SoapClientError(`A saved search is one advanced search element (found ${keys.length} elements).`);
  const [key] = keys;
  const root = (document as Record<string, unknown>)[key];
  if (Array.isArray(root)) throw new SoapClientError('A saved search is one advanced search element (found several).');
  const scope = declarations(root as XmlNode);
  const namespace = scope.get(prefixOf(key));
  const example = 'e.g. <tranSales:TransactionSearchAdvanced xmlns:tranSales="urn:sales_2023_2.transactions.webservices.netsuite.com">';
  if (namespace === undefined) throw new SoapClientError(`<${key}> has no namespace; declare it on the element, ${example}.`);
  const version = VERSION_OF_NAMESPACE.exec(namespace)?.[1];
  if (version === undefined || !isVersion(version))
    throw new SoapClientError(`<${key}> is in ${namespace}, not a namespace of a SuiteTalk version this emulator serves; ${example}.`);
  const catalog = catalogs.forVersion(version);
  const search = catalog.searchType(localName(key));
  if (search?.kind !== 'advanced' || namespace !== namespaceOf(search.type).replaceAll('{{V}}', version)) {
    const advanced = catalog.searchTypes().filter((type) => type.kind === 'advanced');
    const names = advanced.map((type) => type.typeName).slice(0, 12);
    throw new SoapClientError(`<${key}> is not an advanced search of ${version}; a saved search is one of ${names.join(', ')}${advanced.length > 12 ? ' and more' : ''}.`);
  }
  const criteria = readAdvancedSearch(root as XmlNode, scope, version, catalog, search);
  const searchType = searchTypeOf(search.typeName);
  // getSavedSearch lists saved searches by SearchRecordType: one of no such type could never be listed.
  if (!catalog.searchRecordTypes.includes(searchType))
    throw new SoapClientError(`${search.typeName} searches ${searchType}, which is not a SearchRecordType getSavedSearch could list it by.`);
  return { shape: { advancedType: search.typeName, searchType, version }, criteria };
}

/** Checks a definition for the admin API and fixtures: a ValidationError of `field` says what is wrong. */
export function savedSearchReader(catalogs: VersionCatalogs, field = 'search'): (definition: string) => SavedSearchShape {
  return (definition) => {
    try {
      return readDefinition(definition, catalogs).shape;
    } catch (error) {
      if (error instanceof SoapClientError || error instanceof SearchError)
        throw new ValidationError(field, `${field}: ${error.message.replace('The request is not', 'The saved search is not')}`);
      throw error;
    }
  };
}

/** The search a request runs through a saved search: the saved criteria and the request's, ANDed; the request's columns, or else the saved ones. */
export async function runSavedSearch(account: string, request: SearchCriteria, use: SavedSearchUse, store: SavedSearchStore, catalogs: VersionCatalogs): Promise<SearchCriteria> {
  const saved = await findSaved(account, use, store);
  if (saved.advancedType !== use.advancedType) {
    throw new SearchError('INVALID_SAVED_SRCH', `Saved search ${saved.scriptId} (${saved.internalId}) is a ${saved.advancedType}; run it with one, not a ${use.advancedType}.`);
  }
  const definition = readDefinition(saved.definition, catalogs).criteria;
  const recordTypes = definition.recordTypes.filter((recordType) => request.recordTypes.includes(recordType));
  const rows = use.columnsGiven ? request.rows : definition.rows;
  return { recordTypes, criteria: [...definition.criteria, ...request.criteria], ...(rows ? { rows } : {}) };
}

async function findSaved(account: string, use: SavedSearchUse, store: SavedSearchStore): Promise<SavedSearch> {
  const saved = use.internalId !== undefined ? await store.find(account, { internalId: use.internalId }) : await store.find(account, { scriptId: use.scriptId! });
  const named = [use.internalId !== undefined ? `savedSearchId ${use.internalId}` : '', use.scriptId !== undefined ? `savedSearchScriptId ${use.scriptId}` : '']
    .filter(Boolean)
    .join(' and ');
  if (!saved) throw new SearchError('INVALID_SAVED_SRCH', `This account has no saved search of ${named}.`);
  if (use.scriptId !== undefined && saved.scriptId !== use.scriptId.toLowerCase()) {
    throw new SearchError('INVALID_SAVED_SRCH', `${named} name two different saved searches (${use.internalId} is ${saved.scriptId}).`);
  }
  return saved;
}
