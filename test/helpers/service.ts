import { ManualClock, type Clock } from '../../src/lib/clock';
import { loadConfig } from '../../src/compose/config';
import { silentLogger, type Logger } from '../../src/lib/logger';
import { buildService, type Service } from '../../src/compose/serve';
import { createTestDatabase, type TestDatabase } from './database';

import { TEST_ADMIN_TOKEN } from './service-token';

export { TEST_ADMIN_TOKEN };
export const adminHeaders = { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

export interface TestService {
  url: string;
  service: Service;
  database: TestDatabase;
  clock: Clock;
  close(): Promise<void>;
}

/**
 * The whole service on a free port, on the file's own database. With a ManualClock (the default)
 * the worker loop stays off and tests move jobs with `clock.advance` and `service.worker.runDue()`.
 */
export async function startTestService(
  options: {
    env?: Record<string, string>;
    clock?: Clock;
    worker?: boolean;
    logger?: Logger;
    /** Another service's database, to run a second server process on it (its owner closes it). */
    database?: TestDatabase;
  } = {},
): Promise<TestService> {
  const shared = options.database;
  const database = shared ?? (await createTestDatabase());
  const clock = options.clock ?? new ManualClock();
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', ADMIN_TOKEN: TEST_ADMIN_TOKEN, ...options.env });
  let service: Service;
  try {
    service = await buildService(config, {
      clock,
      database: database.handle,
      logger: options.logger ?? silentLogger,
      worker: options.worker ?? false,
    });
  } catch (error) {
    // An open database would keep jest waiting after the failure.
    if (!shared) await database.close();
    throw error;
  }
  const url = await service.listen();
  return {
    url,
    service,
    database,
    clock,
    close: async () => {
      await service.stop();
      if (!shared) await database.close();
    },
  };
}

/** Creates a scripted job through the admin API; returns its id. */
export async function createJob(url: string, scenario: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${url}/admin/jobs`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...adminHeaders },
    body: JSON.stringify(scenario),
  });
  const body = (await response.json()) as { id?: string; error?: string };
  if (response.status !== 201 || !body.id) throw new Error(`POST /admin/jobs answered ${response.status}: ${JSON.stringify(body)}`);
  return body.id;
}
