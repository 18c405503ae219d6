import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { namespacesOf } from '../../src/records/versions';

/**
 * A small copy of NetSuite's WSDL tree for one version, written as NetSuite publishes its files and
 * never derived from this project's templates: XML Schema in the default namespace (`<complexType>`,
 * no prefix), `xsd:` tags mixed into the same files, one file all in `xs:`, one whose default
 * namespace is its own target (unprefixed QNames name its types), and every import by an absolute
 * URL on NetSuite's hosts. The declarations follow ../shared/netsuite-schema for the async
 * operations; Partner (listRel) and Campaign (listMkt, an area the built-in schemas lack) are
 * record types this project's own schemas do not have. Partner also has fields of the types the
 * built-in records never use: an xsd:int, and a named restriction of xsd:byte.
 */

export const NETSUITE = 'https://webservices.netsuite.com';
/** Another of NetSuite's hosts, which one import names: every *.netsuite.com counts as NetSuite's. */
const DATA_CENTER = 'http://webservices.na2.netsuite.com';

export const STYLE_RECORD_TYPES = ['campaign', 'customer', 'partner'];
/** Every type extending platformCore:SearchRecord in the tree. */
export const STYLE_SEARCH_TYPES = [
  'CampaignSearch',
  'CampaignSearchAdvanced',
  'CampaignSearchBasic',
  'CustomerSearchBasic',
  'PartnerSearch',
  'PartnerSearchAdvanced',
  'PartnerSearchBasic',
];

export interface StyleFile {
  /** Where NetSuite serves it, e.g. /xsd/platform/v2023_2_0/core.xsd. */
  urlPath: string;
  text: string;
}

const XSD = 'http://www.w3.org/2001/XMLSchema';

function namespaces(v: string) {
  return {
    ...namespacesOf(v),
    listRelTyp: `urn:types.relationships_${v}.lists.webservices.netsuite.com`,
    listMkt: `urn:marketing_${v}.lists.webservices.netsuite.com`,
  };
}

const xmlns = (ns: Record<string, string>, ...prefixes: Array<keyof ReturnType<typeof namespaces>>) => prefixes.map((prefix) => ` xmlns:${prefix}="${ns[prefix]}"`).join('');

