/** JSON lines on stdout/stderr: one object per event, errors with their message and stack. */

export interface Logger {
  info(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown> | unknown): void;
}

function serialize(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, serialize(inner)]));
  }
  return value;
}

export function createLogger(write: (line: string, isError: boolean) => void = defaultWrite): Logger {
  const emit = (level: string, message: string, details: unknown) =>
    write(JSON.stringify({ time: new Date().toISOString(), level, message, ...((serialize(details) as object) ?? {}) }), level === 'error');
  return {
    info: (message, details) => emit('info', message, details),
    error: (message, details) => emit('error', message, details instanceof Error ? { error: details } : details),
  };
}

function defaultWrite(line: string, isError: boolean): void {
  (isError ? process.stderr : process.stdout).write(line + '\n');
}

/** For tests and tools that want silence. */
export const silentLogger: Logger = { info: () => undefined, error: () => undefined };
