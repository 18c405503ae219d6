import { XMLParser } from 'fast-xml-parser';
import { systemClock } from '../../src/lib/clock';
import type { Logger } from '../../src/lib/logger';
import { ensureTestAccount, signTokenPassport, testCredentials, tokenPassportXml, type Credentials } from '../helpers/credentials';
import { requireProgram, runProgram } from '../helpers/programs';
import { adminHeaders, createJob, startTestService, TEST_ADMIN_TOKEN, type TestService } from '../helpers/service';

/**
 * What the interop suites share: the scripted jobs, the records scenario (real records each client
 * builds from the WSDL's types and submits), the credentials every client signs each call's
 * tokenPassport with, the report every client produces about what it read, and one set of
 * expectations for all clients. Each client suite (node-soap, zeep, PHP) says how
 * to run its client and which native types its language gives; `describeInterop` does the rest,
 * once per SuiteTalk version, each on a service of its own (own database, own job queue).
 */

export const VERSIONS = ['2017_1', '2023_2'] as const;
export type Version = (typeof VERSIONS)[number];

const DEFAULT_ACCOUNT = 'TSTDRV1234567';
export const UNKNOWN_JOB_ID = `ASYNCWEBSERVICES_${DEFAULT_ACCOUNT}_000000000000000000000000000_deadbeef`;
const RESULT_PAGE_SIZE = 2;
const UNREACHABLE_PAGE = 99;

const ns = (version: string) => ({
  messages: `urn:messages_${version}.platform.webservices.netsuite.com`,
  faults: `urn:faults_${version}.platform.webservices.netsuite.com`,
  core: `urn:core_${version}.platform.webservices.netsuite.com`,
  common: `urn:common_${version}.platform.webservices.netsuite.com`,
  relationships: `urn:relationships_${version}.lists.webservices.netsuite.com`,
  sales: `urn:sales_${version}.transactions.webservices.netsuite.com`,
});

/** Both served WSDL addresses are used: the first version by its /wsdl path, the others by ?wsdl. */
export function wsdlUrlFor(baseUrl: string, version: Version): string {
  return version === VERSIONS[0] ? `${baseUrl}/wsdl/v${version}_0/netsuite.wsdl` : `${baseUrl}/services/NetSuitePort_${version}?wsdl`;
}

// ---------------------------------------------------------------------------------------------
// The jobs. All in the default account (the one CREDENTIALS.jobs act for), so they share one FIFO queue:
// they are created in this order with the same start delay, so they run in this order, and the
// slow job, created last, holds up nothing. The delay lets a client load the WSDL and poll
// before the first job starts, so it sees it pending.

const START_AFTER_SECONDS = 1.5;
const OK_EXTERNAL_IDS = ['ok-1', 'ok-2', 'ok-3', 'ok-4', 'ok-5', 'ok-6'];

const UPSERTS = [{ externalId: 'up-1' }, { externalId: 'up-2' }, { internalId: '7003', externalId: 'up-3' }, { externalId: 'up-4' }, { internalId: '7005', externalId: 'up-5' }];
const UPSERT_FAILURES = [
  { item: 2, code: 'DUP_ENTITY', message: 'This entity already exists.' },
  { item: 5, code: 'INVALID_FLD_VALUE', message: 'Invalid value for field email: not-an-address.' },
];

const CONTACTS = [
  { internalId: '9101', externalId: 'ct-1', fields: { entityId: 'Ada Lovelace', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', isInactive: false } },
  { internalId: '9102', externalId: 'ct-2', fields: { firstName: 'Grace', lastName: 'Hopper', isInactive: true } },
  { internalId: '9103', fields: { firstName: 'Edsger' } },
  { internalId: '9104', externalId: 'ct-4' },
  { internalId: '9105', fields: { lastName: 'Müller & Søn <ltd>' } },
];

export const SCENARIOS = {
  /** An add job that succeeds: 6 records, 3 pages of 2. */
  ok: {
    operation: 'asyncAddList',
    recordType: 'customer',
    items: OK_EXTERNAL_IDS.map((externalId) => ({ externalId })),
    ratePerSecond: 20,
    startAfterSeconds: START_AFTER_SECONDS,
  },
  /** An upsert job where records 2 and 5 fail: finishedWithErrors, pages of 2, 2 and 1. */
  errors: {
    operation: 'asyncUpsertList',
    recordType: 'customer',
    items: UPSERTS,
    failures: UPSERT_FAILURES,
    ratePerSecond: 20,
    startAfterSeconds: START_AFTER_SECONDS,
  },
  /** A contact search: one page of 5 whole records. */
  search: {
    operation: 'asyncSearch',
    recordType: 'contact',
    items: CONTACTS,
    pageSize: 5,
    ratePerSecond: 20,
    startAfterSeconds: START_AFTER_SECONDS,
  },
  /** Still running while the suite lasts: getAsyncResult on it is JOB_NOT_COMPLETE. */
  slow: {
    operation: 'asyncAddList',
    recordType: 'customer',
    items: 100,
    ratePerSecond: 1,
    startAfterSeconds: START_AFTER_SECONDS,
  },
} as const;

export interface InteropJobs {
  ok: string;
  errors: string;
  search: string;
  slow: string;
  unknown: string;
}

async function createInteropJobs(url: string): Promise<InteropJobs> {
  const ok = await createJob(url, SCENARIOS.ok);
  const errors = await createJob(url, SCENARIOS.errors);
  const search = await createJob(url, SCENARIOS.search);
  const slow = await createJob(url, SCENARIOS.slow);
  return { ok, errors, search, slow, unknown: UNKNOWN_JOB_ID };
}

/** The jobs as key=value arguments, as zeep_client.py and php_client.php take them. */
export const jobArguments = (jobs: InteropJobs): string[] => Object.entries(jobs).map(([key, id]) => `${key}=${id}`);

// ---------------------------------------------------------------------------------------------
// Real records, submitted through each client's generated types: a customer with addresses and
// custom fields, a sales order for it (its entity the customer's internalId from getAsyncResult),
// both read back by getList, the customer updated and searched for, and an update of a record that
// does not exist. Every client does this acting for an account of its own, RECORDS.account (its
// calls signed with CREDENTIALS.records), so these jobs do not queue behind the slow job in the
// default account.
// A client that cannot write a record's nested elements in their schema namespaces (see
// ClientProfile.recordNamespaces) sends what it can write correctly through the same steps, and
// the rest (the addresses, the custom fields, the search) as it writes them, which the server
// must refuse as NetSuite does.

export const RECORDS = {
  account: 'TSTDRV7654321',
  customer: {
    externalId: 'interop-customer',
    fields: { companyName: 'Interop Traders', email: 'orders@interop.example', isInactive: false },
    addressbook: [
      { defaultShipping: true, defaultBilling: false, label: 'Warehouse', address: { country: '_unitedStates', addr1: '1 Dock Rd', city: 'Oakland', zip: '94607' } },
      { defaultShipping: false, defaultBilling: true, label: 'Head office', address: { country: '_germany', addr1: 'Hauptstraße 5', city: 'Berlin', zip: '10115' } },
    ],
    customFields: [
      { type: 'StringCustomFieldRef', scriptId: 'custentity_tier', value: 'gold & <platinum>' },
      { type: 'BooleanCustomFieldRef', scriptId: 'custentity_vip', value: true },
    ],
  },
  salesOrder: {
    externalId: 'interop-order',
    fields: { memo: 'Rush: by Friday' },
    items: [
      { item: { internalId: '55', type: 'inventoryItem' }, quantity: 2, rate: '9.50', amount: 19, description: 'Widget' },
      { item: { externalId: 'sku-9' }, quantity: 1.5, rate: '4.00', amount: 6, description: 'Gadget, large' },
    ],
  },
  /** The one field the update changes. */
  update: { companyName: 'Interop Traders Renamed' },
  /** companyName contains this only after the update. */
  searchFor: 'Renamed',
  pageSize: 5,
  /**
   * An advanced search for the sales order, by its customer (criteria customerJoin internalId anyOf
   * the customer's): the columns asked, by part of TransactionSearchRow, each with its
   * SearchColumn…Field type (node-soap names it, see node-soap.test.ts) and a customLabel on one.
   */
  advancedSearch: {
    columns: {
      basic: [
        { name: 'internalId', type: 'SearchColumnSelectField' },
        { name: 'type', type: 'SearchColumnEnumSelectField' },
        { name: 'memo', type: 'SearchColumnStringField' },
      ],
      customerJoin: [{ name: 'companyName', type: 'SearchColumnStringField', customLabel: 'Customer' }],
    } as Record<string, Array<{ name: string; type: string; customLabel?: string }>>,
  },
  /**
   * The saved search (SAVED_SEARCH, defined before the client runs): the client finds it by
   * getSavedSearch of this searchType, runs it by the script id that answers, and reads these
   * columns of its rows (the saved search's own; the client sends none).
   */
  savedSearch: {
    searchType: 'transaction',
    columns: {
      basic: [
        { name: 'internalId', type: 'SearchColumnSelectField' },
        { name: 'memo', type: 'SearchColumnStringField' },
      ],
      customerJoin: [{ name: 'companyName', type: 'SearchColumnStringField' }],
    } as Record<string, Array<{ name: string; type: string; customLabel?: string }>>,
  },
  /**
   * A search of customers by a custom field, with the contacts of each (CUSTOM_FIELD_SEARCH, seeded
   * before the client runs): criteria basic customFieldList with one SearchStringCustomField; columns
   * basic companyName, basic customFieldList with one SearchColumnStringCustomField under a
   * customLabel, and contactJoin email (a join to many records: a row per contact). Run by search.
   */
  customFieldSearch: {
    criterion: { type: 'SearchStringCustomField', scriptId: 'custentity_tier', operator: 'is', searchValue: 'gold' },
    columns: {
      basic: [{ name: 'companyName', type: 'SearchColumnStringField' }],
      contactJoin: [{ name: 'email', type: 'SearchColumnStringField' }],
    } as Record<string, Array<{ name: string; type: string; customLabel?: string }>>,
    customColumns: [{ type: 'SearchColumnStringCustomField', scriptId: 'custentity_tier', customLabel: 'Tier' }],
  },
  missingInternalId: '999999',
  /**
   * A connector's flow, by the synchronous operations beside the asynchronous ones (RecordsReport.connector):
   * getServerTime (the flow's start); search for customers whose companyName starts with the
   * prefix (none yet); upsertList of the upserts; asyncAddList of the adds, polled by
   * checkAsyncStatus and paged by getAsyncResult (RESULT_PAGE_SIZE a page); get of one added
   * customer by its internalId; delete of it; get of it again (RCRD_DSNT_EXIST); getDeleted since
   * the start, of customers. Then the round trip of another added customer (roundTripIndex): get;
   * update sending back the record object as get gave it (its dateCreated and lastModifiedDate
   * among its fields) with companyName changed, without the preferences header (refused:
   * INSUFFICIENT_PERMISSION), and get; the same update with the preferences header
   * ignoreReadOnlyFields true next to the tokenPassport, and get. Their externalIds do not start
   * with interop-, so the records scenario's own checks do not see them, and no other step
   * deletes a record in the account.
   */
  connector: {
    companyNamePrefix: 'Connector Flow',
    upserts: [1, 2, 3].map((n) => ({ externalId: `connector-upsert-${n}`, companyName: `Connector Flow Upsert ${n}` })),
    adds: [1, 2, 3, 4, 5, 6].map((n) => ({ externalId: `connector-add-${n}`, companyName: `Connector Flow Add ${n}` })),
    /** The added customer (its index in adds) read back, deleted and found by getDeleted. */
    deleteIndex: 1,
    /** The added customer (its index in adds) read by get and sent back by update. */
    roundTripIndex: 2,
    /** The companyName the round trip's update sets. */
    roundTripCompanyName: 'Connector Flow Add 3, edited',
  },
};
export type RecordsSpec = typeof RECORDS;

// ---------------------------------------------------------------------------------------------
// The saved search. Before the client runs, records of its own are added in RECORDS.account (one
// asyncAddList, signed as the clients sign) and two saved searches are defined there through the
// admin API: one of customers (which getSavedSearch of transactions must leave out), then the
// transaction search the clients run: sales orders whose customer's name starts with the prefix
// (a join criterion), with basic internalId and memo and the customer's companyName under a
// customLabel (a join column). Six orders match, two pages at RECORDS.pageSize; an order of
// another customer and an invoice of the same customer do not. Their externalIds do not start
// with interop-, so the records scenario's own checks do not see them.

export const SAVED_SEARCH = {
  scriptId: 'customsearch_interop_archive',
  title: 'Archive orders',
  /** Defined first, of another search type: getSavedSearch of transactions lists only the other. */
  customerSearch: { scriptId: 'customsearch_interop_customers', title: 'Interop customers' },
  customer: { externalId: 'saved-archive', companyName: 'Archive Supply Co' },
  /** The saved criterion: the customer's companyName starts with this. */
  companyNameStartsWith: 'Archive',
  customLabel: 'Archive customer',
  orders: ['1', '2', '3', '4', '5', '6'].map((n) => ({ externalId: `saved-order-${n}`, memo: `Archive order ${n}` })),
  /** Records the saved criteria leave out: an order of another customer, an invoice of the right one. */
  otherCustomer: { externalId: 'saved-elsewhere', companyName: 'Elsewhere Ltd' },
  otherOrder: { externalId: 'saved-order-elsewhere', memo: 'Elsewhere order' },
  invoice: { externalId: 'saved-invoice', memo: 'Archive invoice' },
};

/** What defining the saved search made: the seeding job, the matching orders' internalIds in order, the saved search's internalId. */
export interface SavedSearchSeed {
  jobId: string;
  orderIds: string[];
  internalId: string;
}

const SEED_TIMEOUT_MS = 60_000;

/** The transaction saved search's definition, in the namespaces of `version`. */
function savedSearchDefinition(version: Version): string {
  const n = ns(version);
  const criterion = (name: string, operator: string, value: string) => `<common:${name} operator="${operator}"><core:searchValue>${value}</core:searchValue></common:${name}>`;
  return (
    `<tranSales:TransactionSearchAdvanced xmlns:tranSales="${n.sales}" xmlns:common="${n.common}" xmlns:core="${n.core}">` +
    `<tranSales:criteria><tranSales:basic>${criterion('type', 'anyOf', '_salesOrder')}</tranSales:basic>` +
    `<tranSales:customerJoin>${criterion('companyName', 'startsWith', SAVED_SEARCH.companyNameStartsWith)}</tranSales:customerJoin></tranSales:criteria>` +
    `<tranSales:columns><tranSales:basic><common:internalId/><common:memo/></tranSales:basic>` +
    `<tranSales:customerJoin><common:companyName><core:customLabel>${SAVED_SEARCH.customLabel}</core:customLabel></common:companyName></tranSales:customerJoin></tranSales:columns>` +
    `</tranSales:TransactionSearchAdvanced>`
  );
}

const soapParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, removeNSPrefix: true });

