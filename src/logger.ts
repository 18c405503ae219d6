import pino, { type DestinationStream } from 'pino';

/**
 * JSON lines through pino: one object per event with level, time and message first, then the
 * details; errors with their type, message and stack. Errors go to stderr, the rest to stdout.
 * Callers pass explicit fields, never a request or its headers, so no secret reaches a line.
 */

export interface Logger {
  info(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown> | unknown): void;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  /** Lines below this level are dropped (default info). */
  level?: LogLevel;
  /** Where every line goes (tests capture lines this way); default stdout, errors to stderr. */
  destination?: DestinationStream;
}

/** stdout and stderr, opened once per process and flushed at exit (writes are asynchronous). */
let standardStreams: DestinationStream | undefined;
function standardDestination(): DestinationStream {
  standardStreams ??= pino.multistream(
    [
      { level: 'trace', stream: pino.destination({ dest: 1, sync: false }) },
      { level: 'error', stream: pino.destination({ dest: 2, sync: false }) },
    ],
    { dedupe: true },
  );
  return standardStreams;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const logger = pino(
    {
      level: options.level ?? 'info',
      messageKey: 'message',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { error: pino.stdSerializers.err },
    },
    options.destination ?? standardDestination(),
  );
  // The message is passed as the first field, so it precedes the details on the line.
  return {
    info: (message, details) => logger.info({ message, ...details }),
    error: (message, details) => logger.error({ message, ...errorDetails(details) }),
  };
}

/** An Error, or anything thrown, is logged as `error`; a plain object's fields as they are. */
function errorDetails(details: unknown): Record<string, unknown> | undefined {
  if (details === undefined) return undefined;
  if (details && typeof details === 'object' && !(details instanceof Error) && !Array.isArray(details)) return details as Record<string, unknown>;
  return { error: details };
}

/** For tests and tools that want silence. */
export const silentLogger: Logger = { info: () => undefined, error: () => undefined };
