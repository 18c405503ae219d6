import { featuresOf, type VersionFeatures } from '../src/records/versions';
import { emptyFacts, parseFacts, type FactComplexType, type NetSuiteFacts } from './netsuite-facts';

/**
 * What ../shared/netsuite-schema (the facts of 2023_2) does not state but the project declares,
 * written in its notation, and the differences between versions (netsuite-async-facts.md,
 * src/records/versions.ts). Two kinds, kept apart so the parity test can say which is which:
 * - stated by NetSuite elsewhere (netsuite-async-facts.md): the asyncResult subtypes, the
 *   passport header up to 2020_1, documentInfo as the output header; held against NetSuite's;
 * - the project's own, where every NetSuite fact is silent (OWN_FACTS, OWN_PASSPORT_FACTS): held
 *   only against what is written here, and counted apart as "declared without facts".
 */

/**
 * The seven asyncResult types (netsuite-async-facts.md: "AsyncAddListResult … each:
 * writeResponseList", a reference to the global element); the schema facts list what is reached
 * by name, not what may stand in for an abstract type.
 */
export const SUBTYPE_FACTS = `
## platformMsgs = urn:messages_V.platform.webservices.netsuite.com

\`\`\`
platformMsgs:AsyncAddListResult extends platformMsgs:AsyncResult
  platformMsgs:writeResponseList (ref)
platformMsgs:AsyncUpdateListResult extends platformMsgs:AsyncResult
  platformMsgs:writeResponseList (ref)
platformMsgs:AsyncUpsertListResult extends platformMsgs:AsyncResult
  platformMsgs:writeResponseList (ref)
platformMsgs:AsyncDeleteListResult extends platformMsgs:AsyncResult
  platformMsgs:writeResponseList (ref)
platformMsgs:AsyncGetListResult extends platformMsgs:AsyncResult
  platformMsgs:readResponseList (ref)
platformMsgs:AsyncInitializeListResult extends platformMsgs:AsyncResult
  platformMsgs:readResponseList (ref)
platformMsgs:AsyncSearchResult extends platformMsgs:AsyncResult
  platformCore:searchResult (ref)
\`\`\`
`;

/** Up to 2020_1: the passport header's type (netsuite-async-facts.md: email, password, account, role?). */
export const PASSPORT_FACTS = `
## platformCore = urn:core_V.platform.webservices.netsuite.com

\`\`\`
platformCore:Passport
  email: xsd:string
  password: xsd:string
  account: xsd:string
  role: platformCore:RecordRef ?
\`\`\`
`;

/**
 * The project's own, no NetSuite fact states them: custom field values a customFieldList carries
 * besides SelectCustomFieldRef (records.md names only the abstract CustomFieldRef), typed as their
 * names say; and the custom field criteria and columns a search's customFieldList carries
 * (searches.md names only the abstract SearchCustomField and SearchColumnCustomField), each
 * shaped as the search field or column of its kind is (SearchStringField, SearchColumnSelectField…),
 * a select's values as ListOrRecordRef, what SelectCustomFieldRef holds.
 */
