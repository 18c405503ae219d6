import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { createLogger, type LogLevel } from '../../src/logger';

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

it('logs an error, given alone or among details, with its type, message and stack', async () => {
  const { logger, lines } = capture();
  logger.error('worker step failed', new TypeError('no such column'));
  logger.error('request failed', { reference: 'r-1', error: new Error('lost') });
  logger.error('odd throw', 'a string');
  await new Promise(setImmediate);
  expect(lines[0]).toMatchObject({ level: 'error', message: 'worker step failed', error: { type: 'TypeError', message: 'no such column', stack: expect.stringContaining('TypeError') } });
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
