import { ManualClock } from '../../src/lib/clock';
import { migrate, migrationsCurrent } from '../../src/db/migrate';
import { PgJobStore } from '../../src/db/pg-job-store';
import { BatchStepFailedError, StepFailedError } from '../../src/jobs/step-failures';
import { planAdvance } from '../../src/jobs/advance';
import { JobService } from '../../src/jobs/job-service';
import { silentLogger } from '../../src/lib/logger';
import { Worker } from '../../src/worker/worker';
import { RecordCatalog } from '../../src/records/record-catalog';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let database: TestDatabase;
let clock: ManualClock;
let jobs: JobService;
let store: PgJobStore;
const schemas = new RecordCatalog();
const workerOptions = { pacing: true, tickMs: 200, batch: 500, pollMs: 50, maxStepFailures: 3 };

beforeAll(async () => {
  // One no migration has touched: this file's first test is of migrating a fresh database.
  database = await createTestDatabase({ empty: true });
  await migrate(database.db);
  clock = new ManualClock();
  store = new PgJobStore(database.handle);
  jobs = new JobService(store, clock, { retentionDays: 30, maxResultCalls: 20, resultPageSize: 1000, defaultRatePerSecond: 20, minPollIntervalSeconds: 0 });
});
afterAll(() => database.close());

describe('migrations', () => {
  it('create the job tables on a fresh database and are idempotent', async () => {
    expect(await migrationsCurrent(database.db)).toBe(true);
    await migrate(database.db);
    for (const table of ['jobs', 'job_items', 'job_progress']) expect(await database.db.schema.hasTable(table)).toBe(true);
    await expect(
      database.db('jobs').insert({
        id: 'x',
        account: 'a',
        operation: 'asyncAddList',
        record_type: 'customer',
        status: 'done',
        total_items: 1,
        rate_per_second: 1,
        submitted_at: new Date(),
        available_at: new Date(),
        expires_at: new Date(),
        next_run_at: new Date(),
      }),
    ).rejects.toThrow(/jobs_status_check/);
  });
});

describe('a renamed migration', () => {
  it('is recorded under its new name in a database that ran it under its old one, and the database migrates on', async () => {
    const table = () => database.db.table('knex_migrations');
    const [renamed, old] = ['019-cancelled-callbacks-session-holders-byte-counts', '019-review-fixes'];
    expect(await table().where({ name: renamed }).update({ name: old })).toBe(1);
    await migrate(database.db);
    expect((await table().whereIn('name', [renamed, old]).select('name')).map((row) => row.name)).toEqual([renamed]);
    expect(await migrationsCurrent(database.db)).toBe(true);
  });
});

describe('the worker on Postgres', () => {
  it("writes each step's items, counts and progress sample in one transaction", async () => {
    const job = await jobs.createJob({
      account: 'W1',
      operation: 'asyncAddList',
      recordType: 'customer',
      totalItems: 6,
      ratePerSecond: 2,
      startAfterSeconds: 0,
      scenario: { failures: { '4': { code: 'DUP_RCRD', message: 'dup' } } },
    });
    const worker = new Worker(store, clock, workerOptions, silentLogger, schemas);
    await worker.runDue();
    clock.advance(1.6);
    await worker.runDue();
    const [row] = await database.db('jobs').where({ id: job.id });
    expect(row).toMatchObject({ status: 'processing', processed_items: 3, failed_items: 0 });
    clock.advance(2);
    await worker.runDue();
    const items = await database.db('job_items').where({ job_id: job.id }).orderBy('position');
    expect(items.map((item) => [item.position, item.is_success, item.code])).toEqual([
      [1, true, null],
      [2, true, null],
      [3, true, null],
      [4, false, 'DUP_RCRD'],
      [5, true, null],
      [6, true, null],
    ]);
    const samples = await database.db('job_progress').where({ job_id: job.id }).orderBy('sampled_at');
    expect(samples.map((sample) => sample.processed)).toEqual([0, 3, 6]);
    expect((await database.db('jobs').where({ id: job.id }))[0]).toMatchObject({ status: 'finishedWithErrors', processed_items: 6, failed_items: 1 });
  });

  it('runs jobs of one account first in, first out, and other accounts alongside', async () => {
    const a1 = await jobs.createJob({ account: 'FIFO', operation: 'asyncAddList', recordType: 'customer', totalItems: 2, ratePerSecond: 1, startAfterSeconds: 0, scenario: {} });
    const a2 = await jobs.createJob({ account: 'FIFO', operation: 'asyncAddList', recordType: 'customer', totalItems: 2, ratePerSecond: 1, startAfterSeconds: 0, scenario: {} });
    const b1 = await jobs.createJob({ account: 'OTHER', operation: 'asyncAddList', recordType: 'customer', totalItems: 2, ratePerSecond: 1, startAfterSeconds: 0, scenario: {} });
    const worker = new Worker(store, clock, workerOptions, silentLogger, schemas);
    await worker.runDue();
    const status = async (id: string) => (await database.db('jobs').where({ id }).first('status')).status;
    expect([await status(a1.id), await status(a2.id), await status(b1.id)]).toEqual(['processing', 'pending', 'processing']);
    clock.advance(2.2);
    await worker.runDue();
    expect([await status(a1.id), await status(a2.id), await status(b1.id)]).toEqual(['finished', 'processing', 'finished']);
  });

  it('leaves an expired job alone, and it holds up no one in its account', async () => {
    const late = await jobs.createJob({
      account: 'EXPIRY',
      operation: 'asyncAddList',
      recordType: 'customer',
      totalItems: 1,
      ratePerSecond: 10,
      startAfterSeconds: 31 * 24 * 3600,
      scenario: {},
    });
    clock.advance(32 * 24 * 3600);
    const next = await jobs.createJob({
      account: 'EXPIRY',
      operation: 'asyncAddList',
      recordType: 'customer',
      totalItems: 1,
      ratePerSecond: 10,
      startAfterSeconds: 0,
      scenario: {},
    });
    const worker = new Worker(store, clock, workerOptions, silentLogger, schemas);
    await worker.runDue();
    clock.advance(1);
    await worker.runDue();
    const status = async (id: string) => (await database.db('jobs').where({ id }).first('status')).status;
    expect([await status(late.id), await status(next.id)]).toEqual(['pending', 'finished']);
  });

  it('lets two workers share the table without applying an item twice', async () => {
    const created = [];
    for (let i = 0; i < 6; i++) {
      created.push(
        await jobs.createJob({ account: `PAR${i}`, operation: 'asyncAddList', recordType: 'customer', totalItems: 300, ratePerSecond: 1000, startAfterSeconds: 0, scenario: {} }),
      );
    }
    const options = { ...workerOptions, batch: 25 };
    const first = new Worker(store, clock, options, silentLogger, schemas);
    const second = new Worker(store, clock, options, silentLogger, schemas);
    for (let round = 0; round < 10; round++) {
      clock.advance(0.2);
      await Promise.all([first.runDue(), second.runDue()]);
    }
    for (const job of created) {
      const [row] = await database.db('jobs').where({ id: job.id });
      expect(row).toMatchObject({ status: 'finished', processed_items: 300 });
      const [{ count, distinct }] = await database
        .db('job_items')
        .where({ job_id: job.id })
        .select(database.db.raw('count(*)::int as count, count(distinct position)::int as distinct'));
      expect({ count, distinct }).toEqual({ count: 300, distinct: 300 });
    }
  });

  it('stops a running worker loop cleanly', async () => {
    const worker = new Worker(store, clock, workerOptions, silentLogger, schemas);
    worker.start();
    await new Promise((resolve) => setTimeout(resolve, 120));
    await worker.stop();
    await worker.stop();
  });
});

