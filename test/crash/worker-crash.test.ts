import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { accountHeader, checkAsyncStatus, getAsyncResult, postSoap, SOAPENV, statusOf } from '../helpers/soap';
import { TEST_ADMIN_TOKEN } from '../helpers/service-token';

/**
 * Crash safety of the worker, end to end on a real Postgres server: one SOAP server (WORKER=off)
 * and separate worker processes share a fresh database. Workers are SIGKILLed while they are
 * inside a step's transaction on a job; Postgres must roll that step back and release the job's
 * row lock, another worker must take the job over, and every record must be applied exactly once
 * with exactly one result.
 *
 * A kill is proven to land mid-step, not between steps: the victim is picked by joining
 * pg_stat_activity (its backend, named by application_name) to the job row whose xmax is that
 * backend's transaction id (the FOR UPDATE claim), whose last statement is one of the step's
 * writes; after the kill that transaction's status (txid_status) must be 'aborted'. A kill whose
 * step happened to commit first is retried (and counted in the log).
 */

const ROOT = path.resolve(__dirname, '../..');
const V = '2023_2';
const NS = {
  msgs: `urn:messages_${V}.platform.webservices.netsuite.com`,
  core: `urn:core_${V}.platform.webservices.netsuite.com`,
  rel: `urn:relationships_${V}.lists.webservices.netsuite.com`,
};
const ITEMS = 400; // asyncAddList's maximum
const ACCOUNT_A = 'TSTDRV1234567'; // the default account: job A is sent without an account header
const ACCOUNT_B = 'CRASH_ACCOUNT_B';
const WORKER_ENV = { WORKER_BATCH: '5', WORKER_TICK_MS: '20', WORKER_POLL_MS: '20', DEFAULT_RATE_PER_SECOND: '200', WORKER_LEASE_SECONDS: '2' };
const ACCOUNT_C = 'HANG_ACCOUNT_C';
const UNFINISHED = ['pending', 'processing'];

const ADMIN_URL = process.env.DATABASE_URL;
const DB_NAME = `ase_crash_${randomBytes(6).toString('hex')}`;

// ---------------------------------------------------------------------------------------------
// Child processes

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Proc {
  name: string;
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  exited: Promise<Exit>;
  alive: () => boolean;
  /** Set before we kill (or freeze) it on purpose. */
  killedOnPurpose: boolean;
  /** Resolves once the process logged that it is ready. */
  ready: Promise<RegExpExecArray>;
}

const procs: Proc[] = [];
let workerCount = 0;

/** A database URL for the test database, naming the connection so pg_stat_activity tells who is who. */
function databaseUrl(applicationName: string): string {
  const url = new URL(ADMIN_URL as string);
  url.pathname = `/${DB_NAME}`;
  url.searchParams.set('application_name', applicationName);
  return url.toString();
}

