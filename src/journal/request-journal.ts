import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../clock';
import { Batcher } from '../db/batcher';
import type { CapturedAnswer } from '../http/answer-capture';
import { normalizeAccountId } from '../jobs/account-id';
import { storableText } from '../text';
import { maskHeaders, maskJson, maskXml } from './secret-masking';

/**
 * The request journal: every SOAP and JSON-face request with its answer, so a test suite can see
 * what its client really sent. A request is handed over once answered (or dropped) and written
 * later, many to a statement (src/db/batcher.ts), so the answer never waits for it; its secrets
 * are masked and its bodies cut to the cap on the way. Times come from the service's clock (the
 * manual one when it is on), as every stored time does. Retention keeps the newest
 * `maxEntries` (at most: ids may have gaps) no older than `maxAgeHours`; it runs after writes, at
 * most once a minute when idle, and before every read of the journal. Reads see exactly that; the
 * table may hold up to twice as many, since older entries go a generation at a time (migration 022).
 */

export const JOURNAL_FACES = ['soap', 'progress', 'servicenow', 'salesforce'] as const;
export type JournalFace = (typeof JOURNAL_FACES)[number];

/** One request as it was seen. */
export interface JournalCall {
  at: Date;
  requestId: string;
  face: JournalFace;
  /** The account it acted for, or claimed to; null when unknown. */
  account: string | null;
  /** The SOAP operation, or the JSON face's method and route. */
  operation: string;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The body (cut at the cap or not) and its full size. */
  requestBody: string | Buffer | null;
  requestBytes: number;
  /** HTTP status; null when no answer was sent (the connection was dropped). */
  status: number | null;
  answer: CapturedAnswer | null;
  faultCode: string | null;
  durationMs: number;
  /** A job id the face already knows; else one is read from the request, then the answer. */
  jobId?: string | null;
  injected?: { ruleId: number; effect: string } | null;
}

/** What a stored row and a listed entry share. */
interface JournalFacts {
  at: Date;
  requestId: string;
  face: JournalFace;
  account: string | null;
  operation: string;
  jobId: string | null;
  method: string;
  path: string;
  faultCode: string | null;
  durationMs: number;
}

/** A row as stored. */
export interface JournalRow extends JournalFacts {
  requestHeaders: Record<string, string | string[]>;
  requestBody: string | null;
  requestBytes: number;
  status: number | null;
  answerBody: string | null;
  answerBytes: number;
  injectedRuleId: number | null;
  injectedEffect: string | null;
  /** Whether the cap cut the body (a masked one may be shorter than its size and whole). */
  requestCut: boolean;
  answerCut: boolean;
}

/** A row as the admin API shows it. */
export interface JournalEntry extends JournalFacts {
  id: number;
  request: { headers: Record<string, string | string[]>; body: string | null; bytes: number; truncated: boolean };
  answer: { status: number | null; body: string | null; bytes: number; truncated: boolean };
  injected: { ruleId: number; effect: string } | null;
}

export interface JournalFilter {
  account?: string;
  operation?: string;
  faultCode?: string;
  jobId?: string;
  face?: JournalFace;
  requestId?: string;
  injected?: boolean;
  since?: Date;
  until?: Date;
  limit: number;
}

/** A row as the store will send it: its bytes, or text for a store that sends text. */
export type EncodedRow = string | Buffer;

/** The journal's table (src/db/pg-request-journal.ts). */
export interface JournalStore {
  /** A row as insert takes it. */
  encode(row: JournalRow): EncodedRow;
  /** Writes encoded rows, in order. */
  insert(encoded: EncodedRow[]): Promise<void>;
  /** Newest first: by time, then by id; among the newest `keep` entries. */
  list(filter: JournalFilter, keep: number): Promise<JournalEntry[]>;
  /** Deletes every entry; returns how many. */
  clear(): Promise<number>;
  /**
   * Deletes entries older than `before`, and lets go of those past the newest `keep` (they may be
   * kept a while longer, unseen); returns how many were deleted by age.
   */
  prune(before: Date, keep: number): Promise<number>;
}

export interface JournalOptions {
  maxEntries: number;
  maxAgeHours: number;
  /** Bodies are kept up to this many bytes (request and answer each). */
  maxBodyBytes: number;
}

/** Calls waiting to be written past this are not kept (a database that does not keep up). */
const MAX_WAITING = 10_000;
const IDLE_PRUNE_MS = 60_000;
/**
 * Calls wait this long for others to share their statement. Under a polling storm that makes a
 * statement of a hundred rows instead of a few, and its fixed cost (round trips, a transaction,
 * Postgres's and pg's per-statement work) all but vanishes; a read of the journal sends
 * what waits at once, so nobody sees the delay.
 */
const WRITE_LINGER_MS = 50;
const JOB_ID = /<(?:[\w.-]+:)?jobId>\s*([^<\s]{1,200})\s*</;
const MAX_FIELD = 256;

export class RequestJournal {
  private readonly batcher: Batcher<EncodedRow, void>;
  private last: Promise<void> = Promise.resolve();
  private waiting = 0;
  private writtenSincePrune = 0;
  private readonly timer: NodeJS.Timeout;
  /** Calls not kept because too many were waiting. */
  dropped = 0;
  private stopped = false;

