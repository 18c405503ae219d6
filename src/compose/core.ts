import type { Knex } from 'knex';
import { ManualClock, systemClock, type Clock } from '../lib/clock';
import { createLogger, type Logger } from '../lib/logger';
import { stopAll } from '../lib/stop-all';
import type { Config } from './config';
import { openDatabase, type Database, type DatabaseOptions } from '../db/database';
import { migrate, migrateDatabase } from '../db/migrate';
import type { DatabaseWaits } from '../db/bounded-waits';
import { PgJobStore } from '../db/pg-job-store';
import { PgAccountStore } from '../db/pg-account-store';
import { PgSeededBlocks } from '../db/pg-id-blocks';
import { PgStateStore } from '../db/pg-state-store';
import { PgSavedSearches } from '../db/pg-saved-searches';
import { savedSearchReader } from '../soap/saved-search-reader';
import { SavedSearchService } from '../state/saved-search-service';
import { PgCallbackStore } from '../db/pg-callback-store';
import { saveManualClock, storedAdminToken, storedCallbackSecret, storedManualClock } from '../db/settings';
import { AccountService } from '../accounts/account-service';
import { CachedAccountStore } from '../accounts/cached-account-store';
import { DEMO, demoSeed } from '../accounts/demo';
import { normalizeAccountId } from '../jobs/account-id';
import { IdSource } from '../jobs/id-source';
import { JobService, type JobServiceSettings } from '../jobs/job-service';
import { RecordCatalog } from '../records/record-catalog';
import { VersionCatalogs } from '../records/version-catalogs';
import { SchemaSet } from '../records/schema-set';
import { readOfficialTree, type OfficialTree } from '../soap/official-tree';
import { readFixturesFile } from '../state/fixtures';
import { StateService, type StartupFixtures } from '../state/state-service';
import { CallbackDispatcher } from '../callbacks/dispatcher';
import { Worker } from '../worker/worker';
import { ManualTime } from '../worker/manual-time';

/**
 * What every process kind shares: the clock, the database (migrated), the stores and services,
 * the worker and the callback dispatcher (made, not started), and the startup fixtures applied.
 * `serve` and `worker` are built on it; its stop() undoes what it made.
 */

export interface CoreOptions {
  clock?: Clock;
  /** The clock tokenPassport timestamps and callback signatures are checked against (default: the system's). */
  wallClock?: Clock;
  logger?: Logger;
  /** A database to use instead of one made from the config (tests); the caller closes it. */
  database?: Database;
}

export interface Core {
  config: Config;
  clock: Clock;
  wallClock: Clock;
  /** CLOCK=manual: the clock itself and what moves jobs when it is advanced. */
  manualClock: ManualClock | null;
  manualTime: ManualTime | null;
  logger: Logger;
  database: Database;
  /** The database's knex, for the stores that need nothing else. */
  db: Knex;
  /** The admin API's token, and whether it was just generated (neither configured nor stored). */
  admin: { token: string; source: 'ADMIN_TOKEN' | 'generated' | 'stored' };
  /** The demo account's id when its demo token is usable, for the startup message. */
  demo: { account: string; created: boolean } | null;
  accountStore: CachedAccountStore;
  ids: IdSource;
  accounts: AccountService;
  records: RecordCatalog;
  catalogs: VersionCatalogs;
  /** NETSUITE_WSDL_DIR's tree, when one is configured. */
  official?: OfficialTree;
  store: PgJobStore;
  jobs: JobService;
  worker: Worker;
  callbackStore: PgCallbackStore;
  callbackSecret: string;
  /** Delivers the callbacks of ended jobs; runs beside the HTTP server and in worker processes. */
  callbacks: CallbackDispatcher;
  state: StateService;
  savedSearches: SavedSearchService;
  savedSearchStore: PgSavedSearches;
  /** Stops the worker and the callback dispatcher if they run, and closes the database it opened. */
  stop(): Promise<void>;
}

