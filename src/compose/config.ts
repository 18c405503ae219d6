import { z } from 'zod';
import { DEFAULT_FAILED_LOGIN_LIMITS } from '../accounts/login-throttle';
import { DEFAULT_WAITS } from '../db/bounded-waits';
import { ACCOUNT_ID_PATTERN, ACCOUNT_ID_RULE } from '../jobs/account-id';
import { LOG_LEVELS, type LogLevel } from '../lib/logger';

/**
 * The only reader of process.env. Parsed and validated once at startup; a bad value stops the
 * service with a message naming the variable and what to set it to.
 */

const int = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return fallback;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < min || value > max) {
        ctx.addIssue({
          code: 'custom',
          message: `${name} must be a whole number from ${min} to ${max} (got "${raw}"); unset it to use ${fallback}`,
        });
        return z.NEVER;
      }
      return value;
    });

const positive = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return fallback;
      const value = Number(raw);
      if (!Number.isFinite(value) || value < 0.001) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a number of at least 0.001 (got "${raw}"); unset it to use ${fallback}` });
        return z.NEVER;
      }
      return value;
    });

const flag = (name: string, fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return fallback;
      if (/^(1|true|on|yes)$/i.test(raw)) return true;
      if (/^(0|false|off|no)$/i.test(raw)) return false;
      ctx.addIssue({ code: 'custom', message: `${name} must be on or off (got "${raw}")` });
      return z.NEVER;
    });

const url = (name: string, protocols: string[]) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return undefined;
      try {
        const parsed = new URL(raw);
        if (!protocols.includes(parsed.protocol)) throw new Error('protocol');
        return raw.replace(/\/$/, '');
      } catch {
        ctx.addIssue({ code: 'custom', message: `${name} must be a ${protocols.join(' or ')}// URL (got "${raw}")` });
        return z.NEVER;
      }
    });

