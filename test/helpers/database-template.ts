import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { embeddedKnex, openDatabase } from '../../src/db/database';
import { openFolder } from '../../src/db/embedded';
import { migrate } from '../../src/db/migrate';

/**
 * Jest's global setup and teardown: the service's migrations run once per test run, into a
 * template database on the Postgres server DATABASE_URL names, or without it into an in-memory
 * PGlite whose image is written to a file. Each file's database starts from it (database.ts).
 */

/** The environment variables that tell the files where the template is. */
export const TEMPLATE_DATABASE = 'ASE_TEST_TEMPLATE_DATABASE';
export const TEMPLATE_IMAGE = 'ASE_TEST_TEMPLATE_IMAGE';
/** This run's mark, which every database it makes on the server carries: teardown drops what a crashed file left. */
export const RUN_MARK = 'ASE_TEST_RUN';

export function withDatabase(url: string, name: string): string {
  const located = new URL(url);
  located.pathname = `/${name}`;
  return located.toString();
}

export async function setUp(): Promise<void> {
  const server = process.env.DATABASE_URL;
  if (server) {
    const run = randomBytes(4).toString('hex');
    process.env[RUN_MARK] = run;
    const name = `ase_test_${run}_template`;
    await onServer(server, (client) => client.query(`create database ${name}`)).catch((error: { code?: string; message?: string }) => {
      // 42501: insufficient privilege.
      if (error.code !== '42501') throw error;
      throw new Error(
        `npm test makes a database per test file on the server in DATABASE_URL, and its role may not (${error.message}): grant it CREATEDB, or unset DATABASE_URL to test on PGlite.`,
        { cause: error },
      );
    });
    // Jest runs no teardown when the setup fails: what it made goes here.
    try {
      const database = await openDatabase({ url: withDatabase(server, name), dataDir: 'memory', poolMax: 1 });
      try {
        await migrate(database.knex);
      } finally {
        await database.close();
      }
    } catch (error) {
      await onServer(server, (client) => client.query(`drop database if exists ${name} with (force)`));
      throw error;
    }
    process.env[TEMPLATE_DATABASE] = name;
    return;
  }
  // A folder made by initdb in a child process, as the service's are: jest's own process, which
  // lives for the whole run, does not keep initdb's memory.
  const folder = mkdtempSync(path.join(tmpdir(), 'ase-test-'));
  const pglite = await openFolder(path.join(folder, 'pglite'));
  const knex = embeddedKnex(pglite);
  try {
    await migrate(knex);
    const image = await pglite.dumpDataDir('none');
    const file = path.join(folder, 'migrated.tar');
    writeFileSync(file, Buffer.from(await image.arrayBuffer()));
    process.env[TEMPLATE_IMAGE] = file;
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  } finally {
    await knex.destroy();
  }
}

export async function tearDown(): Promise<void> {
  const server = process.env.DATABASE_URL;
  const run = process.env[RUN_MARK];
  if (server && run) {
    // The template, and any file's database its file did not drop (a crash, a hook that timed out).
    await onServer(server, async (client) => {
      const left = await client.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [`ase\\_test\\_${run}\\_%`]);
      for (const { datname } of left.rows) await client.query(`drop database if exists ${datname} with (force)`);
    });
  }
  const file = process.env[TEMPLATE_IMAGE];
  if (file) rmSync(path.dirname(file), { recursive: true, force: true });
}

/** Runs `work` on a connection of its own to the server's database named in `url`. */
export async function onServer<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
