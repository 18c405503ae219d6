import type { Knex } from 'knex';
import { countDeleted } from './count-deleted';
import { hotQuery } from './hot-query';
import type { JournalEntry, JournalFace, JournalFilter, JournalRow, JournalStore } from '../journal/request-journal';

/**
 * The request journal in the unlogged table request_journal (migration 016). A batch of rows is
 * one prepared statement: the rows travel as one JSON parameter, unpacked by jsonb_to_recordset, so a
 * hundred rows cost one round trip and one parse.
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
] as const;

const INSERT =
  `insert into request_journal (${COLUMNS.map(([name]) => name).join(', ')}) ` +
  `select ${COLUMNS.map(([name]) => name).join(', ')} from jsonb_to_recordset($1::jsonb) as r(${COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')})`;

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
}

const byteLength = (text: string | null) => (text === null ? 0 : Buffer.byteLength(text));

export class PgRequestJournal implements JournalStore {
  constructor(private readonly db: Knex) {}

  /** Writes the rows in the order given (ids follow it). */
  async insert(rows: JournalRow[]): Promise<void> {
    if (rows.length === 0) return;
    const records = rows.map((row) => ({
      at: row.at.toISOString(),
      request_id: row.requestId,
      face: row.face,
      account: row.account,
      operation: row.operation,
      job_id: row.jobId,
      method: row.method,
      path: row.path,
      request_headers: row.requestHeaders,
      request_body: row.requestBody,
      request_bytes: row.requestBytes,
      status: row.status,
      answer_body: row.answerBody,
      answer_bytes: row.answerBytes,
      fault_code: row.faultCode,
      duration_ms: row.durationMs,
      injected_rule_id: row.injectedRuleId,
      injected_effect: row.injectedEffect,
    }));
    // A prepared statement on the hot pool: parsed and planned once per connection, not per batch.
    await hotQuery(this.db, 'journal_insert', INSERT, [JSON.stringify(records)]);
  }

  /** Newest first (time, then id); 0 rows when nothing matches. */
  async list(filter: JournalFilter): Promise<JournalEntry[]> {
    const query = this.db<StoredRow>('request_journal').select('*').orderBy([{ column: 'at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(filter.limit);
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
      request: { headers: row.request_headers, body: row.request_body, bytes: Number(row.request_bytes), truncated: byteLength(row.request_body) < Number(row.request_bytes) },
      answer: { status: row.status, body: row.answer_body, bytes: Number(row.answer_bytes), truncated: byteLength(row.answer_body) < Number(row.answer_bytes) },
      faultCode: row.fault_code,
      durationMs: Math.round(row.duration_ms * 100) / 100,
      injected: row.injected_rule_id === null ? null : { ruleId: Number(row.injected_rule_id), effect: row.injected_effect ?? '' },
    }));
  }

  async clear(): Promise<number> {
    return countDeleted(this.db, 'delete from request_journal');
  }

  /**
   * Two index-bound deletes: by age, then everything at least `keep` ids below the newest. Ids
   * that were never used (a failed insert) only make it keep fewer, never more.
   */
  async prune(before: Date, keep: number): Promise<number> {
    const aged = await countDeleted(this.db, 'delete from request_journal where at < ?', [before]);
    return aged + (await countDeleted(this.db, 'delete from request_journal where id <= (select max(id) from request_journal) - ?', [keep]));
  }
}
