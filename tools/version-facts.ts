import { featuresOf, type VersionFeatures } from '../src/soap/versions';
import { emptyFacts, parseFacts, type FactComplexType, type NetSuiteFacts } from './netsuite-facts';

/**
 * What the facts files do not state but the project declares, written in their notation, and the
 * differences between versions (../shared/netsuite-async-facts.md, src/soap/versions.ts). The
 * facts are 2023_2's; every served version is held against them with only these changes.
 */

/**
 * Subtypes of abstract types the facts reach (they list what is reached by name, not what may
 * stand in for it): the seven asyncResult types (netsuite-async-facts.md: "AsyncAddListResult …
 * each: writeResponseList", a reference to the global element) and the custom field values a
 * customFieldList carries besides SelectCustomFieldRef.
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
\`\`\`
`;

/**
 * Up to 2020_1: the passport header (email, password, account, role?; netsuite-async-facts.md)
 * and login/logout, whose messages follow the pattern of NetSuite's other operations (a named
 * Request type; a Response holding platformMsgs:sessionResponse, as changePassword's does).
 */
export const PASSPORT_FACTS = `
## platformCore = urn:core_V.platform.webservices.netsuite.com

\`\`\`
platformCore:Passport
  email: xsd:string
  password: xsd:string
  account: xsd:string
  role: platformCore:RecordRef ?
\`\`\`

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
  faults: platformFaults:invalidCredentialsFault, platformFaults:insufficientPermissionFault, platformFaults:exceededRequestLimitFault, platformFaults:unexpectedErrorFault
  input headers: platformMsgs:applicationInfo, platformMsgs:partnerInfo
logout
  in: platformMsgs:logout (platformMsgs:LogoutRequest)
  out: platformMsgs:logoutResponse (platformMsgs:LogoutResponse)
  faults: platformFaults:invalidSessionFault, platformFaults:exceededRequestLimitFault, platformFaults:unexpectedErrorFault
  input headers: platformMsgs:applicationInfo, platformMsgs:partnerInfo
\`\`\`
`;

export const PASSPORT_OPERATIONS = ['login', 'logout'];
export const GOVERNANCE_OPERATIONS = ['getAccountGovernanceInfo', 'getIntegrationGovernanceInfo'];
export const PASSPORT_HEADER = 'platformMsgs:passport';
/** The output header every operation answers with (netsuite-async-facts.md, Headers: Out). */
export const DOCUMENT_INFO = 'platformMsgs:documentInfo';

/** The facts with the subtypes and the passport additions, as the generator writes them all. */
export function allFacts(facts: NetSuiteFacts): NetSuiteFacts {
  const all = copyFacts(facts);
  parseFacts(SUBTYPE_FACTS, 'tools/version-facts.ts (subtypes)', all);
  parseFacts(PASSPORT_FACTS, 'tools/version-facts.ts (passport)', all);
  all.elements.set(PASSPORT_HEADER, 'platformCore:Passport');
  all.elements.set(DOCUMENT_INFO, 'platformMsgs:DocumentInfo');
  return all;
}

/** What one version declares, by the features src/soap/versions.ts gives it. */
export function factsForVersion(facts: NetSuiteFacts, version: string): NetSuiteFacts {
  return factsForFeatures(facts, featuresOf(version));
}

export function factsForFeatures(facts: NetSuiteFacts, features: VersionFeatures): NetSuiteFacts {
  const version = copyFacts(facts);
  parseFacts(SUBTYPE_FACTS, 'tools/version-facts.ts (subtypes)', version);
  version.elements.set(DOCUMENT_INFO, 'platformMsgs:DocumentInfo');
  if (features.passport) {
    parseFacts(PASSPORT_FACTS, 'tools/version-facts.ts (passport)', version);
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
