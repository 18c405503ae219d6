import { ManualClock } from '../../src/lib/clock';
import { migrate } from '../../src/db/migrate';
import { PgAccountStore } from '../../src/db/pg-account-store';
import { PgJobStore } from '../../src/db/pg-job-store';
import { PgRecordReads } from '../../src/db/pg-record-reads';
import { JobService } from '../../src/jobs/job-service';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

/**
 * Polls and nonces made at the same time share one statement (src/lib/batcher.ts): each caller
 * must still get the answer to its own question, on Postgres and on PGlite.
 */

let database: TestDatabase;
let clock: ManualClock;
let jobs: JobService;
let store: PgJobStore;

beforeAll(async () => {
  database = await createTestDatabase();
  await migrate(database.db);
  clock = new ManualClock();
  store = new PgJobStore(database.handle);
  jobs = new JobService(store, clock, { retentionDays: 1, maxResultCalls: 20, resultPageSize: 1000, defaultRatePerSecond: 20, minPollIntervalSeconds: 0 });
});
afterAll(() => database.close());

const scripted = (account: string, totalItems: number, startAfterSeconds = 0) =>
  jobs.createJob({ account, operation: 'asyncAddList', recordType: 'customer', totalItems, ratePerSecond: 10, startAfterSeconds, scenario: {} });

describe('polls sharing one status statement', () => {
  it("answers each poll of a concurrent burst with its own job, and none with another account's", async () => {
    const a = await Promise.all([scripted('BATCH_A', 10), scripted('BATCH_A', 20), scripted('BATCH_A', 30, 60)]);
    const b = await Promise.all([scripted('BATCH_B', 40), scripted('BATCH_B', 50)]);
    // Jobs in several states: one half done, one finished, the rest pending.
    await database.db('jobs').where({ id: a[0].id }).update({ status: 'processing', processed_items: 5, started_at: clock.now() });
    await database.db('jobs').where({ id: b[0].id }).update({ status: 'finished', processed_items: 40, started_at: clock.now(), finished_at: clock.now() });
    const odd = ['', 'x"y', 'back\\slash', '{a,b}', 'NULL', "it's", 'comma,id', 'ünïcødé'];
    const questions = [
      ...a.map((job) => ({ account: 'BATCH_A', id: job.id })),
      ...b.map((job) => ({ account: 'BATCH_B', id: job.id })),
      // Another account's job, and ids that only look like something to an array literal.
      ...b.map((job) => ({ account: 'BATCH_A', id: job.id })),
      ...odd.map((id) => ({ account: 'BATCH_A', id })),
    ];
    const burst = [...questions, ...questions, ...questions];
    const answers = await Promise.all(burst.map((q) => store.findJobProgress(q.account, q.id, clock.now(), null)));
    burst.forEach((q, i) => {
      const own = q.account === 'BATCH_A' ? a.find((job) => job.id === q.id) : b.find((job) => job.id === q.id);
      if (!own) {
        expect(answers[i]).toBeUndefined();
        return;
      }
      expect(answers[i]?.job.id).toBe(q.id);
      expect(answers[i]?.job.totalItems).toBe(own.totalItems);
    });
    const view = await jobs.status('BATCH_A', a[0].id);
    expect(view).toMatchObject({ status: 'processing', percentCompleted: 50 });
    expect((await jobs.status('BATCH_B', b[0].id)).status).toBe('finished');
    // The third job of A waits behind the first two: 5 + 20 items at 10 a second, after its 60 s.
    expect((await store.findJobProgress('BATCH_A', a[2].id, clock.now(), null))?.queue.itemsAhead).toBe(25);
    expect((await jobs.status('BATCH_A', a[2].id)).estRemainingDuration).toBeCloseTo(60 + (25 + 30) / 10, 5);
  });

  it('tells expired jobs from live ones by the time each poll was made', async () => {
    const job = await scripted('BATCH_EXP', 5);
    const before = clock.now();
    const after = new Date(before.getTime() + 2 * 24 * 3600 * 1000);
    const [live, expired] = await Promise.all([store.findJobProgress('BATCH_EXP', job.id, before, null), store.findJobProgress('BATCH_EXP', job.id, after, null)]);
    expect(live?.job.id).toBe(job.id);
    expect(expired).toBeUndefined();
  });
});

