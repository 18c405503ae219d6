/**
 * Run as a child process by embedded.ts (never imported): makes a PGlite cluster in the folder
 * argv[2] and brings its schema up to date, then exits. initdb's memory and the memory the
 * migrations grow are the child's, and go with it: PGlite's WASM memory never shrinks, so a service
 * that did both itself would keep them while it runs.
 */
import { PGlite } from '@electric-sql/pglite';
import { embeddedKnex } from './database';
import { embeddedStartParams } from './embedded';
import { migrate } from './migrate';

async function makeFolder(dir: string): Promise<void> {
  const knex = embeddedKnex(new PGlite({ dataDir: dir, startParams: embeddedStartParams() }));
  try {
    await migrate(knex);
  } finally {
    // knex's one PGlite connection: destroying the pool closes the database.
    await knex.destroy();
  }
}

makeFolder(process.argv[2]).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
