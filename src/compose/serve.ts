import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { Config } from './config';
import { buildCore, type Core, type CoreOptions } from './core';
import { stopAll } from '../lib/stop-all';
import { threadJournalWriters } from './journal-thread';
import { PgRequestSlots } from '../db/pg-request-slots';
import { PgSessionStore } from '../db/pg-session-store';
import { PgTreeStore } from '../db/pg-tree-store';
import { PgRequestJournal } from '../db/pg-request-journal';
import { PgFaultRules } from '../db/pg-fault-rules';
import { databaseMetricsSources } from '../db/pg-job-gauges';
import { checkReadiness } from '../db/readiness';
import type { Knex } from 'knex';
import type { Database } from '../db/database';
import { Authenticator } from '../accounts/authenticator';
import { Sessions } from '../accounts/sessions';
import { TrackerService } from '../jobs/tracker-service';
import { RequestJournal } from '../journal/request-journal';
import { FaultInjector } from '../faults/fault-injector';
import { createOperations } from '../soap/operations';
import { createSessionOperations } from '../soap/session-operations';
import { ResultWriter } from '../soap/result-writer';
import { SearchService } from '../jobs/search-service';
import { PgSearchSnapshots } from '../db/pg-search-snapshots';
import { PgRecordTransactions } from '../db/pg-record-transactions';
import { PgRecordReads } from '../db/pg-record-reads';
import { PgRecordStore } from '../db/pg-record-store';
import { PgDeletedRecords } from '../db/pg-deleted-records';
import { RecordCalls } from '../worker/record-calls';
import { createRecordCallOperations } from '../soap/record-calls';
import { SoapEndpoint } from '../soap/soap-endpoint';
import { SoapRequestReader } from '../soap/request-reader';
import { SoapAdmission } from '../soap/admission';
import { SoapDispatch } from '../soap/dispatch';
import { WsdlCatalog } from '../soap/wsdl-catalog';
import { ServiceMetrics } from '../server/service-metrics';
import { createApp } from '../server/app';
import { createHttpServer } from '../server/http-server';
import { CallLifecycle } from '../server/call-lifecycle';
import { countCalls, journalCalls, logCalls } from '../server/call-listeners';

/** How soon a server process sees fault rules another process added or removed. */
const FAULT_RULES_REFRESH_MS = 1000;

/**
 * The serving process on a core: sessions, request slots, the journal, injected faults, metrics,
 * the SOAP endpoint and the express app behind one http.Server. listen() starts the worker (unless
 * WORKER=off or the manual clock is on) and the callback dispatcher; stop() drains the server,
 * stops what serving started, then the core.
 */

export interface ServeOptions extends CoreOptions {
  /** Run the worker loop in this process (default: the WORKER setting). */
  worker?: boolean;
}

export interface Service {
  config: Config;
  admin: Core['admin'];
  demo: Core['demo'];
  db: Knex;
  accounts: Core['accounts'];
  jobs: Core['jobs'];
  worker: Core['worker'];
  callbacks: Core['callbacks'];
  server: Server;
  /** Listens on the configured host and port (0 picks a free one); resolves to the base URL. */
  listen(): Promise<string>;
  /** Stops taking requests, lets those under way finish, stops what serving started, then the core. */
  stop(): Promise<void>;
}

/** A core and the serving process on it (tests and the `serve` command). */
export async function buildService(config: Config, options: ServeOptions = {}): Promise<Service> {
  return serve(await buildCore(config, options), options);
}