export const OWN_FACTS = `
## platformCore = urn:core_V.platform.webservices.netsuite.com

\`\`\`
platformCore:StringCustomFieldRef extends platformCore:CustomFieldRef
  value: xsd:string
platformCore:BooleanCustomFieldRef extends platformCore:CustomFieldRef
  value: xsd:boolean
platformCore:LongCustomFieldRef extends platformCore:CustomFieldRef
  value: xsd:long
platformCore:DoubleCustomFieldRef extends platformCore:CustomFieldRef
  value: xsd:double
platformCore:DateCustomFieldRef extends platformCore:CustomFieldRef
  value: xsd:dateTime
platformCore:SearchStringCustomField extends platformCore:SearchCustomField
  searchValue: xsd:string ?
  @operator: platformCoreTyp:SearchStringFieldOperator
platformCore:SearchBooleanCustomField extends platformCore:SearchCustomField
  searchValue: xsd:boolean ?
platformCore:SearchLongCustomField extends platformCore:SearchCustomField
  searchValue: xsd:long ?
  searchValue2: xsd:long ?
  @operator: platformCoreTyp:SearchLongFieldOperator
platformCore:SearchDoubleCustomField extends platformCore:SearchCustomField
  searchValue: xsd:double ?
  searchValue2: xsd:double ?
  @operator: platformCoreTyp:SearchDoubleFieldOperator
platformCore:SearchDateCustomField extends platformCore:SearchCustomField
  predefinedSearchValue: platformCoreTyp:SearchDate ?
  searchValue: xsd:dateTime ?
  searchValue2: xsd:dateTime ?
  @operator: platformCoreTyp:SearchDateFieldOperator
platformCore:SearchMultiSelectCustomField extends platformCore:SearchCustomField
  searchValue: platformCore:ListOrRecordRef *
  @operator: platformCoreTyp:SearchMultiSelectFieldOperator
platformCore:SearchEnumMultiSelectCustomField extends platformCore:SearchCustomField
  searchValue: xsd:string *
  @operator: platformCoreTyp:SearchEnumMultiSelectFieldOperator
platformCore:SearchColumnStringCustomField extends platformCore:SearchColumnCustomField
  searchValue: xsd:string ?
platformCore:SearchColumnBooleanCustomField extends platformCore:SearchColumnCustomField
  searchValue: xsd:boolean ?
platformCore:SearchColumnLongCustomField extends platformCore:SearchColumnCustomField
  searchValue: xsd:long ?
platformCore:SearchColumnDoubleCustomField extends platformCore:SearchColumnCustomField
  searchValue: xsd:double ?
platformCore:SearchColumnDateCustomField extends platformCore:SearchColumnCustomField
  searchValue: xsd:dateTime ?
platformCore:SearchColumnSelectCustomField extends platformCore:SearchColumnCustomField
  searchValue: platformCore:ListOrRecordRef ?
platformCore:SearchColumnMultiSelectCustomField extends platformCore:SearchColumnCustomField
  searchValue: platformCore:ListOrRecordRef *
\`\`\`
`;

/**
 * The project's own, up to 2020_1: login and logout. The facts (2023_2) have neither, so their
 * messages follow NetSuite's pattern (named Request types; a Response holding
 * platformMsgs:sessionResponse, as changePassword's does), and their faults are those of the
 * closest stated session operation, changePassword (operations.md). Every fault the service sends
 * from them (invalidCredentials, invalidSession, insufficientPermission, exceededRequestLimit,
 * unexpectedError; src/soap/faults.ts) is among these.
 */
export const OWN_PASSPORT_FACTS = `
## platformMsgs = urn:messages_V.platform.webservices.netsuite.com

\`\`\`
platformMsgs:LoginRequest
  passport: platformCore:Passport
platformMsgs:LoginResponse
  platformMsgs:sessionResponse (ref)
platformMsgs:LogoutRequest
platformMsgs:LogoutResponse
  platformMsgs:sessionResponse (ref)
\`\`\`

## Operations

\`\`\`
login
  in: platformMsgs:login (platformMsgs:LoginRequest)
  out: platformMsgs:loginResponse (platformMsgs:LoginResponse)
  faults: platformFaults:insufficientPermissionFault, platformFaults:invalidAccountFault, platformFaults:invalidCredentialsFault, platformFaults:invalidSessionFault, platformFaults:invalidVersionFault, platformFaults:exceededRequestLimitFault, platformFaults:unexpectedErrorFault
  input headers: platformMsgs:applicationInfo, platformMsgs:partnerInfo
logout
  in: platformMsgs:logout (platformMsgs:LogoutRequest)
  out: platformMsgs:logoutResponse (platformMsgs:LogoutResponse)
  faults: platformFaults:insufficientPermissionFault, platformFaults:invalidAccountFault, platformFaults:invalidCredentialsFault, platformFaults:invalidSessionFault, platformFaults:invalidVersionFault, platformFaults:exceededRequestLimitFault, platformFaults:unexpectedErrorFault
  input headers: platformMsgs:applicationInfo, platformMsgs:partnerInfo
\`\`\`
`;

export const PASSPORT_OPERATIONS = ['login', 'logout'];
export const GOVERNANCE_OPERATIONS = ['getAccountGovernanceInfo', 'getIntegrationGovernanceInfo'];
export const PASSPORT_HEADER = 'platformMsgs:passport';
/** The output header every operation answers with (netsuite-async-facts.md, Headers: Out). */
export const DOCUMENT_INFO = 'platformMsgs:documentInfo';

