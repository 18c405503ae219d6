import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../../src/db/database';
import { pendingMigrations } from '../../src/db/migrate';

/** The embedded database's data folder: made in a child process, its settings, and its lock. */

/**
 * A hang guard for each test: making a folder runs initdb and every migration in a child process
 * (a few seconds; minutes on a machine running two test suites and more, where 30 s was passed).
 */
const MAKING_A_FOLDER_MS = 240_000;

let root: string;
const opened: Database[] = [];
const open = async (dataDir: string) => {
  const database = await openDatabase({ dataDir });
  opened.push(database);
  return database;
};
const setting = async (database: Database, name: string) => Object.values((await database.knex.raw(`show ${name}`)).rows[0] as Record<string, string>)[0];

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'ase-embedded-'));
});
afterAll(async () => {
  for (const database of opened) await database.close().catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
});

it(
  'makes a new folder, keeps initdb’s settings, and runs with 8 MB of shared buffers',
  async () => {
    const dataDir = path.join(root, 'new');
    // What a start killed while making one leaves behind.
    mkdirSync(path.join(dataDir, 'pglite.making'), { recursive: true });
    const database = await open(dataDir);
    expect(await setting(database, 'shared_buffers')).toBe('8MB');
    expect(await setting(database, 'TimeZone')).toBe('UTC');
    expect(readdirSync(dataDir).sort()).toEqual(['pglite', 'pglite.lock']);
    // Migrated by the child that made it, so this process's WASM memory never grows for them.
    expect(await pendingMigrations(database.knex)).toEqual([]);
    await database.knex.raw('create table kept (id int)');
    await database.close();
    const again = await open(dataDir);
    expect((await again.knex.raw(`select count(*)::int as n from information_schema.tables where table_name = 'kept'`)).rows[0].n).toBe(1);
  },
  MAKING_A_FOLDER_MS,
);

it(
  'fills an empty folder where it is, as a volume’s mount point holding lost+found',
  async () => {
    const dataDir = path.join(root, 'volume');
    mkdirSync(path.join(dataDir, 'pglite', 'lost+found'), { recursive: true });
    const database = await open(dataDir);
    expect(readdirSync(path.join(dataDir, 'pglite'))).toContain('PG_VERSION');
    expect(await setting(database, 'shared_buffers')).toBe('8MB');
    expect(await pendingMigrations(database.knex)).toEqual([]);
  },
  MAKING_A_FOLDER_MS,
);

it(
  'refuses a folder holding other files, and a second use in the same process',
  async () => {
    const cluttered = path.join(root, 'cluttered');
    mkdirSync(path.join(cluttered, 'pglite'), { recursive: true });
    writeFileSync(path.join(cluttered, 'pglite', 'notes.txt'), 'mine');
    await expect(open(cluttered)).rejects.toThrow(/holds files but no database \(no PG_VERSION\)/);
    // The lock went with the failed start: the folder can be tried again.
    rmSync(path.join(cluttered, 'pglite', 'notes.txt'));
    await open(cluttered);
    await expect(open(cluttered)).rejects.toThrow(/is in use by this process already/);
  },
  MAKING_A_FOLDER_MS,
);

it(
  'takes over a lock holding its own pid that it does not hold: a restarted container’s earlier life',
  async () => {
    const dataDir = path.join(root, 'restarted');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path.join(dataDir, 'pglite.lock'), String(process.pid));
    const database = await open(dataDir);
    expect((await database.knex.raw('select 1 as one')).rows[0].one).toBe(1);
  },
  MAKING_A_FOLDER_MS,
);
