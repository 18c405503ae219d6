import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  REGISTER,
  SECONDS,
  WARMUP_SECONDS,
  admin,
  createAccounts,
  credentialsOf,
  endpoint,
  envelope,
  fmt,
  metOrNot,
  peakRssMiB,
  positiveNumber,
  runLoad,
  soapCall,
  start,
  startService,
  stop,
  table,
  type BenchContext,
  type SectionReport,
  type Started,
} from './harness';
import type { LoadResult, LoadSpec } from './load';
import { seedCustomers } from './seed-customers';

/**
 * Section 2, result paging: 16 clients page getAsyncResult of a finished 2,000-record add job,
 * beside a ceiling (bare node:http answering the same page bytes from memory); then of 2,000- and
 * 200,000-record search jobs, each on a freshly started service, to show whether the server's
 * peak memory grows with the size of the job it pages.
 */

/** The issue's 16 clients. */
const CONNECTIONS = 16;
const ADD_ITEMS = 2_000;
// BENCH_SEARCH_SIZES (two sizes, smaller first) shortens a run while working on paging.
const SEARCH_SIZES = (process.env.BENCH_SEARCH_SIZES ?? '2000,200000').split(',').map(Number);
/** RESULT_PAGE_SIZE's default, and asyncSearch's when searchPreferences names none. */
const PAGE_SIZE = 1_000;
/** The 200,000-record job's peak RSS may exceed the 2,000-record one's by this factor at most. */
const MEMORY_GROWTH_LIMIT = 1.15;
/** Turns each search size takes at being paged (BENCH_PAGING_ROUNDS); the goal compares their mean peaks. */
const PAGING_ROUNDS = Math.round(positiveNumber('BENCH_PAGING_ROUNDS', process.env.BENCH_PAGING_ROUNDS ?? '2'));
const JOB_TIMEOUT_MS = 10 * 60_000;
const ADD_ACCOUNT = 'BENCH_PAGE_ADD';
const searchAccount = (records: number) => `BENCH_PAGE_SEARCH_${records}`;

const RESULT_BODY = '<msg:getAsyncResult><msg:jobId>{{JOB}}</msg:jobId><msg:pageIndex>{{PAGE}}</msg:pageIndex></msg:getAsyncResult>';
const SEARCH_ALL_CUSTOMERS =
  '<msg:asyncSearch><msg:searchRecord xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
  'xmlns:common="urn:common_2023_2.platform.webservices.netsuite.com" xsi:type="common:CustomerSearchBasic"/></msg:asyncSearch>';

interface PagedJob {
  kind: 'add' | 'search';
  records: number;
  account: string;
  jobId: string;
}

interface PagingRow {
  target: string;
  records: number;
  result: LoadResult;
  /** VmHWM of the service after start-up and the sample pages, before the load. */
  startRssMiB: number | null;
  /** VmHWM once the load is over: the most it held while clients paged. */
  peakRssMiB: number | null;
}

