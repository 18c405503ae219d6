import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../lib/errors';
import type { TrackerService } from '../jobs/tracker-service';
import { buildStepTree } from '../jobs/step';
import type { CallbackStore } from '../callbacks/callback-store';
import { createCallbacksRouter } from './callbacks-router';
import { ASYNC_STATUSES } from '../jobs/job';
import { scenarioSchema, toScriptedJob } from '../state/scenario-input';
import { createStateRouter } from './state-router';
import { createSavedSearchesRouter } from './saved-searches-router';
import { createRecordsRouter } from './records-router';
import type { RecordBrowser } from '../records/record-store';
import type { SavedSearchService } from '../state/saved-search-service';
import type { StateService } from '../state/state-service';
import { normalizeAccountId } from '../jobs/account-id';
import type { JobService } from '../jobs/job-service';
import type { RecordCatalog } from '../records/record-catalog';
import type { AccountService } from '../accounts/account-service';
import type { RequestSlots } from '../accounts/request-slots';
import { createAccountsRouter } from './accounts-router';
import { createJournalRouter } from './journal-router';
import { createFaultsRouter } from './faults-router';
import type { RequestJournal } from '../journal/request-journal';
import type { FaultInjector } from '../faults/fault-injector';
import { parse } from '../json/validate';
import { leaveBodyUnread } from '../json/caller';
import type { Clock } from '../lib/clock';
import type { ManualTime } from '../worker/manual-time';

/** The admin API: script jobs for tests (POST /admin/jobs) and look at them; accounts and credentials. */

/** Ten years: far enough for any expiry or retention a suite wants to see. */
const MAX_ADVANCE_SECONDS = 10 * 366 * 24 * 3600;
const advanceSchema = z.object({ seconds: z.number().min(0).max(MAX_ADVANCE_SECONDS) }).strict();

/** What the admin API works on. */
export interface AdminServices {
  jobs: JobService;
  records: RecordCatalog;
  accounts: AccountService;
  slots: RequestSlots;
  defaultAccount: string;
  clock: Clock;
  /** Present when CLOCK=manual. */
  manualTime: ManualTime | null;
  /** For a job's step tree. */
  trackers: TrackerService;
  callbacks: { store: CallbackStore; secret: string };
  /** The request journal (null with JOURNAL=off) and the injected-fault rules. */
  journal: RequestJournal | null;
  faults: FaultInjector;
  /** Resets and fixtures. */
  state: StateService;
  savedSearches: SavedSearchService;
  /** The records accounts hold, for GET /admin/records. */
  recordBrowser: RecordBrowser;
}

const listQuery = z.object({
  account: z.string().min(1).optional(),
  status: z.enum(ASYNC_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** Compares in constant time, so the answer's timing tells nothing about the token. */
function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Everything under /admin needs the admin token: Authorization: Bearer <token>, or X-Admin-Token.
 * Mounted ahead of the body parsers: a caller without it is refused before its body is read.
 */
export function requireAdminToken(adminToken: string): RequestHandler {
  return (req, res, next) => {
    const bearer = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const given = bearer ?? req.get('x-admin-token');
    if (given !== undefined && sameToken(given, adminToken)) return next();
    leaveBodyUnread(req, res);
    res
      .status(401)
      .set('WWW-Authenticate', 'Bearer realm="admin"')
      .json({ error: 'The admin API needs the admin token: send Authorization: Bearer <token> (the token is printed at startup, or set ADMIN_TOKEN).' });
  };
}

/** The admin API's routes, for requests requireAdminToken let through. */
export function createAdminRouter(services: AdminServices): Router {
  const { jobs, records, accounts, slots, defaultAccount } = services;
  const router = Router();

  router.use(createAccountsRouter(accounts, slots));
  router.use(createCallbacksRouter(services.callbacks.store, services.callbacks.secret, accounts));
  router.use(createStateRouter(services.state), createSavedSearchesRouter(services.savedSearches), createRecordsRouter(services.recordBrowser, defaultAccount));
  router.use(createJournalRouter(services.journal), createFaultsRouter(services.faults));

  router.get('/clock', (_req, res) => {
    res.json({ mode: services.manualTime ? 'manual' : 'system', now: services.clock.now().toISOString() });
  });

  router.post('/clock/advance', async (req: Request, res) => {
    if (!services.manualTime) {
      throw new ConflictError('clock', 'The clock is the system clock: start the service with CLOCK=manual to move time by hand.');
    }
    const { seconds } = parse(advanceSchema, req.body, 'body');
    const moved = await services.manualTime.advance(seconds);
    res.json({ mode: 'manual', now: moved.now.toISOString(), advancedSeconds: seconds, steps: moved.steps });
  });

  router.post('/jobs', async (req: Request, res) => {
    const input = parse(scenarioSchema, req.body, 'body');
    const job = await jobs.createJob(toScriptedJob(input, records, defaultAccount));
    res
      .status(201)
      .location(`/admin/jobs/${encodeURIComponent(job.id)}`)
      .json({ id: job.id });
  });

  router.get('/jobs', async (req, res) => {
    const query = parse(listQuery, req.query, 'query');
    res.json({ jobs: await jobs.listJobs({ ...query, account: query.account && normalizeAccountId(query.account) }) });
  });

  // The job with its samples, first failures and step tree (nested; [] for a job without steps).
  router.get('/jobs/:id', async (req, res) => {
    const job = await jobs.showJob(req.params.id);
    const tree = await services.trackers.read(job.account, job.id).catch((error: unknown) => {
      if (error instanceof NotFoundError) return undefined; // expired: its steps went with it
      throw error;
    });
    const callbacks = await services.callbacks.store.listDeliveries({ jobId: job.id, limit: 10 });
    res.json({ ...job, steps: tree ? buildStepTree(tree.steps) : [], callbacks });
  });

  return router;
}
