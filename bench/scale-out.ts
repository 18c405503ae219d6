import { readFile } from 'node:fs/promises';
import os from 'node:os';
import {
  CONNECTIONS,
  SECONDS,
  WARMUP_SECONDS,
  createAccounts,
  fmt,
  measureCpu,
  runLoad,
  startService,
  stop,
  table,
  type BenchContext,
  type SectionReport,
  type Started,
} from './harness';
import type { LoadResult } from './load';
import { pollLoad, seedJobs } from './poll';

/**
 * Section 5, scale-out: the poll load of section 1 on two service processes (two ports, one
 * Postgres database) against one process, with the same connections in all. Every process the
 * machine runs shares its cores, so the cores the load generator, the services and Postgres used
 * are reported beside the ratio: they say what bounds it.
 */

interface ScaleRun {
  processes: number;
  result: LoadResult;
  /** Cores kept busy over the whole load (warm-up included), by the services and by Postgres. */
  serviceCores: number;
  postgresCores: number;
  /** Cores busy on the whole machine meanwhile: near all of them, the run was bound by CPU. */
  machineCores: number;
}

/** Busy CPU seconds of the whole machine so far (all but idle and iowait), from /proc/stat (Linux). */
async function machineBusySeconds(): Promise<number> {
  // user nice system idle iowait irq softirq steal; guest time is counted in user already.
  const ticks = (await readFile('/proc/stat', 'utf8')).split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  return (ticks.reduce((sum, tick) => sum + tick, 0) - ticks[3] - ticks[4]) / 100;
}

export async function scaleOutSection(context: BenchContext): Promise<SectionReport> {
  const seeder = await startService(context);
  const jobs = await seedJobs(context.db);
  const accounts = [...new Set(jobs.map((job) => job.account))];
  await createAccounts(seeder.url, accounts);
  await stop(seeder);
  const cores = os.cpus().length;
  process.stdout.write(`scale-out: ${jobs.length} jobs over ${accounts.length} accounts; ${CONNECTIONS} connections in all, ${WARMUP_SECONDS} s warm-up, ${SECONDS} s measured\n`);

  const measure = async (processes: number): Promise<ScaleRun> => {
    const services: Started[] = [];
    for (let i = 0; i < processes; i++) services.push(await startService(context, { WORKER: process.env.BENCH_WORKER ?? 'on' }));
    const machineBefore = await machineBusySeconds();
    const began = Date.now();
    const pids = services.map((service) => service.pid);
    const { result, processCpu, postgresCpu } = await measureCpu(pids, () =>
      runLoad(
        pollLoad(
          services.map((service) => service.url),
          jobs,
          accounts,
        ),
      ),
    );
    const wall = (Date.now() - began) / 1000;
    const machineSeconds = (await machineBusySeconds()) - machineBefore;
    for (const service of services) await stop(service);
    return { processes, result, serviceCores: processCpu / wall, postgresCores: postgresCpu / wall, machineCores: machineSeconds / wall };
  };
  const one = await measure(1);
  const two = await measure(2);

  const ratio = two.result.requestsPerSecond / one.result.requestsPerSecond;
  // What one process's polls cost the server side, in cores per request, scaled to the cores the
  // load generator left in the two-process run: the most two processes could reach without new work.
  const serverSide = (run: ScaleRun) => run.serviceCores + run.postgresCores;
  const left = cores - two.result.loadGeneratorCores;
  const bound = left / serverSide(one);
  const text = [
    table(
      [
        'service processes',
        'req/s',
        'p50 ms',
        'p99 ms',
        'non-2xx',
        'errors',
        'load generator cores',
        'service cores',
        'Postgres cores',
        'machine cores busy',
        'req/s per server-side core',
      ],
      [one, two].map((run) => [
        run.processes,
        fmt(run.result.requestsPerSecond),
        fmt(run.result.p50Ms, 1),
        fmt(run.result.p99Ms, 1),
        run.result.non2xx,
        run.result.errors + run.result.timeouts,
        fmt(run.result.loadGeneratorCores, 2),
        fmt(run.serviceCores, 2),
        fmt(run.postgresCores, 2),
        fmt(run.machineCores, 2),
        fmt(run.result.requestsPerSecond / serverSide(run)),
      ]),
    ),
    '',
    `two processes against one: ${fmt(ratio, 2)}× the throughput, with the same ${CONNECTIONS} connections`,
    `${cores} cores: the load generator used ${fmt(two.result.loadGeneratorCores, 2)} of them, leaving ${fmt(left, 2)} for the services and Postgres; ` +
      `one process and Postgres already kept ${fmt(serverSide(one), 2)} busy, so at one process's cost per request two could reach at most ${fmt(bound, 2)}× ` +
      `(Postgres cores count every backend on the machine, other databases' too)`,
    `the machine had ${fmt(two.machineCores, 2)} of ${cores} cores busy in the two-process run, ` +
      `${fmt(Math.max(0, two.machineCores - two.result.loadGeneratorCores - serverSide(two)), 2)} of them outside the load generator, the services and Postgres`,
  ].join('\n');
  return {
    title: '5. Scale-out (two service processes, one database)',
    text,
    json: {
      settings: { connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, jobs: jobs.length, accounts: accounts.length, cores },
      runs: [one, two],
      ratio,
      bound,
    },
  };
}
