import type { Job } from '../jobs/job';
import type { JobProgress, QueueAhead } from '../jobs/job-store';
import { Batcher } from '../lib/batcher';
import { hotQuery, type StatementTarget } from './hot-query';
import type { StoredRecord } from '../records/record';
import { ITEMS_AHEAD, RECENT_RATE, RUNNABLE } from './job-conditions';
import { epochMs, RECORD_ANSWERS, recordAnswers, recordValues, type RecordQuestion } from './request-path-records';

/**
 * The statements a signed poll or get makes, shared by every request that arrives while the database
 * is busy: its tokenPassport's nonce is recorded (the account store's useNonce) and its job's
 * status read (the job store's findJobProgress) or its records looked up (PgRecordReads). One Batcher takes every kind, and a batch that
 * holds several goes as one statement: a round trip, a socket write that wakes a Postgres backend,
 * and Postgres's per-statement work, instead of two of each. Unsigned polls and lone nonces get
 * the statement for their kind alone. Each database (Database, or one within a transaction) has its
 * own (Database.requestPath).
 */

export interface NonceUse {
  tokenId: string;
  nonce: string;
  expiresAt: Date;
  now: Date;
}

export interface StatusQuestion {
  account: string;
  id: string;
  now: Date;
  /** An account's minimum poll interval: the poll is taken only if the job was not polled since (null: no limit). */
  notPolledSince: Date | null;
}

export type StatusAnswer = { job: JobProgress; queue: QueueAhead; polled: boolean } | undefined;

type Question =
  | { nonce: NonceUse; status?: undefined; record?: undefined }
  | { status: StatusQuestion; nonce?: undefined; record?: undefined }
  | { record: RecordQuestion; nonce?: undefined; status?: undefined };
type Answer = boolean | StatusAnswer | StoredRecord | undefined;

/** How often, at most, expired nonces are swept (ms). */
const NONCE_SWEEP_MS = 60_000;

/**
 * checkAsyncStatus's read, for every poll of a batch: each asked (id, account, time) with the
 * columns the answer needs and, when the job is pending, its queue as subqueries. The rows come
 * back as one JSON array of arrays (times in epoch milliseconds): cheaper to parse once than the
 * object pg's client builds for every row, field by field. The first element says which
 * question a row answers; an unknown, foreign or expired job has no row. The input stays unnested
 * arrays: a JSON input (json_to_recordset) lost the jobs index in the generic plan. Times go in as
 * epoch milliseconds too (msArray): pg's client wrote each Date as text with its time zone.
 */
const ANSWER_FIELDS = `q.n, j.id, j.source, j.status, j.total_items, j.processed_items, j.rate_per_second,
              ${epochMs('j.available_at')}, ${epochMs('j.started_at')}, j.rate_items, j.rate_seconds, j.rate_gap_seconds, ${epochMs('j.last_sample_at')},
              case when j.status = 'pending' and j.${RUNNABLE} then ${ITEMS_AHEAD('j')} end,
              case when j.status = 'pending' and j.${RUNNABLE} then ${RECENT_RATE('j')} end`;
const FOUND = `join jobs j on j.id = q.id and j.account = q.account and j.expires_at > to_timestamp(q.at_ms / 1000)`;
const STATUS_ANSWERS = (first: number) => `select json_agg(json_build_array(${ANSWER_FIELDS}))
         from unnest($${first}::text[], $${first + 1}::text[], $${first + 2}::float8[]) with ordinality as q(id, account, at_ms, n)
         ${FOUND}`;

/**
 * The same read for polls under a minimum poll interval, which also take the poll: a job not polled
 * since a poll's `not_before` is marked polled now, and the poll's row says whether it took it
 * (of two polls of one job in a batch, one does). Its rows are locked in id order first, so two of
 * these statements cannot deadlock each other; the answers read the jobs as they were before the mark.
 */
const TAKE_POLLS_SQL = `with q as (select * from unnest($1::text[], $2::text[], $3::float8[], $4::float8[]) with ordinality as q(id, account, at_ms, not_before_ms, n)),
       locked as (select j.id from jobs j join (select distinct id, account from q) k on j.id = k.id and j.account = k.account order by j.id for update of j),
       taken as (update jobs j set last_polled_at = to_timestamp(q.at_ms / 1000) from q
                  where j.id in (select id from locked) and j.id = q.id and j.account = q.account and j.expires_at > to_timestamp(q.at_ms / 1000)
                    and (j.last_polled_at is null or j.last_polled_at <= to_timestamp(q.not_before_ms / 1000))
                  returning q.n)
  select json_agg(json_build_array(${ANSWER_FIELDS}, exists (select 1 from taken t where t.n = q.n))) as answers from q ${FOUND}`;

/**
 * A nonce seen before counts again only once its window has passed. The statement says which
 * (token, nonce) pairs it took, as one JSON array.
 */
