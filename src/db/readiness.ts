import type { Knex } from 'knex';
import { pendingMigrations } from './migrate';

/** Whether the service can answer: its database answers, and has every migration this code has. */

export type Readiness = { ready: true } | { ready: false; reason: string; pending?: string[] };

/** How long the database may take to answer a readiness check before it counts as unreachable. */
const ANSWER_WITHIN_MS = 2000;

export async function checkReadiness(db: Knex): Promise<Readiness> {
  let pending: string[];
  try {
    pending = await withinTime(pendingMigrations(db), ANSWER_WITHIN_MS);
  } catch (error) {
    return { ready: false, reason: `The database is unreachable: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (pending.length > 0)
    return {
      ready: false,
      reason: `Migrations have not run: ${pending.join(', ')} (run async-status-emulator migrate — npm run db:migrate in a clone — or restart the service).`,
      pending,
    };
  return { ready: true };
}

function withinTime<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
