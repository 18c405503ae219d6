import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import { ManualClock, systemClock, type Clock } from '../lib/clock';
import { ConfigError, loadConfig, type Config } from './config';
import { closeKnex, createKnex, migrate, migrateDatabase, type DatabaseOptions } from '../db/knex';
import { PgJobStore } from '../db/pg-job-store';
import { PgTreeStore } from '../db/pg-tree-store';
import { TrackerService } from '../jobs/tracker-service';
import { saveManualClock, storedAdminToken, storedCallbackSecret, storedManualClock } from '../db/settings';
import { PgCallbackStore } from '../db/pg-callback-store';
import { CallbackDispatcher } from '../callbacks/dispatcher';
import { PgAccountStore } from '../db/pg-account-store';
import { PgRequestSlots } from '../db/pg-request-slots';
import { AccountService } from '../accounts/account-service';
import { Authenticator } from '../accounts/authenticator';
import { CachedAccountStore } from '../accounts/cached-account-store';
import { DEMO, demoSeed } from '../accounts/demo';
import { PgSeededBlocks } from '../db/pg-id-blocks';
import { PgStateStore } from '../db/pg-state-store';
import { IdSource } from '../jobs/id-source';
import { readFixturesFile } from '../state/fixtures';
import { StateService, type StartupFixtures } from '../state/state-service';
import { createApp } from '../server/app';
import { createHttpServer } from '../server/http-server';
import { JobService, type JobServiceSettings } from '../jobs/job-service';
import { createLogger, type Logger } from '../lib/logger';
import { ServiceMetrics } from '../server/service-metrics';
import { databaseMetricsSources } from '../db/pg-job-gauges';
import { checkReadiness } from '../db/readiness';
import { RecordCatalog } from '../records/record-catalog';
import { createOperations } from '../soap/operations';
import { ResultWriter } from '../soap/result-writer';
import { SoapEndpoint } from '../soap/soap-endpoint';
import { WsdlCatalog } from '../soap/wsdl-catalog';
import { readOfficialTree } from '../soap/official-tree';
import { SchemaSet } from '../records/schema-set';
import { RecordCatalogs } from '../records/record-catalogs';
import { Worker } from '../worker/worker';
import { ManualTime } from '../worker/manual-time';
import { Sessions } from '../accounts/sessions';
import { PgSessionStore } from '../db/pg-session-store';
import { createSessionOperations } from '../soap/session-operations';
import { normalizeAccountId } from '../jobs/account-id';
import { RequestJournal } from '../journal/request-journal';
import { PgRequestJournal } from '../db/pg-request-journal';
import { threadJournalWriters } from './journal-thread';
import { hotPoolTarget } from '../db/hot-query';
import type { DatabaseWaits } from '../db/bounded-waits';
import { FaultInjector } from '../faults/fault-injector';
import { PgFaultRules } from '../db/pg-fault-rules';

/** How soon a server process sees fault rules another process added or removed. */
const FAULT_RULES_REFRESH_MS = 1000;

/** Composition root: config → database → store → service → faces and worker; one way to stop. */

export interface BuildOptions {
  clock?: Clock;
  /** The clock tokenPassport timestamps are checked against (default: the system's). */
  wallClock?: Clock;
  logger?: Logger;
  /** A database to use instead of one made from the config (tests); the caller closes it. */
  db?: Knex;
  schema?: string;
  /** Run the worker loop in this process (default: the WORKER setting). */
  worker?: boolean;
}

export interface Service {
  config: Config;
  /** The admin API's token, and whether it was just generated (neither configured nor stored). */
  admin: { token: string; source: 'ADMIN_TOKEN' | 'generated' | 'stored' };
  /** The demo account's id when its demo token is usable, for the startup message. */
  demo: { account: string; created: boolean } | null;
  db: Knex;
  accounts: AccountService;
  jobs: JobService;
  worker: Worker;
  /** Delivers the callbacks of ended jobs; runs beside the HTTP server and in worker processes. */
  callbacks: CallbackDispatcher;
  server: Server;
  /** Listens on the configured host and port (0 picks a free one); resolves to the base URL. */
  listen(): Promise<string>;
  /** Stops taking requests, lets those under way finish, stops the worker, closes the pool. */
  stop(): Promise<void>;
}