const USE_NONCES = (first: number) => `insert into token_nonces (token_id, nonce, expires_at)
       select token_id, nonce, to_timestamp(expires_ms / 1000) from unnest($${first}::text[], $${first + 1}::text[], $${first + 2}::float8[]) as u(token_id, nonce, expires_ms)
       on conflict (token_id, nonce) do update set expires_at = excluded.expires_at where token_nonces.expires_at < $${first + 3}
       returning token_id, nonce`;
const USED = `(select json_agg(json_build_array(token_id, nonce)) from used)`;

/** What a batch asks, by kind: its statement has a part for each kind present. */
interface Kinds {
  nonces: boolean;
  statuses: boolean;
  records: boolean;
}

/**
 * The statement of a batch that asks `kinds`, named by them: the nonces taken (4 parameters), the
 * jobs' answers (3) and the records (4), in that order. A Postgres connection prepares each of
 * the seven once.
 */
function batchStatement(kinds: Kinds): { name: string; text: string } {
  const columns: string[] = [];
  let next = 1;
  if (kinds.nonces) {
    columns.push(`${USED} as used`);
    next += 4;
  }
  if (kinds.statuses) {
    columns.push(`(${STATUS_ANSWERS(next)}) as answers`);
    next += 3;
  }
  if (kinds.records) columns.push(`(${RECORD_ANSWERS(next)}) as records`);
  const name = `request_path_${kinds.nonces ? 'n' : ''}${kinds.statuses ? 's' : ''}${kinds.records ? 'r' : ''}`;
  return { name, text: `${kinds.nonces ? `with used as (${USE_NONCES(1)}) ` : ''}select ${columns.join(', ')}` };
}
const STATEMENTS = new Map<string, { name: string; text: string }>();
function statementFor(kinds: Kinds): { name: string; text: string } {
  const key = `${Number(kinds.nonces)}${Number(kinds.statuses)}${Number(kinds.records)}`;
  let statement = STATEMENTS.get(key);
  if (!statement) {
    statement = batchStatement(kinds);
    STATEMENTS.set(key, statement);
  }
  return statement;
}

/** A row of STATUS_ANSWERS's array, in its order. */
type StatusRow = [
  n: number,
  id: string,
  source: Job['source'],
  status: Job['status'],
  totalItems: number,
  processedItems: number,
  ratePerSecond: number | string,
  availableAt: number,
  startedAt: number | null,
  rateItems: number | string,
  rateSeconds: number | string,
  rateGapSeconds: number | string,
  lastSampleAt: number | null,
  queueItemsAhead: number | string | null,
  queueRecentRate: number | string | null,
  /** Only from TAKE_POLLS_SQL: whether the poll was taken. */
  polled?: boolean,
];

/** Times as a Postgres float8[] literal of epoch milliseconds (digits only: nothing to quote). */
const msArray = (times: Date[]): string => `{${times.map((time) => time.getTime()).join(',')}}`;

/** json comes parsed from pg, and as text from PGlite's client through knex. */
const fromJson = <T>(value: T[] | string | null | undefined): T[] => (typeof value === 'string' ? (JSON.parse(value) as T[]) : (value ?? []));

export class RequestPathBatch {
  private readonly batches = new Batcher<Question, Answer>((questions) => this.run(questions));
  private readonly takes = new Batcher<StatusQuestion, StatusAnswer>((questions) => this.take(questions));
  private lastNonceSweep = 0;

  constructor(private readonly db: StatementTarget) {}

  /** Whether the nonce was taken now (false: it was used before, within its window). */
  useNonce(use: NonceUse): Promise<boolean> {
    return this.batches.load({ nonce: use }) as Promise<boolean>;
  }

  /**
   * The job with what its answer needs; undefined when unknown, another account's, or expired. A
   * poll under a minimum poll interval goes in a batch of its own kind, which writes: waiting for a
   * job's row lock (a worker's step), it holds up no other poll.
   */
  jobStatus(question: StatusQuestion): Promise<StatusAnswer> {
    if (question.notPolledSince !== null) return this.takes.load(question);
    return this.batches.load({ status: question }) as Promise<StatusAnswer>;
  }

  /** A record by internalId or externalId (get, getList, initialize's source); undefined when the account has none such. */
  record(question: RecordQuestion): Promise<StoredRecord | undefined> {
    // One question the statement could not take (an internalId that is no bigint) would fail the
    // whole batch, other requests' nonces and polls with it: such a record is not there.
    if (question.internalId !== null && !/^\d{1,18}$/.test(question.internalId)) return Promise.resolve(undefined);
    if (question.internalId === null && question.externalId === null) return Promise.resolve(undefined);
    return this.batches.load({ record: question }) as Promise<StoredRecord | undefined>;
  }

