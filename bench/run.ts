import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { ROOT, machine, stop, type BenchContext, type Section, type SectionReport } from './harness';
import { pagingSection } from './paging';
import { etaSection } from './eta';
import { pollSection } from './poll';
import { workerSection } from './worker-throughput';
import { scaleOutSection } from './scale-out';
import { startupSection } from './startup';
import { searchSection } from './search';
import { joinsSection } from './joins';
import { recordsSection } from './records';

/**
 * `npm run bench`: every section on a real Postgres server (DATABASE_URL), each target loaded from
 * a separate process, each goal printed as a ratio to a ceiling measured in the same run. Prints
 * one table per section and writes bench/out/latest.json. BENCH_SECTIONS picks some sections.
 */

const SECTIONS: Record<string, Section> = {
  poll: pollSection,
  paging: pagingSection,
  worker: workerSection,
  'scale-out': scaleOutSection,
  eta: etaSection,
  startup: startupSection,
  search: searchSection,
  joins: joinsSection,
  records: recordsSection,
};

async function main(): Promise<void> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('npm run bench needs a Postgres server: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres).');
  const chosen = (process.env.BENCH_SECTIONS ?? Object.keys(SECTIONS).join(',')).split(',').map((name) => name.trim());
  for (const name of chosen) if (!SECTIONS[name]) throw new Error(`BENCH_SECTIONS: unknown section ${name} (known: ${Object.keys(SECTIONS).join(', ')})`);

  const reports: SectionReport[] = [];
  for (const name of chosen) {
    // Each section gets a database of its own, so one's rows never slow another's queries.
    const benchDb = `ase_bench_${name.replace(/\W/g, '_')}_${process.pid}_${Date.now()}`;
    const server = new Client({ connectionString: adminUrl });
    await server.connect();
    await server.query(`create database ${benchDb}`);
    const dbUrl = new URL(adminUrl);
    dbUrl.pathname = `/${benchDb}`;
    const context: BenchContext = {
      dbUrl: dbUrl.toString(),
      db: new Client({ connectionString: dbUrl.toString() }),
      started: [],
      tmp: mkdtempSync(path.join(os.tmpdir(), 'ase-bench-')),
    };
    try {
      await context.db.connect();
      const report = await SECTIONS[name](context);
      reports.push(report);
      process.stdout.write(`\n## ${report.title}\n\n${report.text}\n\n`);
    } finally {
      for (const started of context.started) await stop(started);
      await context.db.end().catch(() => undefined);
      await server.query(`drop database if exists ${benchDb} with (force)`);
      await server.end();
    }
  }

  const out = path.join(ROOT, 'bench/out');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    path.join(out, 'latest.json'),
    JSON.stringify({ at: new Date().toISOString(), machine: machine(), sections: Object.fromEntries(reports.map((report) => [report.title, report.json])) }, null, 2),
  );
  process.stdout.write(`machine: ${machine()}\nwritten: bench/out/latest.json\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
