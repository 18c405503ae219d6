import type { AsyncOperation, ItemResult, WorkerJob } from '../../src/jobs/job';
import type { ResultPage } from '../../src/jobs/job-service';
import { emptyRateState } from '../../src/jobs/eta';
import type { RecordFields } from '../../src/records/record';

/** Result pages built in memory, for the result writer's tests and its benchmark. */

const AT = new Date('2026-01-15T10:00:00Z');

export function workerJob(operation: AsyncOperation, overrides: Partial<WorkerJob> = {}): WorkerJob {
  return {
    id: 'JOB-1',
    source: 'request',
    account: 'TSTDRV1234567',
    operation,
    recordType: 'customer',
    status: 'finished',
    totalItems: 0,
    processedItems: 0,
    failedItems: 0,
    ratePerSecond: 0,
    scenario: {},
    submittedAt: AT,
    availableAt: AT,
    startedAt: AT,
    finishedAt: AT,
    expiresAt: AT,
    resultCalls: 0,
    failureCode: null,
    failureMessage: null,
    rate: emptyRateState(),
    sysId: '0'.repeat(32),
    name: null,
    referenceId: null,
    additionalData: null,
    message: null,
    detailMessage: null,
    result: null,
    clientId: null,
    callbackUrl: null,
    updatedAt: AT,
    ...overrides,
  };
}

export function itemResult(position: number, overrides: Partial<ItemResult> = {}): ItemResult {
  return { position, isSuccess: true, code: null, message: null, recordType: 'customer', internalId: String(1000 + position), externalId: null, record: null, ...overrides };
}

/** Page 1 of a job whose processedItems is the page's length, unless the job says otherwise. */
export function resultPage(operation: AsyncOperation, items: ItemResult[], job: Partial<WorkerJob> = {}, pageSize = 1000): ResultPage {
  return { job: workerJob(operation, { processedItems: items.length, ...job }), pageIndex: 1, pageSize, totalPages: 1, items };
}

const CORE = 'urn:core_{{V}}.platform.webservices.netsuite.com';

/** A customer as the record reader stores one: simple fields, an address book, custom fields. */
export function customerFields(n: number): RecordFields {
  return {
    entityId: `CUST-${n}`,
    companyName: `Customer ${n} & Sons`,
    email: `customer${n}@example.test`,
    isInactive: 'false',
    balance: '1250.75',
    dateCreated: '2024-02-01T00:00:00.000Z',
    addressbookList: {
      '@replaceAll': 'true',
      addressbook: [{ defaultShipping: 'true', label: 'Warehouse', addressbookAddress: { country: '_unitedStates', addr1: `${n} Dock Rd`, city: 'Oakland', zip: '94607' } }],
    },
    customFieldList: {
      customField: [
        { '@xsi:type': `{${CORE}}StringCustomFieldRef`, '@scriptId': 'custentity_tier', value: 'gold' },
        { '@xsi:type': `{${CORE}}SelectCustomFieldRef`, '@scriptId': 'custentity_region', value: { '@internalId': '3', '@typeId': '12' } },
      ],
    },
  };
}
