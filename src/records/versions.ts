/** The SuiteTalk versions served (2017_1 … 2025_2) and what differs between them. */

const FIRST_YEAR = 2017;
const LAST_YEAR = 2025;

export const VERSIONS: readonly string[] = Array.from({ length: LAST_YEAR - FIRST_YEAR + 1 }, (_, i) => FIRST_YEAR + i).flatMap((year) => [`${year}_1`, `${year}_2`]);

export const isVersion = (value: string): boolean => VERSIONS.includes(value);

const ordinal = (version: string) => VERSIONS.indexOf(version);

/** Schema features that some versions have and others lack; named in the templates' IF blocks. */
export interface VersionFeatures {
  /** The passport header (and sessions) exist up to 2020_1. */
  passport: boolean;
  /** AsyncStatusType lists `retry` from 2018_2 on. */
  retryStatus: boolean;
  /** StatusDetail has afterSubmitFailed (and an optional code) from 2018_1 on. */
  afterSubmitFailed: boolean;
  /** getAccountGovernanceInfo and getIntegrationGovernanceInfo exist from 2020_2 on. */
  governance: boolean;
}

export function featuresOf(version: string): VersionFeatures {
  const at = ordinal(version);
  return {
    passport: at <= ordinal('2020_1'),
    retryStatus: at >= ordinal('2018_2'),
    afterSubmitFailed: at >= ordinal('2018_1'),
    governance: at >= ordinal('2020_2'),
  };
}

const NAMESPACES = new Map<string, Namespaces>(VERSIONS.map((version) => [version, Object.freeze(namespacesFor(version))]));

/** The namespaces of one version, by the prefixes NetSuite uses; a served version's are made once. */
export function namespacesOf(version: string): Namespaces {
  return NAMESPACES.get(version) ?? namespacesFor(version);
}

function namespacesFor(version: string) {
  return {
    tns: `urn:platform_${version}.webservices.netsuite.com`,
    platformMsgs: `urn:messages_${version}.platform.webservices.netsuite.com`,
    platformCore: `urn:core_${version}.platform.webservices.netsuite.com`,
    platformCoreTyp: `urn:types.core_${version}.platform.webservices.netsuite.com`,
    platformFaults: `urn:faults_${version}.platform.webservices.netsuite.com`,
    platformFaultTyp: `urn:types.faults_${version}.platform.webservices.netsuite.com`,
    platformCommon: `urn:common_${version}.platform.webservices.netsuite.com`,
    platformCommonTyp: `urn:types.common_${version}.platform.webservices.netsuite.com`,
    listRel: `urn:relationships_${version}.lists.webservices.netsuite.com`,
    tranSales: `urn:sales_${version}.transactions.webservices.netsuite.com`,
  };
}
export type Namespaces = Readonly<ReturnType<typeof namespacesFor>>;
