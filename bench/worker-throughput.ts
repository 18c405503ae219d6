import { Client } from 'pg';
import { admin, cpuSeconds, fmt, startService, startWorker, stop, table, type BenchContext, type SectionReport } from './harness';

/**
 * Section 3, worker throughput: records applied per second with pacing off, by one and by two
 * worker processes, each record committed with its result and a progress sample per step; beside
 * a ceiling, a bare INSERT of the same rows into job_items in the same batch size, in the same run.
 */

const ITEMS = Number(process.env.BENCH_WORKER_ITEMS ?? 120_000);
/** Jobs per run, each in an account of its own: one account's jobs run first-in-first-out. */
const JOBS = Number(process.env.BENCH_WORKER_JOBS ?? 8);
const BATCH = Number(process.env.BENCH_WORKER_BATCH ?? 500);
/** One item of each job fails, so failed results are committed as well as successes. */
const FAILING_ITEM = 7;

interface WorkerRun {
  workers: number;
  items: number;
  seconds: number;
  recordsPerSecond: number;
  /** CPU the worker processes used from their start to the last job's end, in cores (1 = one core busy). */
  workerCores: number;
  rows: number;
  failedRows: number;
  samples: number;
  finishedJobs: number;
}

interface CeilingRun {
  connections: number;
  items: number;
  seconds: number;
  recordsPerSecond: number;
}

/** Scripted asyncAddList jobs, ITEMS in all, one per account, through the admin API. */
async function createJobs(url: string, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < JOBS; i++) {
    const items = Math.floor(ITEMS / JOBS) + (i < ITEMS % JOBS ? 1 : 0);
    const created = (await admin(url, '/jobs', {
      operation: 'asyncAddList',
      account: `${prefix}_${String(i + 1).padStart(3, '0')}`,
      items,
      failures: [{ item: FAILING_ITEM, code: 'DUP_ENTITY' }],
    })) as { id: string };
    ids.push(created.id);
  }
  return ids;
}