describe('scripted jobs advanced together', () => {
  const stepOptions = { pacing: true, tickMs: 200, batch: 500 };
  const scripted = (account: string) =>
    jobs.createJob({
      account,
      operation: 'asyncAddList',
      recordType: 'customer',
      totalItems: 4,
      ratePerSecond: 2,
      startAfterSeconds: 0,
      scenario: { failures: { '2': { code: 'DUP_RCRD', message: 'dup' } } },
    });

  beforeEach(async () => {
    // Whatever earlier tests left due runs to its end first, so each test claims only its own jobs.
    clock.advance(24 * 3600);
    await new Worker(store, clock, workerOptions, silentLogger, schemas).runDue();
  });

  it("share one transaction: each job gets its items, its own account's ids and its sample", async () => {
    const made = [await scripted('BATCH_A'), await scripted('BATCH_B'), await scripted('BATCH_C')];
    const step = async (job: Parameters<typeof planAdvance>[0]) => planAdvance(job, clock.now(), stepOptions);
    // The first step starts all three, the second applies the two items each has due a second later.
    expect(await store.advanceDueJobs(clock.now(), step, 32)).toBe(3);
    clock.advance(1);
    expect(await store.advanceDueJobs(clock.now(), step, 32)).toBe(3);
    for (const job of made) {
      const items = await database.db('job_items').where({ job_id: job.id }).orderBy('position');
      expect(items.map((item) => [item.position, item.is_success])).toEqual([
        [1, true],
        [2, false],
      ]);
      // Each account's first record: ids come from its own counter.
      expect(items[0].internal_id).toBe('1001');
      const [row] = await database.db('jobs').where({ id: job.id });
      expect(row).toMatchObject({ status: 'processing', processed_items: 2, failed_items: 1 });
      expect((await database.db('job_progress').where({ job_id: job.id }).orderBy('id')).map((sample) => sample.processed)).toEqual([0, 2]);
    }
  });

  it('fail together, and one at a time find the job at fault', async () => {
    const [first, faulty] = [await scripted('FAULT_A'), await scripted('FAULT_B')];
    expect(await store.advanceDueJobs(clock.now(), async (job) => planAdvance(job, clock.now(), stepOptions), 32)).toBe(2);
    clock.advance(1);
    const now = clock.now();
    const step = async (job: Parameters<typeof planAdvance>[0]) => {
      if (job.id === faulty.id) throw new Error('this step cannot be taken');
      return planAdvance(job, now, stepOptions);
    };
    await expect(store.advanceDueJobs(now, step, 32)).rejects.toBeInstanceOf(BatchStepFailedError);
    expect(Number((await database.db('job_items').whereIn('job_id', [first.id, faulty.id]).count({ n: '*' }))[0].n)).toBe(0);
    expect(await store.advanceDueJobs(now, step, 1)).toBe(1);
    const failed = await store.advanceDueJobs(now, step, 1).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(StepFailedError);
    expect((failed as StepFailedError).jobId).toBe(faulty.id);
    expect((await database.db('jobs').where({ id: first.id }))[0]).toMatchObject({ processed_items: 2 });
  });
});
