import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { HotPoolTarget } from '../db/hot-query';
import type { JournalCall } from './request-journal';
import type { JournalWriter, JournalWriterEvents } from './journal-writer';

/**
 * The request journal's writer on a thread of its own (journal-thread-worker.ts), for a service on
 * a Postgres server: masking, cutting, encoding and the COPY of every call happen there, on its own
 * connection, and the event loop that answers requests only hands each call over. Under a polling
 * storm on two cores that work was a fifth of a signed poll's CPU on the answering thread (see
 * bench/RESULTS.md), while the other core sat partly idle.
 *
 * If the thread dies, the calls it held are counted as lost (and reported), and the journal goes on
 * writing on the event loop (`fallback`): a broken thread costs speed, never the journal.
 */

/** A call as it crosses to the thread: what structured cloning keeps, and nothing to call. */
export interface CrossingCall extends Omit<JournalCall, 'at' | 'answer' | 'requestBody'> {
  at: number;
  requestBody: string | Uint8Array | null;
  answer: { bytes: number; text: string } | null;
}

export type ToThread = { type: 'calls'; calls: CrossingCall[] } | { type: 'flush'; id: number } | { type: 'stop' };
export type FromThread =
  | { type: 'settled'; count: number; written: boolean }
  | { type: 'error'; error: { name: string; message: string; stack?: string; code?: string } }
  | { type: 'flushed'; id: number }
  | { type: 'stopped' };

/**
 * How long recorded calls gather before they cross. Crossing after every turn of the event loop
 * woke the thread 530 times a second under a polling storm; every 10 ms, 320-340: the thread's CPU
 * fell 152 -> 140 ms a second and the service answered about 2.5% more (bench/RESULTS.md).
 */
const CROSS_EVERY_MS = 10;

/** The application_name of the thread's connections, unless DATABASE_URL names one. */
export const JOURNAL_APPLICATION_NAME = 'async-status-emulator journal';

export interface JournalThreadSettings extends HotPoolTarget {
  maxBodyBytes: number;
}

export function crossing(call: JournalCall): CrossingCall {
  const { requestBody, answer } = call;
  return {
    ...call,
    at: call.at.getTime(),
    // A Buffer's view may sit in a shared pool: cloned as it is, the whole pool would cross.
    requestBody: typeof requestBody === 'string' || requestBody === null ? requestBody : new Uint8Array(requestBody),
    answer: answer && { bytes: answer.bytes, text: answer.bytes > 0 ? answer.text() : '' },
  };
}

export function arrived(call: CrossingCall): JournalCall {
  const { requestBody, answer } = call;
  return {
    ...call,
    at: new Date(call.at),
    requestBody: typeof requestBody === 'string' || requestBody === null ? requestBody : Buffer.from(requestBody.buffer, requestBody.byteOffset, requestBody.byteLength),
    answer: answer && { bytes: answer.bytes, text: () => answer.text },
  };
}

/** The thread's script: compiled next to this file, or the TypeScript source (tests, ts runners). */
function threadScript(): { file: string; execArgv: string[] } {
  const compiled = path.join(__dirname, 'journal-thread-worker.js');
  if (existsSync(compiled)) return { file: compiled, execArgv: [] };
  // Run from the sources (jest, `node -r test/helpers/register-ts.js src/main.ts`): the thread
  // compiles its modules the same way.
  return { file: path.join(__dirname, 'journal-thread-worker.ts'), execArgv: ['-r', path.resolve(__dirname, '../../test/helpers/register-ts.js')] };
}

export class ThreadJournalWriter implements JournalWriter {
  private worker: Worker | null;
  private pending: CrossingCall[] = [];
  private scheduled = false;
  /** Calls sent to the thread and not yet settled there. */
  private inThread = 0;
  private readonly flushes = new Map<number, () => void>();
  private nextFlush = 0;
  private replacement: JournalWriter | null = null;
  private stopping = false;

  constructor(
    settings: JournalThreadSettings,
    private readonly events: JournalWriterEvents,
    private readonly fallback: () => JournalWriter,
  ) {
    const { file, execArgv } = threadScript();
    const worker = new Worker(file, { workerData: settings, execArgv, name: 'request journal' });
    // Like the journal's lingering batch, the thread does not keep the process alive by itself;
    // a flush or stop holds it (ref) until the thread answers.
    worker.unref();
    worker.on('message', (message: FromThread) => this.heard(message));
    worker.on('error', (error) => this.lost(error));
    worker.on('exit', (code) => this.lost(new Error(`the request journal's thread exited (code ${code})`)));
    this.worker = worker;
  }

  /** The thread while it runs; null once stopped or lost. */
  get thread(): Worker | null {
    return this.worker;
  }

  add(call: JournalCall): void {
    if (this.replacement) {
      this.replacement.add(call);
      return;
    }
    this.pending.push(crossing(call));
    if (this.scheduled) return;
    this.scheduled = true;
    // Calls gather for a few milliseconds and cross in one message: the thread wakes a hundred
    // times a second, not once per turn of the event loop (flush and stop send at once).
    setTimeout(() => this.send(), CROSS_EVERY_MS).unref();
  }

  flush(): Promise<void> {
    if (this.replacement || !this.worker) return this.replacement?.flush() ?? Promise.resolve();
    this.send();
    const worker = this.worker;
    return new Promise<void>((resolve) => {
      const id = ++this.nextFlush;
      this.flushes.set(id, resolve);
      worker.ref();
      worker.postMessage({ type: 'flush', id } satisfies ToThread);
    });
  }

  async stop(): Promise<void> {
    await this.flush();
    if (this.replacement) {
      await this.replacement.stop();
      return;
    }
    const worker = this.worker;
    if (!worker) return;
    this.stopping = true;
    worker.ref();
    const stopped = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'stop' } satisfies ToThread);
    await stopped;
    this.worker = null;
  }

  private send(): void {
    this.scheduled = false;
    if (!this.worker || this.pending.length === 0) return;
    const calls = this.pending;
    this.pending = [];
    this.inThread += calls.length;
    this.worker.postMessage({ type: 'calls', calls } satisfies ToThread);
  }

  private heard(message: FromThread): void {
    switch (message.type) {
      case 'settled':
        this.inThread -= message.count;
        this.events.settled(message.count, message.written);
        break;
      case 'error':
        this.events.error(Object.assign(new Error(message.error.message), message.error));
        break;
      case 'flushed':
        this.flushes.get(message.id)?.();
        this.flushes.delete(message.id);
        if (this.flushes.size === 0 && !this.stopping) this.worker?.unref();
        break;
      case 'stopped':
        break;
    }
  }

  /** The thread is gone: what it held is lost, what waits here and what comes goes to the fallback. */
  private lost(error: Error): void {
    if (!this.worker || this.stopping) return;
    this.worker = null;
    this.events.error(error);
    if (this.inThread > 0) this.events.settled(this.inThread, false);
    this.inThread = 0;
    this.replacement = this.fallback();
    for (const call of this.pending) this.replacement.add(arrived(call));
    this.pending = [];
    for (const resolve of this.flushes.values()) resolve();
    this.flushes.clear();
  }
}
