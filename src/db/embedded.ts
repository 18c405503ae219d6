import { spawn } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * PGlite's own settings. Postgres's default 128 MB of shared buffers are touched as pages are read
 * and stay resident: 8 MB holds the emulator's working set (idle resident memory of a PGlite
 * restart 306 → 159 MB; npm run bench, startup section, measures the whole service).
 */
export const EMBEDDED_SETTINGS = ['shared_buffers=8MB'];

/** A database in memory only, from scratch or from an image of a data folder (PGlite's dumpDataDir). */
export function openInMemory(image?: Blob): PGlite {
  return new PGlite({ postgresqlconf: EMBEDDED_SETTINGS, loadDataDir: image });
}

/**
 * A database in the folder `dir`. A folder that holds none yet gets one from a child process:
 * initdb's memory (about 500 MB, which this process would keep for good) goes when that process
 * ends. It writes a sibling folder and renames it into place, so a start killed half-way leaves no
 * half-made database behind.
 */
export async function openFolder(dir: string): Promise<PGlite> {
  if (!existsSync(path.join(dir, 'PG_VERSION'))) await initFolder(dir);
  return new PGlite({ dataDir: dir, postgresqlconf: EMBEDDED_SETTINGS });
}

const INIT_SCRIPT = `
const [moduleFile, dir, settings] = process.argv.slice(1);
const { PGlite } = require(moduleFile);
const db = new PGlite({ dataDir: dir, postgresqlconf: JSON.parse(settings) });
db.waitReady.then(() => db.close()).catch((error) => { console.error(error); process.exit(1); });
`;

async function initFolder(dir: string): Promise<void> {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new Error(`${dir} holds files but no database (no PG_VERSION): move it away, or give another DATA_DIR.`);
  }
  const making = `${dir}.making-${process.pid}`;
  rmSync(making, { recursive: true, force: true });
  const child = spawn(process.execPath, ['-e', INIT_SCRIPT, require.resolve('@electric-sql/pglite'), making, JSON.stringify(EMBEDDED_SETTINGS)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const status = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (status !== 0) {
    rmSync(making, { recursive: true, force: true });
    throw new Error(`Creating the embedded database in ${dir} failed (exit ${status}): ${errors.trim()}`);
  }
  if (existsSync(dir)) rmdirSync(dir);
  renameSync(making, dir);
}