function launch(name: string, mode: 'serve' | 'worker', env: Record<string, string>, readyPattern: RegExp): Proc {
  const child = spawn(process.execPath, ['-r', './tools/register-ts.js', 'src/cli/main.ts', mode], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl(name), PORT: '0', HOST: '127.0.0.1', ADMIN_TOKEN: TEST_ADMIN_TOKEN, ...WORKER_ENV, ...env },
  });
  let output = '';
  let running = true;
  const exited = new Promise<Exit>((resolve) =>
    child.on('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    }),
  );
  const ready = new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not get ready within 60s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = readyPattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${exit.code ?? exit.signal}) before it was ready:\n${output}`));
    });
  });
  ready.catch(() => undefined); // observed where it matters; a purposely killed starter must not crash the run
  const proc: Proc = { name, child, output: () => output, exited, alive: () => running, killedOnPurpose: false, ready };
  procs.push(proc);
  return proc;
}

function launchWorker(): Proc {
  workerCount++;
  return launch(`ase-crash-worker-${workerCount}`, 'worker', {}, /"message":"worker started"/);
}

const liveWorkers = () => procs.filter((proc) => proc.name.startsWith('ase-crash-worker-') && proc.alive());

/** Starts workers until `count` are running or starting. */
function topUpWorkers(count: number): void {
  while (liveWorkers().length < count) launchWorker();
}

// ---------------------------------------------------------------------------------------------
// Database

let admin: Client | null = null;
let db: Client | null = null;

async function q<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await (db as Client).query(sql, params)).rows as T[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Workers inside a step on a job: their transaction holds the job row (jobs.xmax is their xid). */
const MID_STEP_SQL = `
  select a.application_name as worker, a.pid, a.backend_xid::text as xid, a.state, left(a.query, 80) as query,
         j.id as job_id, j.processed_items
    from pg_stat_activity a
    join jobs j on j.xmax = a.backend_xid
   where a.datname = current_database()
     and a.application_name like 'ase-crash-worker-%'
     and a.backend_xid is not null
     and j.status in ('pending', 'processing')`;

interface MidStep {
  worker: string;
  pid: number;
  xid: string;
  state: string;
  query: string;
  job_id: string;
  processed_items: number;
}

/** Who was seen holding which job, and when (for "another worker took it over"). */
const sightings: Array<{ at: number; worker: string; jobId: string; processed: number }> = [];

async function midSteps(): Promise<MidStep[]> {
  const rows = await q<MidStep>(MID_STEP_SQL);
  const at = Date.now();
  for (const row of rows) sightings.push({ at, worker: row.worker, jobId: row.job_id, processed: row.processed_items });
  return rows;
}

/** The final status of a transaction: waits until its backend is gone and it is no longer in progress. */
async function settledStatus(xid: string, pid: number): Promise<string | null> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const [row] = await q<{ status: string | null; backend: boolean }>(
      `select txid_status(((txid_snapshot_xmax(txid_current_snapshot()) >> 32) << 32) + $1::bigint) as status,
              exists (select 1 from pg_stat_activity where pid = $2) as backend`,
      [xid, pid],
    );
    if (row.status !== 'in progress' && !row.backend) return row.status;
    if (Date.now() > deadline) throw new Error(`transaction ${xid} of backend ${pid} still ${row.status} (backend alive: ${row.backend}) 15s after its worker died`);
    await sleep(10);
  }
}

interface Kill {
  worker: string;
  jobId: string;
  xid: string;
  state: string;
  query: string;
  processedAtKill: number;
  processedAfter: number;
  exit: Exit;
  xidStatus: string | null;
  at: number;
}

const kills: Kill[] = [];

/**
 * The step's writes (account counter, record, result rows, job counters). A victim whose backend
 * is at one of these has changed data in its open transaction, so an incomplete rollback would
 * show as a duplicate record, a gap in internalIds or a second result.
 */
const STEP_WRITE = /^(insert into account_counters|insert into "records"|insert into "job_items"|update "jobs")/;

/**
 * SIGKILLs a worker while it is inside a step on `jobId` (once the job has at least `minProcessed`
 * items done), retrying when the step committed before the kill arrived. Returns the kill whose
 * step Postgres rolled back.
 */
async function killMidStep(jobId: string, minProcessed: number): Promise<Kill> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    topUpWorkers(1);
    const row = (await midSteps()).find((candidate) => candidate.job_id === jobId && candidate.processed_items >= minProcessed && STEP_WRITE.test(candidate.query.trim()));
    if (!row) {
      const [job] = await q<{ status: string; processed_items: number }>('select status, processed_items from jobs where id = $1', [jobId]);
      if (!UNFINISHED.includes(job.status)) {
        throw new Error(`job ${jobId} ended (${job.status}, ${job.processed_items} items) before a kill landed mid-step; kills so far: ${JSON.stringify(kills)}`);
      }
      continue;
    }
    const victim = procs.find((proc) => proc.name === row.worker);
    if (!victim?.alive()) continue;
    victim.killedOnPurpose = true;
    victim.child.kill('SIGKILL');
    const at = Date.now();
    const exit = await victim.exited;
    const xidStatus = await settledStatus(row.xid, row.pid);
    const [after] = await q<{ processed_items: number }>('select processed_items from jobs where id = $1', [jobId]);
    const kill: Kill = {
      worker: row.worker,
      jobId,
      xid: row.xid,
      state: row.state,
      query: row.query,
      processedAtKill: row.processed_items,
      processedAfter: after.processed_items,
      exit,
      xidStatus,
      at,
    };
    kills.push(kill);
    if (xidStatus === 'aborted') return kill;
  }
  throw new Error(`no kill landed mid-step on job ${jobId} within 60s; kills: ${JSON.stringify(kills)}`);
}

/** Waits until every job has ended, keeping at least one worker alive and noting who holds what. */
async function waitForEnd(jobIds: string[], timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    topUpWorkers(1);
    await midSteps();
    const rows = await q<{ id: string; status: string; processed_items: number }>('select id, status, processed_items from jobs where id = any($1)', [jobIds]);
    if (rows.length === jobIds.length && rows.every((row) => !UNFINISHED.includes(row.status))) return;
    if (Date.now() > deadline) throw new Error(`jobs did not end within ${timeoutMs / 1000}s: ${JSON.stringify(rows)}`);
    await sleep(2);
  }
}

// ---------------------------------------------------------------------------------------------
// SOAP

function addListRequest(prefix: string, account?: string): string {
  let records = '';
  for (let i = 1; i <= ITEMS; i++) {
    records += `<msg:record xsi:type="listRel:Customer" externalId="${prefix}-${i}"><listRel:companyName>${prefix} Company ${i}</listRel:companyName></msg:record>`;
  }
  return (
    `<soapenv:Envelope xmlns:soapenv="${SOAPENV}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
    `xmlns:msg="${NS.msgs}" xmlns:core="${NS.core}" xmlns:listRel="${NS.rel}">` +
    `<soapenv:Header>${accountHeader(account, V)}</soapenv:Header>` +
    `<soapenv:Body><msg:asyncAddList>${records}</msg:asyncAddList></soapenv:Body></soapenv:Envelope>`
  );
}