export async function serve(core: Core, options: Pick<ServeOptions, 'worker'> = {}): Promise<Service> {
  const { config, clock, logger, db } = core;
  let ready = true;
  const sessions = new Sessions(new PgSessionStore(db), clock, {
    idleSeconds: config.SESSION_IDLE_SECONDS,
    leaseSeconds: config.HELD_LEASE_SECONDS,
    onError: (error) => logger.error('a session hold could not be released or renewed; it is tried again, and runs out by itself', { error }),
  });
  const authenticator = new Authenticator(
    core.accountStore,
    core.wallClock,
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
  const journal = config.JOURNAL ? requestJournal(core.database, config, clock, logger) : null;
  if (journal) core.state.beforeEachReset(() => journal.flush());
  const faults = new FaultInjector(new PgFaultRules(db), clock, { refreshMs: FAULT_RULES_REFRESH_MS, onError: (error) => logger.error('injected-fault rules', { error }) });
  await faults.start();
  const catalog = new WsdlCatalog(undefined, core.official);
  const operations = {
    ...createOperations(core.jobs, searchService(core, config), core.savedSearchStore, new ResultWriter(core.catalogs), core.catalogs),
    ...createRecordCallOperations(
      new RecordCalls(new PgRecordTransactions(db, new PgRecordReads(core.database.requestPath)), clock, core.catalogs, new PgDeletedRecords(db)),
      new ResultWriter(core.catalogs),
      core.catalogs,
    ),
    ...createSessionOperations({ authenticator, sessions, clock }),
  };
  const metrics = new ServiceMetrics(
    databaseMetricsSources(core.database, clock, () => core.worker.stepsTaken),
    Object.keys(operations),
    logger,
  );
  const soap = new SoapEndpoint(
    catalog,
    new SoapRequestReader(operations, config.MAX_REQUEST_BYTES),
    new SoapAdmission(authenticator, slots, sessions, config.DEFAULT_ACCOUNT, faults),
    new SoapDispatch(operations, clock, core.ids),
    logger,
  );
  const calls = new CallLifecycle(clock, [logCalls(logger), countCalls(metrics), ...(journal ? [journalCalls(journal)] : [])], logger, metrics);
  const trackers = new TrackerService(new PgTreeStore(db), core.store, clock, { retentionDays: config.JOB_RETENTION_DAYS }, core.ids);
  const app = createApp({
    jobs: core.jobs,
    trackers,
    authenticator,
    accounts: core.accounts,
    slots,
    records: core.records,
    catalogs: core.catalogs,
    catalog,
    logger,
    defaultAccount: config.DEFAULT_ACCOUNT,
    adminToken: core.admin.token,
    clock,
    manualTime: core.manualTime,
    callbacks: { store: core.callbackStore, secret: core.callbackSecret },
    publicUrl: config.PUBLIC_URL,
    ready: () => ready,
    readiness: () => checkReadiness(db),
    metrics,
    calls,
    journal,
    faults,
    state: core.state,
    savedSearches: core.savedSearches,
    recordBrowser: new PgRecordStore(db),
  });
  const server = createHttpServer(app, soap, calls, config.PUBLIC_URL);
  // Under the manual clock jobs move only when the clock is advanced, never on their own.
  const runWorker = core.manualTime ? false : (options.worker ?? config.WORKER);

  let stopping: Promise<void> | null = null;
  return {
    config,
    admin: core.admin,
    demo: core.demo,
    db,
    accounts: core.accounts,
    jobs: core.jobs,
    worker: core.worker,
    callbacks: core.callbacks,
    server,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.PORT, config.HOST, () => {
          if (runWorker) core.worker.start();
          core.callbacks.start();
          const { address, port } = server.address() as AddressInfo;
          // Every interface: reachable on this machine's loopback.
          const host = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address.includes(':') ? `[${address}]` : address;
          resolve(`http://${host}:${port}`);
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
        await stopAll([() => faults.stop(), () => journal?.stop(), () => slots.close(), () => sessions.close(), () => core.stop()]);
      })()),
  };
}

/**
 * The request journal. On a Postgres server its writing runs on a thread of its own
 * (JOURNAL_THREAD, on by default), which falls back to this event loop if the thread dies; on
 * PGlite, whose database lives in this thread, it runs here.
 */
function requestJournal(database: Database, config: Config, clock: Clock, logger: Logger): RequestJournal {
  const store = new PgRequestJournal(database);
  const maxBodyBytes = config.JOURNAL_MAX_BODY_BYTES;
  const target = database.target;
  return new RequestJournal(
    store,
    clock,
    { maxEntries: config.JOURNAL_MAX_ENTRIES, maxAgeHours: config.JOURNAL_MAX_AGE_HOURS, maxBodyBytes },
    (error) => logger.error('request journal', { error }),
    target && config.JOURNAL_THREAD ? threadJournalWriters(target, store, maxBodyBytes) : undefined,
  );
}

/** The synchronous search, on the job store's database and ids. */
function searchService(core: Core, config: Config): SearchService {
  return new SearchService(new PgSearchSnapshots(core.database), core.clock, core.ids, { snapshotMinutes: config.SEARCH_RESULTS_MINUTES });
}
