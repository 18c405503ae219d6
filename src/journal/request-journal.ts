import type { Clock } from '../lib/clock';
import type { JournalCall, JournalEntry, JournalFilter, JournalStore } from './journal-entry';
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
  keep(call: JournalCall): void {
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