  constructor(
    private readonly store: JournalStore,
    private readonly clock: Clock,
    readonly options: JournalOptions,
    private readonly onError: (error: unknown) => void,
  ) {
    this.batcher = new Batcher((calls) => this.write(calls), { maxInFlight: 1, maxBatch: 500, lingerMs: WRITE_LINGER_MS });
    this.timer = setInterval(() => void this.prune().catch(onError), IDLE_PRUNE_MS);
    this.timer.unref();
  }

  /**
   * Hands a call over to be written; never waits and never throws. The call is masked, cut and
   * encoded now: what waits for its batch is one string or buffer, not the request's objects.
   */
  record(call: JournalCall): void {
    // A request answered while the service stops finds the database closing: it is not kept.
    if (this.stopped) return;
    if (this.waiting >= MAX_WAITING) {
      this.dropped++;
      return;
    }
    let encoded: EncodedRow;
    try {
      encoded = this.store.encode(this.row(call));
    } catch (error) {
      this.onError(error);
      return;
    }
    this.waiting++;
    this.last = this.batcher.load(encoded);
  }

  /** Resolves once every call recorded so far is written (those lingering go at once). */
  flush(): Promise<void> {
    this.batcher.drain();
    return this.last;
  }

  async list(filter: JournalFilter): Promise<JournalEntry[]> {
    await this.flush();
    await this.prune();
    return this.store.list({ ...filter, account: filter.account && normalizeAccountId(filter.account) }, this.options.maxEntries);
  }

  async clear(): Promise<number> {
    await this.flush();
    return this.store.clear();
  }

  prune(): Promise<number> {
    this.writtenSincePrune = 0;
    const before = new Date(this.clock.now().getTime() - this.options.maxAgeHours * 3600_000);
    return this.store.prune(before, this.options.maxEntries);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.flush();
  }

  private async write(rows: EncodedRow[]): Promise<void[]> {
    try {
      try {
        await this.store.insert(rows);
      } catch (error) {
        if (rows.length === 1 || !refusedData(error)) throw error;
        // One entry the database refuses must not take the batch with it: each goes on its own.
        const refused = (await Promise.allSettled(rows.map((row) => this.store.insert([row])))).filter((outcome) => outcome.status === 'rejected');
        if (refused.length > 0) this.onError((refused[0] as PromiseRejectedResult).reason);
      }
      this.writtenSincePrune += rows.length;
      // Checked as often as a tenth of the cap is written: the table holds about twice the cap,
      // plus what a batch brings past it before the check.
      if (this.writtenSincePrune >= Math.max(1, this.options.maxEntries / 10)) await this.prune();
    } catch (error) {
      this.onError(error);
    } finally {
      this.waiting -= rows.length;
    }
    return rows.map(() => undefined);
  }

  private row(call: JournalCall): JournalRow {
    const cap = this.options.maxBodyBytes;
    const kept = (body: string | Buffer) => {
      const text = storableText(cutText(body, cap));
      return call.face === 'soap' ? maskXml(text) : maskJson(text);
    };
    const requestBody = call.requestBody === null ? null : kept(call.requestBody);
    const answerBody = call.answer && call.answer.bytes > 0 ? kept(call.answer.text()) : null;
    const jobId = call.jobId ?? JOB_ID.exec(requestBody ?? '')?.[1] ?? JOB_ID.exec(answerBody ?? '')?.[1] ?? null;
    return {
      at: call.at,
      requestId: call.requestId,
      face: call.face,
      account: call.account === null ? null : storableText(normalizeAccountId(call.account).slice(0, MAX_FIELD)),
      operation: storableText(call.operation.slice(0, MAX_FIELD)),
      jobId: jobId === null ? null : storableText(jobId.slice(0, MAX_FIELD)),
      method: storableText(call.method.slice(0, 16)),
      path: storableText(call.path.slice(0, MAX_FIELD)),
      requestHeaders: maskHeaders(call.headers),
      requestBody,
      // A declared Content-Length may pass what a number holds exactly (and a bigint column).
      requestBytes: Math.min(call.requestBytes, Number.MAX_SAFE_INTEGER),
      status: call.status,
      answerBody,
      answerBytes: call.answer?.bytes ?? 0,
      faultCode: call.faultCode === null ? null : storableText(call.faultCode.slice(0, MAX_FIELD)),
      durationMs: call.durationMs,
      injectedRuleId: call.injected?.ruleId ?? null,
      injectedEffect: call.injected?.effect ?? null,
      // A SOAP body refused on its size alone was never read: all of it is missing.
      requestCut: call.requestBody === null ? call.face === 'soap' && call.requestBytes > 0 : byteSize(call.requestBody) > cap,
      answerCut: (call.answer?.bytes ?? 0) > cap,
    };
  }
}

/**
 * Whether Postgres refused what was sent (SQLSTATE classes 22, data exception, and 23, integrity
 * constraint), so the rows may go one by one; a lost connection or a full disk would only fail a
 * row at a time.
 */
function refusedData(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

const byteSize = (body: string | Buffer) => (typeof body === 'string' ? Buffer.byteLength(body) : body.length);

/** At most `maxBytes` of UTF-8 (a character cut in two becomes U+FFFD). */
function cutText(body: string | Buffer, maxBytes: number): string {
  if (typeof body !== 'string') return body.toString('utf8', 0, Math.min(body.length, maxBytes));
  if (body.length * 3 <= maxBytes || Buffer.byteLength(body) <= maxBytes) return body;
  return Buffer.from(body.slice(0, maxBytes)).toString('utf8', 0, maxBytes);
}
