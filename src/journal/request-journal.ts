import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../clock';
import type { CapturedAnswer } from '../http/answer-capture';
import { normalizeAccountId } from '../jobs/account-id';
import { InlineJournalWriter, type JournalWriter, type JournalWriterFactory } from './journal-writer';

/**
 * The request journal: every SOAP and JSON-face request with its answer, so a test suite can see
 * what its client really sent. A request is handed over once answered (or dropped) and written
 * later, many to a statement, so the answer never waits for it; its secrets are masked and its
 * bodies cut to the cap on the way (journal-writer.ts; on a Postgres server, on a thread of its
 * own: journal-thread.ts). Times come from the service's clock (the
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

export class RequestJournal {
  private readonly writer: JournalWriter;
  private waiting = 0;
  private writtenSincePrune = 0;
  /** The prune running now, if one is: written rows ask for one, and they do not pile up. */
  private pruning: Promise<unknown> | null = null;
  private readonly timer: NodeJS.Timeout;
  /** Calls not kept because too many were waiting. */
  dropped = 0;
  private stopped = false;

  constructor(
    private readonly store: JournalStore,
    private readonly clock: Clock,
    readonly options: JournalOptions,
    private readonly onError: (error: unknown) => void,
    /** Who masks, encodes and writes the calls (default: this event loop, in batches). */
    writer: JournalWriterFactory = (events) => new InlineJournalWriter(store, options.maxBodyBytes, events),
  ) {
    this.writer = writer({ settled: (count, written) => this.settled(count, written), error: onError });
    this.timer = setInterval(() => void this.prune().catch(onError), IDLE_PRUNE_MS);
    this.timer.unref();
  }

  /** Calls recorded and not yet written or given up on. */
  get waitingCalls(): number {
    return this.waiting;
  }

  /** Hands a call over to be written; never waits and never throws. */
  record(call: JournalCall): void {
    // A request answered while the service stops finds the database closing: it is not kept.
    if (this.stopped) return;
    if (this.waiting >= MAX_WAITING) {
      this.dropped++;
      return;
    }
    this.waiting++;
    this.writer.add(call);
  }

  /** Resolves once every call recorded so far is written (those lingering go at once). */
  async flush(): Promise<void> {
    await this.writer.flush();
    await this.pruning;
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
    await this.writer.stop();
    await this.pruning;
  }

  private settled(count: number, written: boolean): void {
    this.waiting -= count;
    if (!written) return;
    this.writtenSincePrune += count;
    // Checked as often as a tenth of the cap is written: the table holds about twice the cap,
    // plus what comes past it before the check.
    if (this.pruning || this.writtenSincePrune < Math.max(1, this.options.maxEntries / 10)) return;
    this.pruning = this.prune()
      .catch(this.onError)
      .finally(() => (this.pruning = null));
  }
}
