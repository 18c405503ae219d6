import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { TrackerService } from '../jobs/tracker-service';
import { buildStepTree } from '../jobs/step';
import type { CallbackStore } from '../callbacks/callback-store';
import { createCallbacksRouter } from './callbacks-router';
import { ASYNC_OPERATIONS, ASYNC_STATUSES, type ItemFailure, type Scenario, type ScenarioRecord } from '../jobs/job';
import { normalizeAccountId } from '../jobs/account-id';
import type { JobService } from '../jobs/job-service';
import { isStatusDetailCode, STATUS_DETAIL_CODES } from '../jobs/status-codes';
import type { RecordCatalog } from '../records/record-catalog';
import type { AccountService } from '../accounts/account-service';
import { accountIdSchema } from '../accounts/seed';
import type { RequestSlots } from '../accounts/request-slots';
import { createAccountsRouter } from './accounts-router';
import { parse } from './validate';
import { callbackUrlSchema } from './callback-url';
import type { Clock } from '../clock';
import type { ManualTime } from '../worker/manual-time';

/** The admin API: script jobs for tests (POST /admin/jobs) and look at them; accounts and credentials. */

const MAX_ITEMS = 1_000_000;
const MIN_SEARCH_PAGE = 5;
const MAX_SEARCH_PAGE = 2000;

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const record = z.object({
  internalId: z.string().min(1).optional(),
  externalId: z.string().min(1).optional(),
  fields: z.record(z.string(), scalar).optional(),
}).strict();

const scenarioSchema = z
  .object({
    operation: z.enum(Object.keys(ASYNC_OPERATIONS) as [keyof typeof ASYNC_OPERATIONS]),
    account: accountIdSchema.optional(),
    recordType: z.string().default('customer'),
    items: z.union([z.number().int().min(0).max(MAX_ITEMS), z.array(record).max(MAX_ITEMS)]),
    ratePerSecond: z.number().min(0.001).max(1_000_000).optional(),
    startAfterSeconds: z.number().min(0).max(365 * 24 * 3600).default(0),
    failures: z
      .array(
        z.object({
          item: z.number().int().min(1),
          code: z.string().refine(isStatusDetailCode, `must be a status code this emulator knows: ${STATUS_DETAIL_CODES.join(', ')}`),
          message: z.string().optional(),
        }).strict(),
      )
      .default([]),
    fail: z
      .object({
        afterItems: z.number().int().min(0),
        code: z.string().refine(isStatusDetailCode, `must be a status code this emulator knows: ${STATUS_DETAIL_CODES.join(', ')}`).default('UNEXPECTED_ERROR'),
        message: z.string().default('The job failed.'),
      }).strict()
      .optional(),
    pageSize: z.number().int().min(MIN_SEARCH_PAGE).max(MAX_SEARCH_PAGE).optional(),
    callbackUrl: callbackUrlSchema.optional(),
  })
  .strict();

type ScenarioInput = z.infer<typeof scenarioSchema>;

/** Ten years: far enough for any expiry or retention a suite wants to see. */
const MAX_ADVANCE_SECONDS = 10 * 366 * 24 * 3600;
const advanceSchema = z.object({ seconds: z.number().min(0).max(MAX_ADVANCE_SECONDS) }).strict();

export interface AdminExtras {
  clock: Clock;
  /** Present when CLOCK=manual. */
  manualTime: ManualTime | null;
  /** For a job's step tree. */
  trackers: TrackerService;
  callbacks: { store: CallbackStore; secret: string };
}

const listQuery = z.object({
  account: z.string().min(1).optional(),
  status: z.enum(ASYNC_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

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

/** Compares in constant time, so the answer's timing tells nothing about the token. */
function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function createAdminRouter(
  jobs: JobService,
  records: RecordCatalog,
  accounts: AccountService,
  slots: RequestSlots,
  defaultAccount: string,
  adminToken: string,
  time: AdminExtras,
): Router {
  const router = Router();

  // Everything here needs the admin token: Authorization: Bearer <token>, or X-Admin-Token.
  router.use((req, res, next) => {
    const bearer = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const given = bearer ?? req.get('x-admin-token');
    if (given !== undefined && sameToken(given, adminToken)) return next();
    res
      .status(401)
      .set('WWW-Authenticate', 'Bearer realm="admin"')
      .json({ error: 'The admin API needs the admin token: send Authorization: Bearer <token> (the token is printed at startup, or set ADMIN_TOKEN).' });
  });

  router.use(createAccountsRouter(accounts, slots));
  router.use(createCallbacksRouter(time.callbacks.store, time.callbacks.secret, accounts));

  router.get('/clock', (_req, res) => {
    res.json({ mode: time.manualTime ? 'manual' : 'system', now: time.clock.now().toISOString() });
  });

  router.post('/clock/advance', async (req: Request, res) => {
    if (!time.manualTime) {
      throw new ConflictError('clock', 'The clock is the system clock: start the service with CLOCK=manual to move time by hand.');
    }
    const { seconds } = parse(advanceSchema, req.body, 'body');
    const moved = await time.manualTime.advance(seconds);
    res.json({ mode: 'manual', now: moved.now.toISOString(), advancedSeconds: seconds, steps: moved.steps });
  });

  router.post('/jobs', async (req: Request, res) => {
    const input = parse(scenarioSchema, req.body, 'body');
    const { totalItems, scenario } = toScenario(input, records);
    const job = await jobs.createJob({
      account: normalizeAccountId(input.account ?? defaultAccount),
      operation: input.operation,
      recordType: input.recordType,
      totalItems,
      ratePerSecond: input.ratePerSecond,
      startAfterSeconds: input.startAfterSeconds,
      scenario,
      callbackUrl: input.callbackUrl,
    });
    res.status(201).location(`/admin/jobs/${encodeURIComponent(job.id)}`).json({ jobId: job.id });
  });

  router.get('/jobs', async (req, res) => {
    const query = parse(listQuery, req.query, 'query');
    res.json({ jobs: await jobs.listJobs({ ...query, account: query.account && normalizeAccountId(query.account) }) });
  });

  // The job with its samples, first failures and step tree (nested; [] for a job without steps).
  router.get('/jobs/:id', async (req, res) => {
    const job = await jobs.showJob(req.params.id);
    const tree = await time.trackers.read(job.account, job.id).catch((error: unknown) => {
      if (error instanceof NotFoundError) return undefined; // expired: its steps went with it
      throw error;
    });
    const callbacks = await time.callbacks.store.listDeliveries({ jobId: job.id, limit: 10 });
    res.json({ ...job, steps: tree ? buildStepTree(tree.steps) : [], callbacks });
  });

  return router;
}
