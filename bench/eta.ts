import { ManualClock } from '../src/lib/clock';
import { loadConfig } from '../src/compose/config';
import { naiveRemainingSeconds } from '../src/jobs/eta';
import { silentLogger } from '../src/lib/logger';
import { buildService, type Service } from '../src/compose/serve';
import { ADMIN_TOKEN, admin, createAccounts, credentialsOf, fmt, metOrNot, soapCall, table, type BenchContext, type SectionReport } from './harness';

/**
 * Section 4, ETA accuracy: jobs whose progress follows a known schedule, run through the real
 * service in this process on a manual clock, so an hour of job takes a second or two. Reporters
 * post progress through the progress API (the worker runs the scripted steady job), a client polls
 * checkAsyncStatus over SOAP, and each estRemainingDuration is compared with the time the schedule
 * says is left, beside the naive estimate (elapsed / done × remaining) of the same job at the same
 * instant.
 */

/** Reported jobs share an account; each worker job has its own, as an account's jobs run one at a time. */
const ACCOUNT = 'BENCH_ETA';
const workerAccount = (minutes: number) => `BENCH_ETA_W${minutes}`;
const LENGTHS_MINUTES = [10, 30, 60];
/** A reporting system posts its progress every 10 s; a polling client asks every 15 s. */
const REPORT_EVERY_SECONDS = 10;
const POLL_EVERY_SECONDS = 15;
/** The clock's step: every report and poll instant falls on it (polls 5 s after a report). */
const TICK_SECONDS = 5;
const POLL_OFFSET_SECONDS = 5;
/** The scripted worker job's rate: one record a second. */
const WORKER_RATE = 1;
/** The bursty shape waits three quarters of each minute, then works at four times its average rate. */
const BURST_PERIOD_SECONDS = 60;
const BURST_SECONDS = 15;
const STEADY_GOAL = 0.1;

/** A schedule: the share of the job done after t of its `length` seconds (0 to 1). */
interface Shape {
  name: string;
  done(t: number, length: number): number;
}

const SHAPES: Shape[] = [
  { name: 'steady', done: (t, length) => t / length },
  {
    // Half the work in the first third of the time, the other half at half the rate.
    name: 'rate halves at 50%',
    done: (t, length) => (t <= length / 3 ? (1.5 * t) / length : 0.5 + (0.75 * (t - length / 3)) / length),
  },
  {
    // Working time is 80% of the length; at 50% done nothing moves for a fifth of the length.
    name: 'stall for 20% of the length at 50%',
    done: (t, length) => (t <= 0.4 * length ? t / (0.8 * length) : t <= 0.6 * length ? 0.5 : (t - 0.2 * length) / (0.8 * length)),
  },
  {
    name: `bursty (${BURST_SECONDS} s of each ${BURST_PERIOD_SECONDS} s)`,
    // Each burst ends its minute, so the last one ends the job.
    done: (t, length) => {
      const busy = Math.floor(t / BURST_PERIOD_SECONDS) * BURST_SECONDS + Math.max(0, (t % BURST_PERIOD_SECONDS) - (BURST_PERIOD_SECONDS - BURST_SECONDS));
      return busy / ((length / BURST_PERIOD_SECONDS) * BURST_SECONDS);
    },
  },
];

/** One job under measurement; a reported job posts `shape.done` at every report instant. */
interface Run {
  shape: Shape;
  driver: 'progress API' | 'worker';
  lengthSeconds: number;
  account: string;
  jobId: string;
  errors: { ours: number[]; naive: number[] };
}

const basic = () => {
  const { tokenId, tokenSecret } = credentialsOf(ACCOUNT);
  return `Basic ${Buffer.from(`${tokenId}:${tokenSecret}`).toString('base64')}`;
};