/** One SOAP call in RECORDS.account, signed as the clients sign theirs; the parsed body. */
async function recordsAccountCall(url: string, version: Version, operation: string, inner: string): Promise<Record<string, any>> {
  const n = ns(version);
  const xml =
    `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
    `xmlns:msg="${n.messages}" xmlns:listRel="${n.relationships}" xmlns:tranSales="${n.sales}">` +
    `<soapenv:Header>${tokenPassportXml(signTokenPassport(CREDENTIALS.records), version)}</soapenv:Header>` +
    `<soapenv:Body><msg:${operation}>${inner}</msg:${operation}></soapenv:Body></soapenv:Envelope>`;
  const response = await fetch(`${url}/services/NetSuitePort_${version}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: operation },
    body: xml,
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${operation} answered HTTP ${response.status}: ${text}`);
  return soapParser.parse(text).Envelope.Body;
}

/** `record` elements (inside asyncAddList) in RECORDS.account by one asyncAddList, polled to its end; its job id. `what` names them in errors. */
async function addSeedRecords(url: string, version: Version, records: string, what: string): Promise<string> {
  const submitted = await recordsAccountCall(url, version, 'asyncAddList', records);
  const jobId = String(submitted.asyncAddListResponse?.asyncStatusResult?.jobId ?? '');
  if (!jobId) throw new Error(`adding ${what} answered no job: ${JSON.stringify(submitted)}`);
  // A hang guard, not a speed limit: the job runs at DEFAULT_RATE_PER_SECOND.
  const deadline = Date.now() + SEED_TIMEOUT_MS;
  let status = '';
  while (!['finished', 'finishedWithErrors', 'failed'].includes(status)) {
    if (Date.now() > deadline) throw new Error(`adding ${what}: job ${jobId} still ${status} after ${SEED_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const polled = await recordsAccountCall(url, version, 'checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`);
    status = String(polled.checkAsyncStatusResponse?.asyncStatusResult?.status);
  }
  if (status !== 'finished') throw new Error(`adding ${what}: job ${jobId} ended ${status}`);
  return jobId;
}

const seedRecord = (type: string, externalId: string, fields: string) => `<msg:record xsi:type="${type}" externalId="${externalId}">${fields}</msg:record>`;

/** Adds SAVED_SEARCH's records and defines both saved searches (see above). */
async function seedSavedSearch(service: TestService, version: Version): Promise<SavedSearchSeed> {
  const { url } = service;
  const { customer, otherCustomer } = SAVED_SEARCH;
  const order = (type: string, { externalId, memo }: { externalId: string; memo: string }, customerExternalId: string) =>
    seedRecord(type, externalId, `<tranSales:entity externalId="${customerExternalId}" type="customer"/><tranSales:memo>${memo}</tranSales:memo>`);
  const records =
    [customer, otherCustomer].map((one) => seedRecord('listRel:Customer', one.externalId, `<listRel:companyName>${one.companyName}</listRel:companyName>`)).join('') +
    SAVED_SEARCH.orders.map((one) => order('tranSales:SalesOrder', one, customer.externalId)).join('') +
    order('tranSales:SalesOrder', SAVED_SEARCH.otherOrder, otherCustomer.externalId) +
    order('tranSales:Invoice', SAVED_SEARCH.invoice, customer.externalId);
  const jobId = await addSeedRecords(url, version, records, "the saved search's records");
  const stored = await service.database.db('records').where({ account: RECORDS.account }).whereLike('external_id', 'saved-order-%').select('internal_id', 'external_id');
  const idOf = new Map(stored.map((row: { internal_id: unknown; external_id: string }) => [row.external_id, String(row.internal_id)]));
  const orderIds = SAVED_SEARCH.orders.map(({ externalId }) => {
    const id = idOf.get(externalId);
    if (!id) throw new Error(`adding the saved search's records stored no ${externalId}: ${JSON.stringify(stored)}`);
    return id;
  });
  const define = async (body: Record<string, unknown>) => {
    const response = await fetch(`${url}/admin/saved-searches`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...adminHeaders },
      body: JSON.stringify({ account: RECORDS.account, ...body }),
    });
    const answer = (await response.json()) as { internalId?: string; error?: string };
    if (response.status !== 201 || !answer.internalId) throw new Error(`POST /admin/saved-searches answered ${response.status}: ${JSON.stringify(answer)}`);
    return answer.internalId;
  };
  const n = ns(version);
  await define({
    ...SAVED_SEARCH.customerSearch,
    search:
      `<listRel:CustomerSearchAdvanced xmlns:listRel="${n.relationships}" xmlns:common="${n.common}">` +
      `<listRel:columns><listRel:basic><common:companyName/></listRel:basic></listRel:columns></listRel:CustomerSearchAdvanced>`,
  });
  const internalId = await define({ scriptId: SAVED_SEARCH.scriptId, title: SAVED_SEARCH.title, search: savedSearchDefinition(version) });
  return { jobId, orderIds, internalId };
}

// ---------------------------------------------------------------------------------------------
// The custom field search (RECORDS.customFieldSearch). Before the client runs, two customers, each
// with the custom field custentity_tier (a StringCustomFieldRef), and contacts of both (their
// company a RecordRef to the customer by externalId) are added in RECORDS.account by one
// asyncAddList, signed as the clients sign. The criterion (tier is gold) finds one customer, and the
// contactJoin column makes a row of each of its contacts; the silver customer's contact is not in
// any row. RECORDS.customer's own tier ('gold & <platinum>') is not gold either. Their externalIds
// do not start with interop-, so the records scenario's own checks do not see them.

export const CUSTOM_FIELD_SEARCH = {
  /** The custom field as the records hold it: its script id and internalId. */
  customField: { scriptId: 'custentity_tier', internalId: '2101' },
  gold: {
    externalId: 'tier-gold',
    companyName: 'Tier Gold Co',
    tier: 'gold',
    contacts: [
      { externalId: 'tier-gold-ada', firstName: 'Ada', email: 'ada@gold.example' },
      { externalId: 'tier-gold-bo', firstName: 'Bo', email: 'bo@gold.example' },
    ],
  },
  silver: {
    externalId: 'tier-silver',
    companyName: 'Tier Silver Co',
    tier: 'silver',
    contacts: [{ externalId: 'tier-silver-cy', firstName: 'Cy', email: 'cy@silver.example' }],
  },
};

/** What seeding the custom field search made: its job, and the gold customer's contacts' emails in internalId order (the rows' order). */
export interface CustomFieldSearchSeed {
  jobId: string;
  goldContactEmails: string[];
}

/** Adds CUSTOM_FIELD_SEARCH's customers and contacts (see above). */
async function seedCustomFieldSearch(service: TestService, version: Version): Promise<CustomFieldSearchSeed> {
  const { gold, silver, customField } = CUSTOM_FIELD_SEARCH;
  const { core } = ns(version);
  const customer = (one: typeof gold) =>
    seedRecord(
      'listRel:Customer',
      one.externalId,
      `<listRel:companyName>${one.companyName}</listRel:companyName><listRel:customFieldList>` +
        `<core:customField xmlns:core="${core}" xsi:type="core:StringCustomFieldRef" scriptId="${customField.scriptId}" internalId="${customField.internalId}"><core:value>${one.tier}</core:value></core:customField>` +
        `</listRel:customFieldList>`,
    );
  const contacts = (one: typeof gold) =>
    one.contacts
      .map((contact) =>
        seedRecord(
          'listRel:Contact',
          contact.externalId,
          `<listRel:firstName>${contact.firstName}</listRel:firstName><listRel:email>${contact.email}</listRel:email><listRel:company externalId="${one.externalId}" type="customer"/>`,
        ),
      )
      .join('');
  const jobId = await addSeedRecords(service.url, version, customer(gold) + customer(silver) + contacts(gold) + contacts(silver), "the custom field search's records");
  const stored = await service.database
    .db('records')
    .where({ account: RECORDS.account, record_type: 'contact' })
    .whereIn(
      'external_id',
      gold.contacts.map((contact) => contact.externalId),
    )
    .select('internal_id', 'external_id');
  if (stored.length !== gold.contacts.length) throw new Error(`adding the custom field search's records stored the contacts ${JSON.stringify(stored)}`);
  const byInternalId = [...stored].sort((a: { internal_id: unknown }, b: { internal_id: unknown }) => (BigInt(String(a.internal_id)) < BigInt(String(b.internal_id)) ? -1 : 1));
  const emailOf = new Map(gold.contacts.map((contact) => [contact.externalId, contact.email]));
  return { jobId, goldContactEmails: byInternalId.map((row: { external_id: string }) => emailOf.get(row.external_id)!) };
}