describe('nonces sharing one statement', () => {
  it('accepts each nonce of a token once, however many requests bring it at the same moment', async () => {
    const accounts = new PgAccountStore(database.handle);
    const now = new Date();
    const expiresAt = new Date(now.getTime() + 300_000);
    const uses = Array.from({ length: 60 }, (_, i) => ({ token: `tok${i % 2}`, nonce: `nonce${i % 10}` }));
    const accepted = await Promise.all(uses.map((use) => accounts.useNonce(use.token, use.nonce, expiresAt, now)));
    const winners = uses.filter((_, i) => accepted[i]).map((use) => `${use.token}/${use.nonce}`);
    // tok0 sees even nonces, tok1 odd ones: ten distinct pairs, each accepted exactly once.
    expect(winners.sort()).toEqual([...new Set(uses.map((use) => `${use.token}/${use.nonce}`))].sort());
    expect(await accounts.useNonce('tok0', 'nonce0', expiresAt, now)).toBe(false);
    const rows = await database.db('token_nonces').whereIn('token_id', ['tok0', 'tok1']).count<{ count: string }[]>({ count: '*' });
    expect(Number(rows[0].count)).toBe(10);
    // Once the window of its first use has passed, a nonce may come again.
    expect(await accounts.useNonce('tok0', 'nonce0', new Date(expiresAt.getTime() + 600_000), new Date(expiresAt.getTime() + 1000))).toBe(true);
  });
});

describe('nonces and polls sharing one statement', () => {
  it("answers each caller of a mixed burst, the account store's nonces and the job store's polls alike", async () => {
    const accounts = new PgAccountStore(database.handle);
    const job = await scripted('BATCH_MIX', 8);
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + 300_000);
    // Made in one turn, so they go in one batch: each nonce twice (once accepted), each poll three times.
    const calls = Array.from({ length: 30 }, (_, i) =>
      i % 3 === 0 ? store.findJobProgress('BATCH_MIX', i % 2 === 0 ? job.id : 'NO_SUCH_JOB', now, null) : accounts.useNonce('mixtok', `mixnonce${i % 5}`, expiresAt, now),
    );
    const answers = await Promise.all(calls);
    answers.forEach((answer, i) => {
      if (i % 3 !== 0) return;
      if (i % 2 === 0) expect((answer as Awaited<ReturnType<PgJobStore['findJobProgress']>>)?.job).toMatchObject({ id: job.id, totalItems: 8 });
      else expect(answer).toBeUndefined();
    });
    const nonceCalls = answers.map((answer, i) => ({ answer, i })).filter(({ i }) => i % 3 !== 0);
    for (let k = 0; k < 5; k++) {
      const same = nonceCalls.filter(({ i }) => i % 5 === k);
      expect(same.filter(({ answer }) => answer === true)).toHaveLength(1);
      expect(same.find(({ answer }) => answer === true)!.i).toBe(same[0].i);
    }
    expect(await accounts.useNonce('mixtok', 'mixnonce0', expiresAt, now)).toBe(false);
  });
});