const logLevel = z
  .string()
  .optional()
  .transform((raw, ctx): LogLevel => {
    if (raw === undefined || raw === '') return 'info';
    const level = LOG_LEVELS.find((known) => known === raw.toLowerCase());
    if (level) return level;
    ctx.addIssue({ code: 'custom', message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${raw}"); unset it to use info` });
    return z.NEVER;
  });

const schema = z.object({
  PORT: int('PORT', 0, 65535, 8080),
  // Loopback unless told otherwise: the demo credentials are published (the container sets 0.0.0.0).
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: url('DATABASE_URL', ['postgres:', 'postgresql:']),
  DATA_DIR: z.string().min(1).default('./data'),
  DB_CONNECT_TIMEOUT_MS: int('DB_CONNECT_TIMEOUT_MS', 100, 600_000, DEFAULT_WAITS.connectMs),
  DB_STATEMENT_TIMEOUT_MS: int('DB_STATEMENT_TIMEOUT_MS', 100, 3_600_000, DEFAULT_WAITS.statementMs),
  DB_LOCK_TIMEOUT_MS: int('DB_LOCK_TIMEOUT_MS', 100, 3_600_000, DEFAULT_WAITS.lockMs),
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: int('DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', 100, 3_600_000, DEFAULT_WAITS.idleInTransactionMs),
  HELD_LEASE_SECONDS: int('HELD_LEASE_SECONDS', 3, 3600, 30),
  PUBLIC_URL: url('PUBLIC_URL', ['http:', 'https:']),
  LOG_LEVEL: logLevel,
  DEFAULT_ACCOUNT: z.string().regex(ACCOUNT_ID_PATTERN, `DEFAULT_ACCOUNT ${ACCOUNT_ID_RULE}`).default('TSTDRV1234567'),
  JOB_RETENTION_DAYS: positive('JOB_RETENTION_DAYS', 30),
  SEARCH_RESULTS_MINUTES: int('SEARCH_RESULTS_MINUTES', 1, 10_080, 15),
  MAX_RESULT_CALLS: int('MAX_RESULT_CALLS', 0, 1_000_000, 20),
  CONCURRENT_REQUESTS_PER_ACCOUNT: int('CONCURRENT_REQUESTS_PER_ACCOUNT', 0, 100_000, 5),
  MIN_POLL_INTERVAL_SECONDS: int('MIN_POLL_INTERVAL_SECONDS', 0, 86_400, 0),
  RESPONSE_DELAY_MS: int('RESPONSE_DELAY_MS', 0, 600_000, 0),
  RESULT_PAGE_SIZE: int('RESULT_PAGE_SIZE', 1, 100_000, 1000),
  DEFAULT_RATE_PER_SECOND: positive('DEFAULT_RATE_PER_SECOND', 5),
  AUTHENTICATION: flag('AUTHENTICATION', true),
  ACCOUNT_CACHE_MS: int('ACCOUNT_CACHE_MS', 0, 60_000, 1000),
  TOKEN_TIMESTAMP_WINDOW_SECONDS: int('TOKEN_TIMESTAMP_WINDOW_SECONDS', 1, 86_400, 300),
  LOGIN_FAILURE_LIMIT: int('LOGIN_FAILURE_LIMIT', 0, 1_000_000, DEFAULT_FAILED_LOGIN_LIMITS.perAccount),
  LOGIN_FAILURE_LIMIT_PER_ADDRESS: int('LOGIN_FAILURE_LIMIT_PER_ADDRESS', 0, 1_000_000, DEFAULT_FAILED_LOGIN_LIMITS.perAddress),
  LOGIN_FAILURE_WINDOW_SECONDS: int('LOGIN_FAILURE_WINDOW_SECONDS', 1, 7 * 86_400, DEFAULT_FAILED_LOGIN_LIMITS.windowSeconds),
  SEED_FILE: z.string().min(1).optional(),
  FIXTURES_FILE: z.string().min(1).optional(),
  ID_SEED: z.string().min(1).max(200, 'ID_SEED must be at most 200 characters').optional(),
  DEMO_ACCOUNT: flag('DEMO_ACCOUNT', true),
  NETSUITE_WSDL_DIR: z.string().min(1).optional(),
  ADMIN_TOKEN: z.string().min(16, 'ADMIN_TOKEN must be at least 16 characters; unset it to have one generated').optional(),
  MAX_REQUEST_BYTES: int('MAX_REQUEST_BYTES', 1024, 1024 * 1024 * 1024, 25 * 1024 * 1024),
  WORKER: flag('WORKER', true),
  WORKER_PACING: flag('WORKER_PACING', true),
  WORKER_POLL_MS: int('WORKER_POLL_MS', 10, 60_000, 250),
  WORKER_TICK_MS: int('WORKER_TICK_MS', 10, 60_000, 200),
  WORKER_BATCH: int('WORKER_BATCH', 1, 100_000, 500),
  WORKER_MAX_STEP_FAILURES: int('WORKER_MAX_STEP_FAILURES', 1, 1000, 5),
  WORKER_LEASE_SECONDS: int('WORKER_LEASE_SECONDS', 1, 3600, 30),
  SHUTDOWN_TIMEOUT_MS: int('SHUTDOWN_TIMEOUT_MS', 0, 600_000, 10_000),
  CALLBACK_SECRET: z.string().min(16, 'CALLBACK_SECRET must be at least 16 characters; unset it to have one generated').optional(),
  CALLBACK_MAX_ATTEMPTS: int('CALLBACK_MAX_ATTEMPTS', 1, 100, 6),
  CALLBACK_RETRY_SECONDS: positive('CALLBACK_RETRY_SECONDS', 2),
  CALLBACK_TIMEOUT_MS: int('CALLBACK_TIMEOUT_MS', 100, 300_000, 10_000),
  CALLBACK_POLL_MS: int('CALLBACK_POLL_MS', 10, 60_000, 500),
  JOURNAL: flag('JOURNAL', true),
  JOURNAL_THREAD: flag('JOURNAL_THREAD', true),
  JOURNAL_MAX_ENTRIES: int('JOURNAL_MAX_ENTRIES', 1, 100_000_000, 10_000),
  JOURNAL_MAX_AGE_HOURS: positive('JOURNAL_MAX_AGE_HOURS', 24),
  JOURNAL_MAX_BODY_BYTES: int('JOURNAL_MAX_BODY_BYTES', 0, 16 * 1024 * 1024, 16 * 1024),
  SESSION_IDLE_SECONDS: int('SESSION_IDLE_SECONDS', 1, 7 * 86_400, 1200),
  CLOCK: z.enum(['system', 'manual'], { message: 'CLOCK must be system (the default) or manual' }).default('system'),
  CLOCK_START: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return undefined;
      const at = new Date(raw);
      if (!/^\d{4}-\d{2}-\d{2}T/.test(raw) || Number.isNaN(at.getTime())) {
        ctx.addIssue({ code: 'custom', message: `CLOCK_START must be an ISO 8601 time such as 2026-01-15T10:00:00Z (got "${raw}")` });
        return z.NEVER;
      }
      return at;
    }),
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => issue.message));
  }
  return result.data;
}
