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

/**
 * How many bytes of lines stdout gathers before it writes them, and how long a line may wait: a
 * write per line (a line a request) is costly under load, and a quiet service's lines still appear
 * within a tenth of a second. Errors go to stderr at once.
 */
const STDOUT_GATHER_BYTES = 8 * 1024;
const STDOUT_GATHER_MS = 100;

/** stdout and stderr, opened once per process and flushed at exit (writes are asynchronous). */
let standardStreams: { out: DestinationStream; err: DestinationStream } | undefined;
function standardDestinations(): { out: DestinationStream; err: DestinationStream } {
  if (!standardStreams) {
    // Gathered lines are kept as buffers: as text, sonic-boom measures the UTF-8 length of all it
    // holds at every line, flattening it each time.
    const out = pino.destination({ dest: 1, sync: false, minLength: STDOUT_GATHER_BYTES, periodicFlush: STDOUT_GATHER_MS, contentMode: 'buffer' });
    standardStreams = {
      out: { write: (line: string) => out.write(Buffer.from(line) as unknown as string) },
      err: pino.destination({ dest: 2, sync: false }),
    };
  }
  return standardStreams;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const settings = {
    level: options.level ?? 'info',
    messageKey: 'message',
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    serializers: { error: pino.stdSerializers.err },
  };
  // One pino for each stream, rather than a multistream picking one for every line by its level.
  const streams = options.destination ? { out: options.destination, err: options.destination } : standardDestinations();
  const out = pino(settings, streams.out);
  const err = pino(settings, streams.err);
  const infoOn = out.isLevelEnabled('info');
  // The message is passed as the first field, so it precedes the details on the line.
  return {
    info: (message, details) => {
      if (!infoOn) return;
      const line = flatInfoLine(message, details);
      if (line === undefined) out.info({ message, ...details });
      else streams.out.write(line);
    },
    error: (message, details) => err.error({ message, ...errorDetails(details) }),
  };
}

/** Names pino's line starts with: details so named go through pino, as before. */
const LINE_KEYS = new Set(['level', 'time', 'message']);

/**
 * The line pino writes for an info event whose details are all strings, numbers, booleans or
 * null (a SOAP call's, a line a request), written without it: building and serializing the object
 * through pino is the costlier way for the commonest line. Undefined for any
 * other details: pino writes those. One difference: a lone surrogate (half of a character past
 * U+FFFF) is written escaped (\ud83d), where pino writes it raw and it reaches the stream as U+FFFD.
 */
export function flatInfoLine(message: string, details: Record<string, unknown> | undefined): string | undefined {
  let line = `{"level":"info","time":"${isoNow()}","message":${JSON.stringify(message)}`;
  for (const key in details) {
    const value = details[key];
    if (value === undefined) continue;
    const type = typeof value;
    if ((type !== 'string' && type !== 'number' && type !== 'boolean' && value !== null) || LINE_KEYS.has(key)) return undefined;
    line += `${quotedKey(key)}${JSON.stringify(value)}`;
  }
  return `${line}}\n`;
}

// Lines come many to a millisecond under load, with the same few keys: the time's text and each
// key's `,"key":` are made once.
let lastMs = Number.NaN;
let lastIso = '';
function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

const QUOTED_KEYS = new Map<string, string>();
const MAX_QUOTED_KEYS = 1000;
function quotedKey(key: string): string {
  let quoted = QUOTED_KEYS.get(key);
  if (quoted === undefined) {
    quoted = `,${JSON.stringify(key)}:`;
    // Keys are the code's own names; a bound keeps a caller that made them up from growing it.
    if (QUOTED_KEYS.size < MAX_QUOTED_KEYS) QUOTED_KEYS.set(key, quoted);
  }
  return quoted;
}

/** An Error, or anything thrown, is logged as `error`; a plain object's fields as they are. */
function errorDetails(details: unknown): Record<string, unknown> | undefined {
  if (details === undefined) return undefined;
  if (details && typeof details === 'object' && !(details instanceof Error) && !Array.isArray(details)) return details as Record<string, unknown>;
  return { error: details };
}

/** For tests and tools that want silence. */
export const silentLogger: Logger = { info: () => undefined, error: () => undefined };
