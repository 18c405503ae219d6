import type { Pool } from 'pg';
import { countDeleted } from './count-deleted';
import { copyInto, hotTransaction } from './hot-query';
import type { Database } from './database';
import type { EncodedRow, JournalEntry, JournalFace, JournalFilter, JournalRow, JournalStore } from '../journal/journal-entry';

/**
 * The request journal in request_journal (migration 016; two unlogged generations since 022). A
 * batch of rows is one COPY on a Postgres server (src/db/hot-query.ts), and on PGlite one statement
 * whose rows travel as one JSON parameter, unpacked by jsonb_to_recordset: either way a hundred
 * rows cost one round trip.
 */

const COLUMNS = [
  ['at', 'timestamptz'],
  ['request_id', 'text'],
  ['face', 'text'],
  ['account', 'text'],
  ['operation', 'text'],
  ['job_id', 'text'],
  ['method', 'text'],
  ['path', 'text'],
  ['request_headers', 'jsonb'],
  ['request_body', 'text'],
  ['request_bytes', 'bigint'],
  ['status', 'int'],
  ['answer_body', 'text'],
  ['answer_bytes', 'bigint'],
  ['fault_code', 'text'],
  ['duration_ms', 'real'],
  ['injected_rule_id', 'bigint'],
  ['injected_effect', 'text'],
  ['request_cut', 'boolean'],
  ['answer_cut', 'boolean'],
] as const;

const NAMES = COLUMNS.map(([name]) => name).join(', ');
/** New entries go to the current generation's partition (migration 022). */
const CURRENT_GENERATION = 'select generation from request_journal_state where id = 1';
const copyTo = (generation: number) => `copy request_journal_${generation === 1 ? 1 : 0} (${NAMES}) from stdin`;
const INSERT =
  `insert into request_journal (generation, ${NAMES}) select (${CURRENT_GENERATION}), ${NAMES} ` +
  `from jsonb_to_recordset(?::jsonb) as r(${COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')})`;

/** COPY's text format: \N for null; backslash, newline, carriage return and tab escaped. */
const COPY_SPECIAL = /[\\\n\r\t]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  // Most fields have nothing to escape: four scans for a character are cheaper than a regex's.
  if (value.indexOf('\\') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0 && value.indexOf('\t') < 0) return value;
  return value.replace(COPY_SPECIAL, (special) => COPY_ESCAPES[special]);
}

/** A row's values in COLUMNS order. */
function values(row: JournalRow): Array<string | number | null> {
  return [
    row.at.toISOString(),
    row.requestId,
    row.face,
    row.account,
    row.operation,
    row.jobId,
    row.method,
    row.path,
    JSON.stringify(row.requestHeaders),
    row.requestBody,
    row.requestBytes,
    row.status,
    row.answerBody,
    row.answerBytes,
    row.faultCode,
    row.durationMs,
    row.injectedRuleId,
    row.injectedEffect,
    row.requestCut ? 't' : 'f',
    row.answerCut ? 't' : 'f',
  ];
}

interface StoredRow {
  id: string | number;
  at: Date;
  request_id: string;
  face: JournalFace;
  account: string | null;
  operation: string;
  job_id: string | null;
  method: string;
  path: string;
  request_headers: Record<string, string | string[]>;
  request_body: string | null;
  request_bytes: number | string;
  status: number | null;
  answer_body: string | null;
  answer_bytes: number | string;
  fault_code: string | null;
  duration_ms: number;
  injected_rule_id: string | number | null;
  injected_effect: string | null;
  request_cut: boolean;
  answer_cut: boolean;
  request_bom: boolean | null;
  answer_bom: boolean | null;
}

/**
 * A body that starts with a byte order mark: PGlite's client drops it from the text it reads, so
 * the query says whether it was there and it is put back.
 */
const BOM = "U&'\\FEFF'";
const withBom = (body: string | null, had: boolean | null) => (body !== null && had && !body.startsWith('\uFEFF') ? `\uFEFF${body}` : body);

export class PgRequestJournal implements JournalStore {
  /** COPY on a Postgres server (its hot pool), INSERT on PGlite: chosen once, so a row's encoding and its write agree. */
  private readonly copy: Pool | undefined;

  constructor(private readonly db: Database) {
    this.copy = db.hot;
  }