async function submit(url: string, prefix: string, account?: string): Promise<string> {
  const answer = await postSoap(url, V, addListRequest(prefix, account));
  if (answer.status !== 200) throw new Error(`asyncAddList answered ${answer.status}: ${answer.text.slice(0, 2000)}`);
  const status = answer.body.asyncAddListResponse.asyncStatusResult;
  expect(status).toMatchObject({ status: 'pending', percentCompleted: '0.0' });
  return String(status.jobId);
}

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

// ---------------------------------------------------------------------------------------------

let serverUrl = '';

beforeAll(async () => {
  if (!ADMIN_URL) {
    throw new Error('test:crash needs a Postgres server: set DATABASE_URL=postgres://user@host:5432/postgres (an admin connection; the suite creates and drops its own database)');
  }
  admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${DB_NAME}`);
  db = new Client({ connectionString: databaseUrl('ase-crash-test') });
  await db.connect();

  // The server migrates the fresh database; workers start once it has, so they only check it.
  const server = launch('ase-crash-server', 'serve', { WORKER: 'off' }, /"url":"(http:\/\/[^"]+)"/);
  serverUrl = (await server.ready)[1];
  const first = [launchWorker(), launchWorker()];
  await Promise.all(first.map((worker) => worker.ready));
}, 120_000);

afterAll(async () => {
  for (const proc of procs) if (proc.alive()) proc.child.kill('SIGTERM');
  await Promise.all(
    procs.map(async (proc) => {
      if (!proc.alive()) return;
      const timer = setTimeout(() => proc.child.kill('SIGKILL'), 5_000);
      await proc.exited;
      clearTimeout(timer);
    }),
  );
  await db?.end().catch(() => undefined);
  if (admin) {
    await admin.query(`drop database if exists ${DB_NAME} with (force)`);
    await admin.end();
  }
}, 60_000);

it('applies every record exactly once, with one result each, when workers are SIGKILLed mid-job', async () => {
  const [jobA, jobB] = await Promise.all([submit(serverUrl, 'crash-a'), submit(serverUrl, 'crash-b', ACCOUNT_B)]);

  // Kill 1: a worker mid-step on job A, early on. Another one is started to keep two running.
  const kill1 = await killMidStep(jobA, 50);
  topUpWorkers(2);
  // Kill 2: a worker mid-step on job B (often the survivor of kill 1, so nothing runs for a while).
  const kill2 = await killMidStep(jobB, 100);
  topUpWorkers(2);
  // Kill 3: job A again, later; the survivor and the replacements must finish both jobs.
  const kill3 = await killMidStep(jobA, 200);
  topUpWorkers(2);
  await waitForEnd([jobA, jobB]);

  // Logged for whoever reads the run: which worker died where, and what its backend was doing.
  process.stdout.write(`crash kills:\n${kills.map((kill) => `  ${JSON.stringify(kill)}`).join('\n')}\n`);

  // Every kill that counts landed mid-job, mid-step, and that step was rolled back.
  for (const kill of [kill1, kill2, kill3]) {
    expect(kill.exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(kill.xidStatus).toBe('aborted');
    expect(kill.query.trim()).toMatch(STEP_WRITE);
    expect(kill.processedAtKill).toBeGreaterThan(0);
    expect(kill.processedAtKill).toBeLessThan(ITEMS);
  }
  // Others took the jobs over from the killed workers and finished them.
  for (const kill of [kill1, kill2, kill3]) {
    const takenOver = sightings.filter((seen) => seen.jobId === kill.jobId && seen.at > kill.at && seen.worker !== kill.worker);
    expect(takenOver.length).toBeGreaterThan(0);
    expect(takenOver.every((seen) => seen.processed >= kill.processedAtKill)).toBe(true);
  }
  // Every worker not killed on purpose is still running (none crashed on its own) and logged no errors.
  for (const proc of procs.filter((p) => !p.killedOnPurpose)) {
    expect({ name: proc.name, alive: proc.alive() }).toEqual({ name: proc.name, alive: true });
    expect(proc.output()).not.toMatch(/"level":"error"/);
  }

  await expectAppliedOnce(jobA, ACCOUNT_A, 'crash-a');
  await expectAppliedOnce(jobB, ACCOUNT_B, 'crash-b');
});

it('hands a job over when a worker hangs mid-step and its lease runs out, and the thawed worker applies nothing twice', async () => {
  const jobC = await submit(serverUrl, 'hang-c', ACCOUNT_C);
  topUpWorkers(2);
  const deadline = Date.now() + 60_000;
  let frozen: { victim: Proc; row: MidStep } | undefined;
  while (!frozen && Date.now() < deadline) {
    const row = (await midSteps()).find((candidate) => candidate.job_id === jobC && candidate.processed_items >= 50 && STEP_WRITE.test(candidate.query.trim()));
    const victim = row && procs.find((proc) => proc.name === row.worker && proc.alive());
    if (row && victim) {
      victim.killedOnPurpose = true;
      victim.child.kill('SIGSTOP');
      frozen = { victim, row };
    }
  }
  if (!frozen) throw new Error('no worker was caught mid-step on the hang job within 60s');
  const frozenAt = Date.now();
  // A replacement, so two workers run besides the frozen one.
  launchWorker();
  topUpWorkers(3);

  // Postgres ends the frozen worker's session once its step has sat idle past the 2 s lease; the
  // step rolls back and another worker takes the job over.
  const status = await settledStatus(frozen.row.xid, frozen.row.pid);
  const leaseEnded = Date.now() - frozenAt;
  expect(status).toBe('aborted');
  expect(leaseEnded).toBeGreaterThanOrEqual(1500);
  await waitForEnd([jobC]);
  expect(sightings.some((seen) => seen.jobId === jobC && seen.at > frozenAt && seen.worker !== frozen!.row.worker)).toBe(true);

  // Thawed, the worker finds its session gone, lets the step go, and goes on working.
  frozen.victim.child.kill('SIGCONT');
  await sleep(1500);
  expect(frozen.victim.alive()).toBe(true);
  await expectAppliedOnce(jobC, ACCOUNT_C, 'hang-c');
  const [job] = await q('select step_failures from jobs where id = $1', [jobC]);
  expect(job.step_failures).toBe(0);
});

/** In SQL and through SOAP: every record of the job applied once, with one result at its position. */
async function expectAppliedOnce(jobId: string, account: string, prefix: string): Promise<void> {
  // SQL: the job, its results and the records it added.
  const [job] = await q('select status, processed_items, failed_items, total_items from jobs where id = $1', [jobId]);
  expect(job).toEqual({ status: 'finished', processed_items: ITEMS, failed_items: 0, total_items: ITEMS });

  const [recordStats] = await q(
    `select count(*)::int as rows, count(distinct external_id)::int as external_ids,
              min(internal_id)::int as min_id, max(internal_id)::int as max_id
         from records where account = $1`,
    [account],
  );
  expect(recordStats).toEqual({ rows: ITEMS, external_ids: ITEMS, min_id: expect.any(Number), max_id: expect.any(Number) });
  // The per-account counter moves inside the step's transaction: no gaps, no repeats.
  expect(recordStats.max_id - recordStats.min_id + 1).toBe(ITEMS);
  expect(await q('select external_id, count(*)::int as n from records where account = $1 group by external_id having count(*) > 1', [account])).toEqual([]);
  const records = await q<{ external_id: string; internal_id: string; fields: Record<string, unknown> }>(
    'select external_id, internal_id::text as internal_id, fields from records where account = $1',
    [account],
  );
  const internalIdOf = new Map(records.map((record) => [record.external_id, record.internal_id]));
  for (let i = 1; i <= ITEMS; i++) expect(internalIdOf.has(`${prefix}-${i}`)).toBe(true);
  expect(records.every((record) => record.fields.companyName === `${prefix} Company ${record.external_id.slice(prefix.length + 1)}`)).toBe(true);

  const [itemStats] = await q(
    `select count(*)::int as rows, count(distinct position)::int as positions, min(position) as first, max(position) as last,
              count(*) filter (where is_success)::int as successes
         from job_items where job_id = $1`,
    [jobId],
  );
  expect(itemStats).toEqual({ rows: ITEMS, positions: ITEMS, first: 1, last: ITEMS, successes: ITEMS });
  // Each result names the record at its position, with the internalId the records table holds.
  const [{ matching }] = await q(
    `select count(*)::int as matching
         from job_items ji
         join records r on r.account = $2 and r.external_id = ji.external_id and r.internal_id::text = ji.internal_id
        where ji.job_id = $1 and ji.external_id = $3 || '-' || ji.position`,
    [jobId, account, prefix],
  );
  expect(matching).toBe(ITEMS);

  // SOAP: what a client sees.
  const status = await checkAsyncStatus(serverUrl, jobId, V, account);
  expect(statusOf(status)).toMatchObject({ jobId, status: 'finished', percentCompleted: 100 });
  expect(status.text).toContain('>100.0</platformCore:percentCompleted>');

  const result = await getAsyncResult(serverUrl, jobId, 1, V, account);
  expect(result.status).toBe(200);
  const list = result.body.getAsyncResultResponse.asyncResult.writeResponseList;
  expect(list.status['@isSuccess']).toBe('true');
  const responses = asList<any>(list.writeResponse);
  expect(responses).toHaveLength(ITEMS);
  const seen = new Set<string>();
  responses.forEach((response, index) => {
    expect(response.status['@isSuccess']).toBe('true');
    expect(response.baseRef['@externalId']).toBe(`${prefix}-${index + 1}`);
    expect(response.baseRef['@type']).toBe('customer');
    expect(response.baseRef['@internalId']).toBe(internalIdOf.get(`${prefix}-${index + 1}`));
    seen.add(response.baseRef['@internalId']);
  });
  expect(seen.size).toBe(ITEMS);
}
