import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { TEST_ADMIN_TOKEN } from '../helpers/service-token';
import type { PgCluster } from './cluster';
import { freePort } from './ports';

/**
 * The service under test as a user runs it: `node dist/cli/main.js serve` in a child process (npm run
 * test:faults builds first), on the cluster's `postgres` database, on a port of its own that a
 * restart keeps, so clients go on calling the same URL.
 */

// FAULTS_SERVICE_ROOT runs another built checkout instead (e.g. the code before a fix, to measure it).
const ROOT = path.resolve(process.env.FAULTS_SERVICE_ROOT || path.resolve(__dirname, '../..'));
const MAIN = path.join(ROOT, 'dist', 'cli', 'main.js');

/** Jobs of a few records finish in well under a second, so a run's jobs end soon after its load. */
const QUICK_WORKER = { WORKER_POLL_MS: '50', WORKER_TICK_MS: '50', DEFAULT_RATE_PER_SECOND: '100' };

const MAX_OUTPUT_CHARS = 200_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ServiceProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private text = '';
  /** Set by kill(): an exit the test caused is no failure. */
  private expectingExit = false;
  /** Exits nobody asked for, with their status. */
  readonly unexpectedExits: string[] = [];

  private constructor(
    readonly url: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** Starts the service on the cluster and waits for /healthz; `env` adds or overrides settings. */
  static async start(cluster: PgCluster, env: Record<string, string> = {}): Promise<ServiceProcess> {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build (npm run test:faults does it first)`);
    const port = await freePort();
    const service = new ServiceProcess(`http://127.0.0.1:${port}`, {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: cluster.url('postgres', 'ase-faults-service'),
      HOST: '127.0.0.1',
      PORT: String(port),
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      // Errors still show; the per-request lines would only fill memory.
      LOG_LEVEL: 'warn',
      ...QUICK_WORKER,
      ...env,
    });
    await service.launch();
    return service;
  }

  /** What the process wrote (errors and warnings), for failure messages. */
  output(): string {
    return this.text;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** A fresh process on the same port and database; the old one must be gone. */
  async restart(): Promise<void> {
    if (this.child) throw new Error('the service is still running: kill it first');
    await this.launch();
  }

  /** Sends `signal` and waits for the process to end (SIGKILL after 15 s). */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.expectingExit = true;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }

  /** GET a probe; its status, or 0 without an answer within `timeoutMs`. */
  async probe(route: '/healthz' | '/readyz', timeoutMs = 5_000): Promise<number> {
    try {
      const response = await fetch(`${this.url}${route}`, { signal: AbortSignal.timeout(timeoutMs) });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  }

  /** An admin API call; throws unless it answers one of `ok`. */
  async admin(method: string, route: string, body?: unknown, ok = [200, 201, 204]): Promise<any> {
    const response = await fetch(`${this.url}/admin${route}`, {
      method,
      headers: { Authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    if (!ok.includes(response.status)) throw new Error(`${method} /admin${route} answered ${response.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  private async launch(): Promise<void> {
    this.expectingExit = false;
    const child = spawn(process.execPath, [MAIN, 'serve'], { cwd: ROOT, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.text = (this.text + chunk.toString()).slice(-MAX_OUTPUT_CHARS);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        if (!this.expectingExit) this.unexpectedExits.push(`pid ${child.pid} exited (${code ?? signal})`);
        if (this.child === child) this.child = null;
        resolve();
      }),
    );
    const deadline = Date.now() + 60_000;
    while ((await this.probe('/healthz', 2_000)) !== 200) {
      if (this.child !== child) throw new Error(`the service exited before it answered /healthz:\n${this.text}`);
      if (Date.now() > deadline) throw new Error(`the service did not answer /healthz within 60 s:\n${this.text}`);
      await sleep(100);
    }
  }
}
