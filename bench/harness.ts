import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { passportFor, type Credentials, type LoadResult, type LoadSpec } from './load';

/**
 * What every bench section shares: starting and stopping processes, the load generator, a fresh
 * database per run, accounts with credentials, and the table format. Each section gets a
 * BenchContext and returns a SectionReport; bench/run.ts prints them and writes the JSON.
 */

export const ROOT = path.resolve(__dirname, '..');
export const VERSION = '2023_2';
export const ADMIN_TOKEN = 'bench-admin-token-0123456789';
export const REGISTER = ['-r', './tools/register-ts.js'];
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** A fixed rate for the poll section's load (requests a second), to compare CPU a request: see LoadSpec.rate. */
export const RATE = process.env.BENCH_RATE ? positiveNumber('BENCH_RATE', process.env.BENCH_RATE) : undefined;
/**
 * Load before each measured run, the same for every target. WireMock's JVM needs it: after 3 s of
 * warm-up it answered 4,514 and 5,345 req/s, after 10 s 10,519 and 7,297 (ceilings 15,115-17,863).
 */
export const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
/** Node flags for the measured service, to profile it: BENCH_SERVICE_NODE_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/prof'. */
export const SERVICE_NODE_FLAGS = (process.env.BENCH_SERVICE_NODE_FLAGS ?? '').split(' ').filter(Boolean);
/** Settings for every service the bench starts, over its own: BENCH_SERVICE_ENV='LOG_LEVEL=warn JOURNAL_MAX_BODY_BYTES=0'. */
export const SERVICE_ENV: Record<string, string> = Object.fromEntries(
  (process.env.BENCH_SERVICE_ENV ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new Error(`BENCH_SERVICE_ENV: "${pair}" is not NAME=value`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
);

/** A setting's value as a number above 0, or a clear error naming it. */
export function positiveNumber(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a number above 0 (got "${raw}")`);
  return value;
}

export interface Started {
  url: string;
  child: ChildProcess;
  pid: number;
}

export interface BenchContext {
  /** The bench run's own database on the Postgres server. */
  dbUrl: string;
  /** A connection to it, for seeding and for reading rows back. */
  db: Client;
  /** Keeps every started process, so a failure still stops them all. */
  started: Started[];
  tmp: string;
}

export interface SectionReport {
  title: string;
  /** Markdown: tables and goal lines. */
  text: string;
  json: unknown;
}

export type Section = (context: BenchContext) => Promise<SectionReport>;

/** Starts a process and waits for the first `"url":"…"` it prints. */
export function start(command: string, args: string[], env: Record<string, string>, what: string): Promise<Started> {
  const child = spawn(command, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start in 120 s:\n${output}`)), 120_000);
    let listening = false;
    const tail: Buffer[] = [];
    const onData = (chunk: Buffer) => {
      // Once it listens, its lines are drained unread, as a log collector would take them: scanning
      // them here took CPU from the two cores the service, Postgres and the load share.
      if (listening) {
        tail.push(chunk);
        if (tail.length > 16) tail.shift();
        return;
      }
      output += chunk.toString();
      const found = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (found) {
        listening = true;
        output = '';
        clearTimeout(timer);
        resolve({ url: found[1], child, pid: child.pid! });
      }
      if (output.length > 100_000) output = output.slice(-50_000);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}):\n${output}${Buffer.concat(tail).toString()}`));
    });
  });
}

export function stop(started: Started | undefined): Promise<void> {
  if (!started || started.child.exitCode !== null || started.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    started.child.removeAllListeners('exit');
    started.child.once('exit', () => resolve());
    started.child.kill('SIGTERM');
  });
}

/** The service's environment for a bench: its own database, no demo account, no concurrency limit. */
export function serviceEnv(context: BenchContext, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: context.dbUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_TOKEN,
    DEMO_ACCOUNT: 'off',
    AUTHENTICATION: 'on',
    // A few hundred connectors polling one account's jobs would trip NetSuite's limit of 5.
    CONCURRENT_REQUESTS_PER_ACCOUNT: '0',
    ...overrides,
    ...SERVICE_ENV,
  };
}

/** Starts the built service (npm run bench builds it first) and records it for clean-up. */
/** A worker process (`main.js worker`, pacing off, with `overrides`), ready once it logs that it started. */
export function startWorker(context: BenchContext, overrides: Record<string, string> = {}): Promise<Started> {
  const env = { PATH: process.env.PATH ?? '', ...serviceEnv(context, { WORKER_PACING: 'off', ...overrides }) };
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, 'dist/cli/main.js', 'worker'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  // A worker listens on nothing, so it has no url.
  const worker: Started = { url: '', child, pid: child.pid! };
  context.started.push(worker);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker started')) resolve(worker);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`a worker exited (${code}):\n${output.slice(-5000)}`)));
  });
}

export async function startService(context: BenchContext, overrides: Record<string, string> = {}, nodeFlags: string[] = SERVICE_NODE_FLAGS): Promise<Started> {
  const service = await start(process.execPath, [...nodeFlags, 'dist/cli/main.js', 'serve'], serviceEnv(context, overrides), 'the service');
  context.started.push(service);
  return service;
}

/** Runs the load generator in its own process, so it never shares an event loop with a server. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const specFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'ase-bench-load-')), 'spec.json');
  writeFileSync(specFile, JSON.stringify(spec));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...REGISTER, 'bench/load.ts', specFile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(output.trim().split('\n').at(-1)!)) : reject(new Error(`load generator exited ${code}: ${output}`))));
  });
}

export const credentialsOf = (account: string): Credentials => ({
  account,
  consumerKey: `ck-${account}`,
  consumerSecret: `cs-${account}-secret`,
  tokenId: `tk-${account}`,
  tokenSecret: `ts-${account}-secret`,
  version: VERSION,
});

export const endpoint = (url: string) => `${url}/services/NetSuitePort_${VERSION}`;

/** A SOAP envelope around one operation's body, with {{PASSPORT}} for the signed header. */
export const envelope = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ` +
  `xmlns:msg="urn:messages_${VERSION}.platform.webservices.netsuite.com"><soapenv:Header>{{PASSPORT}}</soapenv:Header>` +
  `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;

/** Posts one SOAP request signed for the account, as a client would; `header` adds SOAP headers (searchPreferences…). */
export async function soapCall(url: string, account: string, operation: string, body: string, header = ''): Promise<{ status: number; text: string }> {
  const response = await fetch(endpoint(url), {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: operation },
    body: envelope(body).replace('{{PASSPORT}}', passportFor(credentialsOf(account)) + header),
  });
  return { status: response.status, text: await response.text() };
}

export async function admin(url: string, route: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${url}/admin${route}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status >= 300 && response.status !== 409) throw new Error(`POST /admin${route} answered ${response.status}: ${await response.text()}`);
  return response.json().catch(() => undefined);
}

/** Accounts with the credentials the load generator signs with (created through the admin API). */
export async function createAccounts(url: string, accounts: string[]): Promise<void> {
  for (const account of accounts) {
    const c = credentialsOf(account);
    await admin(url, '/accounts', { id: account });
    await admin(url, `/accounts/${account}/integrations`, { name: 'bench', consumerKey: c.consumerKey, consumerSecret: c.consumerSecret });
    await admin(url, `/accounts/${account}/tokens`, { consumerKey: c.consumerKey, tokenId: c.tokenId, tokenSecret: c.tokenSecret });
  }
}

export const fmt = (value: number, digits = 0) =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a';

export const table = (header: string[], rows: Array<Array<string | number>>, rightFrom = 1) =>
  [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i >= rightFrom ? '---:' : '---')).join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');

export const metOrNot = (met: boolean) => (met ? 'met' : 'not met');

/** A memory figure of a process from /proc/<pid>/status (Linux), in MiB. */
async function procStatusMiB(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const found = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
  if (!found) throw new Error(`no ${field} for process ${pid}`);
  return Number(found[1]) / 1024;
}

/** Peak resident memory of a process so far. */
export const peakRssMiB = (pid: number) => procStatusMiB(pid, 'VmHWM');

/** Current resident memory of a process. */
export const rssMiB = (pid: number) => procStatusMiB(pid, 'VmRSS');

export const machine = () => `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${fmt(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;

/** CPU seconds (user + system) each process has used so far, from /proc/<pid>/stat (Linux); ended ones are left out. */
export async function cpuSeconds(pids: number[]): Promise<Map<number, number>> {
  const { readFile } = await import('node:fs/promises');
  const used = new Map<number, number>();
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    if (stat)
      used.set(
        pid,
        stat
          .slice(stat.lastIndexOf(')') + 2)
          .split(' ')
          .slice(11, 13)
          .reduce((sum, field) => sum + Number(field), 0) / 100,
      );
  }
  return used;
}

/** Every Postgres server process on this machine (the postmaster and its backends). */
export async function postgresPids(): Promise<number[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const comm = await readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '');
    if (comm.trim() === 'postgres') pids.push(Number(entry));
  }
  return pids;
}

/** CPU used by some processes (together) and by Postgres while `work` runs, in seconds. */
export async function measureCpu<T>(pids: number[], work: () => Promise<T>): Promise<{ result: T; processCpu: number; postgresCpu: number }> {
  const before = await cpuSeconds([...pids, ...(await postgresPids())]);
  const result = await work();
  // Backends that end meanwhile are lost to the count; the services' pools keep their connections.
  const after = await cpuSeconds([...before.keys(), ...(await postgresPids())]);
  let processCpu = 0;
  let postgresCpu = 0;
  for (const [pid, seconds] of after) {
    const used = seconds - (before.get(pid) ?? 0);
    if (pids.includes(pid)) processCpu += used;
    else postgresCpu += used;
  }
  return { result, processCpu, postgresCpu };
}
