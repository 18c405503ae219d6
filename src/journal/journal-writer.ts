import { Batcher } from '../lib/batcher';
import { normalizeAccountId } from '../jobs/account-id';
import { storableText } from '../lib/text';
import type { EncodedRow, JournalCall, JournalRow, JournalStore } from './journal-entry';
import { maskHeaders, maskJson, maskXml } from './secret-masking';

/**
 * What turns recorded calls into rows and writes them: masking, cutting, encoding and the batched
 * insert. The request journal (request-journal.ts) keeps the count of calls waiting, retention and
 * reads; a writer does the work each call costs, either on the event loop that answered the call
 * (InlineJournalWriter) or on a thread of its own (journal-thread.ts).
 */
export interface JournalWriter {
  /** Takes a call to be written; never waits and never throws. */
  add(call: JournalCall): void;
  /** Resolves once every call added so far is written (or has failed). */
  flush(): Promise<void>;
  /** Writes what waits, then lets go of what the writer holds. */
  stop(): Promise<void>;
}

/** What a writer tells the journal. */
export interface JournalWriterEvents {
  /** `count` calls are done with: written (`written`), or lost to an error already reported. */
  settled(count: number, written: boolean): void;
  error(error: unknown): void;
}

export type JournalWriterFactory = (events: JournalWriterEvents) => JournalWriter;

/**
 * Calls wait this long for others to share their statement. Under a polling storm that makes a
 * statement of a hundred rows instead of a few, and its fixed cost (round trips, a transaction,
 * Postgres's and pg's per-statement work) all but vanishes; a read of the journal sends
 * what waits at once, so nobody sees the delay.
 */
const WRITE_LINGER_MS = 50;
const JOB_ID = /<(?:[\w.-]+:)?jobId>\s*([^<\s]{1,200})\s*</;
const MAX_FIELD = 256;

/** Masks, cuts and encodes each call as it comes, and writes them many to a statement. */
export class InlineJournalWriter implements JournalWriter {
  private readonly batcher: Batcher<EncodedRow, void>;
  private last: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Pick<JournalStore, 'encode' | 'insert'>,
    private readonly maxBodyBytes: number,
    private readonly events: JournalWriterEvents,
  ) {
    this.batcher = new Batcher((rows) => this.write(rows), { maxInFlight: 1, maxBatch: 500, lingerMs: WRITE_LINGER_MS });
  }

  /**
   * The call is masked, cut and encoded now: what waits for its batch is one string or buffer,
   * not the request's objects.
   */
  add(call: JournalCall): void {
    let encoded: EncodedRow;
    try {
      encoded = this.store.encode(journalRow(call, this.maxBodyBytes));
    } catch (error) {
      this.events.error(error);
      this.events.settled(1, false);
      return;
    }
    this.last = this.batcher.load(encoded);
  }

  flush(): Promise<void> {
    this.batcher.drain();
    return this.last;
  }

  stop(): Promise<void> {
    return this.flush();
  }

  private async write(rows: EncodedRow[]): Promise<void[]> {
    let written = false;
    try {
      try {
        await this.store.insert(rows);
      } catch (error) {
        if (rows.length === 1 || !refusedData(error)) throw error;
        // One entry the database refuses must not take the batch with it: each goes on its own.
        const refused = (await Promise.allSettled(rows.map((row) => this.store.insert([row])))).filter((outcome) => outcome.status === 'rejected');
        if (refused.length > 0) this.events.error((refused[0] as PromiseRejectedResult).reason);
      }
      written = true;
    } catch (error) {
      this.events.error(error);
    } finally {
      this.events.settled(rows.length, written);
    }
    return rows.map(() => undefined);
  }
}

/** A call as stored: secrets masked, bodies cut to `maxBodyBytes`, text fields made storable. */
export function journalRow(call: JournalCall, maxBodyBytes: number): JournalRow {
  const kept = (body: string | Buffer) => {
    const text = storableText(cutText(body, maxBodyBytes));
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
    requestCut: call.requestBody === null ? call.face === 'soap' && call.requestBytes > 0 : byteSize(call.requestBody) > maxBodyBytes,
    answerCut: (call.answer?.bytes ?? 0) > maxBodyBytes,
  };
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