// ---------------------------------------------------------------------------------------------
// Credentials. The service takes only calls with a correctly signed tokenPassport, and refuses a
// nonce it has seen, so each client signs every call itself, with a fresh nonce and timestamp, the
// way its ecosystem's NetSuite libraries do. The accounts are created with these credentials
// (ensureTestAccount) before a client runs. Each client also makes one call with a wrong token
// secret, and one signed with HMAC-SHA1 (ClientReport.auth).

export const CREDENTIALS: { jobs: Credentials; records: Credentials } = {
  /** The scripted jobs' account, the service's default one. */
  jobs: testCredentials(DEFAULT_ACCOUNT),
  records: testCredentials(RECORDS.account),
};

/** The credentials of the scripted jobs' account as a key=value argument for the client scripts. */
export const credentialsArgument = (): string => `credentials=${JSON.stringify(CREDENTIALS.jobs)}`;

/** The records scenario, with the credentials of its account, as a key=value argument for the client scripts. */
export const recordsArgument = (): string => `records=${JSON.stringify({ ...RECORDS, credentials: CREDENTIALS.records })}`;

// ---------------------------------------------------------------------------------------------
// The report: what a client read, in the client's own terms (values as it gave them, and the
// name of their type in its language). Any part may instead be { error } when the client threw.

export interface StatusObservation {
  status: string;
  percentCompleted: unknown;
  percentCompletedType: string;
  estRemainingDuration: unknown;
  estRemainingDurationType: string;
}

export interface PollReport {
  observations: StatusObservation[];
}

export interface StatusReport {
  isSuccess: unknown;
  isSuccessType: string;
  statusDetails: Array<{ code: unknown; message: unknown; type: unknown }>;
}

export interface WriteRecordReport extends StatusReport {
  baseRef: { refType: string | null; internalId: unknown; externalId: unknown; type: unknown } | null;
}

export interface WritePageReport {
  pageIndex: number;
  /** The concrete type the client built for asyncResult (from its xsi:type). */
  resultType: string | null;
  /** Its namespace, for clients that expose one. */
  resultTypeNamespace: string | null;
  hasWriteResponseList: boolean;
  listStatus: StatusReport | null;
  records: WriteRecordReport[];
}

export interface FaultReport {
  raised: boolean;
  faultcode?: string | null;
  faultstring?: string | null;
  /** Local name of the element in detail, e.g. asyncFault. */
  detailElement?: string | null;
  detailNamespace?: string | null;
  /** The type the client made of the detail element, where it makes one (zeep: AsyncFault). */
  detailType?: string | null;
  code?: unknown;
  message?: unknown;
  /** The code read through the typed detail, where there is one. */
  typedCode?: unknown;
  /** The call went through instead of faulting: what it answered. */
  answer?: unknown;
  pageIndex?: number;
  statusBefore?: string;
  statusAfter?: string;
}

export interface PagedResultReport {
  pages: WritePageReport[];
  /** The fault that ended paging (the page after the last). */
  end: FaultReport | null;
}

/** What every record report holds: the concrete type the client built and its simple fields. */
export interface SearchRecordReport {
  recordType: string | null;
  recordTypeNamespace: string | null;
  internalId: unknown;
  externalId: unknown;
  fields: Record<string, unknown>;
  fieldTypes: Record<string, string>;
}

export interface SearchReport {
  resultType: string | null;
  resultTypeNamespace: string | null;
  hasSearchResult: boolean;
  status?: StatusReport | null;
  totalRecords?: unknown;
  totalRecordsType?: string;
  pageSize?: unknown;
  pageSizeType?: string;
  totalPages?: unknown;
  totalPagesType?: string;
  pageIndex?: unknown;
  pageIndexType?: string;
  records: SearchRecordReport[];
}

export interface RefReport {
  internalId: unknown;
  externalId: unknown;
  type: unknown;
}

/** A record as a client read it (getList, search), in the client's own types; the simple
 * body fields are companyName, email, isInactive and memo, null where absent. */
export interface RecordReport extends SearchRecordReport {
  addressbook: Array<{
    defaultShipping: unknown;
    defaultShippingType: string;
    defaultBilling: unknown;
    label: unknown;
    /** addressbookAddress's fields (country, addr1, city, zip), or null when there is none. */
    address: Record<string, unknown> | null;
  }>;
  customFields: Array<{ type: string | null; typeNamespace: string | null; scriptId: unknown; value: unknown; valueType: string }>;
  entity: RefReport | null;
  items: Array<{ item: RefReport | null; quantity: unknown; quantityType: string; rate: unknown; amount: unknown; description: unknown }>;
}

/** A job a client submitted: what the submit answered at once, and how polling ended. */
export interface JobReport {
  jobId: string;
  submittedStatus: string;
  submittedPercentCompleted: unknown;
  status: string;
}

export interface WriteJobReport extends JobReport {
  page: WritePageReport;
}

export interface ReadJobReport extends JobReport {
  resultType: string | null;
  resultTypeNamespace: string | null;
  listStatus: StatusReport | null;
  reads: Array<StatusReport & { record: RecordReport | null }>;
}

export interface RecordSearchJobReport extends JobReport {
  search: Omit<SearchReport, 'records'> & { records: RecordReport[] };
}

/**
 * A request sent as a client writes it, which the server should refuse: the request, the HTTP
 * status of the answer, and the fault (or, when the server accepted it, raised: false and the
 * job it became in `answer`).
 */
export interface RefusalReport {
  request: string | null;
  httpStatus: number | null;
  fault: FaultReport;
}

/** A column of a search row as a client read it; a RecordRef searchValue as its RefReport, null where absent. */
export interface SearchColumnReport {
  searchValue: unknown;
  customLabel: unknown;
}

/** A custom field column of a row basic's customFieldList as a client read it: the type it built (from its xsi:type), its attributes and elements. */
export interface CustomColumnReport {
  type: string | null;
  /** The type's namespace, for clients that expose one. */
  typeNamespace: string | null;
  scriptId: unknown;
  internalId: unknown;
  customLabel: unknown;
  searchValue: unknown;
}

/** A searchRow: the type the client built for it (from its xsi:type), and each asked column by part and name (null when the row had none). */
export interface SearchRowReport {
  rowType: string | null;
  rowTypeNamespace: string | null;
  parts: Record<string, Record<string, SearchColumnReport | null>>;
  /** Only for a search asking custom field columns (RECORDS.customFieldSearch): each customField of the row's basic customFieldList, in order. */
  customFields?: CustomColumnReport[];
}

/** A searchResult page of rows, as asyncSearch, search and searchMoreWithId answer an advanced search. */
export interface SearchRowsPage {
  isSuccess: unknown;
  totalRecords: unknown;
  pageSize: unknown;
  totalPages: unknown;
  pageIndex: unknown;
  searchId: unknown;
  /** Whether the page held a recordList (records, not rows). */
  hasRecordList: boolean;
  rows: SearchRowReport[];
}

/** RECORDS.advancedSearch, through asyncSearch (page 1), search, and searchMoreWithId(search's searchId, 1). */
export interface AdvancedSearchReport {
  asyncSearch: Part<JobReport & { resultType: string | null; page: SearchRowsPage }>;
  search: Part<SearchRowsPage>;
  searchMore: Part<SearchRowsPage>;
}

/** A recordRef of getSavedSearch's recordRefList: the type the client built (from its xsi:type), its attributes and name. */
export interface SavedSearchRefReport {
  refType: string | null;
  internalId: unknown;
  scriptId: unknown;
  /** RecordRef's type attribute, which getSavedSearch leaves out of a CustomizationRef (see ClientProfile.xsiTypeAsTypeAttribute). */
  type: unknown;
  name: unknown;
}

/** getSavedSearch of RECORDS.savedSearch.searchType: its getSavedSearchResult. */
export interface SavedSearchListReport {
  isSuccess: unknown;
  totalRecords: unknown;
  refs: SavedSearchRefReport[];
}

/**
 * The saved search (SAVED_SEARCH): found by getSavedSearch, then run by a TransactionSearchAdvanced
 * naming only savedSearchScriptId, the script id getSavedSearch answered (the first listed):
 * by search (page 1) and searchMoreWithId(its searchId, 2), and by asyncSearch with
 * getAsyncResult pages 1 and 2, each with pageSize RECORDS.pageSize.
 */
export interface SavedSearchReport {
  getSavedSearch: Part<SavedSearchListReport>;
  search: Part<SearchRowsPage>;
  searchMore: Part<SearchRowsPage>;
  asyncSearch: Part<JobReport & { resultType: string | null; page: SearchRowsPage }>;
  asyncPage2: Part<{ resultType: string | null; page: SearchRowsPage }>;
}

/** A customer as `get` answered it, in the client's own terms: its type (from xsi:type), ids, companyName and its two dates (as text). */
export interface ConnectorRecordReport {
  recordType: string | null;
  internalId: unknown;
  externalId: unknown;
  companyName: unknown;
  dateCreated: string | null;
  lastModifiedDate: string | null;
}

/** A readResponse of `get`: its status and record (null when it has none). */
export type ConnectorReadReport = StatusReport & { record: ConnectorRecordReport | null };

/** A deletedRecord of getDeleted: its deletedDate (as text) and its record's type (from xsi:type) and attributes. */
export interface DeletedRecordReport {
  deletedDate: string | null;
  refType: string | null;
  internalId: unknown;
  externalId: unknown;
  type: unknown;
}

/** RECORDS.connector, step by step (each on its own: one failing does not hide the others). */
export interface ConnectorReport {
  /** getServerTime's serverTime, as text (ISO 8601): the flow's start. */
  serverTime: Part<{ serverTime: string }>;
  /** search (CustomerSearchBasic companyName startsWith the prefix) before anything is written: its searchResult. */
  search: Part<{ isSuccess: unknown; totalRecords: unknown; records: number }>;
  /** upsertList of the upserts: each writeResponse. */
  upsertList: Part<{ records: WriteRecordReport[] }>;
  /** asyncAddList of the adds: the submit, polling to the end, and every page of getAsyncResult. */
  asyncAddList: Part<JobReport & { paged: PagedResultReport }>;
  /** get of the added customer at deleteIndex, by internalId. */
  get: Part<ConnectorReadReport>;
  /** delete of it: its writeResponse. */
  delete: Part<WriteRecordReport>;
  /** get of it again. */
  getAgain: Part<ConnectorReadReport>;
  /** getDeleted (deletedDate onOrAfter serverTime, type anyOf customer), page 1. */
  getDeleted: Part<{ isSuccess: unknown; totalRecords: unknown; deleted: DeletedRecordReport[] }>;
  /** The round trip: get of the added customer at roundTripIndex, by internalId. */
  roundTripGet: Part<ConnectorReadReport>;
  /** update of the record object roundTripGet's call answered, its companyName changed, without a preferences header. */
  updateAsRead: Part<SentWriteReport>;
  /** get of it after that update. */
  getAfterRefusal: Part<ConnectorReadReport>;
  /** The same update with the preferences header ignoreReadOnlyFields true, next to the tokenPassport. */
  updateIgnoringReadOnly: Part<SentWriteReport>;
  /** get of it after that update. */
  getAfterUpdate: Part<ConnectorReadReport>;
}

/** A writeResponse, with the request the client sent for it (null when it sent none). */
export type SentWriteReport = WriteRecordReport & { request: string | null };

export interface RecordsReport {
  /** The account named in the tokenPassport headers of the scenario's calls. */
  account: string;
  addCustomer: Part<WriteJobReport>;
  addSalesOrder: Part<WriteJobReport>;
  getList: Part<ReadJobReport>;
  update: Part<WriteJobReport>;
  /**
   * Clients with recordNamespaces: the search job. Clients without: the search as they write it,
   * which the server must refuse.
   */
  search: Part<RecordSearchJobReport | RefusalReport>;
  advancedSearch: Part<AdvancedSearchReport>;
  savedSearch: Part<SavedSearchReport>;
  /** RECORDS.customFieldSearch by search: its one page of rows, each with customFields. */
  customFieldSearch: Part<SearchRowsPage>;
  updateMissing: Part<WriteJobReport>;
  /** RECORDS.connector, after the other steps. */
  connector: Part<ConnectorReport>;
  /**
   * Clients without recordNamespaces only: a customer with the addresses, and one with the custom
   * fields (each with an externalId of its own), as the client writes them, which the server must
   * refuse.
   */
  refused?: { addresses: Part<RefusalReport>; customFields: Part<RefusalReport> };
}

