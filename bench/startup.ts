import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ADMIN_TOKEN, fmt, rssMiB, start, stop, table, type BenchContext, type SectionReport, type Started } from './harness';

/**
 * Start-up and resident memory, as a newcomer meets them: the built service on the embedded PGlite
 * (a fresh data folder, then a restart on it) and on the Postgres server, each timed from spawn to
 * its first 200 from /readyz, and its resident memory once idle. Figures, not goals: they go in the
 * README's front-page claims and bench/RESULTS.md.
 */

const IDLE_MS = 5_000;

interface Run {
  target: string;
  readySeconds: number;
  rssMiB: number;
}

async function readyAfter(env: Record<string, string>, what: string): Promise<{ started: Started; seconds: number }> {
  const began = performance.now();
  const started = await start(process.execPath, ['dist/cli/main.js', 'serve'], env, what);
  while (
    !(await fetch(`${started.url}/readyz`).then(
      (r) => r.ok,
      () => false,
    ))
  )
    await new Promise((resolve) => setTimeout(resolve, 50));
  return { started, seconds: (performance.now() - began) / 1000 };
}

async function measure(target: string, env: Record<string, string>, context: BenchContext): Promise<Run> {
  const { started, seconds } = await readyAfter(env, target);
  context.started.push(started);
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const rss = await rssMiB(started.pid);
  await stop(started);
  return { target, readySeconds: seconds, rssMiB: rss };
}

export async function startupSection(context: BenchContext): Promise<SectionReport> {
  const base = { PORT: '0', HOST: '127.0.0.1', ADMIN_TOKEN };
  const dataDir = mkdtempSync(path.join(context.tmp, 'pglite-'));
  const runs = [
    await measure('PGlite, fresh data folder (migrations, demo account)', { ...base, DATA_DIR: dataDir }, context),
    await measure('PGlite, restart on the same folder', { ...base, DATA_DIR: dataDir }, context),
    await measure('Postgres server (DATABASE_URL), migrated', { ...base, DATABASE_URL: context.dbUrl }, context),
  ];
  const text = table(
    ['target', 'ready in s', `resident MiB, idle ${IDLE_MS / 1000} s`],
    runs.map((run) => [run.target, fmt(run.readySeconds, 1), fmt(run.rssMiB)]),
  );
  return { title: 'Start-up and resident memory (node dist/cli/main.js serve, to the first 200 from /readyz)', text, json: runs };
}