export async function buildCore(config: Config, options: CoreOptions = {}): Promise<Core> {
  // CLOCK=manual: a clock that moves only on POST /admin/clock/advance (a test's own, if it gave one).
  const manualClock = config.CLOCK === 'manual' ? (options.clock instanceof ManualClock ? options.clock : new ManualClock(config.CLOCK_START ?? new Date())) : null;
  const clock = manualClock ?? options.clock ?? systemClock;
  const wallClock = options.wallClock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL });
  const named = databaseOptions(config, logger);
  const database = options.database ?? (await openDatabase(named));
  const db = database.knex;
  await (options.database ? migrate(db) : migrateDatabase(database, named));
  // A restart goes on from the manual clock's stored time.
  if (manualClock) manualClock.set(await storedManualClock(db, config.CLOCK_START ?? manualClock.now()));
  const stored = config.ADMIN_TOKEN ? undefined : await storedAdminToken(db);
  const admin: Core['admin'] = stored ? { token: stored.token, source: stored.created ? 'generated' : 'stored' } : { token: config.ADMIN_TOKEN!, source: 'ADMIN_TOKEN' };

  const accountStore = new CachedAccountStore(new PgAccountStore(database), config.ACCOUNT_CACHE_MS);
  // Generated ids: random, or derived from the id seed (ID_SEED, a reset's) when one is set.
  const idBlocks = new PgSeededBlocks(db, config.ACCOUNT_CACHE_MS);
  const ids = new IdSource(idBlocks);
  const accounts = new AccountService(accountStore, clock, ids);
  const records = new RecordCatalog();
  const official = config.NETSUITE_WSDL_DIR ? readOfficialTree(config.NETSUITE_WSDL_DIR) : undefined;
  const catalogs = officialCatalogs(records, official, logger);
  const jobSettings: JobServiceSettings = {
    retentionDays: config.JOB_RETENTION_DAYS,
    maxResultCalls: config.MAX_RESULT_CALLS,
    resultPageSize: config.RESULT_PAGE_SIZE,
    defaultRatePerSecond: config.DEFAULT_RATE_PER_SECOND,
    minPollIntervalSeconds: config.MIN_POLL_INTERVAL_SECONDS,
  };
  const store = new PgJobStore(database, {
    leaseSeconds: config.WORKER_LEASE_SECONDS,
    onUnverifiedCommit: (jobId, error) => logger.error('a job insert was answered as taken without the database confirming its COMMIT', { jobId, error }),
  });
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
  const manualTime = manualClock
    ? new ManualTime(manualClock, worker, {
        tickMs: config.WORKER_TICK_MS,
        nextStartAt: (after) => store.nextStartAt(after),
        save: (at) => saveManualClock(db, at),
      })
    : null;
  const callbackStore = new PgCallbackStore(db);
  const callbackSecret = config.CALLBACK_SECRET ?? (await storedCallbackSecret(db));
  const callbacks = new CallbackDispatcher(
    callbackStore,
    wallClock,
    {
      secret: callbackSecret,
      maxAttempts: config.CALLBACK_MAX_ATTEMPTS,
      retrySeconds: config.CALLBACK_RETRY_SECONDS,
      timeoutMs: config.CALLBACK_TIMEOUT_MS,
      pollMs: config.CALLBACK_POLL_MS,
    },
    logger,
  );
  // Resets and fixtures: a reset runs in line with the manual clock's advances, then forgets what
  // is cached and wakes the worker.
  const state = new StateService(new PgStateStore(database, { leaseSeconds: config.WORKER_LEASE_SECONDS }), clock, records, {
    defaultAccount: config.DEFAULT_ACCOUNT,
    demoSeed: config.DEMO_ACCOUNT ? demoSeed(normalizeAccountId(config.DEFAULT_ACCOUNT)) : null,
    manualClock,
    clockStart: config.CLOCK_START,
    idSeed: config.ID_SEED,
    jobSettings,
    startupFixtures: () => startupFixtureFiles(config),
    readSavedSearch: savedSearchReader(catalogs),
    serialize: (work) => (manualTime ? manualTime.exclusive(work) : work()),
    afterCommit: () => {
      accountStore.forget();
      idBlocks.forget();
      worker.wake();
    },
  });
  // A fresh install gets the demo account once (revoked or deleted, it stays so until a reset);
  // the fixture files' accounts at every start, their records and jobs once.
  const { demoCreated } = await state.startup();
  const savedSearchStore = new PgSavedSearches(db);
  const savedSearches = new SavedSearchService(savedSearchStore, clock, savedSearchReader(catalogs), config.DEFAULT_ACCOUNT);
  const demoToken = config.DEMO_ACCOUNT ? await accountStore.findToken(DEMO.tokenId) : undefined;
  const demo = demoToken && !demoToken.token.revokedAt && demoToken.integration.enabled ? { account: demoToken.account.id, created: demoCreated } : null;

  let stopping: Promise<void> | null = null;
  return {
    config,
    clock,
    wallClock,
    manualClock,
    manualTime,
    logger,
    database,
    db,
    admin,
    demo,
    accountStore,
    ids,
    accounts,
    records,
    catalogs,
    official,
    store,
    jobs,
    worker,
    callbackStore,
    callbackSecret,
    callbacks,
    state,
    savedSearches,
    savedSearchStore,
    stop: () => (stopping ??= stopAll([() => worker.stop(), () => callbacks.stop(), () => (options.database ? undefined : database.close())])),
  };
}

/** The database the config names, with the DB_*_TIMEOUT_MS bounds every connection to a Postgres server takes. */
export function databaseOptions(config: Config, logger?: Logger): DatabaseOptions {
  const waits: DatabaseWaits = {
    connectMs: config.DB_CONNECT_TIMEOUT_MS,
    statementMs: config.DB_STATEMENT_TIMEOUT_MS,
    lockMs: config.DB_LOCK_TIMEOUT_MS,
    idleInTransactionMs: config.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  };
  return {
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    waits,
    ...(logger ? { onPoolError: (error: unknown) => logger.error('a pooled database connection dropped; it is replaced', { error }) } : {}),
  };
}

/** The built-in catalog, and NETSUITE_WSDL_DIR's beside it when one is configured (logged with what it holds). */
function officialCatalogs(records: RecordCatalog, official: OfficialTree | undefined, logger: Logger): VersionCatalogs {
  if (!official) return new VersionCatalogs(records, undefined);
  const catalog = new RecordCatalog(SchemaSet.fromDocuments(official.schemas), official.dir);
  const found = { version: official.version, recordTypes: catalog.recordTypes().length, searchTypes: catalog.searchTypes().length, dir: official.dir, layout: official.layout };
  logger.info(
    `NETSUITE_WSDL_DIR: NetSuite's WSDL ${found.version}, ${found.recordTypes} record types, ${found.searchTypes} search types, from ${found.dir} (${found.layout})`,
    found,
  );
  return new VersionCatalogs(records, { version: official.version, catalog });
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