export async function buildService(config: Config, options: BuildOptions = {}): Promise<Service> {
  // CLOCK=manual: a clock that moves only on POST /admin/clock/advance (a test's own, if it gave one).
  const manualClock = config.CLOCK === 'manual' ? (options.clock instanceof ManualClock ? options.clock : new ManualClock(config.CLOCK_START ?? new Date())) : null;
  const clock = manualClock ?? options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL });
  const database: DatabaseOptions = {
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    waits: databaseWaits(config),
    onPoolError: (error) => logger.error('a pooled database connection dropped; it is replaced', { error }),
  };
  const db = options.db ?? createKnex(database);
  let ready = false;
  await (options.db ? migrate(db, options.schema) : migrateDatabase(db, database));
  ready = true;
  // A restart goes on from the manual clock's stored time.
  if (manualClock) manualClock.set(await storedManualClock(db, config.CLOCK_START ?? manualClock.now()));
  const stored = config.ADMIN_TOKEN ? undefined : await storedAdminToken(db);
  const admin: Service['admin'] = stored ? { token: stored.token, source: stored.created ? 'generated' : 'stored' } : { token: config.ADMIN_TOKEN!, source: 'ADMIN_TOKEN' };

  const accountStore = new CachedAccountStore(new PgAccountStore(db), config.ACCOUNT_CACHE_MS);
  // Generated ids: random, or derived from the id seed (ID_SEED, a reset's) when one is set.
  const idBlocks = new PgSeededBlocks(db, config.ACCOUNT_CACHE_MS);
  const ids = new IdSource(idBlocks);
  const accounts = new AccountService(accountStore, clock, ids);
  const records = new RecordCatalog();
  const jobSettings: JobServiceSettings = {
    retentionDays: config.JOB_RETENTION_DAYS,
    maxResultCalls: config.MAX_RESULT_CALLS,
    resultPageSize: config.RESULT_PAGE_SIZE,
    defaultRatePerSecond: config.DEFAULT_RATE_PER_SECOND,
    minPollIntervalSeconds: config.MIN_POLL_INTERVAL_SECONDS,
  };
  // Resets and fixtures. Its hooks use the manual clock's driver and the worker, made below; only
  // a reset, once the service serves, calls them.
  const state = new StateService(new PgStateStore(db, { leaseSeconds: config.WORKER_LEASE_SECONDS }), clock, records, {
    defaultAccount: config.DEFAULT_ACCOUNT,
    demoSeed: config.DEMO_ACCOUNT ? demoSeed(normalizeAccountId(config.DEFAULT_ACCOUNT)) : null,
    manualClock,
    clockStart: config.CLOCK_START,
    idSeed: config.ID_SEED,
    jobSettings,
    startupFixtures: () => startupFixtureFiles(config),
    serialize: (work) => (manualTime ? manualTime.exclusive(work) : work()),
    afterCommit: () => {
      accountStore.forget();
      idBlocks.forget();
      worker.wake();
    },
    beforeReset: () => journal?.flush() ?? Promise.resolve(),
  });
  // A fresh install gets the demo account once (revoked or deleted, it stays so until a reset);
  // the fixture files' accounts at every start, their records and jobs once.
  const { demoCreated } = await state.startup();
  const demoToken = config.DEMO_ACCOUNT ? await accountStore.findToken(DEMO.tokenId) : undefined;
  const demo = demoToken && !demoToken.token.revokedAt && demoToken.integration.enabled ? { account: demoToken.account.id, created: demoCreated } : null;
  const sessions = new Sessions(new PgSessionStore(db), clock, {
    idleSeconds: config.SESSION_IDLE_SECONDS,
    leaseSeconds: config.HELD_LEASE_SECONDS,
    onError: (error) => logger.error('a session hold could not be released or renewed; it is tried again, and runs out by itself', { error }),
  });
  const authenticator = new Authenticator(
    accountStore,
    options.wallClock ?? systemClock,
    {
      mode: config.AUTHENTICATION ? 'on' : 'off',
      timestampWindowSeconds: config.TOKEN_TIMESTAMP_WINDOW_SECONDS,
      defaultAccount: config.DEFAULT_ACCOUNT,
      defaults: {
        concurrentRequests: config.CONCURRENT_REQUESTS_PER_ACCOUNT,
        maxResultCalls: config.MAX_RESULT_CALLS,
        minPollIntervalSeconds: config.MIN_POLL_INTERVAL_SECONDS,
        responseDelayMs: config.RESPONSE_DELAY_MS,
      },
      failedLogins: { perAccount: config.LOGIN_FAILURE_LIMIT, perAddress: config.LOGIN_FAILURE_LIMIT_PER_ADDRESS, windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS },
    },
    sessions,
  );
  const slots = new PgRequestSlots(db, {
    leaseSeconds: config.HELD_LEASE_SECONDS,
    onError: (error) => logger.error('a request slot could not be released or renewed; it is tried again, and runs out by itself', { error }),
  });

  const store = new PgJobStore(db, {
    leaseSeconds: config.WORKER_LEASE_SECONDS,
    onUnverifiedCommit: (jobId, error) => logger.error('a job insert was answered as taken without the database confirming its COMMIT', { jobId, error }),
  });
  const official = config.NETSUITE_WSDL_DIR ? readOfficialTree(config.NETSUITE_WSDL_DIR) : undefined;
  const officialRecords = official && new RecordCatalog(SchemaSet.fromDocuments(official.schemas), official.dir);
  if (official && officialRecords) {
    const found = {
      version: official.version,
      recordTypes: officialRecords.recordTypes().length,
      searchTypes: officialRecords.searchTypes().length,
      dir: official.dir,
      layout: official.layout,
    };
    logger.info(
      `NETSUITE_WSDL_DIR: NetSuite's WSDL ${found.version}, ${found.recordTypes} record types, ${found.searchTypes} search types, from ${found.dir} (${found.layout})`,
      found,
    );
  }
  const catalogs = new RecordCatalogs(records, official && officialRecords && { version: official.version, catalog: officialRecords });
  const jobs = new JobService(store, clock, jobSettings, ids);
  const worker = new Worker(
    store,
    clock,
    {
      pacing: config.WORKER_PACING,
      tickMs: config.WORKER_TICK_MS,
      batch: config.WORKER_BATCH,
      pollMs: config.WORKER_POLL_MS,
      maxStepFailures: config.WORKER_MAX_STEP_FAILURES,
    },
    { error: (message, error) => logger.error(message, { error }) },
    catalogs,
  );
  jobs.onJobCreated(() => worker.wake());
  const callbackStore = new PgCallbackStore(db);
  const callbackSecret = config.CALLBACK_SECRET ?? (await storedCallbackSecret(db));
  const callbacks = new CallbackDispatcher(
    callbackStore,
    options.wallClock ?? systemClock,
    {
      secret: callbackSecret,
      maxAttempts: config.CALLBACK_MAX_ATTEMPTS,
      retrySeconds: config.CALLBACK_RETRY_SECONDS,
      timeoutMs: config.CALLBACK_TIMEOUT_MS,
      pollMs: config.CALLBACK_POLL_MS,
    },
    logger,
  );
  const manualTime = manualClock
    ? new ManualTime(manualClock, worker, {
        tickMs: config.WORKER_TICK_MS,
        nextStartAt: (after) => store.nextStartAt(after),
        save: (at) => saveManualClock(db, at),
      })
    : null;

  const catalog = new WsdlCatalog(undefined, official);
  const journal = config.JOURNAL ? requestJournal(db, config, clock, logger) : null;
  const faults = new FaultInjector(new PgFaultRules(db), clock, { refreshMs: FAULT_RULES_REFRESH_MS, onError: (error) => logger.error('injected-fault rules', { error }) });
  await faults.start();
  const operations = {
    ...createOperations(jobs, new ResultWriter(catalogs), catalogs),
    ...createSessionOperations({ authenticator, sessions, clock }),
  };
  const metrics = new ServiceMetrics(
    databaseMetricsSources(db, clock, () => worker.stepsTaken),
    Object.keys(operations),
    logger,
  );
  const soap = new SoapEndpoint(
    catalog,
    operations,
    authenticator,
    slots,
    { maxRequestBytes: config.MAX_REQUEST_BYTES, defaultAccount: config.DEFAULT_ACCOUNT, clock, journal, faults, ids },
    logger,
    metrics,
    sessions,
  );
  const trackers = new TrackerService(new PgTreeStore(db), store, clock, { retentionDays: config.JOB_RETENTION_DAYS }, ids);
  const app = createApp({
    jobs,
    trackers,
    authenticator,
    accounts,
    slots,
    records,
    catalogs,
    catalog,
    logger,
    defaultAccount: config.DEFAULT_ACCOUNT,
    adminToken: admin.token,
    clock,
    manualTime,
    callbacks: { store: callbackStore, secret: callbackSecret },
    publicUrl: config.PUBLIC_URL,
    ready: () => ready,
    readiness: () => checkReadiness(db, options.schema),
    metrics,
    journal,
    faults,
    state,
  });
  const server = createHttpServer(app, soap, config.PUBLIC_URL);
  // Under the manual clock jobs move only when the clock is advanced, never on their own.
  const runWorker = manualTime ? false : (options.worker ?? config.WORKER);

  let stopping: Promise<void> | null = null;
  return {
    config,
    admin,
    demo,
    db,
    accounts,
    jobs,
    worker,
    callbacks,
    server,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.PORT, config.HOST, () => {
          if (runWorker) worker.start();
          callbacks.start();
          const { port } = server.address() as AddressInfo;
          resolve(`http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`);
        });
      }),
    stop: () =>
      (stopping ??= (async () => {
        ready = false;
        const closed = new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), config.SHUTDOWN_TIMEOUT_MS);
        await closed;
        clearTimeout(timer);
        await worker.stop();
        await callbacks.stop();
        await faults.stop();
        await journal?.stop();
        await slots.close();
        sessions.close();
        if (!options.db) await closeKnex(db);
      })()),
  };
}

