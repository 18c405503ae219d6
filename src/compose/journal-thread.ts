import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { HotPoolTarget } from '../db/hot-query';
import type { IncomingHttpHeaders } from 'node:http';
import type { JournalCall, JournalFace, JournalStore } from '../journal/journal-entry';
import { InlineJournalWriter, type JournalWriter, type JournalWriterEvents, type JournalWriterFactory } from '../journal/journal-writer';

/**
 * The request journal's writer on a thread of its own (journal-thread-worker.ts), for a service on
 * a Postgres server: masking, cutting, encoding and the COPY of every call happen there, on its own
 * connection, and the event loop that answers requests only hands each call over: on the answering
 * thread the journal cost a poll a large share of its CPU (bench/RESULTS.md).
 *
 * If the thread dies, the calls it held are counted as lost (and reported), and the journal goes on
 * writing on the event loop (`fallback`): a broken thread costs speed, never the journal.
 */

/**
 * A call as it crosses to the thread: its fields in a fixed order, and nothing to call. An array
 * clones faster than an object, whose every key would be written again for every call. An answer
 * of -1 bytes stands for none.
 */
export type CrossingCall = [
  at: number,
  requestId: string,
  face: JournalFace,
  account: string | null,
  operation: string,
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  requestBody: string | Uint8Array | null,
  requestBytes: number,
  status: number | null,
  answerBytes: number,
  answerText: string,
  faultCode: string | null,
  durationMs: number,
  jobId: string | null | undefined,
  injected: { ruleId: number; effect: string } | null | undefined,
];

export type ToThread = { type: 'calls'; calls: CrossingCall[] } | { type: 'flush'; id: number } | { type: 'stop' };
export type FromThread =
  | { type: 'settled'; count: number; written: boolean }
  | { type: 'error'; error: { name: string; message: string; stack?: string; code?: string } }
  | { type: 'flushed'; id: number }
  | { type: 'ready' };

/** How long recorded calls gather before they cross: fewer wake-ups of the thread than crossing after every turn of the event loop. */
const CROSS_EVERY_MS = 10;

/** The application_name of the thread's connections, unless DATABASE_URL names one. */
export const JOURNAL_APPLICATION_NAME = 'async-status-emulator journal';

export interface JournalThreadSettings extends HotPoolTarget {
  maxBodyBytes: number;
}

/**
 * A call made ready to cross: only what the row can keep of each body crosses (one character or
 * byte past the cap, so the row still knows it was cut), not a whole WSDL or a 25 MB request.
 */
export function crossing(call: JournalCall, maxBodyBytes: number): CrossingCall {
  const { requestBody, answer } = call;
  const keep = maxBodyBytes + 1;
  return [
    call.at.getTime(),
    call.requestId,
    call.face,
    call.account,
    call.operation,
    call.method,
    call.path,
    call.headers,
    // Copied: a Buffer's view may sit in a shared pool, and cloned as it is the whole pool would cross.
    typeof requestBody === 'string' ? requestBody.slice(0, keep) : requestBody === null ? null : new Uint8Array(requestBody.subarray(0, keep)),
    call.requestBytes,
    call.status,
    answer ? answer.bytes : -1,
    answer && answer.bytes > 0 ? answer.text().slice(0, keep) : '',
    call.faultCode,
    call.durationMs,
    call.jobId,
    call.injected,
  ];
}

export function arrived(call: CrossingCall): JournalCall {
  const [at, requestId, face, account, operation, method, path, headers, requestBody, requestBytes, status, answerBytes, answerText, faultCode, durationMs, jobId, injected] = call;
  return {
    at: new Date(at),
    requestId,
    face,
    account,
    operation,
    method,
    path,
    headers,
    requestBody: typeof requestBody === 'string' || requestBody === null ? requestBody : Buffer.from(requestBody.buffer, requestBody.byteOffset, requestBody.byteLength),
    requestBytes,
    status,
    answer: answerBytes < 0 ? null : { bytes: answerBytes, text: () => answerText },
    faultCode,
    durationMs,
    jobId,
    injected,
  };
}