/** Starts the workers on jobs waiting for them; the rate runs from the first step to the last commit. */
async function runWorkers(context: BenchContext, url: string, workers: number): Promise<WorkerRun> {
  const { db } = context;
  const ids = await createJobs(url, `BENCHW${workers}`);
  const started = await Promise.all(Array.from({ length: workers }, () => startWorker(context, { WORKER_BATCH: String(BATCH) })));
  const pids = started.map((worker) => worker.pid);
  const cpuBefore = await cpuSeconds(pids);
  const began = Date.now();
  for (;;) {
    const { rows } = await db.query(`select count(*)::int as left from jobs where id = any($1) and status in ('pending', 'processing')`, [ids]);
    if (rows[0].left === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const cpuAfter = await cpuSeconds(pids);
  const wall = (Date.now() - began) / 1000;
  for (const worker of started) await stop(worker);

  // The jobs' own times, stamped by the workers: process start-up is not part of the rate.
  const span = await db.query(
    `select extract(epoch from max(finished_at) - min(started_at))::float8 as seconds, sum(total_items)::int as items,
            count(*) filter (where status = 'finishedWithErrors')::int as finished
       from jobs where id = any($1)`,
    [ids],
  );
  const written = await db.query(
    `select count(*)::int as rows, count(*) filter (where not is_success and code is not null)::int as failed,
            count(distinct (j.account, i.internal_id)) filter (where i.internal_id is not null)::int as ids, count(i.internal_id)::int as with_id
       from job_items i join jobs j on j.id = i.job_id
      where i.job_id = any($1) and (i.internal_id is not null or not i.is_success)`,
    [ids],
  );
  // Every step leaves one sample; the last of each job must say it is done.
  const samples = await db.query(
    `select count(*)::int as samples,
            count(*) filter (where p.processed = j.total_items and p.sampled_at = j.finished_at)::int as final
       from job_progress p join jobs j on j.id = p.job_id where p.job_id = any($1)`,
    [ids],
  );
  const { seconds, items, finished } = span.rows[0];
  if (written.rows[0].ids !== written.rows[0].with_id) throw new Error('two records of one account got the same internalId');
  if (samples.rows[0].final !== ids.length) throw new Error(`${ids.length - samples.rows[0].final} jobs have no final progress sample`);
  return {
    workers,
    items,
    seconds,
    recordsPerSecond: items / seconds,
    workerCores: pids.reduce((sum, pid) => sum + cpuAfter.get(pid)! - cpuBefore.get(pid)!, 0) / wall,
    rows: written.rows[0].rows,
    failedRows: written.rows[0].failed,
    samples: samples.rows[0].samples,
    finishedJobs: finished,
  };
}

/**
 * The ceiling: the same rows the worker writes (a success with an internalId, no record, for an
 * add) inserted into job_items, BATCH rows per statement, each statement its own transaction.
 */
async function runCeiling(context: BenchContext, connections: number): Promise<CeilingRun> {
  const { db, dbUrl } = context;
  // Throwaway jobs, ended already so no worker claims them, give the rows' foreign key a target.
  const ids = Array.from({ length: connections }, (_, i) => `BENCHCEILING_${connections}_${i}`);
  await db.query(
    `insert into jobs (id, source, account, operation, record_type, status, total_items, rate_per_second, scenario,
                       submitted_at, available_at, finished_at, expires_at, next_run_at, updated_at)
     select id, 'scripted', 'BENCHCEILING', 'asyncAddList', 'customer', 'finished', 0, 1, '{}', now(), now(), now(), now() + interval '1 day', now(), now()
       from unnest($1::text[]) id`,
    [ids],
  );
  const clients = ids.map(() => new Client({ connectionString: dbUrl }));
  await Promise.all(clients.map((client) => client.connect()));
  const perConnection = Math.ceil(ITEMS / connections);
  const began = process.hrtime.bigint();
  try {
    await Promise.all(
      clients.map(async (client, c) => {
        for (let first = 1; first <= perConnection; first += BATCH) {
          const positions = Array.from({ length: Math.min(BATCH, perConnection - first + 1) }, (_, i) => first + i);
          await client.query(
            `insert into job_items (job_id, position, is_success, code, message, record_type, internal_id, external_id, record)
             select $1, position, true, null, null, 'customer', internal_id, null, null from unnest($2::int[], $3::text[]) as r(position, internal_id)`,
            [ids[c], positions, positions.map((position) => String(1000 + c * perConnection + position))],
          );
        }
      }),
    );
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  const items = perConnection * connections;
  return { connections, items, seconds, recordsPerSecond: items / seconds };
}

export async function workerSection(context: BenchContext): Promise<SectionReport> {
  // The service only takes the admin API's jobs; the workers are separate processes.
  const service = await startService(context, { WORKER: 'off' });
  process.stdout.write(`worker: ${fmt(ITEMS)} items in ${JOBS} scripted asyncAddList jobs per run, batch ${BATCH}, pacing off\n`);
  const runs: WorkerRun[] = [];
  const ceilings: CeilingRun[] = [];
  for (const workers of [1, 2]) {
    runs.push(await runWorkers(context, service.url, workers));
    ceilings.push(await runCeiling(context, workers));
  }
  await stop(service);

  const text = [
    table(
      ['writer', 'records', 's', 'records/s', '× ceiling', 'worker CPU (cores)'],
      [
        ...runs.map((run, i) => [
          `${run.workers} worker process${run.workers > 1 ? 'es' : ''}`,
          fmt(run.items),
          fmt(run.seconds, 2),
          fmt(run.recordsPerSecond),
          fmt(run.recordsPerSecond / ceilings[i].recordsPerSecond, 2),
          fmt(run.workerCores, 2),
        ]),
        ...ceilings.map((ceiling) => [
          `ceiling: bare INSERT, ${ceiling.connections} connection${ceiling.connections > 1 ? 's' : ''}`,
          fmt(ceiling.items),
          fmt(ceiling.seconds, 2),
          fmt(ceiling.recordsPerSecond),
          '1.00',
          '',
        ]),
      ],
    ),
    '',
    ...runs.map(
      (run) =>
        `${run.workers} worker${run.workers > 1 ? 's' : ''}: ${fmt(run.rows)} of ${fmt(run.items)} records committed with their result (${run.failedRows} scripted failures among them), ` +
        `${fmt(run.samples)} progress samples, ${run.finishedJobs} of ${JOBS} jobs finishedWithErrors as scripted`,
    ),
    `two workers against one: ${fmt(runs[1].recordsPerSecond / runs[0].recordsPerSecond, 2)}× (the bare INSERT: ${fmt(ceilings[1].recordsPerSecond / ceilings[0].recordsPerSecond, 2)}×)`,
  ].join('\n');
  return {
    title: '3. Worker throughput (pacing off)',
    text,
    json: { settings: { items: ITEMS, jobs: JOBS, batch: BATCH }, runs, ceilings },
  };
}