/** The DB_*_TIMEOUT_MS settings, as every connection to a Postgres server takes them. */
function databaseWaits(config: Config): DatabaseWaits {
  return {
    connectMs: config.DB_CONNECT_TIMEOUT_MS,
    statementMs: config.DB_STATEMENT_TIMEOUT_MS,
    lockMs: config.DB_LOCK_TIMEOUT_MS,
    idleInTransactionMs: config.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  };
}

/**
 * The request journal. On a Postgres server its writing runs on a thread of its own
 * (JOURNAL_THREAD, on by default), which falls back to this event loop if the thread dies; on
 * PGlite, whose database lives in this thread, it runs here.
 */
function requestJournal(db: Knex, config: Config, clock: Clock, logger: Logger): RequestJournal {
  const store = new PgRequestJournal(db);
  const maxBodyBytes = config.JOURNAL_MAX_BODY_BYTES;
  const target = hotPoolTarget(db);
  return new RequestJournal(
    store,
    clock,
    { maxEntries: config.JOURNAL_MAX_ENTRIES, maxAgeHours: config.JOURNAL_MAX_AGE_HOURS, maxBodyBytes },
    (error) => logger.error('request journal', { error }),
    target && config.JOURNAL_THREAD ? threadJournalWriters(target, store, maxBodyBytes) : undefined,
  );
}