/** Polls checkAsyncStatus until the job ends; throws unless it finished without errors. */
async function waitFinished(service: Started, job: PagedJob): Promise<void> {
  const deadline = Date.now() + JOB_TIMEOUT_MS;
  for (;;) {
    const answer = await soapCall(service.url, job.account, 'checkAsyncStatus', `<msg:checkAsyncStatus><msg:jobId>${job.jobId}</msg:jobId></msg:checkAsyncStatus>`).catch(
      (error: unknown) => {
        // The 200,000-record search holds the event loop for seconds; a keep-alive socket the server
        // closes as it wakes fails the poll, which is asked again while the service still runs.
        if (service.child.exitCode !== null || service.child.signalCode !== null) throw error;
        return undefined;
      },
    );
    const status = answer && /<platformCore:status>(\w+)</.exec(answer.text)?.[1];
    if (status === 'finished') return;
    if (answer && status !== 'pending' && status !== 'processing') throw new Error(`${job.kind} job ${job.jobId} ended ${status ?? 'with no status'}: ${answer.text}`);
    if (Date.now() > deadline) throw new Error(`${job.kind} job ${job.jobId} did not finish in ${JOB_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Makes the add job and the search jobs with services whose worker runs them without pacing,
 * each search on a fresh service, so its peak RSS says what running that search cost.
 */
async function makeJobs(context: BenchContext): Promise<{ jobs: PagedJob[]; searchPeakRssMiB: Record<number, number> }> {
  const seeder = await startService(context, { WORKER_PACING: 'off' });
  await createAccounts(seeder.url, [ADD_ACCOUNT, ...SEARCH_SIZES.map(searchAccount)]);
  const added = (await admin(seeder.url, '/jobs', { operation: 'asyncAddList', account: ADD_ACCOUNT, recordType: 'customer', items: ADD_ITEMS })) as { id: string };
  const jobs: PagedJob[] = [{ kind: 'add', records: ADD_ITEMS, account: ADD_ACCOUNT, jobId: added.id }];
  await waitFinished(seeder, jobs[0]);
  await stop(seeder);
  const searchPeakRssMiB: Record<number, number> = {};
  for (const records of SEARCH_SIZES) {
    const account = searchAccount(records);
    await seedCustomers(context.db, account, records);
    const searcher = await startService(context, { WORKER_PACING: 'off' });
    const { text } = await soapCall(searcher.url, account, 'asyncSearch', SEARCH_ALL_CUSTOMERS);
    const jobId = /<platformCore:jobId>([^<]+)</.exec(text)?.[1];
    if (!jobId) throw new Error(`asyncSearch did not answer a job id: ${text}`);
    const job: PagedJob = { kind: 'search', records, account, jobId };
    await waitFinished(searcher, job);
    searchPeakRssMiB[records] = await peakRssMiB(searcher.pid);
    await stop(searcher);
    jobs.push(job);
  }
  return { jobs, searchPeakRssMiB };
}

/** Page `page` of the job, checked to be a getAsyncResultResponse holding a full page of records. */
async function samplePage(url: string, job: PagedJob, page: number): Promise<Buffer> {
  const { status, text } = await soapCall(url, job.account, 'getAsyncResult', RESULT_BODY.replace('{{JOB}}', job.jobId).replace('{{PAGE}}', String(page)));
  const record = job.kind === 'add' ? /<platformMsgs:writeResponse>/g : /<platformCore:record[\s>]/g;
  const found = text.match(record)?.length ?? 0;
  if (status !== 200 || !text.includes('<platformMsgs:getAsyncResultResponse') || found !== PAGE_SIZE) {
    throw new Error(`page ${page} of ${job.kind} job ${job.jobId} answered ${status} with ${found} records, not ${PAGE_SIZE}: ${text.slice(0, 2000)}`);
  }
  return Buffer.from(text);
}

const loadSpec = (url: string, job: PagedJob): LoadSpec => ({
  url: endpoint(url),
  connections: CONNECTIONS,
  seconds: SECONDS,
  warmupSeconds: WARMUP_SECONDS,
  template: envelope(RESULT_BODY),
  jobs: [{ account: job.account, jobId: job.jobId, pages: job.records / PAGE_SIZE }],
  accounts: { [job.account]: credentialsOf(job.account) },
  headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: 'getAsyncResult' },
});

/** Pages the job on a freshly started service, so its peak RSS belongs to this job alone. */
async function pageOnFreshService(context: BenchContext, job: PagedJob): Promise<{ row: PagingRow; firstPage: Buffer }> {
  // No limit on result calls: NetSuite's 20 per job would end the load within a second.
  const service = await startService(context, { MAX_RESULT_CALLS: '0' });
  const firstPage = await samplePage(service.url, job, 1);
  await samplePage(service.url, job, job.records / PAGE_SIZE);
  const startRssMiB = await peakRssMiB(service.pid);
  const result = await runLoad(loadSpec(service.url, job));
  const row = { target: `service: ${job.kind} job, ${fmt(job.records)} records`, records: job.records, result, startRssMiB, peakRssMiB: await peakRssMiB(service.pid) };
  await stop(service);
  return { row, firstPage };
}

export async function pagingSection(context: BenchContext): Promise<SectionReport> {
  const { jobs, searchPeakRssMiB } = await makeJobs(context);
  process.stdout.write(`paging: ${CONNECTIONS} connections, pages of ${PAGE_SIZE} records, ${WARMUP_SECONDS} s warm-up, ${SECONDS} s measured\n`);

  const rows: PagingRow[] = [];
  const [addJob, ...searchJobs] = jobs;
  const add = await pageOnFreshService(context, addJob);
  rows.push(add.row);

  // The ceiling answers page 1 of the add job every time; the service's pages all hold as many records.
  const replyFile = path.join(context.tmp, 'page.xml');
  writeFileSync(replyFile, add.firstPage);
  const ceiling = await start(process.execPath, [...REGISTER, 'bench/peers.ts', 'ceiling', replyFile], {}, 'the ceiling server');
  context.started.push(ceiling);
  const ceilingResult = await runLoad(loadSpec(ceiling.url, addJob));
  await stop(ceiling);
  rows.push({ target: 'ceiling: node:http, same page bytes from memory', records: ADD_ITEMS, result: ceilingResult, startRssMiB: null, peakRssMiB: null });

  // A peak of resident memory moves with the garbage collector's timing (one job size has read
  // 236 and 323 MiB in two runs): the sizes take turns, PAGING_ROUNDS times, and their means compare.
  const peaks = new Map<number, number[]>();
  for (let round = 1; round <= PAGING_ROUNDS; round++) {
    for (const job of searchJobs) {
      const { row } = await pageOnFreshService(context, job);
      rows.push(PAGING_ROUNDS > 1 ? { ...row, target: `${row.target} (round ${round})` } : row);
      peaks.set(job.records, [...(peaks.get(job.records) ?? []), row.peakRssMiB ?? Number.NaN]);
    }
  }
  const meanPeak = (records: number) => {
    const all = peaks.get(records) ?? [];
    return all.reduce((sum, peak) => sum + peak, 0) / all.length;
  };

  const addRow = add.row.result;
  const [small, large] = searchJobs;
  const growth = meanPeak(large.records) / meanPeak(small.records);
  const text = [
    table(
      ['target', 'pages', 'req/s', 'p50 ms', 'p99 ms', 'MB/s', 'non-2xx', 'errors', 'peak RSS before load MiB', 'peak RSS after load MiB', 'MB/s × ceiling'],
      rows.map(({ target, records, result, startRssMiB, peakRssMiB: peak }) => [
        target,
        fmt(records / PAGE_SIZE),
        fmt(result.requestsPerSecond),
        fmt(result.p50Ms, 1),
        fmt(result.p99Ms, 1),
        fmt(result.megabytesPerSecond, 2),
        result.non2xx,
        result.errors + result.timeouts,
        startRssMiB === null ? '' : fmt(startRssMiB),
        peak === null ? '' : fmt(peak),
        // The ceiling answers add-job pages; search pages are larger, so they get no ratio to it.
        target.startsWith('service: search') ? '' : fmt(result.megabytesPerSecond / ceilingResult.megabytesPerSecond, 2),
      ]),
    ),
    '',
    `add job, ${fmt(ADD_ITEMS)} records: ${fmt(addRow.megabytesPerSecond / ceilingResult.megabytesPerSecond, 2)} of the ceiling's MB/s; ` +
      `p50 ${fmt(addRow.p50Ms / ceilingResult.p50Ms, 1)}× and p99 ${fmt(addRow.p99Ms / ceilingResult.p99Ms, 1)}× the ceiling's`,
    `memory with the job's size: peak RSS paging ${fmt(large.records)} records is ${fmt(growth, 2)}× that of ${fmt(small.records)} ` +
      `(${PAGING_ROUNDS > 1 ? `means of ${PAGING_ROUNDS} rounds, ${fmt(meanPeak(large.records))} and ${fmt(meanPeak(small.records))} MiB; ` : ''}` +
      `goal at most ${MEMORY_GROWTH_LIMIT}×: ${metOrNot(growth <= MEMORY_GROWTH_LIMIT)})`,
    `running the search itself: the worker's service peaked at ${SEARCH_SIZES.map((records) => `${fmt(searchPeakRssMiB[records])} MiB for ${fmt(records)} records`).join(', ')} ` +
      `(${fmt(searchPeakRssMiB[large.records] / searchPeakRssMiB[small.records], 2)}×)`,
  ].join('\n');
  return {
    title: '2. Result paging (getAsyncResult, 16 clients)',
    text,
    json: {
      settings: { connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, pageSize: PAGE_SIZE, memoryGrowthLimit: MEMORY_GROWTH_LIMIT, rounds: PAGING_ROUNDS },
      rows,
      memoryGrowth: growth,
      peakRssMiB: Object.fromEntries(peaks),
      searchPeakRssMiB,
    },
  };
}
