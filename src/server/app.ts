import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler } from 'express';
import { AuthError, ConflictError, NotFoundError, ValidationError } from '../lib/errors';
import { BAD_PATH, isBadPath } from '../json/bad-request';
import { authenticateFirst, BASIC_CHALLENGE } from '../json/caller';
import type { AccountService } from '../accounts/account-service';
import type { RequestSlots } from '../accounts/request-slots';
import type { JobService } from '../jobs/job-service';
import type { Logger } from '../lib/logger';
import type { RecordCatalog } from '../records/record-catalog';
import type { Authenticator } from '../accounts/authenticator';
import type { TrackerService } from '../jobs/tracker-service';
import { createAdminRouter, requireAdminToken } from '../admin/admin-router';
import { createDashboardRouter } from '../dashboard/dashboard-router';
import { JobAnswerReader } from './job-answers';
import type { VersionCatalogs } from '../records/version-catalogs';
import { ResultWriter } from '../soap/result-writer';
import { createDashboardFiles } from '../dashboard/dashboard-files';
import { checkJsonBody, jsonBodyParser, storablePath } from '../lib/json-body';
import { createProgressRouter, PROGRESS_BODY_NESTING } from '../progress/progress-router';
import { createSalesforceRouter } from '../salesforce/salesforce-router';
import { createServiceNowRouter } from '../servicenow/servicenow-router';
import { isVersion, VERSIONS } from '../records/versions';
import type { WsdlCatalog } from '../soap/wsdl-catalog';
import type { Clock } from '../lib/clock';
import type { ManualTime } from '../worker/manual-time';
import type { CallbackStore } from '../callbacks/callback-store';
import { baseUrlOf } from './base-url';
import type { Readiness } from '../db/readiness';
import type { ServiceMetrics } from './service-metrics';
import type { CallLifecycle } from './call-lifecycle';
import { routeOfFace, WHERE_THINGS_ARE } from './routes';
import type { StateService } from '../state/state-service';
import type { SavedSearchService } from '../state/saved-search-service';
import type { RecordBrowser } from '../records/record-store';
import { YAML_TYPES } from '../admin/state-router';
import type { RequestJournal } from '../journal/request-journal';
import type { FaultInjector } from '../faults/fault-injector';
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from '../lib/database-unavailable';

export interface AppDependencies {
  jobs: JobService;
  trackers: TrackerService;
  authenticator: Authenticator;
  accounts: AccountService;
  slots: RequestSlots;
  records: RecordCatalog;
  /** Each version's record schemas, for the SOAP answers the dashboard shows. */
  catalogs: VersionCatalogs;
  catalog: WsdlCatalog;
  logger: Logger;
  defaultAccount: string;
  adminToken: string;
  /** The service's clock, and its driver when CLOCK=manual. */
  clock: Clock;
  manualTime: ManualTime | null;
  /** Callback defaults and deliveries, and the secret they are signed with. */
  callbacks: { store: CallbackStore; secret: string };
  publicUrl?: string;
  /** Reports whether the database is migrated and reachable. */
  ready: () => boolean;
  /** Asks the database whether it answers and has every migration (for /readyz). */
  readiness: () => Promise<Readiness>;
  metrics: ServiceMetrics;
  /** The call lifecycle every request goes through (log, metrics, journal). */
  calls: CallLifecycle;
  /** Resets and fixtures (POST /admin/reset, /admin/fixtures). */
  state: StateService;
  savedSearches: SavedSearchService;
  recordBrowser: RecordBrowser;
  /** The request journal (null with JOURNAL=off) and the injected-fault rules. */
  journal: RequestJournal | null;
  faults: FaultInjector;
}

/** What a 503 for a database that is down or stalled tells a client to wait before trying again. */
const DATABASE_RETRY_AFTER_SECONDS = '5';

/** Admin bodies (scenarios, seeds of accounts) are shallow; deeper ones are refused before parsing. */
const ADMIN_MAX_JSON_DEPTH = 32;