  private async run(questions: Question[]): Promise<Answer[]> {
    const statuses: StatusQuestion[] = [];
    const uses: NonceUse[] = [];
    const records: RecordQuestion[] = [];
    for (const question of questions) {
      if (question.status) statuses.push(question.status);
      else if (question.record) records.push(question.record);
      else uses.push(question.nonce);
    }
    // Within one batch, the first request with a token's nonce has it.
    const keyOf = (use: NonceUse) => `${use.tokenId}\u0000${use.nonce}`;
    const first = new Map<string, NonceUse>();
    for (const use of uses) if (!first.has(keyOf(use))) first.set(keyOf(use), use);
    // In one order whatever the arrival: two batches in flight that share nonces take their rows'
    // locks in the same order, so they cannot deadlock each other.
    const distinct = [...first.values()].sort((a, b) => (a.tokenId < b.tokenId ? -1 : a.tokenId > b.tokenId ? 1 : a.nonce < b.nonce ? -1 : a.nonce > b.nonce ? 1 : 0));
    const now = uses.reduce((earliest, use) => (use.now < earliest ? use.now : earliest), uses[0]?.now ?? new Date(0));
    if (uses.length > 0 && now.getTime() - this.lastNonceSweep > NONCE_SWEEP_MS) this.sweepNonces(now);

    const statusValues = [statuses.map((q) => q.id), statuses.map((q) => q.account), msArray(statuses.map((q) => q.now))];
    const nonceValues = [distinct.map((use) => use.tokenId), distinct.map((use) => use.nonce), msArray(distinct.map((use) => use.expiresAt)), now];
    type Found = { answers?: StatusRow[] | string | null; used?: Array<[string, string]> | string | null; records?: Parameters<typeof recordAnswers>[0] | string | null };
    const kinds = { nonces: uses.length > 0, statuses: statuses.length > 0, records: records.length > 0 };
    const { name, text } = statementFor(kinds);
    const values = [...(kinds.nonces ? nonceValues : []), ...(kinds.statuses ? statusValues : []), ...(kinds.records ? recordValues(records) : [])];
    const [found] = await hotQuery<Found>(this.db, name, text, values);
    const answers = statusAnswers(found.answers, statuses.length);
    const recordsFound = recordAnswers(fromJson(found.records), records);
    const accepted = new Set(fromJson(found.used).map(([tokenId, nonce]) => first.get(`${tokenId}\u0000${nonce}`)));
    let nextStatus = 0;
    let nextRecord = 0;
    return questions.map((question) => (question.status ? answers[nextStatus++] : question.record ? recordsFound[nextRecord++] : accepted.has(question.nonce)));
  }

  /** Polls under a minimum poll interval, taken (or not) in one statement. */
  private async take(questions: StatusQuestion[]): Promise<StatusAnswer[]> {
    const values = [questions.map((q) => q.id), questions.map((q) => q.account), msArray(questions.map((q) => q.now)), msArray(questions.map((q) => q.notPolledSince!))];
    const [found] = await hotQuery<{ answers?: StatusRow[] | string | null }>(this.db, 'take_polls', TAKE_POLLS_SQL, values);
    return statusAnswers(found.answers, questions.length);
  }

  /**
   * Deletes nonces whose window has passed, beside the batches rather than before one: a
   * minute's worth of rows must not hold up the polls of the batch that finds the sweep due. A
   * nonce past its window counts as new anyway (the insert's conflict clause), so the sweep only
   * keeps the table small; one that fails is tried again with the next batch.
   */
  private sweepNonces(now: Date): void {
    this.lastNonceSweep = now.getTime();
    this.db
      .knex('token_nonces')
      .where('expires_at', '<', now)
      .delete()
      .catch(() => {
        this.lastNonceSweep = 0;
      });
  }
}

/** The answers of a status statement's rows, by question: undefined where no row came (an unknown, foreign or expired job). */
function statusAnswers(rows: StatusRow[] | string | null | undefined, count: number): StatusAnswer[] {
  const answers: StatusAnswer[] = new Array(count).fill(undefined);
  // Doubles that are not finite arrive as JSON strings ("Infinity"): Number() reads both.
  for (const [
    n,
    id,
    source,
    status,
    totalItems,
    processedItems,
    ratePerSecond,
    availableAt,
    startedAt,
    rateItems,
    rateSeconds,
    rateGapSeconds,
    lastSampleAt,
    queueItemsAhead,
    queueRecentRate,
    polled,
  ] of fromJson(rows)) {
    answers[n - 1] = {
      job: {
        id,
        source,
        status,
        totalItems,
        processedItems,
        ratePerSecond: Number(ratePerSecond),
        availableAt: new Date(availableAt),
        startedAt: startedAt === null ? null : new Date(startedAt),
        rate: { items: Number(rateItems), seconds: Number(rateSeconds), lastSampleAt: lastSampleAt === null ? null : new Date(lastSampleAt), gapSeconds: Number(rateGapSeconds) },
      },
      queue: { itemsAhead: Number(queueItemsAhead ?? 0), recentRate: queueRecentRate === null ? null : Number(queueRecentRate) },
      polled: polled ?? true,
    };
  }
  return answers;
}
