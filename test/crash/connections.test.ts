import { ManualClock } from '../../src/lib/clock';
import { migrate } from '../../src/db/migrate';
import { PgJobStore } from '../../src/db/pg-job-store';
import { planAdvance } from '../../src/jobs/advance';
import { JobService } from '../../src/jobs/job-service';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

/**
 * What needs a Postgres server of its own connections: a dropped connection of the hot
 * statements' pool, two workers' transactions at once, and a poll waiting on a job's row lock
 * (PGlite has one connection).
 */

let database: TestDatabase;
let clock: ManualClock;
let jobs: JobService;
let store: PgJobStore;
const stepOptions = { pacing: true, tickMs: 200, batch: 500 };

beforeAll(async () => {
  if (!process.env.DATABASE_URL) {
    throw new Error('test:crash needs a Postgres server: set DATABASE_URL=postgres://user@host:5432/postgres');
  }
  database = await createTestDatabase();
  await migrate(database.db);
  clock = new ManualClock();
  store = new PgJobStore(database.handle);
  jobs = new JobService(store, clock, { retentionDays: 1, maxResultCalls: 20, resultPageSize: 1000, defaultRatePerSecond: 20, minPollIntervalSeconds: 0 });
});
afterAll(() => database?.close());

const scripted = (account: string, startAfterSeconds = 0) =>
  jobs.createJob({ account, operation: 'asyncAddList', recordType: 'customer', totalItems: 4, ratePerSecond: 2, startAfterSeconds, scenario: {} });

it("keeps answering polls after the hot statements' connections are terminated", async () => {
  // Due in ten days: it stays out of the next test's way.
  const job = await scripted('DROP_A', 10 * 86_400);
  expect((await jobs.status('DROP_A', job.id)).status).toBe('pending');
  // Every other backend of this database, the hot pool's idle ones among them, is ended by force.
  const ended = await database.db.raw('select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
  expect(ended.rows[0].n).toBeGreaterThan(0);
  await new Promise((resolve) => setTimeout(resolve, 200));
  // Had the pool's error gone unheard, this process would have died above.
  expect((await jobs.status('DROP_A', job.id)).status).toBe('pending');
});

it("locks no job a second worker could take while a request job's step runs alone", async () => {
  clock.advance(3600);
  // A request job first in line, then scripted jobs of other accounts, all due now.
  const request = await jobs.submit('LOCK_R', 'asyncAddList', [{ kind: 'record', record: { recordType: 'customer', fields: { companyName: 'Lock test' }, nullFields: [] } }]);
  const others = [await scripted('LOCK_S1'), await scripted('LOCK_S2'), await scripted('LOCK_S3')];
  let advancedMeanwhile = -1;
  const advanced = await store.advanceDueJobs(
    clock.now(),
    async (job) => {
      expect(job.id).toBe(request.jobId);
      // Another worker, on another connection, while this step's transaction is open.
      advancedMeanwhile = await store.advanceDueJobs(clock.now(), async (other) => planAdvance(other, clock.now(), stepOptions), 32);
      return planAdvance({ ...job, source: 'scripted' }, clock.now(), stepOptions);
    },
    32,
  );
  expect(advanced).toBe(1);
  expect(advancedMeanwhile).toBe(others.length);
  const started = await database
    .db('jobs')
    .whereIn(
      'id',
      others.map((job) => job.id),
    )
    .whereNotNull('started_at')
    .count({ n: '*' });
  expect(Number(started[0].n)).toBe(others.length);
});

it("holds up no other poll while a poll under a minimum interval waits for a job's row lock, and takes it once the lock goes", async () => {
  const [held, other] = await Promise.all([scripted('LOCK_A', 86_400), scripted('LOCK_A', 86_400)]);
  const now = clock.now();
  const notPolledSince = new Date(now.getTime() - 5_000);
  // A step's transaction, as a worker holds one: the job's row locked until it ends.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const step = database.db.transaction(async (trx) => {
    await trx('jobs').where({ id: held.id }).forUpdate().first('id');
    locked();
    await released;
  });
  await isLocked;
  // Asked in one turn, so an unlimited poll would share the waiting poll's statement if they went in one batch.
  const waiting = store.findJobProgress('LOCK_A', held.id, now, notPolledSince);
  const free = store.findJobProgress('LOCK_A', other.id, now, null);
  expect(await free).toMatchObject({ job: { id: other.id }, polled: true });
  release();
  await step;
  expect(await waiting).toMatchObject({ job: { id: held.id }, polled: true });
});