/** The express app for everything but the SOAP endpoint. Never listens: compose/serve.ts and tests do. */
export function createApp(deps: AppDependencies): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(deps.calls.expressCalls());

  // Someone who opens the service's address in a browser lands on the dashboard.
  app.get('/', (_req, res) => res.redirect(302, '/ui/'));

  app.get('/healthz', (_req, res) => {
    if (deps.ready()) res.json({ status: 'ok' });
    else res.status(503).json({ status: 'starting' });
  });

  // Readiness asks the database each time: a load balancer stops sending work when it is gone.
  app.get('/readyz', async (_req, res) => {
    const readiness: Readiness = deps.ready() ? await deps.readiness() : { ready: false, reason: 'The service is starting or stopping.' };
    if (readiness.ready) res.json({ status: 'ready' });
    else res.status(503).json({ status: 'unready', reason: readiness.reason, ...(readiness.pending ? { pending: readiness.pending } : {}) });
  });

  // No admin token: Prometheus scrapes it, and it holds counts, never ids or credentials.
  app.get('/metrics', async (_req, res) => {
    const { contentType, text } = await deps.metrics.scrape();
    res.type(contentType).send(text);
  });

  app.get(/^\/(wsdl|xsd)\//, (req, res, next) => {
    const document = deps.catalog.document(req.path, baseUrlOf(req, deps.publicUrl));
    if (document === undefined) {
      const version = /\/v(\d{4}_\d)_0\//.exec(req.path)?.[1];
      if (version && !isVersion(version)) {
        res.status(404).json({ error: `Unknown SuiteTalk version "${version}": this server offers ${VERSIONS[0]} to ${VERSIONS.at(-1)}.` });
        return;
      }
      return next();
    }
    res.type('text/xml; charset=utf-8').send(document);
  });

  // Every face checks credentials before a body parser reads anything: a caller without them costs
  // no reading or parsing, whatever it sends. A YAML fixtures document comes as text; everything
  // else under /admin is JSON, whatever it says.
  app.use(
    routeOfFace('admin').mounts,
    requireAdminToken(deps.adminToken),
    storablePath,
    express.text({ limit: '50mb', type: YAML_TYPES }),
    jsonBodyParser({
      limit: '50mb',
      maxDepth: ADMIN_MAX_JSON_DEPTH,
      type: (req) => !req.headers['content-type'] || !YAML_TYPES.some((type) => req.headers['content-type']!.toLowerCase().startsWith(type)),
    }),
    (req, _res, next) => {
      checkJsonBody(req.body, ADMIN_MAX_JSON_DEPTH);
      next();
    },
    createAdminRouter({
      jobs: deps.jobs,
      records: deps.records,
      accounts: deps.accounts,
      slots: deps.slots,
      defaultAccount: deps.defaultAccount,
      clock: deps.clock,
      manualTime: deps.manualTime,
      trackers: deps.trackers,
      callbacks: deps.callbacks,
      journal: deps.journal,
      faults: deps.faults,
      state: deps.state,
      savedSearches: deps.savedSearches,
      recordBrowser: deps.recordBrowser,
    }),
    createDashboardRouter(deps.jobs, deps.trackers, new JobAnswerReader(deps.jobs, deps.trackers, deps.accounts, new ResultWriter(deps.catalogs))),
  );
  app.use(routeOfFace('ui').mounts, createDashboardFiles());

  app.use(
    routeOfFace('progress').mounts,
    authenticateFirst(deps.authenticator),
    jsonBodyParser({ limit: '5mb', ...PROGRESS_BODY_NESTING, type: () => true }),
    createProgressRouter(deps.trackers, deps.authenticator),
  );
  // Its routes carry their whole paths (mounted at the root).
  app.use(createServiceNowRouter(deps.trackers, deps.authenticator));
  app.use(routeOfFace('salesforce').mounts, createSalesforceRouter(deps.trackers, deps.authenticator, deps.logger));

  app.use((req, res) => {
    res.status(404).json({ error: `Nothing at ${req.method} ${req.path}. ${WHERE_THINGS_ARE}` });
  });

  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    if (error instanceof AuthError) {
      res.status(401).set('WWW-Authenticate', BASIC_CHALLENGE).json({ error: error.message });
    } else if (error instanceof ValidationError) {
      res.status(400).json({ error: error.message, field: error.field });
    } else if (error instanceof ConflictError) {
      res.status(409).json({ error: error.message, field: error.field });
    } else if (error instanceof NotFoundError) {
      res.status(404).json({ error: error.message });
    } else if ((error as { type?: string }).type === 'entity.parse.failed') {
      res.status(400).json({ error: `The request body is not valid JSON: ${(error as Error).message}`, field: 'body' });
    } else if ((error as { type?: string }).type === 'entity.too.large') {
      res.status(413).json({ error: 'The request body is too large.' });
    } else if (isBodyRefusal(error)) {
      // The body parsers' other refusals: an unknown charset or content encoding (415), a body cut short (400).
      res.status(error.status).json({ error: error.message, field: 'body' });
    } else if (isBadPath(error)) {
      res.status(400).json({ error: BAD_PATH, field: 'path' });
    } else if (isDatabaseUnavailable(error)) {
      deps.logger.error('request answered 503: the database did not answer', { requestId: res.locals.requestId, method: req.method, path: req.path, error });
      res.status(503).set('Retry-After', DATABASE_RETRY_AFTER_SECONDS).json({ error: DATABASE_UNAVAILABLE_MESSAGE });
    } else {
      const reference = randomUUID();
      deps.logger.error('request failed', { reference, requestId: res.locals.requestId, method: req.method, path: req.path, error });
      res.status(500).json({ error: `Unexpected error (reference ${reference}).` });
    }
  };
  app.use(onError);
  return app;
}

/** An error body-parser made for the caller to see (it sets `expose` on those), with its 4xx status. */
function isBodyRefusal(error: unknown): error is Error & { status: number } {
  const { status, expose, type } = error as { status?: unknown; expose?: unknown; type?: unknown };
  return typeof type === 'string' && expose === true && typeof status === 'number' && status >= 400 && status < 500;
}