  /**
   * A row as it will travel: a line of COPY text as UTF-8 bytes on a Postgres server, a JSON
   * object on PGlite (whose client has no COPY). Made when the call is recorded, so what waits to
   * be written is flat bytes outside the JavaScript heap (the young generation's collections copy
   * what they find alive, and a batch waits 50 ms), not the request's strings and objects.
   */
  encode(row: JournalRow): EncodedRow {
    const fields = values(row);
    if (this.copy) {
      // Joined with +, not Array.join: V8's join makes a two-byte string when an element is a
      // "thin" string (an operation name the parser read is one, once used as a property key),
      // which costs a slower encoding.
      let line = copyField(fields[0]);
      for (let i = 1; i < fields.length; i++) line += `\t${copyField(fields[i])}`;
      return Buffer.from(`${line}\n`);
    }
    return JSON.stringify(Object.fromEntries(COLUMNS.map(([name, type], i) => [name, type === 'jsonb' ? row.requestHeaders : fields[i]])));
  }

  /** Writes encoded rows in the order given (ids follow it). */
  async insert(encoded: EncodedRow[]): Promise<void> {
    if (encoded.length === 0) return;
    if (!this.copy) {
      await this.db.knex.raw(INSERT, [`[${encoded.join(',')}]`]);
      return;
    }
    // The state row is held shared until the rows are in: a turn of generations waits for them.
    await hotTransaction(this.copy, async (client) => {
      const { rows } = await client.query<{ generation: number }>(`${CURRENT_GENERATION} for share`);
      await copyInto(client, copyTo(Number(rows[0].generation)), encoded as Buffer[]);
    });
  }

  /** Newest first (time, then id), among the newest `keep`; 0 rows when nothing matches. */
  async list(filter: JournalFilter, keep: number): Promise<JournalEntry[]> {
    const query = this.db
      .knex<StoredRow>('request_journal')
      .select('*', this.db.knex.raw(`left(request_body, 1) = ${BOM} as request_bom, left(answer_body, 1) = ${BOM} as answer_bom`))
      // By the sequence, not the newest row left: deleting the newest entries (one account's
      // reset) must not bring back ones that had already dropped out.
      .whereRaw('id > (select last_value from request_journal_id_seq) - ?', [keep])
      .orderBy([
        { column: 'at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(filter.limit);
    if (filter.account !== undefined) query.where('account', filter.account);
    if (filter.operation !== undefined) query.where('operation', filter.operation);
    if (filter.faultCode !== undefined) query.where('fault_code', filter.faultCode);
    if (filter.jobId !== undefined) query.where('job_id', filter.jobId);
    if (filter.face !== undefined) query.where('face', filter.face);
    if (filter.requestId !== undefined) query.where('request_id', filter.requestId);
    if (filter.injected !== undefined) query.where((q) => (filter.injected ? q.whereNotNull('injected_rule_id') : q.whereNull('injected_rule_id')));
    if (filter.since !== undefined) query.where('at', '>=', filter.since);
    if (filter.until !== undefined) query.where('at', '<', filter.until);
    const rows = (await query) as StoredRow[];
    return rows.map((row) => ({
      id: Number(row.id),
      at: new Date(row.at),
      requestId: row.request_id,
      face: row.face,
      account: row.account,
      operation: row.operation,
      jobId: row.job_id,
      method: row.method,
      path: row.path,
      // bigint columns (a declared Content-Length may pass 2^31) come back as strings.
      request: { headers: row.request_headers, body: withBom(row.request_body, row.request_bom), bytes: Number(row.request_bytes), truncated: row.request_cut },
      answer: { status: row.status, body: withBom(row.answer_body, row.answer_bom), bytes: Number(row.answer_bytes), truncated: row.answer_cut },
      faultCode: row.fault_code,
      durationMs: Math.round(row.duration_ms * 100) / 100,
      injected: row.injected_rule_id === null ? null : { ruleId: Number(row.injected_rule_id), effect: row.injected_effect ?? '' },
    }));
  }

  async clear(): Promise<number> {
    return countDeleted(this.db.knex, 'delete from request_journal');
  }

  /**
   * Deletes by age (an index-bound delete), then turns the generations once the current one holds
   * `keep` ids (request_journal_turn, migration 022): the older generation is truncated, not
   * deleted row by row. Ids never used (a failed insert) only make it keep fewer, never more.
   * Returns how many the age took.
   */
  async prune(before: Date, keep: number): Promise<number> {
    const aged = await countDeleted(this.db.knex, 'delete from request_journal where at < ?', [before]);
    await this.db.knex.raw('select request_journal_turn(?)', [keep]);
    return aged;
  }
}