/** SEED_FILE and FIXTURES_FILE (one fixtures format), read as they are now. */
function startupFixtureFiles(config: Config): StartupFixtures[] {
  const files: StartupFixtures[] = [];
  for (const setting of ['SEED_FILE', 'FIXTURES_FILE'] as const) {
    const file = config[setting];
    if (file) files.push({ source: `${setting} ${file}`, fixtures: readFixturesFile(setting, file) });
  }
  return files;
}

/** Runs the service as `serve` (HTTP and, unless WORKER=off, the worker), `worker` alone, or `migrate`. */
export async function runService(mode: string): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.LOG_LEVEL });
  const database = config.DATABASE_URL ? 'postgres (DATABASE_URL)' : `embedded PGlite in ${config.DATA_DIR}`;

  if (mode === 'migrate') {
    const target: DatabaseOptions = { url: config.DATABASE_URL, dataDir: config.DATA_DIR, waits: databaseWaits(config) };
    const db = createKnex(target);
    try {
      await migrateDatabase(db, target);
    } finally {
      await closeKnex(db);
    }
    logger.info('migrations are current', { database });
    return;
  }
  if (mode !== 'serve' && mode !== 'worker') {
    process.stderr.write(`Unknown mode "${mode}": use serve (default), worker or migrate.\n`);
    process.exit(2);
  }
  if (mode === 'worker' && config.CLOCK === 'manual') {
    process.stderr.write('CLOCK=manual: jobs move only when POST /admin/clock/advance tells the serving process to; run no separate worker (unset CLOCK for one).\n');
    process.exit(1);
  }
  if (mode === 'worker' && !config.DATABASE_URL) {
    // The embedded database belongs to one process; a second one would corrupt its files.
    process.stderr.write('A separate worker needs a Postgres server: set DATABASE_URL (the embedded database serves only the process that opened it).\n');
    process.exit(1);
  }

  const service = await buildService(config, { logger, worker: mode === 'worker' ? false : undefined });
  if (mode === 'worker') {
    service.worker.start();
    service.callbacks.start();
    logger.info('worker started', { database });
  } else {
    const url = await service.listen();
    if (service.admin.source !== 'ADMIN_TOKEN') {
      // A test tool's admin token: shown at every start unless it was configured.
      logger.info(`admin API token (${service.admin.source === 'generated' ? 'generated now' : 'generated at first start'}; set ADMIN_TOKEN to choose one)`, {
        adminToken: service.admin.token,
      });
    }
    if (service.demo) {
      logger.info(`demo account${service.demo.created ? ' created' : ''}: sign tokenPassports with these (DEMO_ACCOUNT=off to go without; revoke the token on a shared network)`, {
        account: service.demo.account,
        consumerKey: DEMO.consumerKey,
        consumerSecret: DEMO.consumerSecret,
        tokenId: DEMO.tokenId,
        tokenSecret: DEMO.tokenSecret,
        passport: `${DEMO.email} / ${DEMO.password} (versions up to 2020_1)`,
      });
    }
    if (!config.AUTHENTICATION) logger.info('AUTHENTICATION=off: credentials are not checked; a request acts for the account its header names');
    logger.info('async-status-emulator is listening', {
      url,
      database,
      defaultAccount: config.DEFAULT_ACCOUNT,
      endpoint: `${url}/services/NetSuitePort_2025_2`,
      wsdl: `${url}/wsdl/v2025_2_0/netsuite.wsdl`,
      dashboard: `${url}/ui/ (open ${url}/ui/#token=<admin token> to sign in)`,
      ...(config.CLOCK === 'manual' ? { clock: 'manual: jobs move on POST /admin/clock/advance' } : {}),
    });
  }
  const shutdown = (signal: string) => {
    logger.info('shutting down', { signal });
    const stop = mode === 'worker' ? Promise.all([service.worker.stop(), service.callbacks.stop()]).then(() => closeKnex(service.db)) : service.stop();
    stop.then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