async function progress(url: string, method: string, path: string, body: unknown): Promise<{ id: string }> {
  const response = await fetch(`${url}/progress${path}`, { method, headers: { Authorization: basic(), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status >= 300) throw new Error(`${method} /progress${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { id: string };
}

/** Starts every job at t = 0: reported ones with a first report of 0%, the worker's at its first step. */
async function startRuns(url: string, service: Service): Promise<Run[]> {
  const runs: Run[] = [];
  for (const lengthSeconds of LENGTHS_MINUTES.map((minutes) => minutes * 60)) {
    for (const shape of SHAPES) {
      const { id } = await progress(url, 'POST', '/jobs', { name: `${shape.name}, ${lengthSeconds / 60} min` });
      await progress(url, 'PATCH', `/jobs/${id}`, { percentComplete: 0 });
      runs.push({ shape, driver: 'progress API', lengthSeconds, account: ACCOUNT, jobId: id, errors: { ours: [], naive: [] } });
    }
    const account = workerAccount(lengthSeconds / 60);
    const { id: jobId } = (await admin(url, '/jobs', { account, operation: 'asyncAddList', items: lengthSeconds * WORKER_RATE, ratePerSecond: WORKER_RATE })) as { id: string };
    runs.push({ shape: SHAPES[0], driver: 'worker', lengthSeconds, account, jobId, errors: { ours: [], naive: [] } });
  }
  await service.worker.runDue();
  return runs;
}

/** checkAsyncStatus over SOAP: what a client sees. */
async function checkAsyncStatus(url: string, account: string, jobId: string): Promise<{ percentCompleted: number; estRemainingDuration: number }> {
  const { status, text } = await soapCall(url, account, 'checkAsyncStatus', `<msg:checkAsyncStatus><msg:jobId>${jobId}</msg:jobId></msg:checkAsyncStatus>`);
  const percent = /<platformCore:percentCompleted>([^<]+)</.exec(text);
  const remaining = /<platformCore:estRemainingDuration>([^<]+)</.exec(text);
  if (status !== 200 || !percent || !remaining) throw new Error(`checkAsyncStatus for ${jobId} answered ${status}: ${text.slice(0, 500)}`);
  return { percentCompleted: Number(percent[1]), estRemainingDuration: Number(remaining[1]) };
}

/** Polls the job when due and its true share done is 10% to 90%; errors are fractions of the job's length. */
async function poll(url: string, run: Run, t: number, startedAt: Date, now: Date): Promise<void> {
  const share = run.shape.done(t, run.lengthSeconds);
  if ((t - POLL_OFFSET_SECONDS) % POLL_EVERY_SECONDS !== 0 || share < 0.1 || share > 0.9) return;
  const answer = await checkAsyncStatus(url, run.account, run.jobId);
  // The naive client's estimate from the same answer: every job started at the clock's start.
  const naive = naiveRemainingSeconds({ startedAt, processedItems: answer.percentCompleted, totalItems: 100 }, now);
  if (naive === null) throw new Error(`job ${run.jobId} has no progress at ${Math.round(share * 100)}% done`);
  const ours = answer.estRemainingDuration;
  // Every schedule ends exactly at the job's length: what is left is the rest of it.
  const truth = run.lengthSeconds - t;
  run.errors.ours.push(Math.abs(ours - truth) / run.lengthSeconds);
  run.errors.naive.push(Math.abs(naive - truth) / run.lengthSeconds);
}

/** Moves the clock a tick at a time to the longest job's end: worker steps and reports, then polls. */
async function drive(url: string, service: Service, clock: ManualClock, runs: Run[]): Promise<void> {
  const startedAt = clock.now();
  const end = Math.max(...runs.map((run) => run.lengthSeconds));
  for (let t = TICK_SECONDS; t <= end; t += TICK_SECONDS) {
    clock.advance(TICK_SECONDS);
    const live = runs.filter((run) => t <= run.lengthSeconds);
    const reported = t % REPORT_EVERY_SECONDS === 0 ? live.filter((run) => run.driver === 'progress API') : [];
    await Promise.all([
      service.worker.runDue(),
      ...reported.map((run) => progress(url, 'PATCH', `/jobs/${run.jobId}`, { percentComplete: Math.round(run.shape.done(t, run.lengthSeconds) * 10_000) / 100 })),
    ]);
    await Promise.all(live.map((run) => poll(url, run, t, startedAt, clock.now())));
  }
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const percent = (value: number) => `${fmt(value * 100, 1)}%`;

export async function etaSection(context: BenchContext): Promise<SectionReport> {
  const clock = new ManualClock();
  const config = loadConfig({
    DATABASE_URL: context.dbUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_TOKEN,
    DEMO_ACCOUNT: 'off',
    AUTHENTICATION: 'on',
    CONCURRENT_REQUESTS_PER_ACCOUNT: '0',
  });
  // The worker loop stays off: the bench steps it on the manual clock.
  const service = await buildService(config, { clock, logger: silentLogger, worker: false });
  let runs: Run[];
  try {
    const url = await service.listen();
    await createAccounts(url, [ACCOUNT, ...LENGTHS_MINUTES.map(workerAccount)]);
    runs = await startRuns(url, service);
    process.stdout.write(`eta: ${runs.length} jobs of ${LENGTHS_MINUTES.join(', ')} min, reports every ${REPORT_EVERY_SECONDS} s, polls every ${POLL_EVERY_SECONDS} s\n`);
    await drive(url, service, clock, runs);
  } finally {
    await service.stop();
  }

  const label = (run: Run) => `${run.shape.name}${run.driver === 'worker' ? ' (worker)' : ''}`;
  const rows = runs.map((run) => ({
    shape: label(run),
    lengthMinutes: run.lengthSeconds / 60,
    polls: run.errors.ours.length,
    ours: mean(run.errors.ours),
    naive: mean(run.errors.naive),
  }));
  const shapes = [...new Set(rows.map((row) => row.shape))].map((shape) => {
    const of = rows.filter((row) => row.shape === shape);
    return { shape, ours: mean(of.map((row) => row.ours)), naive: mean(of.map((row) => row.naive)) };
  });
  const steady = shapes.filter((shape) => shape.shape.startsWith('steady'));
  const text = [
    table(
      ['shape', 'job length', 'polls', 'ours: MAE / length', 'naive: MAE / length'],
      rows.map((row) => [row.shape, `${row.lengthMinutes} min`, row.polls, percent(row.ours), percent(row.naive)]),
      2,
    ),
    '',
    "Mean absolute error of estRemainingDuration against the true time left, over polls from 10% to 90% done, as a share of the job's length; per shape, the mean over the job lengths:",
    // Judged at the printed precision, so two exact estimates tie rather than win on rounding noise.
    ...shapes.map(
      (shape) =>
        `${shape.shape}: ours ${percent(shape.ours)}, naive ${percent(shape.naive)} (better than naive: ${percent(shape.ours) === percent(shape.naive) ? 'tied' : metOrNot(shape.ours < shape.naive)})`,
    ),
    `steady under ${percent(STEADY_GOAL)}: ${metOrNot(steady.every((shape) => shape.ours < STEADY_GOAL))}`,
  ].join('\n');
  return {
    title: '4. ETA accuracy (estRemainingDuration against the true time left)',
    text,
    json: {
      settings: { lengthsMinutes: LENGTHS_MINUTES, reportEverySeconds: REPORT_EVERY_SECONDS, pollEverySeconds: POLL_EVERY_SECONDS, workerRatePerSecond: WORKER_RATE },
      rows,
      shapes,
    },
  };
}
