import { z } from 'zod';
import { ValidationError } from '../lib/errors';
import { ASYNC_OPERATIONS, type ItemFailure, type Scenario, type ScenarioRecord } from '../jobs/job';
import { isStatusDetailCode, STATUS_DETAIL_CODES } from '../jobs/status-codes';
import type { RecordCatalog } from '../records/record-catalog';
import { accountIdSchema } from '../accounts/seed';
import { callbackUrlSchema } from '../callbacks/callback-url';
import { normalizeAccountId } from '../jobs/account-id';
import type { ScriptedJob } from '../jobs/job-service';

/** A scripted job as POST /admin/jobs and fixtures files give it, and what the job stores of it. */

const MAX_ITEMS = 1_000_000;
const MIN_SEARCH_PAGE = 5;
const MAX_SEARCH_PAGE = 2000;

export const scalar = z.union([z.string(), z.number(), z.boolean()]);
export const scenarioRecordSchema = z
  .object({
    internalId: z.string().min(1).optional(),
    externalId: z.string().min(1).optional(),
    fields: z.record(z.string(), scalar).optional(),
  })
  .strict();

export const scenarioSchema = z
  .object({
    operation: z.enum(Object.keys(ASYNC_OPERATIONS) as [keyof typeof ASYNC_OPERATIONS]),
    account: accountIdSchema.optional(),
    recordType: z.string().default('customer'),
    items: z.union([z.number().int().min(0).max(MAX_ITEMS), z.array(scenarioRecordSchema).max(MAX_ITEMS)]),
    ratePerSecond: z.number().min(0.001).max(1_000_000).optional(),
    startAfterSeconds: z
      .number()
      .min(0)
      .max(365 * 24 * 3600)
      .default(0),
    failures: z
      .array(
        z
          .object({
            item: z.number().int().min(1),
            code: z.string().refine(isStatusDetailCode, `must be a status code this emulator knows: ${STATUS_DETAIL_CODES.join(', ')}`),
            message: z.string().optional(),
          })
          .strict(),
      )
      .default([]),
    fail: z
      .object({
        afterItems: z.number().int().min(0),
        code: z
          .string()
          .refine(isStatusDetailCode, `must be a status code this emulator knows: ${STATUS_DETAIL_CODES.join(', ')}`)
          .default('UNEXPECTED_ERROR'),
        message: z.string().default('The job failed.'),
      })
      .strict()
      .optional(),
    pageSize: z.number().int().min(MIN_SEARCH_PAGE).max(MAX_SEARCH_PAGE).optional(),
    callbackUrl: callbackUrlSchema.optional(),
  })
  .strict();

export type ScenarioInput = z.infer<typeof scenarioSchema>;

const DEFAULT_FAILURE_MESSAGES: Record<string, string> = {
  RCRD_DSNT_EXIST: 'That record does not exist.',
  DUP_ENTITY: 'This entity already exists.',
  DUP_RCRD: 'This record already exists.',
  INVALID_FLD_VALUE: 'You have entered an Invalid Field Value.',
};

/** Cross-field rules zod cannot say alone; returns the scenario as the job stores it. */
function toScenario(input: ScenarioInput, records: RecordCatalog): { totalItems: number; scenario: Scenario } {
  const spec = ASYNC_OPERATIONS[input.operation];
  if (!records.isRecordType(input.recordType)) {
    throw new ValidationError('recordType', `recordType: must be one of ${records.recordTypeValues().join(', ')}`);
  }
  const given = Array.isArray(input.items) ? input.items : undefined;
  const totalItems = given ? given.length : (input.items as number);
  if (totalItems === 0 && spec.list !== 'search') {
    throw new ValidationError('items', `items: ${input.operation} needs at least one item`);
  }
  if (spec.list !== 'write' && !records.get(input.recordType)) {
    throw new ValidationError('recordType', `recordType: ${input.operation} returns whole records, so recordType must be one of ${records.recordTypes().join(', ')}`);
  }
  const failures: Record<string, ItemFailure> = {};
  input.failures.forEach((failure, index) => {
    if (spec.list === 'search') throw new ValidationError('failures', 'failures: search results do not fail one by one; use fail for a failed search');
    if (failure.item > totalItems) throw new ValidationError(`failures[${index}].item`, `failures[${index}].item: there are only ${totalItems} items`);
    if (failures[failure.item]) throw new ValidationError(`failures[${index}].item`, `failures[${index}].item: item ${failure.item} is listed twice`);
    failures[failure.item] = { code: failure.code, message: failure.message ?? DEFAULT_FAILURE_MESSAGES[failure.code] ?? `The operation failed (${failure.code}).` };
  });
  if (input.fail && input.fail.afterItems > totalItems) {
    throw new ValidationError('fail.afterItems', `fail.afterItems: there are only ${totalItems} items`);
  }
  if (input.pageSize !== undefined && spec.list !== 'search') {
    throw new ValidationError('pageSize', 'pageSize: only asyncSearch results are paged by a search page size');
  }
  const scenarioRecords: ScenarioRecord[] | undefined = given?.map((item, index) => ({
    ...item,
    fields: item.fields ? records.validateFields(input.recordType, item.fields, `items[${index}].fields`) : undefined,
  }));
  const scenario: Scenario = {};
  if (scenarioRecords) scenario.records = scenarioRecords;
  if (Object.keys(failures).length > 0) scenario.failures = failures;
  if (input.fail) scenario.fail = input.fail;
  if (spec.list === 'search') scenario.pageSize = input.pageSize ?? 1000;
  return { totalItems, scenario };
}

/** The job to create from a checked scenario; one that names no account is the default account's. */
export function toScriptedJob(input: ScenarioInput, records: RecordCatalog, defaultAccount: string): ScriptedJob {
  const { totalItems, scenario } = toScenario(input, records);
  return {
    account: normalizeAccountId(input.account ?? defaultAccount),
    operation: input.operation,
    recordType: input.recordType,
    totalItems,
    ratePerSecond: input.ratePerSecond,
    startAfterSeconds: input.startAfterSeconds,
    scenario,
    callbackUrl: input.callbackUrl,
  };
}
