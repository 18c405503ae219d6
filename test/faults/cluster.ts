import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { runProgram } from '../helpers/programs';
import { freePort } from './ports';

/**
 * A throwaway Postgres cluster of the suite's own: initdb into a fresh temp folder, a free port on
 * 127.0.0.1, trust authentication, the superuser `postgres`. It can be stopped, restarted, frozen
 * (every process of it SIGSTOPped) and thawed under a running service; destroy() stops it and
 * removes its folder. Postgres refuses to run as root, so as root its programs run as the
 * `postgres` OS user (runuser), the folder given to that user.
 */

const POSTGRES_LIB = '/usr/lib/postgresql';
const INSTALL_HINT =
  'test:faults makes a Postgres cluster of its own with initdb and pg_ctl: install the server (apt-get install postgresql-15, or postgresql), which puts them in /usr/lib/postgresql/<version>/bin';

/** The newest installed server's bin folder (initdb, pg_ctl, postgres). */
function serverBin(): string {
  const versions = existsSync(POSTGRES_LIB)
    ? readdirSync(POSTGRES_LIB)
        .filter((name) => /^\d+$/.test(name) && existsSync(path.join(POSTGRES_LIB, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error(`${INSTALL_HINT} (no initdb under ${POSTGRES_LIB})`);
  return path.join(POSTGRES_LIB, versions[0], 'bin');
}

const asRoot = process.getuid?.() === 0;

/** The OS user the cluster runs as: `postgres` under root, else whoever runs the suite. */
function clusterOwner(): { uid: number; gid: number } | null {
  if (!asRoot) return null;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0)
    throw new Error(`the suite runs as root, and Postgres will not: it needs the OS user postgres, which ${INSTALL_HINT.split(': ')[1]} creates`);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** A command line of the server's programs, as the cluster's owner. */
function asOwner(program: string, args: string[]): [string, string[]] {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
}

export interface ClusterOptions {
  maxConnections?: number;
  /** More `-c name=value` settings. */
  settings?: Record<string, string | number>;
}

export class PgCluster {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
    private readonly options: ClusterOptions,
  ) {}

  private frozen: number[] = [];
  private destroyed = false;

  /** initdb and start; the folder is removed again if either fails. */
  static async create(options: ClusterOptions = {}): Promise<PgCluster> {
    const bin = serverBin();
    const owner = clusterOwner();
    const dir = mkdtempSync(path.join(tmpdir(), 'ase-faults-pg-'));
    if (owner) chownSync(dir, owner.uid, owner.gid);
    const cluster = new PgCluster(dir, await freePort(), bin, options);
    live.add(cluster);
    try {
      await cluster.run('initdb', ['-D', cluster.dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
      await cluster.start();
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  /** A URL for `database` on this cluster, naming the connection so pg_stat_activity tells who is who. */
  url(database = 'postgres', applicationName?: string): string {
    const url = new URL(`postgres://postgres@127.0.0.1:${this.port}/${database}`);
    if (applicationName) url.searchParams.set('application_name', applicationName);
    return url.toString();
  }

  async start(): Promise<void> {
    const settings: Record<string, string | number> = {
      listen_addresses: '127.0.0.1',
      max_connections: this.options.maxConnections ?? 100,
      // The suite stops Postgres only cleanly (pg_ctl stop) or freezes it; it never crashes it,
      // so nothing needs flushing to disk, and a shared machine is spared the writes.
      fsync: 'off',
      full_page_writes: 'off',
      ...this.options.settings,
    };
    const postgresOptions = [`-p ${this.port}`, `-k ${this.dir}`, ...Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`)].join(' ');
    await this.run('pg_ctl', ['-D', this.dataDir, '-l', path.join(this.dir, 'postgres.log'), '-o', postgresOptions, '-w', '-t', '60', 'start']);
  }

  /** A fast shutdown: open sessions are ended, the cluster stops cleanly. */
  async stop(): Promise<void> {
    this.thaw();
    await this.run('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** SIGSTOPs the postmaster and then every process it started: connections stay open, nothing answers. */
  async freeze(): Promise<number[]> {
    const postmaster = this.postmasterPid();
    process.kill(postmaster, 'SIGSTOP');
    // Listed after the postmaster stopped, so no child is started meanwhile.
    const children = await this.childrenOf(postmaster);
    for (const pid of children) process.kill(pid, 'SIGSTOP');
    this.frozen = [postmaster, ...children];
    return this.frozen;
  }

  /** SIGCONTs what freeze() stopped: children first, so the postmaster finds them running. */
  thaw(): void {
    for (const pid of [...this.frozen].reverse()) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // gone meanwhile
      }
    }
    this.frozen = [];
  }

  /** A connected client (the caller ends it); refused connections reject within `timeoutMs`. */
  async connect(database = 'postgres', applicationName = 'ase-faults-test', timeoutMs = 10_000): Promise<Client> {
    const client = new Client({ connectionString: this.url(database, applicationName), connectionTimeoutMillis: timeoutMs });
    client.on('error', () => undefined); // a connection ended by a restart fails its next query instead
    await client.connect();
    return client;
  }

  /** One statement on a connection of its own, so it works across restarts. */
  async query<Row = Record<string, any>>(sql: string, params: unknown[] = [], database = 'postgres'): Promise<Row[]> {
    const client = await this.connect(database);
    try {
      return (await client.query(sql, params)).rows as Row[];
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** psql on the cluster's socket, for whoever wants to look by hand (`-c` statements). */
  psql(sql: string, database = 'postgres') {
    return runProgram(path.join(this.bin, 'psql'), ['-h', this.dir, '-p', String(this.port), '-U', 'postgres', '-d', database, '-XAtc', sql]);
  }

  /** The cluster's log so far (its last `maxBytes`), for failure messages. */
  log(maxBytes = 20_000): string {
    try {
      const text = readFileSync(path.join(this.dir, 'postgres.log'), 'utf8');
      return text.slice(-maxBytes);
    } catch {
      return '';
    }
  }

  /** Stops the cluster (thawed first; immediate: nothing is kept) and removes its folder. Safe to call twice. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    live.delete(this);
    this.thaw();
    if (existsSync(path.join(this.dataDir, 'postmaster.pid'))) {
      await this.run('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', '-t', '60', 'stop']).catch(() => undefined);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Synchronous last resort at process exit, for a run that never reached afterAll. */
  destroyNow(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.thaw();
    const [command, args] = asOwner(path.join(this.bin, 'pg_ctl'), ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
    spawnSync(command, args, { stdio: 'ignore', timeout: 30_000 });
    rmSync(this.dir, { recursive: true, force: true });
  }

  private postmasterPid(): number {
    const pid = Number(readFileSync(path.join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no postmaster pid in ${this.dataDir}/postmaster.pid`);
    return pid;
  }

  private async childrenOf(pid: number): Promise<number[]> {
    const run = await runProgram('pgrep', ['-P', String(pid)], { timeoutMs: 10_000 });
    // pgrep exits 1 when there are none.
    if (run.code !== 0 && run.code !== 1) throw new Error(`pgrep -P ${pid} failed: ${run.stderr}`);
    return run.stdout
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((child) => Number.isInteger(child) && child > 0);
  }

  private async run(program: string, args: string[]): Promise<void> {
    const [command, fullArgs] = asOwner(path.join(this.bin, program), args);
    const result = await runProgram(command, fullArgs, { cwd: this.dir, timeoutMs: 90_000 });
    if (result.code !== 0) {
      throw new Error(`${program} ${args.join(' ')} failed (${result.code ?? result.signal}):\n${result.stdout}${result.stderr}\n${this.log()}`);
    }
  }
}

/** Clusters not yet destroyed: stopped at exit even if a run dies before its afterAll. */
const live = new Set<PgCluster>();
process.once('exit', () => {
  for (const cluster of live) cluster.destroyNow();
});
