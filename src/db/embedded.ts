import { spawn } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { PGlite } from '@electric-sql/pglite';

/**
 * PGlite's start parameters: its own, and 8 MB of shared buffers instead of Postgres's 128 MB,
 * which stay resident once touched (idle resident memory of a PGlite restart 306 → 159 MB; npm
 * run bench, startup section, measures the whole service). Given on the command line, so the data
 * folder's postgresql.conf (time zone, text search) stays as initdb wrote it.
 */
export const embeddedStartParams = () => [...PGlite.defaultStartParams, '-c', 'shared_buffers=8MB'];

/**
 * V8 compiles PGlite's WASM module with as many tasks as it may, and each worker thread's allocator
 * keeps what compiling took (about 50 MB resident for the service's life). One compile task: idle
 * resident memory of a PGlite restart 290 → 237 MiB, ready in 2.2 s either way (measured with
 * node dist/cli/main.js serve). V8 reads the flag when a module is compiled, so it is set before
 * each database is made.
 */
function compileWasmOnOneTask(): void {
  setFlagsFromString('--wasm-num-compilation-tasks=1');
}

/** How long making a new cluster may take before the start gives up (a hang guard: it takes seconds). */
const INIT_TIMEOUT_MS = 180_000;
/** A fresh volume's own folder, which a data folder may hold before any database. */
const MOUNT_LEFTOVERS = new Set(['lost+found']);

/** A database in memory only, from scratch or from an image of a data folder (PGlite's dumpDataDir). */
export function openInMemory(image?: Blob): PGlite {
  compileWasmOnOneTask();
  return new PGlite({ startParams: embeddedStartParams(), loadDataDir: image });
}

/**
 * A database in the folder `dir`, ready. A folder that holds none yet gets one, migrated, from a
 * child process: the memory initdb and the migrations take (about 500 MB, which this process would
 * keep for good) goes when that process ends. A new folder is made beside `dir` and renamed into place, so a start killed half-way
 * leaves no half-made database; an empty folder that exists already (a volume's mount point) is
 * filled where it is. The caller holds the data folder's lock.
 */
export async function openFolder(dir: string): Promise<PGlite> {
  if (!existsSync(path.join(dir, 'PG_VERSION'))) await initFolder(dir);
  compileWasmOnOneTask();
  const pglite = new PGlite({ dataDir: dir, startParams: embeddedStartParams() });
  await pglite.waitReady;
  return pglite;
}

/**
 * The child's script: compiled next to this file, or the TypeScript source, run with this
 * process's own flags (a process that runs the sources, as the npm test scripts do, has the flag
 * that compiles them).
 */
function makerScript(): { file: string; flags: string[] } {
  const compiled = path.join(__dirname, 'make-embedded-folder.js');
  if (existsSync(compiled)) return { file: compiled, flags: [] };
  return { file: path.join(__dirname, 'make-embedded-folder.ts'), flags: loaderFlags(process.execArgv) };
}

/** Of a process's flags, those that load code or enable features (-r file, --import=…, --experimental-…): never -e, -p or an inspector. */
function loaderFlags(flags: string[]): string[] {
  const kept: string[] = [];
  for (let at = 0; at < flags.length; at++) {
    const flag = flags[at];
    if ((flag === '-r' || flag === '--require' || flag === '--import') && at + 1 < flags.length) kept.push(flag, flags[++at]);
    else if (/^--(require|import)=/.test(flag) || flag.startsWith('--experimental-')) kept.push(flag);
  }
  return kept;
}

async function initFolder(dir: string): Promise<void> {
  const making = `${dir}.making`;
  // What a start killed while making one left behind.
  rmSync(making, { recursive: true, force: true });
  const inPlace = existsSync(dir);
  if (inPlace && readdirSync(dir).some((entry) => !MOUNT_LEFTOVERS.has(entry))) {
    throw new Error(`${dir} holds files but no database (no PG_VERSION): move it away, or give another DATA_DIR.`);
  }
  const target = inPlace ? dir : making;
  try {
    await runInit(target);
    if (!existsSync(path.join(target, 'PG_VERSION'))) throw new Error(`Creating the embedded database in ${dir} left no PG_VERSION.`);
  } catch (error) {
    if (!inPlace) rmSync(making, { recursive: true, force: true });
    throw error;
  }
  if (!inPlace) renameSync(making, dir);
}

/** initdb and the migrations in a child process of its own, with nothing of this one's environment (no NODE_OPTIONS, no secrets). */
function runInit(target: string): Promise<void> {
  const { file, flags } = makerScript();
  const child = spawn(process.execPath, [...flags, file, target], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH ?? '' },
  });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  return new Promise<void>((resolve, reject) => {
    const guard = setTimeout(() => child.kill('SIGKILL'), INIT_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(guard);
      reject(new Error(`Creating the embedded database in ${target} could not start a process: ${error.message}`, { cause: error }));
    });
    child.on('close', (status, signal) => {
      clearTimeout(guard);
      if (status === 0) resolve();
      else reject(new Error(`Creating the embedded database in ${target} failed (${signal ? `killed by ${signal}` : `exit ${status}`}): ${errors.trim()}`));
    });
  });
}