/** The files as NetSuite serves them, imports by absolute https://webservices.netsuite.com URLs. */
export function netsuiteStyleFiles(version: string): StyleFile[] {
  const ns = namespaces(version);
  const v = `v${version}_0`;
  const url = (area: string, name: string, host = NETSUITE) => `${host}/xsd/${area}/${v}/${name}.xsd`;
  const imp = (prefix: keyof typeof ns, area: string, name: string, host?: string) => `<import namespace="${ns[prefix]}" schemaLocation="${url(area, name, host)}"/>`;
  const files: StyleFile[] = [];
  const add = (area: string, name: string, text: string) => files.push({ urlPath: `/xsd/${area}/${v}/${name}.xsd`, text: `<?xml version="1.0" encoding="UTF-8"?>\n${text}\n` });

  add(
    'platform',
    'core',
    `<schema xmlns="${XSD}" xmlns:xsd="${XSD}"${xmlns(ns, 'platformCore', 'platformCoreTyp', 'platformFaultTyp')} targetNamespace="${ns.platformCore}" elementFormDefault="qualified">
    ${imp('platformCoreTyp', 'platform', 'coreTypes')}
    ${imp('platformFaultTyp', 'platform', 'faultTypes', DATA_CENTER)}
    <complexType name="Record" abstract="true">
        <sequence>
            <element name="nullFieldList" type="platformCore:NullField" minOccurs="0"/>
        </sequence>
    </complexType>
    <element name="recordList" type="platformCore:RecordList"/>
    <complexType name="RecordList">
        <sequence>
            <element name="record" type="platformCore:Record" minOccurs="0" maxOccurs="unbounded"/>
        </sequence>
    </complexType>
    <complexType name="NullField">
        <sequence>
            <element name="name" type="xsd:string" minOccurs="0" maxOccurs="unbounded"/>
        </sequence>
    </complexType>
    <complexType name="BaseRef" abstract="true">
        <sequence>
            <element name="name" type="xsd:string" minOccurs="0"/>
        </sequence>
    </complexType>
    <complexType name="RecordRef">
        <complexContent>
            <extension base="platformCore:BaseRef">
                <attribute name="internalId" type="xsd:string"/>
                <attribute name="externalId" type="xsd:string"/>
                <attribute name="type" type="platformCoreTyp:RecordType"/>
            </extension>
        </complexContent>
    </complexType>
    <complexType name="CustomFieldList">
        <sequence>
            <element name="customField" type="platformCore:CustomFieldRef" minOccurs="0" maxOccurs="unbounded"/>
        </sequence>
    </complexType>
    <complexType name="CustomFieldRef" abstract="true">
        <attribute name="internalId" type="xsd:string"/>
        <attribute name="scriptId" type="xsd:string"/>
    </complexType>
    <complexType name="StringCustomFieldRef">
        <complexContent>
            <extension base="platformCore:CustomFieldRef">
                <sequence>
                    <element name="value" type="xsd:string"/>
                </sequence>
            </extension>
        </complexContent>
    </complexType>
    <element name="status" type="platformCore:Status"/>
    <complexType name="Status">
        <sequence>
            <element name="statusDetail" type="platformCore:StatusDetail" minOccurs="0" maxOccurs="unbounded"/>
        </sequence>
        <attribute name="isSuccess" type="xsd:boolean"/>
    </complexType>
    <complexType name="StatusDetail">
        <sequence>
            <element name="code" type="platformFaultTyp:StatusDetailCodeType" minOccurs="0"/>
            <xsd:element name="message" type="xsd:string" minOccurs="0"/>
            <element name="afterSubmitFailed" type="xsd:boolean" minOccurs="0"/>
        </sequence>
        <attribute name="type" type="platformFaultTyp:StatusDetailType" default="ERROR"/>
    </complexType>
    <element name="asyncStatusResult" type="platformCore:AsyncStatusResult"/>
    <complexType name="AsyncStatusResult">
        <sequence>
            <element name="jobId" type="xsd:string"/>
            <element name="status" type="platformCoreTyp:AsyncStatusType"/>
            <xsd:element name="percentCompleted" type="xsd:double"/>
            <element name="estRemainingDuration" type="xsd:double"/>
        </sequence>
    </complexType>
    <complexType name="TokenPassportSignature">
        <simpleContent>
            <extension base="xsd:string">
                <attribute name="algorithm" type="xsd:string" use="required"/>
            </extension>
        </simpleContent>
    </complexType>
    <complexType name="TokenPassport">
        <sequence>
            <element name="account" type="xsd:string"/>
            <element name="consumerKey" type="xsd:string"/>
            <element name="token" type="xsd:string"/>
            <element name="nonce" type="xsd:string"/>
            <element name="timestamp" type="xsd:long"/>
            <element name="signature" type="platformCore:TokenPassportSignature"/>
        </sequence>
    </complexType>
    <complexType name="SearchRecord" abstract="true"/>
    <complexType name="SearchRecordBasic" abstract="true">
        <complexContent>
            <extension base="platformCore:SearchRecord"/>
        </complexContent>
    </complexType>
    <complexType name="SearchRow" abstract="true"/>
    <complexType name="SearchRowBasic" abstract="true">
        <complexContent>
            <extension base="platformCore:SearchRow"/>
        </complexContent>
    </complexType>
    <element name="searchRowList" type="platformCore:SearchRowList"/>
    <complexType name="SearchRowList">
        <sequence>
            <element name="searchRow" type="platformCore:SearchRow" minOccurs="0" maxOccurs="unbounded"/>
        </sequence>
    </complexType>
    <element name="searchResult" type="platformCore:SearchResult"/>
    <complexType name="SearchResult">
        <sequence>
            <element ref="platformCore:status"/>
            <element name="totalRecords" type="xsd:int" minOccurs="0"/>
            <element name="pageSize" type="xsd:int" minOccurs="0"/>
            <element name="totalPages" type="xsd:int" minOccurs="0"/>
            <element name="pageIndex" type="xsd:int" minOccurs="0"/>
            <element name="searchId" type="xsd:string" minOccurs="0"/>
            <xsd:element ref="platformCore:recordList" minOccurs="0"/>
            <element ref="platformCore:searchRowList" minOccurs="0"/>
        </sequence>
    </complexType>
    <complexType name="SearchStringField">
        <sequence>
            <element name="searchValue" type="xsd:string" minOccurs="0"/>
        </sequence>
        <attribute name="operator" type="platformCoreTyp:SearchStringFieldOperator"/>
    </complexType>
    <complexType name="SearchBooleanField">
        <sequence>
            <element name="searchValue" type="xsd:boolean" minOccurs="0"/>
        </sequence>
    </complexType>
    <complexType name="SearchMultiSelectField">
        <sequence>
            <element name="searchValue" type="platformCore:RecordRef" minOccurs="0" maxOccurs="unbounded"/>
        </sequence>
        <attribute name="operator" type="platformCoreTyp:SearchMultiSelectFieldOperator"/>
    </complexType>
    <complexType name="SearchDateField">
        <sequence>
            <element name="searchValue" type="xsd:dateTime" minOccurs="0"/>
            <element name="searchValue2" type="xsd:dateTime" minOccurs="0"/>
        </sequence>
        <attribute name="operator" type="platformCoreTyp:SearchDateFieldOperator"/>
    </complexType>
</schema>`,
  );

  add(
    'platform',
    'coreTypes',
    `<xs:schema xmlns:xs="${XSD}"${xmlns(ns, 'platformCoreTyp')} targetNamespace="${ns.platformCoreTyp}" elementFormDefault="qualified">
    <xs:simpleType name="RecordType">
        <xs:restriction base="xs:string">
            <xs:enumeration value="campaign"/>
            <xs:enumeration value="contact"/>
            <xs:enumeration value="customer"/>
            <xs:enumeration value="partner"/>
            <xs:enumeration value="salesOrder"/>
            <xs:enumeration value="vendor"/>
        </xs:restriction>
    </xs:simpleType>
    <xs:simpleType name="AsyncStatusType">
        <xs:restriction base="xs:string">
            <xs:enumeration value="failed"/>
            <xs:enumeration value="finishedWithErrors"/>
            <xs:enumeration value="pending"/>
            <xs:enumeration value="processing"/>
            <xs:enumeration value="finished"/>
            <xs:enumeration value="retry"/>
        </xs:restriction>
    </xs:simpleType>
    <xs:simpleType name="SearchStringFieldOperator">
        <xs:restriction base="xs:string">
            ${['contains', 'doesNotContain', 'doesNotStartWith', 'empty', 'hasKeywords', 'is', 'isNot', 'notEmpty', 'startsWith'].map((value) => `<xs:enumeration value="${value}"/>`).join('')}
        </xs:restriction>
    </xs:simpleType>
    <xs:simpleType name="SearchMultiSelectFieldOperator">
        <xs:restriction base="xs:string"><xs:enumeration value="anyOf"/><xs:enumeration value="noneOf"/></xs:restriction>
    </xs:simpleType>
    <xs:simpleType name="SearchDateFieldOperator">
        <xs:restriction base="xs:string">
            ${['after', 'before', 'empty', 'notAfter', 'notBefore', 'notEmpty', 'notOn', 'notOnOrAfter', 'notOnOrBefore', 'notWithin', 'on', 'onOrAfter', 'onOrBefore', 'within'].map((value) => `<xs:enumeration value="${value}"/>`).join('')}
        </xs:restriction>
    </xs:simpleType>
</xs:schema>`,
  );

  const statusCodes = [
    'DUP_ENTITY',
    'DUP_RCRD',
    'FIELD_PARAM_REQD',
    'INSUFFICIENT_PERMISSION',
    'INVALID_FLD_VALUE',
    'INVALID_INITIALIZE_REF',
    'INVALID_KEY_OR_REF',
    'INVALID_RCRD_TYPE',
    'INVALID_SAVED_SRCH',
    'INVALID_SEARCH',
    'INVALID_SEARCH_FIELD_NAME',
    'INVALID_SEARCH_JOIN_ID',
    'INVALID_SEARCH_OPERATOR',
    'INVALID_SEARCH_PAGE_SIZE',
    'INVALID_SEARCH_VALUE',
    'RCRD_DSNT_EXIST',
    'RCRD_HAS_BEEN_CHANGED',
    'UNEXPECTED_ERROR',
    'USER_ERROR',
  ];
  const faultCodes = [
    'ACCT_TEMP_UNAVAILABLE',
    'INSUFFICIENT_PERMISSION',
    'INVALID_ACCT',
    'INVALID_JOB_ID',
    'INVALID_LOGIN_CREDENTIALS',
    'INVALID_PAGE_INDEX',
    'INVALID_ROLE',
    'JOB_NOT_COMPLETE',
    'MAX_RCRDS_EXCEEDED',
    'SESSION_TIMED_OUT',
    'UNEXPECTED_ERROR',
    'UNSUPPORTED_WS_VERSION',
    'USER_ERROR',
    'WS_CONCUR_SESSION_DISALLWD',
    'WS_REQUEST_BLOCKED',
  ];
  add(
    'platform',
    'faultTypes',
    `<schema xmlns="${XSD}"${xmlns(ns, 'platformFaultTyp')} targetNamespace="${ns.platformFaultTyp}" elementFormDefault="qualified">
    <simpleType name="StatusDetailType">
        <restriction base="string">
            <enumeration value="ERROR"/>
            <enumeration value="WARN"/>
            <enumeration value="INFO"/>
        </restriction>
    </simpleType>
    <simpleType name="FaultCodeType">
        <restriction base="string">
            ${faultCodes.map((code) => `<enumeration value="${code}"/>`).join('\n            ')}
        </restriction>
    </simpleType>
    <simpleType name="StatusDetailCodeType">
        <restriction base="string">
            ${statusCodes.map((code) => `<enumeration value="${code}"/>`).join('\n            ')}
        </restriction>
    </simpleType>
</schema>`,
  );

  const faults = [
    'asyncFault',
    'exceededConcurrentRequestLimitFault',
    'exceededRecordCountFault',
    'exceededRequestLimitFault',
    'exceededRequestSizeFault',
    'exceededUsageLimitFault',
    'insufficientPermissionFault',
    'invalidCredentialsFault',
    'invalidSessionFault',
    'unexpectedErrorFault',
  ];
  const typeOfFault = (fault: string) => fault.charAt(0).toUpperCase() + fault.slice(1);
  add(
    'platform',
    'faults',
    `<xsd:schema xmlns:xsd="${XSD}"${xmlns(ns, 'platformFaults', 'platformFaultTyp')} targetNamespace="${ns.platformFaults}" elementFormDefault="qualified">
    <xsd:import namespace="${ns.platformFaultTyp}" schemaLocation="${url('platform', 'faultTypes')}"/>
    <xsd:complexType name="SoapFault">
        <xsd:sequence>
            <xsd:element name="code" type="platformFaultTyp:FaultCodeType"/>
            <xsd:element name="message" type="xsd:string"/>
        </xsd:sequence>
    </xsd:complexType>
${faults.map((fault) => `    <xsd:complexType name="${typeOfFault(fault)}"><xsd:complexContent><xsd:extension base="platformFaults:SoapFault"/></xsd:complexContent></xsd:complexType>\n    <xsd:element name="${fault}" type="platformFaults:${typeOfFault(fault)}"/>`).join('\n')}
</xsd:schema>`,
  );

  const asyncResults: Array<[string, string]> = [
    ['AsyncAddListResult', 'writeResponseList'],
    ['AsyncUpdateListResult', 'writeResponseList'],
    ['AsyncUpsertListResult', 'writeResponseList'],
    ['AsyncDeleteListResult', 'writeResponseList'],
    ['AsyncGetListResult', 'readResponseList'],
    ['AsyncInitializeListResult', 'readResponseList'],
  ];
  add(
    'platform',
    'messages',
    `<schema xmlns="${XSD}" xmlns:xsd="${XSD}"${xmlns(ns, 'platformMsgs', 'platformCore', 'platformFaults')} targetNamespace="${ns.platformMsgs}" elementFormDefault="qualified">
    ${imp('platformCore', 'platform', 'core')}
    ${imp('platformFaults', 'platform', 'faults')}
    <element name="tokenPassport" type="platformCore:TokenPassport"/>
    <complexType name="ApplicationInfo">
        <sequence>
            <element name="applicationId" type="xsd:string"/>
        </sequence>
    </complexType>
    <element name="applicationInfo" type="platformMsgs:ApplicationInfo"/>
    <complexType name="DocumentInfo">
        <sequence>
            <element name="nsId" type="xsd:string"/>
        </sequence>
    </complexType>
    <element name="documentInfo" type="platformMsgs:DocumentInfo"/>
    <complexType name="SearchPreferences">
        <sequence>
            <element name="bodyFieldsOnly" type="xsd:boolean" minOccurs="0"/>
            <element name="returnSearchColumns" type="xsd:boolean" minOccurs="0"/>
            <element name="pageSize" type="xsd:int" minOccurs="0"/>
        </sequence>
    </complexType>
    <element name="searchPreferences" type="platformMsgs:SearchPreferences"/>
    <complexType name="WriteResponse">
        <sequence>
            <element ref="platformCore:status"/>
            <element name="baseRef" type="platformCore:BaseRef" minOccurs="0"/>
        </sequence>
    </complexType>
    <element name="writeResponse" type="platformMsgs:WriteResponse"/>
    <complexType name="WriteResponseList">
        <sequence>
            <element ref="platformCore:status" minOccurs="0"/>
            <element name="writeResponse" type="platformMsgs:WriteResponse" maxOccurs="unbounded"/>
        </sequence>
    </complexType>
    <element name="writeResponseList" type="platformMsgs:WriteResponseList"/>
    <complexType name="ReadResponse">
        <sequence>
            <element ref="platformCore:status"/>
            <element name="record" type="platformCore:Record" minOccurs="0"/>
        </sequence>
    </complexType>
    <element name="readResponse" type="platformMsgs:ReadResponse"/>
    <complexType name="ReadResponseList" xmlns:xs="${XSD}">
        <xs:sequence>
            <xs:element ref="platformCore:status" minOccurs="0"/>
            <xs:element name="readResponse" type="platformMsgs:ReadResponse" minOccurs="0" maxOccurs="unbounded"/>
        </xs:sequence>
    </complexType>
    <element name="readResponseList" type="platformMsgs:ReadResponseList"/>
    <complexType name="AsyncAddListRequest">
        <sequence>
            <element name="record" type="platformCore:Record" maxOccurs="unbounded"/>
        </sequence>
    </complexType>
    <element name="asyncAddList" type="platformMsgs:AsyncAddListRequest"/>
    <complexType name="AsyncGetListRequest">
        <sequence>
            <element name="baseRef" type="platformCore:BaseRef" maxOccurs="unbounded"/>
        </sequence>
    </complexType>
    <element name="asyncGetList" type="platformMsgs:AsyncGetListRequest"/>
    <complexType name="AsyncSearchRequest">
        <sequence>
            <element name="searchRecord" type="platformCore:SearchRecord"/>
        </sequence>
    </complexType>
    <element name="asyncSearch" type="platformMsgs:AsyncSearchRequest"/>
    <complexType name="CheckAsyncStatusRequest">
        <sequence>
            <element name="jobId" type="xsd:string"/>
        </sequence>
    </complexType>
    <element name="checkAsyncStatus" type="platformMsgs:CheckAsyncStatusRequest"/>
    <complexType name="GetAsyncResultRequest">
        <sequence>
            <element name="jobId" type="xsd:string"/>
            <element name="pageIndex" type="xsd:int"/>
        </sequence>
    </complexType>
    <element name="getAsyncResult" type="platformMsgs:GetAsyncResultRequest"/>
    <complexType name="AsyncStatusResponse">
        <sequence>
            <element ref="platformCore:asyncStatusResult"/>
        </sequence>
    </complexType>
    <element name="asyncAddListResponse" type="platformMsgs:AsyncStatusResponse"/>
    <element name="asyncGetListResponse" type="platformMsgs:AsyncStatusResponse"/>
    <element name="asyncSearchResponse" type="platformMsgs:AsyncStatusResponse"/>
    <element name="checkAsyncStatusResponse" type="platformMsgs:AsyncStatusResponse"/>
    <complexType name="AsyncResult" abstract="true"/>
    <element name="asyncResult" type="platformMsgs:AsyncResult"/>
${asyncResults.map(([type, list]) => `    <complexType name="${type}"><complexContent><extension base="platformMsgs:AsyncResult"><sequence><element ref="platformMsgs:${list}"/></sequence></extension></complexContent></complexType>`).join('\n')}
    <complexType name="AsyncSearchResult">
        <complexContent>
            <extension base="platformMsgs:AsyncResult">
                <sequence>
                    <element ref="platformCore:searchResult"/>
                </sequence>
            </extension>
        </complexContent>
    </complexType>
    <complexType name="GetAsyncResultResponse">
        <sequence>
            <element ref="platformMsgs:asyncResult"/>
        </sequence>
    </complexType>
    <element name="getAsyncResultResponse" type="platformMsgs:GetAsyncResultResponse"/>
</schema>`,
  );

  const searchBasic = (name: string, fields: Array<[string, string]>) => `    <complexType name="${name}">
        <complexContent>
            <extension base="platformCore:SearchRecordBasic">
                <sequence>
${fields.map(([field, type]) => `                    <element name="${field}" type="platformCore:${type}" minOccurs="0"/>`).join('\n')}
                </sequence>
            </extension>
        </complexContent>
    </complexType>`;
  add(
    'platform',
    'common',
    `<schema xmlns="${XSD}" xmlns:xsd="${XSD}"${xmlns(ns, 'platformCommon', 'platformCore')} targetNamespace="${ns.platformCommon}" elementFormDefault="qualified">
    ${imp('platformCore', 'platform', 'core')}
${searchBasic('CampaignSearchBasic', [
  ['externalId', 'SearchMultiSelectField'],
  ['internalId', 'SearchMultiSelectField'],
  ['isInactive', 'SearchBooleanField'],
  ['title', 'SearchStringField'],
])}
${searchBasic('CustomerSearchBasic', [
  ['companyName', 'SearchStringField'],
  ['dateCreated', 'SearchDateField'],
  ['email', 'SearchStringField'],
  ['externalId', 'SearchMultiSelectField'],
  ['internalId', 'SearchMultiSelectField'],
  ['isInactive', 'SearchBooleanField'],
])}
${searchBasic('PartnerSearchBasic', [
  ['companyName', 'SearchStringField'],
  ['email', 'SearchStringField'],
  ['externalId', 'SearchMultiSelectField'],
  ['internalId', 'SearchMultiSelectField'],
  ['isInactive', 'SearchBooleanField'],
  ['partnerCode', 'SearchStringField'],
])}
</schema>`,
  );

  add(
    'lists',
    'relationshipTypes',
    `<schema xmlns="${XSD}"${xmlns(ns, 'listRelTyp')} targetNamespace="${ns.listRelTyp}" elementFormDefault="qualified">
    <simpleType name="EmailPreference">
        <restriction base="string">
            <enumeration value="_default"/>
            <enumeration value="_hTML"/>
            <enumeration value="_pDF"/>
        </restriction>
    </simpleType>
</schema>`,
  );

  const record = (name: string, fields: string) => `    <complexType name="${name}">
        <complexContent>
            <extension base="platformCore:Record">
                <sequence>
${fields}
                </sequence>
                <attribute name="internalId" type="xsd:string"/>
                <attribute name="externalId" type="xsd:string"/>
            </extension>
        </complexContent>
    </complexType>`;
  add(
    'lists',
    'relationships',
    `<schema xmlns="${XSD}" xmlns:xsd="${XSD}"${xmlns(ns, 'listRel', 'listRelTyp', 'platformCore', 'platformCommon')} targetNamespace="${ns.listRel}" elementFormDefault="qualified">
    ${imp('platformCore', 'platform', 'core')}
    ${imp('platformCommon', 'platform', 'common')}
    ${imp('listRelTyp', 'lists', 'relationshipTypes')}
${record(
  'Customer',
  `                    <element name="entityId" type="xsd:string" minOccurs="0"/>
                    <element name="isPerson" type="xsd:boolean" minOccurs="0"/>
                    <element name="firstName" type="xsd:string" minOccurs="0"/>
                    <element name="lastName" type="xsd:string" minOccurs="0"/>
                    <element name="companyName" type="xsd:string" minOccurs="0"/>
                    <xsd:element name="email" type="xsd:string" minOccurs="0"/>
                    <element name="emailPreference" type="listRelTyp:EmailPreference" minOccurs="0"/>
                    <element name="isInactive" type="xsd:boolean" minOccurs="0"/>
                    <element name="dateCreated" type="xsd:dateTime" minOccurs="0"/>
                    <element name="customFieldList" type="platformCore:CustomFieldList" minOccurs="0"/>`,
)}
${record(
  'Partner',
  `                    <element name="entityId" type="xsd:string" minOccurs="0"/>
                    <element name="partnerCode" type="xsd:string" minOccurs="0"/>
                    <xsd:element name="companyName" type="xsd:string" minOccurs="0"/>
                    <element name="email" type="xsd:string" minOccurs="0"/>
                    <element name="isInactive" type="xsd:boolean" minOccurs="0"/>
                    <element name="dateCreated" type="xsd:dateTime" minOccurs="0"/>
                    <element name="referralCount" type="xsd:int" minOccurs="0"/>
                    <element name="tier" type="listRel:PartnerTier" minOccurs="0"/>
                    <element name="customFieldList" type="platformCore:CustomFieldList" minOccurs="0"/>`,
)}
    <simpleType name="PartnerTier">
        <restriction base="xsd:byte"/>
    </simpleType>
    <complexType name="PartnerSearch">
        <complexContent>
            <extension base="platformCore:SearchRecord">
                <sequence>
                    <element name="basic" type="platformCommon:PartnerSearchBasic" minOccurs="0"/>
                    <element name="customerJoin" type="platformCommon:CustomerSearchBasic" minOccurs="0"/>
                </sequence>
            </extension>
        </complexContent>
    </complexType>
    <complexType name="PartnerSearchAdvanced">
        <complexContent>
            <extension base="platformCore:SearchRecord">
                <sequence>
                    <element name="criteria" type="listRel:PartnerSearch" minOccurs="0"/>
                    <element name="columns" type="listRel:PartnerSearchRow" minOccurs="0"/>
                </sequence>
                <attribute name="savedSearchId" type="xsd:string"/>
                <attribute name="savedSearchScriptId" type="xsd:string"/>
            </extension>
        </complexContent>
    </complexType>
    <complexType name="PartnerSearchRow">
        <complexContent>
            <extension base="platformCore:SearchRow"/>
        </complexContent>
    </complexType>
</schema>`,
  );

  // Its own namespace as the default: unprefixed QNames (type="CampaignSearch") name its own types.
  add(
    'lists',
    'marketing',
    `<xsd:schema xmlns:xsd="${XSD}" xmlns="${ns.listMkt}"${xmlns(ns, 'listMkt', 'platformCore', 'platformCommon')} targetNamespace="${ns.listMkt}" elementFormDefault="qualified">
    <xsd:import namespace="${ns.platformCore}" schemaLocation="${url('platform', 'core')}"/>
    <xsd:import namespace="${ns.platformCommon}" schemaLocation="${url('platform', 'common')}"/>
    <xsd:complexType name="Campaign">
        <xsd:complexContent>
            <xsd:extension base="platformCore:Record">
                <xsd:sequence>
                    <xsd:element name="campaignId" type="xsd:string" minOccurs="0"/>
                    <xsd:element name="title" type="xsd:string" minOccurs="0"/>
                    <xsd:element name="isInactive" type="xsd:boolean" minOccurs="0"/>
                    <xsd:element name="expectedRevenue" type="xsd:double" minOccurs="0"/>
                </xsd:sequence>
                <xsd:attribute name="internalId" type="xsd:string"/>
                <xsd:attribute name="externalId" type="xsd:string"/>
            </xsd:extension>
        </xsd:complexContent>
    </xsd:complexType>
    <xsd:complexType name="CampaignSearch">
        <xsd:complexContent>
            <xsd:extension base="platformCore:SearchRecord">
                <xsd:sequence>
                    <xsd:element name="basic" type="platformCommon:CampaignSearchBasic" minOccurs="0"/>
                </xsd:sequence>
            </xsd:extension>
        </xsd:complexContent>
    </xsd:complexType>
    <xsd:complexType name="CampaignSearchAdvanced">
        <xsd:complexContent>
            <xsd:extension base="platformCore:SearchRecord">
                <xsd:sequence>
                    <xsd:element name="criteria" type="CampaignSearch" minOccurs="0"/>
                </xsd:sequence>
            </xsd:extension>
        </xsd:complexContent>
    </xsd:complexType>
</xsd:schema>`,
  );

  files.push({ urlPath: `/wsdl/${v}/netsuite.wsdl`, text: wsdlText(version, ns, url) });
  return files;
}