/** The additions in the order the generator writes them; the last two only up to 2020_1. */
const ADDITIONS: Array<{ text: string; source: string; passport?: true }> = [
  { text: SUBTYPE_FACTS, source: 'tools/version-facts.ts (subtypes)' },
  { text: OWN_FACTS, source: 'tools/version-facts.ts (own)' },
  { text: PASSPORT_FACTS, source: 'tools/version-facts.ts (passport)', passport: true },
  { text: OWN_PASSPORT_FACTS, source: 'tools/version-facts.ts (own, passport)', passport: true },
];

/** The facts with every addition, stated or own, as the generator writes them all. */
export function allFacts(facts: NetSuiteFacts): NetSuiteFacts {
  const all = copyFacts(facts);
  for (const { text, source } of ADDITIONS) parseFacts(text, source, all);
  all.elements.set(PASSPORT_HEADER, 'platformCore:Passport');
  all.elements.set(DOCUMENT_INFO, 'platformMsgs:DocumentInfo');
  return all;
}

/**
 * The declarations that are the project's own (no NetSuite fact states them), by the names the
 * parity test reports: types and elements as prefix:Name, operations as "operation name".
 */
export function ownDeclarations(features: Pick<VersionFeatures, 'passport'>): Set<string> {
  const own = emptyFacts();
  parseFacts(OWN_FACTS, 'tools/version-facts.ts (own)', own);
  if (features.passport) parseFacts(OWN_PASSPORT_FACTS, 'tools/version-facts.ts (own, passport)', own);
  const names = new Set<string>(own.complexTypes.keys());
  for (const operation of own.operations.values()) {
    names.add(`operation ${operation.name}`);
    names.add(operation.input.element);
    names.add(operation.output.element);
  }
  return names;
}

/**
 * What one version declares, by the features src/records/versions.ts gives it: NetSuite's facts,
 * the additions netsuite-async-facts.md states, and the project's own (ownDeclarations names them).
 * Record and search types are 2023_2's in every version: the facts give no other version's fields.
 */
export function factsForVersion(facts: NetSuiteFacts, version: string): NetSuiteFacts {
  return factsForFeatures(facts, featuresOf(version));
}

export function factsForFeatures(facts: NetSuiteFacts, features: VersionFeatures): NetSuiteFacts {
  const version = copyFacts(facts);
  for (const { text, source, passport } of ADDITIONS) if (!passport || features.passport) parseFacts(text, source, version);
  version.elements.set(DOCUMENT_INFO, 'platformMsgs:DocumentInfo');
  if (features.passport) {
    version.elements.set(PASSPORT_HEADER, 'platformCore:Passport');
    for (const operation of version.operations.values()) {
      if (!PASSPORT_OPERATIONS.includes(operation.name)) operation.headers = [PASSPORT_HEADER, ...operation.headers];
    }
  }
  if (!features.governance) for (const name of GOVERNANCE_OPERATIONS) version.operations.delete(name);
  if (!features.retryStatus) {
    const status = version.simpleTypes.get('platformCoreTyp:AsyncStatusType')!;
    status.values = status.values.filter((value) => value !== 'retry');
  }
  if (!features.afterSubmitFailed) {
    const detail = version.complexTypes.get('platformCore:StatusDetail')!;
    detail.children = detail.children.filter((child) => child.name !== 'afterSubmitFailed').map((child) => (child.name === 'code' ? { ...child, minOccurs: 1 } : child));
  }
  return version;
}

function copyFacts(facts: NetSuiteFacts): NetSuiteFacts {
  const copy = emptyFacts();
  for (const [prefix, namespace] of facts.namespaces) copy.namespaces.set(prefix, namespace);
  for (const [name, type] of facts.complexTypes) copy.complexTypes.set(name, structuredClone(type) as FactComplexType);
  for (const [name, type] of facts.simpleTypes) copy.simpleTypes.set(name, structuredClone(type));
  for (const [name, operation] of facts.operations) copy.operations.set(name, structuredClone(operation));
  for (const [name, type] of facts.elements) copy.elements.set(name, type);
  return copy;
}