describe('records, nonces and polls sharing one statement', () => {
  it('answers each get of a mixed burst with its own record, by internalId or externalId, and none of another account or type', async () => {
    const accounts = new PgAccountStore(database.handle);
    const reads = new PgRecordReads(database.handle.requestPath);
    const odd = ['x"y', 'back\\slash', '{a,b}', 'NULL', "it's", 'comma,id', 'ünïcødé'];
    const now = clock.now();
    await database.db('records').insert(
      odd.map((externalId, i) => ({
        account: 'BATCH_REC',
        record_type: 'customer',
        internal_id: 9001 + i,
        external_id: externalId,
        fields: JSON.stringify({ companyName: `Odd ${i}` }),
        created_at: now,
        updated_at: now,
      })),
    );
    const job = await scripted('BATCH_REC', 4);
    const expiresAt = new Date(now.getTime() + 300_000);
    type Asked = { by: 'internalId' | 'externalId'; account: string; recordType: string; key: string; expected?: string };
    const asked: Asked[] = [
      ...odd.map((key, i) => ({ by: 'externalId' as const, account: 'BATCH_REC', recordType: 'customer', key, expected: `Odd ${i}` })),
      ...odd.map((_, i) => ({ by: 'internalId' as const, account: 'BATCH_REC', recordType: 'customer', key: String(9001 + i), expected: `Odd ${i}` })),
      { by: 'internalId', account: 'BATCH_OTHER', recordType: 'customer', key: '9001' },
      { by: 'internalId', account: 'BATCH_REC', recordType: 'vendor', key: '9001' },
      { by: 'externalId', account: 'BATCH_REC', recordType: 'customer', key: 'no-such' },
      { by: 'internalId', account: 'BATCH_REC', recordType: 'customer', key: '999999999999999999' },
    ];
    // Made in one turn, so they go in one batch with the nonces and polls; each record asked twice.
    const calls: Array<Promise<unknown>> = [];
    for (const question of [...asked, ...asked]) {
      calls.push(reads.find(question.account, { recordType: question.recordType, [question.by]: question.key }));
      calls.push(accounts.useNonce('rectok', `recnonce${calls.length}`, expiresAt, now));
      calls.push(store.findJobProgress('BATCH_REC', job.id, now, null));
    }
    const answers = await Promise.all(calls);
    [...asked, ...asked].forEach((question, i) => {
      const record = answers[i * 3];
      if (question.expected === undefined) expect(record).toBeUndefined();
      else expect(record).toMatchObject({ recordType: 'customer', fields: { companyName: question.expected }, createdAt: now });
      expect(answers[i * 3 + 1]).toBe(true);
      expect((answers[i * 3 + 2] as Awaited<ReturnType<PgJobStore['findJobProgress']>>)?.job.id).toBe(job.id);
    });
  });

  it('answers an internalId that is no bigint as missing, failing no other question of its batch', async () => {
    const requestPath = database.handle.requestPath;
    const job = await scripted('BATCH_REC2', 2);
    const [bad, good] = await Promise.all([
      requestPath.record({ account: 'BATCH_REC2', recordType: 'customer', internalId: 'x1', externalId: null }),
      store.findJobProgress('BATCH_REC2', job.id, clock.now(), null),
    ]);
    expect(bad).toBeUndefined();
    expect(good?.job.id).toBe(job.id);
  });
});

describe('polls under a minimum poll interval, in the same statement', () => {
  it('takes one poll of a job a burst makes, refuses the rest until the interval has passed, and answers unlimited polls and nonces beside them', async () => {
    const accounts = new PgAccountStore(database.handle);
    const [limited, free] = await Promise.all([scripted('BATCH_RATE', 6), scripted('BATCH_RATE', 7)]);
    const now = clock.now();
    const notPolledSince = new Date(now.getTime() - 5_000);
    const expiresAt = new Date(now.getTime() + 300_000);
    // One turn, so one batch: four limited polls of one job, an unknown job, two unlimited polls and a nonce.
    const [p1, p2, p3, p4, unknown, f1, f2, nonce] = await Promise.all([
      store.findJobProgress('BATCH_RATE', limited.id, now, notPolledSince),
      store.findJobProgress('BATCH_RATE', limited.id, now, notPolledSince),
      store.findJobProgress('BATCH_RATE', limited.id, now, notPolledSince),
      store.findJobProgress('BATCH_RATE', limited.id, now, notPolledSince),
      store.findJobProgress('BATCH_RATE', 'NO_SUCH_JOB', now, notPolledSince),
      store.findJobProgress('BATCH_RATE', free.id, now, null),
      store.findJobProgress('BATCH_RATE', free.id, now, null),
      accounts.useNonce('ratetok', 'ratenonce', expiresAt, now),
    ]);
    const limitedAnswers = [p1, p2, p3, p4];
    for (const answer of limitedAnswers) expect(answer?.job).toMatchObject({ id: limited.id, totalItems: 6 });
    expect(limitedAnswers.filter((answer) => answer?.polled)).toHaveLength(1);
    expect(unknown).toBeUndefined();
    for (const answer of [f1, f2]) expect(answer).toMatchObject({ job: { id: free.id, totalItems: 7 }, polled: true });
    expect(nonce).toBe(true);
    expect(await database.db('jobs').where({ id: free.id }).first('last_polled_at')).toEqual({ last_polled_at: null });

    // Within the interval: refused; once it has passed: taken again.
    const soon = new Date(now.getTime() + 2_000);
    expect((await store.findJobProgress('BATCH_RATE', limited.id, soon, new Date(soon.getTime() - 5_000)))?.polled).toBe(false);
    const later = new Date(now.getTime() + 6_000);
    expect((await store.findJobProgress('BATCH_RATE', limited.id, later, new Date(later.getTime() - 5_000)))?.polled).toBe(true);
  });
});