function wsdlText(version: string, ns: ReturnType<typeof namespaces>, url: (area: string, name: string) => string): string {
  const faultsOf: Record<string, string[]> = {
    checkAsyncStatus: [
      'insufficientPermissionFault',
      'invalidSessionFault',
      'invalidCredentialsFault',
      'exceededConcurrentRequestLimitFault',
      'exceededRequestLimitFault',
      'unexpectedErrorFault',
      'asyncFault',
    ],
    getAsyncResult: [
      'insufficientPermissionFault',
      'invalidSessionFault',
      'invalidCredentialsFault',
      'exceededConcurrentRequestLimitFault',
      'exceededRequestLimitFault',
      'exceededUsageLimitFault',
      'exceededRecordCountFault',
      'exceededRequestSizeFault',
      'unexpectedErrorFault',
      'asyncFault',
    ],
  };
  const submitFaults = [
    'insufficientPermissionFault',
    'invalidSessionFault',
    'invalidCredentialsFault',
    'exceededConcurrentRequestLimitFault',
    'exceededRequestLimitFault',
    'exceededUsageLimitFault',
    'exceededRecordCountFault',
    'exceededRequestSizeFault',
    'unexpectedErrorFault',
  ];
  const operations = ['asyncAddList', 'asyncGetList', 'asyncSearch', 'checkAsyncStatus', 'getAsyncResult'];
  const faultsFor = (operation: string) => faultsOf[operation] ?? submitFaults;
  const allFaults = [...new Set(operations.flatMap(faultsFor))];
  const typeOf = (fault: string) => fault.charAt(0).toUpperCase() + fault.slice(1);
  const schemaImports: Array<[string, string, string]> = [
    [ns.platformCore, 'platform', 'core'],
    [ns.platformMsgs, 'platform', 'messages'],
    [ns.platformFaults, 'platform', 'faults'],
    [ns.platformCommon, 'platform', 'common'],
    [ns.listRel, 'lists', 'relationships'],
    [ns.listMkt, 'lists', 'marketing'],
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions targetNamespace="${ns.tns}" xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:xsd="${XSD}" xmlns:tns="${ns.tns}"${xmlns(ns, 'platformMsgs', 'platformCore', 'platformFaults')}>
    <types>
        <xsd:schema elementFormDefault="qualified" targetNamespace="${ns.tns}">
${schemaImports.map(([namespace, area, name]) => `            <xsd:import namespace="${namespace}" schemaLocation="${url(area, name)}"/>`).join('\n')}
        </xsd:schema>
    </types>
    <message name="tokenPassport"><part name="header" element="platformMsgs:tokenPassport"/></message>
    <message name="documentInfo"><part name="header" element="platformMsgs:documentInfo"/></message>
${operations.map((operation) => `    <message name="${operation}Request"><part name="parameters" element="platformMsgs:${operation}"/></message>\n    <message name="${operation}Response"><part name="${operation}Response" element="platformMsgs:${operation}Response"/></message>`).join('\n')}
${allFaults.map((fault) => `    <message name="${typeOf(fault)}"><part name="${fault}" element="platformFaults:${fault}"/></message>`).join('\n')}
    <portType name="NetSuitePortType">
${operations
  .map(
    (operation) => `        <operation name="${operation}">
            <input name="${operation}Request" message="tns:${operation}Request"/>
            <output name="${operation}Response" message="tns:${operation}Response"/>
${faultsFor(operation)
  .map((fault) => `            <fault name="${typeOf(fault)}" message="tns:${typeOf(fault)}"/>`)
  .join('\n')}
        </operation>`,
  )
  .join('\n')}
    </portType>
    <binding name="NetSuiteBinding" type="tns:NetSuitePortType">
        <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
${operations
  .map(
    (operation) => `        <operation name="${operation}">
            <soap:operation soapAction="${operation}"/>
            <input><soap:header message="tns:tokenPassport" part="header" use="literal"/><soap:body use="literal"/></input>
            <output><soap:header message="tns:documentInfo" part="header" use="literal"/><soap:body use="literal"/></output>
${faultsFor(operation)
  .map((fault) => `            <fault name="${typeOf(fault)}"><soap:fault name="${typeOf(fault)}" use="literal"/></fault>`)
  .join('\n')}
        </operation>`,
  )
  .join('\n')}
    </binding>
    <service name="NetSuiteService">
        <port name="NetSuitePort" binding="tns:NetSuiteBinding">
            <soap:address location="${NETSUITE}/services/NetSuitePort_${version}"/>
        </port>
    </service>
</definitions>`;
}

export type StyleLayout = 'urls' | 'saved';

/**
 * Writes the files under `dir`: laid out as NetSuite's URLs are ('urls': wsdl/vV_0/netsuite.wsdl,
 * xsd/<area>/vV_0/<name>.xsd) or as usually saved ('saved': netsuite.wsdl beside xsd/<name>.xsd);
 * imports as published (absolute) or rewritten to relative paths, as saving tools do.
 */
export function writeNetSuiteStyleTree(dir: string, options: { version: string; layout?: StyleLayout; imports?: 'absolute' | 'relative' }): void {
  const layout = options.layout ?? 'urls';
  const files = netsuiteStyleFiles(options.version);
  const place = (urlPath: string) => (layout === 'urls' ? urlPath.slice(1) : urlPath.endsWith('.wsdl') ? path.posix.basename(urlPath) : `xsd/${path.posix.basename(urlPath)}`);
  for (const file of files) {
    let text = file.text;
    if (options.imports === 'relative') {
      text = text.replace(/(schemaLocation=")https?:\/\/[a-z0-9.-]+\.netsuite\.com(\/[^"]+)"/g, (_, head: string, urlPath: string) => {
        return `${head}${path.posix.relative(path.posix.dirname(place(file.urlPath)), place(urlPath))}"`;
      });
    }
    const target = path.join(dir, ...place(file.urlPath).split('/'));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
}
