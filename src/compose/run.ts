import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig, type Config } from './config';
import { buildCore, databaseOptions, type Core } from './core';
import { serve, type Service } from './serve';
import { work } from './work';
import { openDatabase } from '../db/database';
import { migrateDatabase } from '../db/migrate';
import { DEMO } from '../accounts/demo';
import { createLogger } from '../lib/logger';

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
    const target = databaseOptions(config);
    const database = await openDatabase(target);
    try {
      await migrateDatabase(database, target);
    } finally {
      await database.close();
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

  const core = await buildCore(config, { logger });
  const running = mode === 'worker' ? startWorker(core, database) : await startServing(core, database);
  const shutdown = (signal: string) => {
    logger.info('shutting down', { signal });
    running.stop().then(
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

function startWorker(core: Core, database: string): { stop(): Promise<void> } {
  const worker = work(core);
  worker.start();
  core.logger.info('worker started', { database });
  return worker;
}

/** Listens, then says where, with the admin token and the demo credentials when the service made them. */
async function startServing(core: Core, database: string): Promise<Service> {
  const { config, logger } = core;
  const service = await serve(core);
  const url = await service.listen();
  if (core.admin.source !== 'ADMIN_TOKEN') {
    // A test tool's admin token: shown at every start unless it was configured.
    logger.info(`admin API token (${core.admin.source === 'generated' ? 'generated now' : 'generated at first start'}; set ADMIN_TOKEN to choose one)`, {
      adminToken: core.admin.token,
    });
  }
  if (core.demo) {
    logger.info(`demo account${core.demo.created ? ' created' : ''}: sign tokenPassports with these (DEMO_ACCOUNT=off to go without; revoke the token on a shared network)`, {
      account: core.demo.account,
      consumerKey: DEMO.consumerKey,
      consumerSecret: DEMO.consumerSecret,
      tokenId: DEMO.tokenId,
      tokenSecret: DEMO.tokenSecret,
      passport: `${DEMO.email} / ${DEMO.password} (versions up to 2020_1)`,
    });
  }
  if (!config.AUTHENTICATION) logger.info('AUTHENTICATION=off: credentials are not checked; a request acts for the account its header names');
  const bound = service.server.address() as AddressInfo;
  logger.info('async-status-emulator is listening', {
    url,
    bound: `${bound.address}:${bound.port}`,
    database,
    defaultAccount: config.DEFAULT_ACCOUNT,
    endpoint: `${url}/services/NetSuitePort_2023_2`,
    wsdl: `${url}/wsdl/v2023_2_0/netsuite.wsdl`,
    dashboard: `${url}/ui/ (open ${url}/ui/#token=<admin token> to sign in)`,
    ...(config.CLOCK === 'manual' ? { clock: 'manual: jobs move on POST /admin/clock/advance' } : {}),
  });
  return service;
}