export type Part<T> = T | { error: string };

/** What the service answered a call signed with HMAC-SHA1 instead of HMAC-SHA256. */
export interface SignedCallReport {
  /** The algorithm as the client wrote it in signature/@algorithm. */
  algorithm: string;
  /** checkAsyncStatus of the ok job, once it has finished. */
  status: string;
}

export interface ClientReport {
  client: string;
  /** The address the client sent its calls to (from the WSDL's soap:address). */
  endpoint: string | null;
  polls: { ok: Part<PollReport>; errors: Part<PollReport> };
  results: { ok: Part<PagedResultReport>; errors: Part<PagedResultReport> };
  search: Part<SearchReport>;
  records: Part<RecordsReport>;
  faults: {
    invalidJobIdStatus: Part<FaultReport>;
    invalidJobIdResult: Part<FaultReport>;
    invalidPageIndex: Part<FaultReport>;
    jobNotComplete: Part<FaultReport>;
  };
  auth: {
    /** A call signed with HMAC-SHA1, which the service accepts. */
    hmacSha1: Part<SignedCallReport>;
    /** checkAsyncStatus signed with a wrong token secret: the fault the client surfaced. */
    wrongTokenSecret: Part<FaultReport>;
  };
  /** What only this client reports, for its own expectations (InteropClient.describeMore). */
  extra?: Record<string, unknown>;
}

/**
 * The namespaces that the elements named `local` (every occurrence, in document order) are in,
 * in a request as a client wrote it: each prefix resolved against the declarations in scope.
 */
export function namespacesOfElements(xml: string, local: string): Array<string | null> {
  return elementsNamed(xml, local).map((element) => element.namespace);
}

/** The elements named `local` (every occurrence, in document order) in a request as a client wrote it: each one's namespace and text. */
export function elementsNamed(xml: string, local: string): Array<{ namespace: string | null; text: string }> {
  type Ordered = Array<Record<string, unknown>>;
  const parsed = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false }).parse(xml) as Ordered;
  const found: Array<{ namespace: string | null; text: string }> = [];
  const walk = (nodes: Ordered, scope: Map<string, string>) => {
    for (const node of nodes) {
      const name = Object.keys(node).find((key) => key !== ':@' && key !== '#text' && !key.startsWith('?'));
      if (!name) continue;
      const inner = new Map(scope);
      for (const [attribute, value] of Object.entries((node[':@'] ?? {}) as Record<string, string>)) {
        if (attribute === 'xmlns') inner.set('', value);
        else if (attribute.startsWith('xmlns:')) inner.set(attribute.slice(6), value);
      }
      const prefix = name.includes(':') ? name.slice(0, name.indexOf(':')) : '';
      const children = node[name] as Ordered;
      if (name.slice(name.indexOf(':') + 1) === local) {
        found.push({ namespace: inner.get(prefix) ?? null, text: children.map((one) => (typeof one['#text'] === 'string' ? one['#text'] : '')).join('') });
      }
      walk(children, inner);
    }
  };
  walk(parsed, new Map());
  return found;
}

/** A part of the report, or a failure saying what the client threw. */
export function part<T>(value: Part<T> | undefined, what: string): T {
  if (value === undefined) throw new Error(`the client's report has no ${what}`);
  if (value && typeof value === 'object' && 'error' in value && typeof (value as { error: unknown }).error === 'string') {
    throw new Error(`${what}: the client failed: ${(value as { error: string }).error}`);
  }
  return value as T;
}

// ---------------------------------------------------------------------------------------------
// Running the clients.

/** How a client's language names the types of values it reads, and what else it can tell. */
export interface ClientProfile {
  /** xsd:double elements (percentCompleted, estRemainingDuration). */
  double: string;
  /** The xsd:boolean isSuccess attribute. */
  booleanAttribute: string;
  /** xsd:boolean elements of a record (Contact.isInactive, Customer.isInactive). */
  booleanElement: string;
  /** xsd:int elements of searchResult (totalRecords, ...) in getAsyncResult's AsyncSearchResult. */
  int: string;
  /** The same in the searchResult of search and searchMoreWithId, which no xsi:type leads to. */
  searchResponseInt: string;
  /** Whether the client tells the namespaces of the types it builds and of fault details. */
  namespaces: boolean;
  /** Whether the client reads a fault's detail element as its schema type. */
  typedFaultDetail: boolean;
  /**
   * Whether the client writes every element of a record in the namespace its schema declares it
   * in, also below the record's own fields (an address's fields in platformCommon, custom fields
   * and a search field's searchValue in platformCore). Without it the client's round trip leaves
   * addresses and custom fields out, and the records scenario expects the server to refuse them,
   * and the search, as the client writes them (RecordsReport.refused and .search).
   */
  recordNamespaces: boolean;
  /**
   * How the client types xsd:boolean and xsd:double elements of a record's sublists and custom
   * fields (the record's own fields are typed as booleanElement).
   */
  recordBoolean: string;
  recordDouble: string;
  /**
   * Whether the client reads an xsi:type as RecordRef's type attribute when the element has no
   * type attribute of its own (a CustomizationRef of getSavedSearch): PHP's SoapClient matches
   * attributes by local name alone.
   */
  xsiTypeAsTypeAttribute: boolean;
}

/** What a client's own expectations (describeMore) can look at. */
export interface InteropContext {
  report: ClientReport;
  service: TestService;
  version: Version;
}

export interface InteropClient {
  name: string;
  profile: ClientProfile;
  /** Throws, saying what to install, when the client cannot run on this machine. */
  checkInstalled?(): void;
  /**
   * Builds the client from `wsdlUrl` and reports what it reads. It calls `createJobs` once, as
   * soon as it is ready to poll (so it sees the first job pending).
   */
  run(wsdlUrl: string, createJobs: () => Promise<InteropJobs>): Promise<ClientReport>;
  /** Expectations of this client only, declared inside each version's describe block. */
  describeMore?(context: () => InteropContext): void;
}

export { requireProgram };

/** Runs a client program; resolves to the JSON it printed, or rejects with its output. */
export async function runJsonProgram(command: string, args: string[], timeoutMs = 90_000): Promise<ClientReport> {
  const run = await runProgram(command, args, { timeoutMs });
  const shown = `${command} ${args.join(' ')}`;
  const output = `stderr:\n${run.stderr}\nstdout:\n${run.stdout}`;
  if (run.code !== 0) throw new Error(`${shown} ended with ${run.signal ? `signal ${run.signal}` : `exit status ${run.code}`}\n${output}`);
  try {
    return JSON.parse(run.stdout) as ClientReport;
  } catch (error) {
    throw new Error(`${shown} printed no JSON report (${(error as Error).message})\n${output}`, { cause: error });
  }
}

/** A logger that keeps the service's errors, so a suite can check none were logged. */
function collectingLogger(errors: string[]): Logger {
  return {
    info: () => undefined,
    error: (message, details) => errors.push(`${message} ${JSON.stringify(details, (_key, value: unknown) => (value instanceof Error ? value.stack : value))}`),
  };
}

// ---------------------------------------------------------------------------------------------
// The suite.

const IN_PROGRESS = ['pending', 'processing'];
const STATUS_ORDER: Record<string, number> = { pending: 0, processing: 1, finished: 2, finishedWithErrors: 2, failed: 2 };

function expectStatusWalk(observations: StatusObservation[], profile: ClientProfile, final: string): void {
  expect(observations.length).toBeGreaterThan(0);
  for (const seen of observations) {
    expect(Object.keys(STATUS_ORDER)).toContain(seen.status);
    // Read as numbers, not as text: the element types are xsd:double.
    expect(seen.percentCompletedType).toBe(profile.double);
    expect(seen.estRemainingDurationType).toBe(profile.double);
    expect(typeof seen.percentCompleted).toBe('number');
    expect(typeof seen.estRemainingDuration).toBe('number');
    expect(seen.percentCompleted as number).toBeGreaterThanOrEqual(0);
    expect(seen.percentCompleted as number).toBeLessThanOrEqual(100);
    expect(seen.estRemainingDuration as number).toBeGreaterThanOrEqual(0);
    if (seen.status === 'pending') expect(seen.percentCompleted).toBe(0);
  }
  // Statuses only move forward, and so does the percentage.
  for (let i = 1; i < observations.length; i++) {
    expect(STATUS_ORDER[observations[i].status]).toBeGreaterThanOrEqual(STATUS_ORDER[observations[i - 1].status]);
    expect(observations[i].percentCompleted as number).toBeGreaterThanOrEqual(observations[i - 1].percentCompleted as number);
  }
  const last = observations[observations.length - 1];
  expect(last.status).toBe(final);
  expect(last.percentCompleted).toBe(100);
  expect(last.estRemainingDuration).toBe(0);
  expect(observations.slice(0, -1).every((seen) => IN_PROGRESS.includes(seen.status))).toBe(true);
}

/** A platformFaults fault as NetSuite sends it: Server.userException, detail `element` (of XSD type `type`) with `code`. */
function expectUserFault(fault: FaultReport, expected: { element: string; type: string; code: string }, profile: ClientProfile, version: Version): void {
  expect(fault.raised).toBe(true);
  expect(fault.faultcode).toMatch(/(^|:)Server\.userException$/);
  expect(fault.detailElement).toBe(expected.element);
  if (profile.namespaces) expect(fault.detailNamespace).toBe(ns(version).faults);
  if (profile.typedFaultDetail) {
    expect(fault.detailType).toBe(expected.type);
    expect(fault.typedCode).toBe(expected.code);
  }
  expect(fault.code).toBe(expected.code);
  expect(typeof fault.message).toBe('string');
  expect(fault.message).not.toBe('');
  expect(fault.faultstring).toBe(fault.message);
}

function expectAsyncFault(fault: FaultReport, code: string, profile: ClientProfile, version: Version): void {
  expectUserFault(fault, { element: 'asyncFault', type: 'AsyncFault', code }, profile, version);
}

function expectWritePages(paged: PagedResultReport, expected: { resultType: string; pageSizes: number[] }, profile: ClientProfile, version: Version): WriteRecordReport[] {
  expect(paged.pages.map((page) => page.pageIndex)).toEqual(expected.pageSizes.map((_, i) => i + 1));
  for (const page of paged.pages) {
    // The trap: without xsi:type, zeep reads asyncResult as the empty abstract type (its
    // writeResponseList is None) and PHP as an empty stdClass.
    expect({ pageIndex: page.pageIndex, resultType: page.resultType, hasWriteResponseList: page.hasWriteResponseList }).toEqual({
      pageIndex: page.pageIndex,
      resultType: expected.resultType,
      hasWriteResponseList: true,
    });
    if (profile.namespaces) expect(page.resultTypeNamespace).toBe(ns(version).messages);
    expect(page.listStatus).not.toBeNull();
    expect(page.listStatus!.isSuccessType).toBe(profile.booleanAttribute);
    expect(String(page.listStatus!.isSuccess)).toBe('true');
  }
  expect(paged.pages.map((page) => page.records.length)).toEqual(expected.pageSizes);
  // Paging ends where the pages end.
  expect(paged.end).not.toBeNull();
  expectAsyncFault(paged.end!, 'INVALID_PAGE_INDEX', profile, version);
  expect(paged.end!.pageIndex).toBe(expected.pageSizes.length + 1);
  const records = paged.pages.flatMap((page) => page.records);
  for (const record of records) {
    expect(record.isSuccessType).toBe(profile.booleanAttribute);
    expect(record.baseRef).not.toBeNull();
    expect(record.baseRef!.refType).toBe('RecordRef');
  }
  return records;
}

