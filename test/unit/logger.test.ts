import { spawn } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/compose/config';
import pino from 'pino';
import { createLogger, flatInfoLine, type LogLevel } from '../../src/lib/logger';

/** The pino logger behind the Logger interface, and the LOG_LEVEL setting that filters it. */

function capture(level?: LogLevel) {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}

it('writes one JSON object a line: level, time and message first, then the details', async () => {
  const { logger, lines } = capture();
  logger.info('listening', { url: 'http://127.0.0.1:1' });
  await new Promise(setImmediate);
  expect(lines).toEqual([{ level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), message: 'listening', url: 'http://127.0.0.1:1' }]);
  expect(Object.keys(lines[0])).toEqual(['level', 'time', 'message', 'url']);
});

it('writes a flat info line byte for byte as pino does, and leaves any other to pino', async () => {
  // pino as createLogger sets it up, to compare with.
  const written: string[] = [];
  const reference = pino(
    { level: 'info', messageKey: 'message', base: undefined, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label: string) => ({ level: label }) } },
    { write: (line: string) => written.push(line) },
  );
  const withoutTime = (line: string) => line.replace(/"time":"[^"]+"/, '"time":""');
  const cases: Array<Record<string, unknown> | undefined> = [
    undefined,
    {},
    { requestId: 'a"b\\c\n\t', version: '2017_1', status: 200, durationMs: 1.25, ok: true, no: false, none: null, skipped: undefined },
    { nan: Number.NaN, infinite: Number.POSITIVE_INFINITY, negativeZero: -0, big: 2 ** 60 },
    { unicode: 'é ☃ \u2028 \u0001', long: 'x"'.repeat(60), 'key "quoted"': 'v' },
    // Short strings without control characters: pino escapes those itself rather than through JSON.stringify.
    { quote: 'a"b', backslash: 'c\\d', separator: '\u2028', astral: '😀 ok', mixed: 'é"\\☃' },
  ];
  for (const details of cases) {
    written.length = 0;
    reference.info({ message: 'SOAP call', ...details });
    const line = flatInfoLine('SOAP call', details);
    expect(line).toBeDefined();
    expect(withoutTime(line!)).toBe(withoutTime(written[0]));
  }
  expect(flatInfoLine('SOAP call', { nested: { a: 1 } })).toBeUndefined();
  expect(flatInfoLine('SOAP call', { message: 'shadowed' })).toBeUndefined();
  // Those go through pino and come out whole.
  const { logger, lines } = capture();
  logger.info('nested', { detail: { a: [1, 2] } });
  await new Promise(setImmediate);
  expect(lines).toEqual([{ level: 'info', time: expect.any(String), message: 'nested', detail: { a: [1, 2] } }]);
});

it('logs an error, given alone or among details, with its type, message and stack', async () => {
  const { logger, lines } = capture();
  logger.error('worker step failed', new TypeError('no such column'));
  logger.error('request failed', { reference: 'r-1', error: new Error('lost') });
  logger.error('odd throw', 'a string');
  await new Promise(setImmediate);
  expect(lines[0]).toMatchObject({
    level: 'error',
    message: 'worker step failed',
    error: { type: 'TypeError', message: 'no such column', stack: expect.stringContaining('TypeError') },
  });
  expect(lines[1]).toMatchObject({ reference: 'r-1', error: { type: 'Error', message: 'lost' } });
  expect(lines[2]).toMatchObject({ error: 'a string' });
});

it('drops lines below its level', async () => {
  const { logger, lines } = capture('error');
  logger.info('SOAP call', { status: 200 });
  logger.error('shutdown failed', {});
  await new Promise(setImmediate);
  expect(lines.map((line) => line.message)).toEqual(['shutdown failed']);
});

it('takes LOG_LEVEL in any case, defaults to info, and names the levels when it is wrong', () => {
  expect(loadConfig({}).LOG_LEVEL).toBe('info');
  expect(loadConfig({ LOG_LEVEL: 'WARN' }).LOG_LEVEL).toBe('warn');
  expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent \(got "loud"\)/);
});

describe('on the standard streams', () => {
  /** A process that logs with the default destinations, then does what `then` says. */
  function logging(then: 'stay' | 'exit') {
    const script = `
      const { createLogger } = require('./src/lib/logger');
      const logger = createLogger();
      for (let i = 0; i < 3; i++) logger.info('SOAP call', { n: i });
      logger.error('step failed', new Error('lost'));
      ${then === 'stay' ? 'setInterval(() => undefined, 1000);' : 'process.exit(0);'}`;
    return spawn(process.execPath, ['-r', './tools/register-ts.js', '-e', script], { cwd: path.resolve(__dirname, '../..') });
  }

  const linesOf = (text: string) =>
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('puts info lines on stdout and errors on stderr, each line once, all of them by exit', async () => {
    const child = logging('exit');
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    await new Promise((resolve) => child.on('close', resolve));
    expect(linesOf(out).map((line) => [line.level, line.n])).toEqual([
      ['info', 0],
      ['info', 1],
      ['info', 2],
    ]);
    expect(linesOf(err)).toEqual([expect.objectContaining({ level: 'error', message: 'step failed', error: expect.objectContaining({ message: 'lost' }) })]);
  });

  it('writes gathered stdout lines while the process runs on, not only when it ends', async () => {
    const child = logging('stay');
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        child.on('exit', (code) => reject(new Error(`the logging process exited (${code})`)));
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (linesOf(out).length === 3) resolve();
        });
      });
      expect(linesOf(out).map((line) => line.n)).toEqual([0, 1, 2]);
    } finally {
      child.kill();
    }
  });
});