/**
 * Writers for a RequestJournal on the database at `target`: on a thread, falling back to the event
 * loop (with `store`, the same database seen from here) if the thread dies.
 */
export function threadJournalWriters(target: HotPoolTarget, store: Pick<JournalStore, 'encode' | 'insert'>, maxBodyBytes: number): JournalWriterFactory {
  return (events) => new ThreadJournalWriter({ ...target, maxBodyBytes }, events, () => new InlineJournalWriter(store, maxBodyBytes, events));
}

/**
 * The thread's script: compiled next to this file, or the TypeScript source. Either way the thread
 * takes the process's own flags, so a process that runs the sources (`node -r ./tools/register-ts.js`,
 * as the npm test scripts do) runs the thread's sources the same way.
 */
function threadScript(): string {
  const compiled = path.join(__dirname, 'journal-thread-worker.js');
  return existsSync(compiled) ? compiled : path.join(__dirname, 'journal-thread-worker.ts');
}

export class ThreadJournalWriter implements JournalWriter {
  private worker: Worker | null;
  private pending: CrossingCall[] = [];
  private scheduled = false;
  /** Calls sent to the thread and not yet settled there. */
  private inThread = 0;
  /** Whether the thread is ready (connected up); calls sent before are still whole if it never is. */
  private online = false;
  private sentBeforeOnline: CrossingCall[] = [];
  /** The thread's uncaught error, reported once it has exited. */
  private failure: Error | null = null;
  private gone = false;
  private readonly flushes = new Map<number, () => void>();
  private nextFlush = 0;
  private replacement: JournalWriter | null = null;
  private stopping = false;

  constructor(
    private readonly settings: JournalThreadSettings,
    private readonly events: JournalWriterEvents,
    private readonly fallback: () => JournalWriter,
  ) {
    const worker = new Worker(threadScript(), { workerData: settings, name: 'request journal' });
    // Like the journal's lingering batch, the thread does not keep the process alive by itself;
    // a flush or stop holds it (ref) until the thread answers.
    worker.unref();
    worker.on('message', (message: FromThread) => this.heard(message));
    // Messages the thread posted before it failed are delivered before 'exit': what it lost is
    // counted there, not here, or a call it had settled would be counted twice.
    worker.on('error', (error) => (this.failure ??= error));
    worker.on('exit', (code) => this.exited(code));
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
    this.pending.push(crossing(call, this.settings.maxBodyBytes));
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
  }

  private send(): void {
    this.scheduled = false;
    if (!this.worker || this.pending.length === 0) return;
    const calls = this.pending;
    this.pending = [];
    try {
      this.worker.postMessage({ type: 'calls', calls } satisfies ToThread);
    } catch (error) {
      // A call that cannot be cloned (none should be) is lost and said so, never thrown at a timer.
      this.events.error(error);
      this.events.settled(calls.length, false);
      return;
    }
    this.inThread += calls.length;
    if (!this.online) this.sentBeforeOnline.push(...calls);
  }

  private heard(message: FromThread): void {
    if (this.gone) return;
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
      case 'ready':
        this.online = true;
        this.sentBeforeOnline = [];
        break;
    }
  }

  /**
   * The thread is gone, stopped or not. Unless stopped, what it held is lost (and said so), and
   * what waits here and comes later goes to the fallback; calls sent before it was ever ready go
   * there too. Any flush still waiting is answered.
   */
  private exited(code: number): void {
    if (this.gone) return;
    this.gone = true;
    this.worker = null;
    const unread = this.online ? [] : this.sentBeforeOnline;
    this.sentBeforeOnline = [];
    const lost = this.inThread - unread.length;
    this.inThread = 0;
    if (this.failure || !this.stopping) this.events.error(this.failure ?? new Error(`the request journal's thread exited (code ${code})`));
    if (lost > 0) this.events.settled(lost, false);
    const left = [...unread, ...this.pending];
    this.pending = [];
    if (this.stopping) {
      if (left.length > 0) this.events.settled(left.length, false);
    } else {
      this.replacement = this.fallback();
      for (const call of left) this.replacement.add(arrived(call));
    }
    for (const resolve of this.flushes.values()) resolve();
    this.flushes.clear();
  }
}