/**
 * The interop suite for one client: for each version, a service of its own, the jobs, one run of
 * the client, and the same expectations of what every client must be able to read.
 */
export function describeInterop(client: InteropClient): void {
  describe.each(VERSIONS)(`${client.name} client, SuiteTalk %s`, (version) => {
    const { profile } = client;
    let t: TestService | undefined;
    let report: ClientReport;
    let saved: SavedSearchSeed;
    let customFields: CustomFieldSearchSeed;
    const serverErrors: string[] = [];

    beforeAll(async () => {
      client.checkInstalled?.();
      t = await startTestService({
        worker: true,
        clock: systemClock,
        logger: collectingLogger(serverErrors),
        // Submitted jobs run at DEFAULT_RATE_PER_SECOND: fast, so the records scenario takes little time.
        env: { RESULT_PAGE_SIZE: String(RESULT_PAGE_SIZE), WORKER_POLL_MS: '50', DEFAULT_RATE_PER_SECOND: '50' },
      });
      const url = t.url;
      for (const { account } of Object.values(CREDENTIALS)) await ensureTestAccount(url, account, TEST_ADMIN_TOKEN);
      saved = await seedSavedSearch(t, version);
      customFields = await seedCustomFieldSearch(t, version);
      report = await client.run(wsdlUrlFor(url, version), () => createInteropJobs(url));
    });
    afterAll(async () => {
      await t?.close();
    });

    it('calls the endpoint named by soap:address', () => {
      expect(report.endpoint).toBe(`${t!.url}/services/NetSuitePort_${version}`);
    });

    it('polls checkAsyncStatus from pending or processing to finished, reading numbers', () => {
      const { observations } = part(report.polls.ok, 'polling the ok job');
      expect(IN_PROGRESS).toContain(observations[0].status);
      expectStatusWalk(observations, profile, 'finished');
    });

    it('sees the job with failing records end finishedWithErrors', () => {
      const { observations } = part(report.polls.errors, 'polling the errors job');
      expectStatusWalk(observations, profile, 'finishedWithErrors');
    });

    it('pages getAsyncResult of an add job: AsyncAddListResult with RecordRefs', () => {
      const paged = part(report.results.ok, 'paging the ok job');
      const records = expectWritePages(paged, { resultType: 'AsyncAddListResult', pageSizes: [2, 2, 2] }, profile, version);
      expect(records.map((record) => String(record.isSuccess))).toEqual(OK_EXTERNAL_IDS.map(() => 'true'));
      expect(records.map((record) => record.statusDetails)).toEqual(OK_EXTERNAL_IDS.map(() => []));
      expect(records.map((record) => record.baseRef!.externalId)).toEqual(OK_EXTERNAL_IDS);
      const internalIds = records.map((record) => record.baseRef!.internalId);
      for (const id of internalIds) expect(id).toMatch(/^\d+$/);
      expect(new Set(internalIds).size).toBe(internalIds.length);
    });

    it('pages getAsyncResult of an upsert job with failures: per-record status and statusDetail codes', () => {
      const paged = part(report.results.errors, 'paging the errors job');
      const records = expectWritePages(paged, { resultType: 'AsyncUpsertListResult', pageSizes: [2, 2, 1] }, profile, version);
      expect(records.map((record) => String(record.isSuccess))).toEqual(['true', 'false', 'true', 'true', 'false']);
      expect(records.map((record) => record.baseRef!.externalId)).toEqual(UPSERTS.map((item) => item.externalId));
      expect(records[0].baseRef!.internalId).toMatch(/^\d+$/);
      expect(records[1].baseRef!.internalId ?? null).toBeNull();
      expect(records[2].baseRef!.internalId).toBe('7003');
      expect(records[4].baseRef!.internalId).toBe('7005');
      expect(records[0].statusDetails).toEqual([]);
      expect(records[1].statusDetails).toEqual([{ code: 'DUP_ENTITY', message: UPSERT_FAILURES[0].message, type: 'ERROR' }]);
      expect(records[4].statusDetails).toEqual([{ code: 'INVALID_FLD_VALUE', message: UPSERT_FAILURES[1].message, type: 'ERROR' }]);
    });

    it("reads each RecordRef's type attribute (customer), not its xsi:type", () => {
      // RecordRef has an attribute named type; a client matching attributes by local name
      // alone (PHP's SoapClient) takes whichever attribute called "type" comes first.
      const records = [part(report.results.ok, 'paging the ok job'), part(report.results.errors, 'paging the errors job')].flatMap((paged) =>
        paged.pages.flatMap((page) => page.records),
      );
      expect(records).toHaveLength(OK_EXTERNAL_IDS.length + UPSERTS.length);
      expect(records.map((record) => record.baseRef?.type)).toEqual(records.map(() => 'customer'));
    });

    it('reads asyncSearch results: AsyncSearchResult with records typed Contact', () => {
      const search = part(report.search, 'reading the search job');
      expect({ resultType: search.resultType, hasSearchResult: search.hasSearchResult }).toEqual({
        resultType: 'AsyncSearchResult',
        hasSearchResult: true,
      });
      if (profile.namespaces) expect(search.resultTypeNamespace).toBe(ns(version).messages);
      expect(String(search.status?.isSuccess)).toBe('true');
      expect({ totalRecords: search.totalRecords, pageSize: search.pageSize, totalPages: search.totalPages, pageIndex: search.pageIndex }).toEqual(
        profile.int === 'string' ? { totalRecords: '5', pageSize: '5', totalPages: '1', pageIndex: '1' } : { totalRecords: 5, pageSize: 5, totalPages: 1, pageIndex: 1 },
      );
      expect([search.totalRecordsType, search.pageSizeType, search.totalPagesType, search.pageIndexType]).toEqual(Array(4).fill(profile.int));
      expect(search.records.map((record) => record.recordType)).toEqual(CONTACTS.map(() => 'Contact'));
      if (profile.namespaces) expect(search.records.map((record) => record.recordTypeNamespace)).toEqual(CONTACTS.map(() => ns(version).relationships));
      expect(search.records.map((record) => record.internalId)).toEqual(CONTACTS.map((contact) => contact.internalId));
      expect(search.records.map((record) => record.externalId ?? null)).toEqual(CONTACTS.map((contact) => ('externalId' in contact ? contact.externalId : null)));
      expect(search.records.map((record) => withoutNulls(record.fields))).toEqual(CONTACTS.map((contact) => ('fields' in contact ? contact.fields : {})));
      expect(search.records[0].fieldTypes.isInactive).toBe(profile.booleanElement);
      expect(search.records[1].fieldTypes.isInactive).toBe(profile.booleanElement);
    });

    it('reads INVALID_JOB_ID for an unknown job id from checkAsyncStatus and getAsyncResult', () => {
      expectAsyncFault(part(report.faults.invalidJobIdStatus, 'checkAsyncStatus of an unknown job'), 'INVALID_JOB_ID', profile, version);
      expectAsyncFault(part(report.faults.invalidJobIdResult, 'getAsyncResult of an unknown job'), 'INVALID_JOB_ID', profile, version);
    });

    it('reads JOB_NOT_COMPLETE for getAsyncResult on a job still processing', () => {
      const fault = part(report.faults.jobNotComplete, 'getAsyncResult of the slow job');
      expect(fault.statusBefore).toBe('processing');
      expect(fault.statusAfter).toBe('processing');
      expectAsyncFault(fault, 'JOB_NOT_COMPLETE', profile, version);
    });

    it(`reads INVALID_PAGE_INDEX for page ${UNREACHABLE_PAGE} of a finished job`, () => {
      expectAsyncFault(part(report.faults.invalidPageIndex, `getAsyncResult page ${UNREACHABLE_PAGE}`), 'INVALID_PAGE_INDEX', profile, version);
    });

    it('has a call signed with HMAC-SHA1 accepted', () => {
      const signed = part(report.auth.hmacSha1, 'checkAsyncStatus signed with HMAC-SHA1');
      expect(signed).toEqual({ algorithm: 'HMAC-SHA1', status: 'finished' });
    });

    it('reads invalidCredentialsFault USER_ERROR "Invalid login attempt." for a call signed with a wrong token secret', () => {
      const fault = part(report.auth.wrongTokenSecret, 'checkAsyncStatus signed with a wrong token secret');
      expectUserFault(fault, { element: 'invalidCredentialsFault', type: 'InvalidCredentialsFault', code: 'USER_ERROR' }, profile, version);
      expect(fault.message).toBe('Invalid login attempt.');
    });

    it('refused no call but that one, for its signature (server side, the login audit)', async () => {
      // Every other call of the client passed authentication; the refused one failed on its signature alone.
      const response = await fetch(`${t!.url}/admin/login-audit`, { headers: adminHeaders });
      const { failures } = (await response.json()) as { failures: Array<Record<string, unknown>> };
      expect(failures.map(({ account, method, credential, reason }) => ({ account, method, credential, reason }))).toEqual([
        { account: CREDENTIALS.jobs.account, method: 'tba', credential: CREDENTIALS.jobs.tokenId, reason: 'wrong signature' },
      ]);
    });

    describeRecords(profile, version, () => ({ report, service: t!, saved, customFields }));

    client.describeMore?.(() => ({ report, service: t!, version }));

    it('logged no errors on the service', () => {
      expect(serverErrors).toEqual([]);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The records scenario's expectations.

/** A value as a client that types it `type` reads it: text clients read the text the server wrote. */
function asRead(value: boolean | number | string, type: string): unknown {
  return type === 'string' ? String(value) : value;
}

/** A page of search rows as the client read it: a success, its counts (each read as `int` types them), and rows, not records. */
function expectRowsPageHead(page: SearchRowsPage, counts: { totalRecords: number; totalPages: number; pageIndex: number }, int: string): void {
  expect({
    isSuccess: String(page.isSuccess),
    totalRecords: page.totalRecords,
    pageSize: page.pageSize,
    totalPages: page.totalPages,
    pageIndex: page.pageIndex,
    hasRecordList: page.hasRecordList,
  }).toEqual({
    isSuccess: 'true',
    totalRecords: asRead(counts.totalRecords, int),
    pageSize: asRead(RECORDS.pageSize, int),
    totalPages: asRead(counts.totalPages, int),
    pageIndex: asRead(counts.pageIndex, int),
    hasRecordList: false,
  });
}

function expectWriteJob(
  job: WriteJobReport,
  expected: { resultType: string; status: string; isSuccess: boolean; type: string; internalId?: string | null; externalId: string | null },
  profile: ClientProfile,
  version: Version,
): void {
  // Every submit answers at once: pending, nothing done yet.
  expect({ submittedStatus: job.submittedStatus, submittedPercentCompleted: job.submittedPercentCompleted }).toEqual({ submittedStatus: 'pending', submittedPercentCompleted: 0 });
  expect(job.jobId).toMatch(/^ASYNCWEBSERVICES_/);
  expect(job.status).toBe(expected.status);
  const { page } = job;
  expect({ resultType: page.resultType, hasWriteResponseList: page.hasWriteResponseList }).toEqual({ resultType: expected.resultType, hasWriteResponseList: true });
  if (profile.namespaces) expect(page.resultTypeNamespace).toBe(ns(version).messages);
  expect(page.records).toHaveLength(1);
  const [record] = page.records;
  expect(record.isSuccessType).toBe(profile.booleanAttribute);
  expect(String(record.isSuccess)).toBe(String(expected.isSuccess));
  expect(record.baseRef).toMatchObject({ refType: 'RecordRef', type: expected.type, externalId: expected.externalId });
  if (expected.internalId === undefined) expect(record.baseRef!.internalId).toMatch(/^\d+$/);
  else expect(record.baseRef!.internalId).toBe(expected.internalId);
}

/** The customer as a client should read it back, with `companyName`. */
function expectedCustomer(profile: ClientProfile, version: Version, internalId: string, companyName: string) {
  const { customer } = RECORDS;
  const stringType = expect.any(String);
  return {
    recordType: 'Customer',
    recordTypeNamespace: profile.namespaces ? ns(version).relationships : null,
    internalId,
    externalId: customer.externalId,
    fields: { ...customer.fields, companyName, isInactive: asRead(customer.fields.isInactive, profile.booleanElement) },
    addressbook: customer.addressbook.map((entry) => ({
      defaultShipping: asRead(entry.defaultShipping, profile.recordBoolean),
      defaultShippingType: profile.recordBoolean,
      defaultBilling: asRead(entry.defaultBilling, profile.recordBoolean),
      label: entry.label,
      address: profile.recordNamespaces ? entry.address : null,
    })),
    customFields: profile.recordNamespaces
      ? customer.customFields.map((custom) => {
          const isBoolean = custom.type === 'BooleanCustomFieldRef';
          return {
            type: custom.type,
            typeNamespace: profile.namespaces ? ns(version).core : null,
            scriptId: custom.scriptId,
            value: isBoolean ? asRead(custom.value, profile.recordBoolean) : custom.value,
            valueType: isBoolean ? profile.recordBoolean : stringType,
          };
        })
      : [],
    entity: null,
    items: [],
  };
}

function expectedSalesOrder(profile: ClientProfile, version: Version, internalId: string, customerId: string) {
  const { salesOrder } = RECORDS;
  return {
    recordType: 'SalesOrder',
    recordTypeNamespace: profile.namespaces ? ns(version).sales : null,
    internalId,
    externalId: salesOrder.externalId,
    fields: salesOrder.fields,
    addressbook: [],
    customFields: [],
    entity: { internalId: customerId, externalId: null, type: 'customer' },
    items: salesOrder.items.map((line) => ({
      item: { internalId: null, externalId: null, type: null, ...line.item },
      quantity: asRead(line.quantity, profile.recordDouble),
      quantityType: profile.recordDouble,
      rate: line.rate,
      amount: asRead(line.amount, profile.recordDouble),
      description: line.description,
    })),
  };
}

/** A record report without its null fields (absent, however a client says so) and their types. */
function comparable(record: Partial<RecordReport> | null | undefined): unknown {
  if (!record) return null;
  const copy: Record<string, unknown> = { ...record, fields: withoutNulls(record.fields ?? {}) };
  delete copy.fieldTypes;
  return copy;
}

const RECORD_STEPS = ['addCustomer', 'addSalesOrder', 'getList', 'update', 'search', 'updateMissing'] as const;
const STEP_OPERATIONS: Record<(typeof RECORD_STEPS)[number], string> = {
  addCustomer: 'asyncAddList',
  addSalesOrder: 'asyncAddList',
  getList: 'asyncGetList',
  update: 'asyncUpdateList',
  search: 'asyncSearch',
  updateMissing: 'asyncUpdateList',
};

/** The server refused the request as a client error (HTTP 500, soapenv:Client), not as a job. */
function expectRefusal(refusal: RefusalReport): void {
  expect({ raised: refusal.fault.raised, httpStatus: refusal.httpStatus, faultcode: refusal.fault.faultcode, answer: refusal.fault.answer }).toEqual({
    raised: true,
    httpStatus: 500,
    faultcode: expect.stringMatching(/(^|:)Client$/),
    answer: undefined,
  });
  expect(refusal.request).toEqual(expect.any(String));
}

/**
 * The field a wrong-namespace fault names, the namespace it says the field must be in, and the
 * one it says it got, which must be one the client's request really put that field in.
 */
function wrongNamespace(refusal: RefusalReport, where: RegExp): { field: string; expected: string } {
  const faultstring = String(refusal.fault.faultstring);
  expect(faultstring).toMatch(where);
  const match = /(\w+) must be in namespace (\S+) \(got ([^)]+)\)\.$/.exec(faultstring);
  if (!match) throw new Error(`the fault does not name a field in the wrong namespace: ${faultstring}`);
  const [, field, expected, got] = match;
  expect(got).not.toBe(expected);
  expect(namespacesOfElements(refusal.request!, field)).toContain(got);
  return { field, expected };
}

function describeRecords(
  profile: ClientProfile,
  version: Version,
  context: () => { report: ClientReport; service: TestService; saved: SavedSearchSeed; customFields: CustomFieldSearchSeed },
): void {
  describe("real records sent through the client's own types", () => {
    const records = () => part(context().report.records, 'the records scenario');
    const account = () => records().account;
    const customerId = () => part(records().addCustomer, 'adding the customer').page.records[0]!.baseRef!.internalId as string;
    const orderId = () => part(records().addSalesOrder, 'adding the sales order').page.records[0]!.baseRef!.internalId as string;

    const sent = profile.recordNamespaces ? 'addresses and custom fields' : 'addressbook entries without addresses (see recordNamespaces)';
    it(`adds a customer with ${sent}, then a sales order for it by its internalId (asyncAddList)`, () => {
      const customer = part(records().addCustomer, 'adding the customer');
      expectWriteJob(
        customer,
        { resultType: 'AsyncAddListResult', status: 'finished', isSuccess: true, type: 'customer', externalId: RECORDS.customer.externalId },
        profile,
        version,
      );
      const order = part(records().addSalesOrder, 'adding the sales order');
      expectWriteJob(
        order,
        { resultType: 'AsyncAddListResult', status: 'finished', isSuccess: true, type: 'salesOrder', externalId: RECORDS.salesOrder.externalId },
        profile,
        version,
      );
      expect(Number(orderId())).toBeGreaterThan(Number(customerId()));
    });

    it('reads both back by asyncGetList: Customer and SalesOrder, with sublists, custom fields and references', () => {
      const get = part(records().getList, 'getList of the customer and the order');
      expect({ submittedStatus: get.submittedStatus, status: get.status, resultType: get.resultType }).toEqual({
        submittedStatus: 'pending',
        status: 'finished',
        resultType: 'AsyncGetListResult',
      });
      if (profile.namespaces) expect(get.resultTypeNamespace).toBe(ns(version).messages);
      expect(String(get.listStatus?.isSuccess)).toBe('true');
      expect(get.reads.map((read) => [String(read.isSuccess), read.statusDetails])).toEqual([
        ['true', []],
        ['true', []],
      ]);
      const [customer, order] = get.reads.map((read) => read.record);
      // Read before the update: the name as added.
      expect(comparable(customer)).toEqual(comparable(expectedCustomer(profile, version, customerId(), RECORDS.customer.fields.companyName)));
      expect(customer!.fieldTypes.isInactive).toBe(profile.booleanElement);
      expect(comparable(order)).toEqual(comparable(expectedSalesOrder(profile, version, orderId(), customerId())));
    });

    it('updates one field of the customer (asyncUpdateList)', () => {
      const update = part(records().update, 'updating the customer');
      expectWriteJob(
        update,
        { resultType: 'AsyncUpdateListResult', status: 'finished', isSuccess: true, type: 'customer', internalId: customerId(), externalId: RECORDS.customer.externalId },
        profile,
        version,
      );
    });

    if (profile.recordNamespaces) {
      it(`finds the updated customer by asyncSearch (CustomerSearchBasic companyName contains, pageSize ${RECORDS.pageSize}, bodyFieldsOnly false for its address book)`, () => {
        const searched = part(records().search, 'searching for the customer');
        if (!('jobId' in searched)) throw new Error(`the search was not accepted as a job: ${JSON.stringify(searched)}`);
        expect({ submittedStatus: searched.submittedStatus, status: searched.status }).toEqual({ submittedStatus: 'pending', status: 'finished' });
        const { search } = searched;
        expect({ resultType: search.resultType, hasSearchResult: search.hasSearchResult }).toEqual({ resultType: 'AsyncSearchResult', hasSearchResult: true });
        if (profile.namespaces) expect(search.resultTypeNamespace).toBe(ns(version).messages);
        expect(String(search.status?.isSuccess)).toBe('true');
        // pageSize is the searchPreferences header's.
        expect({ totalRecords: search.totalRecords, pageSize: search.pageSize, totalPages: search.totalPages, pageIndex: search.pageIndex }).toEqual(
          profile.int === 'string'
            ? { totalRecords: '1', pageSize: String(RECORDS.pageSize), totalPages: '1', pageIndex: '1' }
            : { totalRecords: 1, pageSize: RECORDS.pageSize, totalPages: 1, pageIndex: 1 },
        );
        // The whole record, with the new name and everything else as added.
        expect(search.records.map(comparable)).toEqual([comparable(expectedCustomer(profile, version, customerId(), RECORDS.update.companyName))]);
      });
    } else {
      // What the client cannot write correctly, sent as it writes it: refused as NetSuite refuses it.
      const refused = (which: 'addresses' | 'customFields') => {
        const sent = records().refused;
        if (!sent) throw new Error('the client reports no customers sent as it writes them (RecordsReport.refused)');
        return part(sent[which], `the customer with ${which} as the client writes it`);
      };

      it('refuses the customer with addresses as the client writes them: a soapenv:Client fault naming the address field and platformCommon', () => {
        const refusal = refused('addresses');
        expectRefusal(refusal);
        const named = wrongNamespace(refusal, /^record 1 \(Customer\): addressbookList: addressbook: addressbookAddress: /);
        expect(Object.keys(RECORDS.customer.addressbook[0].address)).toContain(named.field);
        expect(named.expected).toBe(ns(version).common);
      });

      it('refuses the customer with custom fields as the client writes them: a soapenv:Client fault naming customField and platformCore', () => {
        const refusal = refused('customFields');
        expectRefusal(refusal);
        const named = wrongNamespace(refusal, /^record 1 \(Customer\): customFieldList: /);
        expect({ field: named.field, expected: named.expected }).toEqual({ field: 'customField', expected: ns(version).core });
      });

      it('refuses the search as the client writes it (asyncSearch, searchValue outside platformCore): a soapenv:Client fault naming searchValue', () => {
        const searched = part(records().search, 'the search as the client writes it');
        if (!('fault' in searched)) throw new Error(`the client reports a search job, not the search it cannot write: ${JSON.stringify(searched)}`);
        expectRefusal(searched);
        const named = wrongNamespace(searched, /^CustomerSearchBasic\.companyName\b/);
        expect({ field: named.field, expected: named.expected }).toEqual({ field: 'searchValue', expected: ns(version).core });
      });
    }

    describe(`an advanced search for the sales order by its customer (TransactionSearchAdvanced: criteria customerJoin internalId anyOf, basic and customerJoin columns, pageSize ${RECORDS.pageSize})`, () => {
      const advanced = () => part(records().advancedSearch, 'the advanced search');
      // The one match, read back as its row: the columns asked, customLabel as given, type as NetSuite names it.
      const expectedRow = (): SearchRowReport => ({
        rowType: 'TransactionSearchRow',
        rowTypeNamespace: profile.namespaces ? ns(version).sales : null,
        parts: {
          basic: {
            internalId: { searchValue: { internalId: orderId(), externalId: null, type: null }, customLabel: null },
            type: { searchValue: '_salesOrder', customLabel: null },
            memo: { searchValue: RECORDS.salesOrder.fields.memo, customLabel: null },
          },
          customerJoin: { companyName: { searchValue: RECORDS.update.companyName, customLabel: 'Customer' } },
        },
      });
      const expectOnePage = (page: SearchRowsPage, int: string) => {
        const one = asRead(1, int);
        expect({ isSuccess: String(page.isSuccess), totalRecords: page.totalRecords, pageIndex: page.pageIndex, hasRecordList: page.hasRecordList }).toEqual({
          isSuccess: 'true',
          totalRecords: one,
          pageIndex: one,
          hasRecordList: false,
        });
        expect(page.rows).toEqual([expectedRow()]);
      };

      it('reads page 1 of the asyncSearch job as one TransactionSearchRow: the order internalId, _salesOrder, its memo, the customer companyName with its customLabel', () => {
        const searched = part(advanced().asyncSearch, 'the advanced asyncSearch');
        expect({ submittedStatus: searched.submittedStatus, status: searched.status, resultType: searched.resultType }).toEqual({
          submittedStatus: 'pending',
          status: 'finished',
          resultType: 'AsyncSearchResult',
        });
        expectOnePage(searched.page, profile.int);
      });

      it('reads the same row from the synchronous search, and again from searchMoreWithId(searchId, 1)', () => {
        const first = part(advanced().search, 'the advanced search (synchronous)');
        expectOnePage(first, profile.searchResponseInt);
        expect(first.searchId).toEqual(expect.stringMatching(/\S/));
        const more = part(advanced().searchMore, 'searchMoreWithId of the advanced search');
        expectOnePage(more, profile.searchResponseInt);
        expect(more.rows).toEqual(first.rows);
        expect(first.rows).toEqual(part(advanced().asyncSearch, 'the advanced asyncSearch').page.rows);
      });
    });

    describe(`a saved search found by getSavedSearch and run by its script id (TransactionSearchAdvanced savedSearchScriptId, criteria and columns saved with a customerJoin, pageSize ${RECORDS.pageSize}: two pages)`, () => {
      const savedSearch = () => part(records().savedSearch, 'the saved search');
      const seed = () => context().saved;
      const { orders } = SAVED_SEARCH;
      const pages = [orders.slice(0, RECORDS.pageSize), orders.slice(RECORDS.pageSize)];
      // Each matching order as its row: the saved columns in schema order, the join column under the saved customLabel.
      const expectedRows = (pageIndex: number): SearchRowReport[] =>
        pages[pageIndex - 1].map((order) => ({
          rowType: 'TransactionSearchRow',
          rowTypeNamespace: profile.namespaces ? ns(version).sales : null,
          parts: {
            basic: {
              internalId: { searchValue: { internalId: seed().orderIds[orders.indexOf(order)], externalId: null, type: null }, customLabel: null },
              memo: { searchValue: order.memo, customLabel: null },
            },
            customerJoin: { companyName: { searchValue: SAVED_SEARCH.customer.companyName, customLabel: SAVED_SEARCH.customLabel } },
          },
        }));
      const expectPage = (page: SearchRowsPage, pageIndex: number, int: string) => {
        expectRowsPageHead(page, { totalRecords: orders.length, totalPages: pages.length, pageIndex }, int);
        expect(page.rows).toEqual(expectedRows(pageIndex));
      };

      it('lists only the transaction saved search by getSavedSearch: a CustomizationRef with its internalId, script id and title', () => {
        const listed = part(savedSearch().getSavedSearch, 'getSavedSearch');
        expect({ isSuccess: String(listed.isSuccess), totalRecords: listed.totalRecords, refs: listed.refs }).toEqual({
          isSuccess: 'true',
          totalRecords: asRead(1, profile.searchResponseInt),
          refs: [
            {
              refType: 'CustomizationRef',
              internalId: seed().internalId,
              scriptId: SAVED_SEARCH.scriptId,
              type: profile.xsiTypeAsTypeAttribute ? 'platformCore:CustomizationRef' : null,
              name: SAVED_SEARCH.title,
            },
          ],
        });
      });

      it(`reads page 1 of the synchronous search (${RECORDS.pageSize} orders), then page 2 by searchMoreWithId(searchId, 2): only the prefix customer's sales orders, with the saved columns and customLabel`, () => {
        const first = part(savedSearch().search, 'the saved search (synchronous)');
        expectPage(first, 1, profile.searchResponseInt);
        expect(first.searchId).toEqual(expect.stringMatching(/\S/));
        const second = part(savedSearch().searchMore, 'searchMoreWithId(searchId, 2) of the saved search');
        expectPage(second, 2, profile.searchResponseInt);
      });

      it('reads the same two pages from the asyncSearch job by getAsyncResult(jobId, 1) and (jobId, 2), each an AsyncSearchResult', () => {
        const searched = part(savedSearch().asyncSearch, 'the saved asyncSearch');
        expect({ submittedStatus: searched.submittedStatus, status: searched.status, resultType: searched.resultType }).toEqual({
          submittedStatus: 'pending',
          status: 'finished',
          resultType: 'AsyncSearchResult',
        });
        expectPage(searched.page, 1, profile.int);
        const second = part(savedSearch().asyncPage2, 'getAsyncResult(jobId, 2) of the saved asyncSearch');
        expect(second.resultType).toBe('AsyncSearchResult');
        expectPage(second.page, 2, profile.int);
        // The same rows as the synchronous search's pages.
        expect([searched.page.rows, second.page.rows]).toEqual([
          part(savedSearch().search, 'the saved search (synchronous)').rows,
          part(savedSearch().searchMore, 'searchMoreWithId(searchId, 2) of the saved search').rows,
        ]);
      });
    });

    describe(`a search of customers by a custom field, a row per contact (CustomerSearchAdvanced: criteria basic customFieldList SearchStringCustomField is; columns basic companyName and customFieldList SearchColumnStringCustomField with a customLabel, contactJoin email; pageSize ${RECORDS.pageSize})`, () => {
      const spec = RECORDS.customFieldSearch;
      const { gold, customField } = CUSTOM_FIELD_SEARCH;
      // One row per contact of the gold customer, in their internalId order: the customer's
      // companyName, its tier under the label asked, typed as asked, and the contact's email.
      const expectedRows = (): SearchRowReport[] =>
        context().customFields.goldContactEmails.map((email) => ({
          rowType: 'CustomerSearchRow',
          rowTypeNamespace: profile.namespaces ? ns(version).relationships : null,
          parts: {
            basic: { companyName: { searchValue: gold.companyName, customLabel: null } },
            contactJoin: { email: { searchValue: email, customLabel: null } },
          },
          customFields: spec.customColumns.map((column) => ({
            type: column.type,
            typeNamespace: profile.namespaces ? ns(version).core : null,
            scriptId: customField.scriptId,
            internalId: customField.internalId,
            customLabel: column.customLabel,
            searchValue: gold.tier,
          })),
        }));

      it(`reads one CustomerSearchRow per contact of the ${spec.criterion.searchValue} customer from search: its companyName, the ${spec.criterion.scriptId} column (SearchColumnStringCustomField, scriptId, internalId, customLabel, value) and the contact's email`, () => {
        const page = part(records().customFieldSearch, 'the custom field search (synchronous)');
        const rows = gold.contacts.length;
        expectRowsPageHead(page, { totalRecords: rows, totalPages: 1, pageIndex: 1 }, profile.searchResponseInt);
        expect(page.searchId).toEqual(expect.stringMatching(/\S/));
        expect(page.rows).toEqual(expectedRows());
      });
    });

    it('answers RCRD_DSNT_EXIST for an update of a record that does not exist (the job, all of it failing, ends failed)', () => {
      const missing = part(records().updateMissing, 'updating a missing customer');
      expectWriteJob(
        missing,
        { resultType: 'AsyncUpdateListResult', status: 'failed', isSuccess: false, type: 'customer', internalId: RECORDS.missingInternalId, externalId: null },
        profile,
        version,
      );
      expect(missing.page.records[0].statusDetails).toEqual([{ code: 'RCRD_DSNT_EXIST', message: 'That record does not exist.', type: 'ERROR' }]);
    });

    describeConnector(profile, version, () => part(records().connector, 'the connector flow'));

    it("stored the records as sent, changed only the updated field, and ran every job in the header's account (server side)", async () => {
      const { db } = context().service.database;
      const { customer, salesOrder } = RECORDS;
      expect(account()).toBe(RECORDS.account);
      // Every record of the scenario, also any the server should have refused (their externalIds start the same way).
      const rows = await db('records').where({ account: account() }).whereLike('external_id', 'interop-%').orderBy('internal_id');
      expect(rows.map((row) => [row.record_type, String(row.internal_id), row.external_id])).toEqual([
        ['customer', customerId(), customer.externalId],
        ['salesOrder', orderId(), salesOrder.externalId],
      ]);
      const [customerRow, orderRow] = rows;
      expect(customerRow.fields).toMatchObject({
        ...customer.fields,
        ...RECORDS.update,
        isInactive: String(customer.fields.isInactive),
        addressbookList: {
          addressbook: customer.addressbook.map((entry) => ({
            defaultShipping: String(entry.defaultShipping),
            defaultBilling: String(entry.defaultBilling),
            label: entry.label,
            ...(profile.recordNamespaces ? { addressbookAddress: entry.address } : {}),
          })),
        },
      });
      if (profile.recordNamespaces) {
        expect(customerRow.fields.customFieldList).toEqual({
          customField: customer.customFields.map((custom) => ({
            '@xsi:type': expect.stringMatching(new RegExp(`\\}${custom.type}$`)),
            '@scriptId': custom.scriptId,
            value: String(custom.value),
          })),
        });
      } else {
        expect(customerRow.fields.customFieldList).toBeUndefined();
      }
      expect(orderRow.fields).toMatchObject({ ...salesOrder.fields, entity: { '@internalId': customerId(), '@type': 'customer' } });
      const lines = orderRow.fields.itemList.item as Array<Record<string, any>>;
      expect(lines.map((line) => ({ item: line.item, quantity: Number(line.quantity), rate: line.rate, amount: Number(line.amount), description: line.description }))).toEqual(
        salesOrder.items.map((line) => ({
          item: Object.fromEntries(Object.entries(line.item).map(([key, value]) => [`@${key}`, value])),
          quantity: line.quantity,
          rate: line.rate,
          amount: line.amount,
          description: line.description,
        })),
      );
      // Nothing was made of the update of a record that does not exist.
      expect(await db('records').where({ account: account(), internal_id: RECORDS.missingInternalId })).toEqual([]);

      // The jobs submitted in the account are the scenario's, each run there (refused requests made none).
      const steps = profile.recordNamespaces ? RECORD_STEPS : RECORD_STEPS.filter((step) => step !== 'search');
      const jobs = steps.map((step) => {
        const job = part(records()[step] as Part<JobReport>, step);
        if (!('jobId' in job)) throw new Error(`${step} reports no job: ${JSON.stringify(job)}`);
        return { id: job.jobId, operation: STEP_OPERATIONS[step], status: job.status };
      });
      // The advanced search's asyncSearch is one too; its synchronous search is not a job.
      const advanced = part(part(records().advancedSearch, 'the advanced search').asyncSearch, 'the advanced asyncSearch');
      jobs.push({ id: advanced.jobId, operation: 'asyncSearch', status: advanced.status });
      // So is the saved search's, and the asyncAddList that added its records before the client ran.
      const saved = part(part(records().savedSearch, 'the saved search').asyncSearch, 'the saved asyncSearch');
      jobs.push({ id: saved.jobId, operation: 'asyncSearch', status: saved.status }, { id: context().saved.jobId, operation: 'asyncAddList', status: 'finished' });
      // And the asyncAddList that added the custom field search's records (the search itself is synchronous).
      jobs.push({ id: context().customFields.jobId, operation: 'asyncAddList', status: 'finished' });
      // And the connector flow's asyncAddList (its other calls are synchronous).
      const connectorJob = part(part(records().connector, 'the connector flow').asyncAddList, "the connector flow's asyncAddList");
      jobs.push({ id: connectorJob.jobId, operation: 'asyncAddList', status: connectorJob.status });
      const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
      const stored = await db('jobs').where({ account: account(), source: 'request' }).select('id', 'operation', 'status');
      expect(stored.map((row) => ({ id: row.id, operation: row.operation, status: row.status })).sort(byId)).toEqual([...jobs].sort(byId));
    });
  });
}

function withoutNulls(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null && value !== undefined));
}

// ---------------------------------------------------------------------------------------------
// The connector flow's expectations (RECORDS.connector).

/** A date as a client read it: text parsing as a date; its time. */
function timeOf(value: unknown, what: string): number {
  expect(typeof value).toBe('string');
  const time = Date.parse(value as string);
  if (Number.isNaN(time)) throw new Error(`${what} is no date: ${JSON.stringify(value)}`);
  return time;
}

function describeConnector(profile: ClientProfile, version: Version, connector: () => ConnectorReport): void {
  const spec = RECORDS.connector;
  const addedIds = () => part(connector().asyncAddList, 'asyncAddList').paged.pages.flatMap((page) => page.records.map((record) => record.baseRef?.internalId));
  const deletedId = () => addedIds()[spec.deleteIndex] as string;
  const deletedSpec = spec.adds[spec.deleteIndex];
  const started = () => timeOf(part(connector().serverTime, 'getServerTime').serverTime, 'serverTime');
  const success = { isSuccess: 'true', isSuccessType: profile.booleanAttribute, statusDetails: [] };
  const statusOf = (status: StatusReport) => ({ isSuccess: String(status.isSuccess), isSuccessType: status.isSuccessType, statusDetails: status.statusDetails });

  describe(`a connector's flow: search, upsertList, asyncAddList paged, get, delete, get again, getDeleted, a get and update round trip (customers named ${spec.companyNamePrefix}…)`, () => {
    it('reads the flow start from getServerTime', () => {
      started();
    });

    it(`finds no customer yet by search (CustomerSearchBasic companyName startsWith ${spec.companyNamePrefix})`, () => {
      const search = part(connector().search, 'the search before the flow wrote anything');
      expect({ isSuccess: String(search.isSuccess), totalRecords: search.totalRecords, records: search.records }).toEqual({
        isSuccess: 'true',
        totalRecords: asRead(0, profile.searchResponseInt),
        records: 0,
      });
    });

    it(`upserts ${spec.upserts.length} customers by upsertList: each a success with its externalId and a new internalId`, () => {
      const { records } = part(connector().upsertList, 'upsertList');
      expect(records.map((record) => ({ ...statusOf(record), refType: record.baseRef?.refType, type: record.baseRef?.type, externalId: record.baseRef?.externalId }))).toEqual(
        spec.upserts.map((upsert) => ({ ...success, refType: 'RecordRef', type: 'customer', externalId: upsert.externalId })),
      );
      const ids = records.map((record) => record.baseRef!.internalId);
      for (const id of ids) expect(id).toMatch(/^\d+$/);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it(`adds ${spec.adds.length} more by asyncAddList, polled to finished, read in pages of ${RESULT_PAGE_SIZE} by getAsyncResult to INVALID_PAGE_INDEX`, () => {
      const added = part(connector().asyncAddList, 'asyncAddList');
      expect({ submittedStatus: added.submittedStatus, submittedPercentCompleted: added.submittedPercentCompleted, status: added.status }).toEqual({
        submittedStatus: 'pending',
        submittedPercentCompleted: 0,
        status: 'finished',
      });
      expect(added.jobId).toMatch(/^ASYNCWEBSERVICES_/);
      const pageSizes = Array.from({ length: Math.ceil(spec.adds.length / RESULT_PAGE_SIZE) }, (_, i) => Math.min(RESULT_PAGE_SIZE, spec.adds.length - i * RESULT_PAGE_SIZE));
      expect(pageSizes.length).toBeGreaterThanOrEqual(2);
      const records = expectWritePages(added.paged, { resultType: 'AsyncAddListResult', pageSizes }, profile, version);
      expect(records.map((record) => ({ ...statusOf(record), type: record.baseRef!.type, externalId: record.baseRef!.externalId }))).toEqual(
        spec.adds.map((add) => ({ ...success, type: 'customer', externalId: add.externalId })),
      );
      const ids = [...records.map((record) => record.baseRef!.internalId), ...part(connector().upsertList, 'upsertList').records.map((record) => record.baseRef!.internalId)];
      for (const id of ids) expect(id).toMatch(/^\d+$/);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it(`reads added customer ${spec.deleteIndex + 1} back by get (internalId): a Customer with its companyName, dateCreated and lastModifiedDate`, () => {
      const read = part(connector().get, 'get of the added customer');
      expect(statusOf(read)).toEqual(success);
      const record = read.record;
      expect(record && { recordType: record.recordType, internalId: record.internalId, externalId: record.externalId, companyName: record.companyName }).toEqual({
        recordType: 'Customer',
        internalId: deletedId(),
        externalId: deletedSpec.externalId,
        companyName: deletedSpec.companyName,
      });
      // Written after the flow started, and not modified before it was created.
      const created = timeOf(record!.dateCreated, 'dateCreated');
      expect(created).toBeGreaterThanOrEqual(started());
      expect(timeOf(record!.lastModifiedDate, 'lastModifiedDate')).toBeGreaterThanOrEqual(created);
    });

    it('deletes it (delete), and get then answers RCRD_DSNT_EXIST in its status, with no record', () => {
      const deleted = part(connector().delete, 'delete of the added customer');
      expect({ ...statusOf(deleted), refType: deleted.baseRef?.refType, internalId: deleted.baseRef?.internalId, type: deleted.baseRef?.type }).toEqual({
        ...success,
        refType: 'RecordRef',
        internalId: deletedId(),
        type: 'customer',
      });
      const again = part(connector().getAgain, 'get of the deleted customer');
      expect({ ...statusOf(again), record: again.record }).toEqual({
        isSuccess: 'false',
        isSuccessType: profile.booleanAttribute,
        statusDetails: [{ code: 'RCRD_DSNT_EXIST', message: 'That record does not exist.', type: 'ERROR' }],
        record: null,
      });
    });

    it('finds it by getDeleted (deletedDate onOrAfter the flow start, type anyOf customer): its RecordRef and a deletedDate not before the start', () => {
      const result = part(connector().getDeleted, 'getDeleted');
      expect({ isSuccess: String(result.isSuccess), totalRecords: result.totalRecords }).toEqual({ isSuccess: 'true', totalRecords: asRead(1, profile.searchResponseInt) });
      expect(result.deleted.map(({ refType, internalId, externalId, type }) => ({ refType, internalId, externalId, type }))).toEqual([
        { refType: 'RecordRef', internalId: deletedId(), externalId: deletedSpec.externalId, type: 'customer' },
      ]);
      expect(timeOf(result.deleted[0].deletedDate, 'deletedDate')).toBeGreaterThanOrEqual(started());
    });

    describeRoundTrip(profile, version, connector, addedIds);
  });
}

/**
 * The connector's round trip (RECORDS.connector.roundTripIndex): the record get answered, sent back
 * by update with companyName changed, refused for the dates NetSuite sets, then applied under the
 * preferences header ignoreReadOnlyFields; each read again by get.
 */
function describeRoundTrip(profile: ClientProfile, version: Version, connector: () => ConnectorReport, addedIds: () => unknown[]): void {
  const spec = RECORDS.connector;
  const added = spec.adds[spec.roundTripIndex];
  const { messages, relationships } = ns(version);
  const read = () => part(connector().roundTripGet, 'get for the round trip');
  const internalId = () => addedIds()[spec.roundTripIndex] as string;
  const statusOf = (status: StatusReport) => ({ isSuccess: String(status.isSuccess), isSuccessType: status.isSuccessType, statusDetails: status.statusDetails });
  const recordOf = (reading: ConnectorReadReport) => {
    expect(statusOf(reading)).toEqual({ isSuccess: 'true', isSuccessType: profile.booleanAttribute, statusDetails: [] });
    expect(reading.record).not.toBeNull();
    return reading.record!;
  };
  /** What a client sent for an update: the headers by name (each with its namespace), the record's dates and companyName, the preference's value. */
  const sent = (update: SentWriteReport) => {
    expect(update.request).toEqual(expect.stringContaining('update'));
    const request = update.request!;
    const one = (local: string) => elementsNamed(request, local);
    return {
      tokenPassport: one('tokenPassport').length,
      preferences: one('preferences').map((element) => element.namespace),
      ignoreReadOnlyFields: one('ignoreReadOnlyFields').map(({ namespace, text }) => ({ namespace, value: text.trim() })),
      companyName: one('companyName').map(({ namespace, text }) => ({ namespace, text })),
      dateCreated: one('dateCreated').map((element) => element.namespace),
      lastModifiedDate: one('lastModifiedDate').map((element) => element.namespace),
    };
  };
  const record = { companyName: [{ namespace: relationships, text: spec.roundTripCompanyName }], dateCreated: [relationships], lastModifiedDate: [relationships] };

  describe(`the round trip of added customer ${spec.roundTripIndex + 1}: get, then update sending back the record get answered with companyName changed, dateCreated and lastModifiedDate included`, () => {
    it('reads it by get: its companyName, dateCreated and lastModifiedDate', () => {
      const customer = recordOf(read());
      expect({ recordType: customer.recordType, internalId: customer.internalId, externalId: customer.externalId, companyName: customer.companyName }).toEqual({
        recordType: 'Customer',
        internalId: internalId(),
        externalId: added.externalId,
        companyName: added.companyName,
      });
      expect(timeOf(customer.lastModifiedDate, 'lastModifiedDate')).toBeGreaterThanOrEqual(timeOf(customer.dateCreated, 'dateCreated'));
    });

    it('has the update without the preferences header fail INSUFFICIENT_PERMISSION for the dates NetSuite sets, and get reads the customer unchanged', () => {
      const update = part(connector().updateAsRead, 'the update without preferences');
      // Sent as the client's types wrote the record get answered: both dates in it, the tokenPassport and no preferences.
      expect(sent(update)).toEqual({ tokenPassport: 1, preferences: [], ignoreReadOnlyFields: [], ...record });
      expect({ ...statusOf(update), internalId: update.baseRef?.internalId, type: update.baseRef?.type }).toEqual({
        isSuccess: 'false',
        isSuccessType: profile.booleanAttribute,
        statusDetails: [{ code: 'INSUFFICIENT_PERMISSION', message: expect.stringMatching(/dateCreated, lastModifiedDate .*ignoreReadOnlyFields/), type: 'ERROR' }],
        internalId: internalId(),
        type: 'customer',
      });
      expect(recordOf(part(connector().getAfterRefusal, 'get after the refused update'))).toEqual(read().record);
    });

    it('applies the same update with the preferences header ignoreReadOnlyFields true next to the tokenPassport; get reads the new companyName, the same dateCreated and a lastModifiedDate not before the first read', () => {
      const update = part(connector().updateIgnoringReadOnly, 'the update with preferences ignoreReadOnlyFields');
      expect(sent(update)).toEqual({ tokenPassport: 1, preferences: [messages], ignoreReadOnlyFields: [{ namespace: messages, value: 'true' }], ...record });
      expect({ ...statusOf(update), refType: update.baseRef?.refType, internalId: update.baseRef?.internalId, type: update.baseRef?.type }).toEqual({
        isSuccess: 'true',
        isSuccessType: profile.booleanAttribute,
        statusDetails: [],
        refType: 'RecordRef',
        internalId: internalId(),
        type: 'customer',
      });
      const before = read().record!;
      const after = recordOf(part(connector().getAfterUpdate, 'get after the update'));
      expect({ internalId: after.internalId, externalId: after.externalId, companyName: after.companyName }).toEqual({
        internalId: internalId(),
        externalId: added.externalId,
        companyName: spec.roundTripCompanyName,
      });
      expect(timeOf(after.dateCreated, 'dateCreated')).toBe(timeOf(before.dateCreated, 'dateCreated'));
      expect(timeOf(after.lastModifiedDate, 'lastModifiedDate')).toBeGreaterThanOrEqual(timeOf(before.lastModifiedDate, 'lastModifiedDate'));
    });
  });
}
