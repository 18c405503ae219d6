import type { IncomingHttpHeaders } from 'node:http';
import type { CapturedAnswer } from '../lib/answer-capture';

/** What the request journal holds: a call as seen, a row as stored, an entry as listed, and its store's port. */

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

/** The journal's table (implemented in src/db/pg-request-journal.ts). */
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
