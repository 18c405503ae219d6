import type { Knex } from 'knex';
import * as m001 from './001-jobs';
import * as m002 from './002-records';
import * as m003 from './003-step-failures';
import * as m004 from './004-one-id-counter';
import * as m005 from './005-settings';
import * as m006 from './006-last-polled';
import * as m007 from './007-accounts';
import * as m008 from './008-request-slots';
import * as m009 from './009-job-steps';
import * as m010 from './010-progress-api';
import * as m011 from './011-take-request-slot';
import * as m012 from './012-queue-indexes';
import * as m013 from './013-rate-gap';
import * as m014 from './014-callbacks';
import * as m015 from './015-sessions';
import * as m016 from './016-request-journal';
import * as m017 from './017-fault-rules';
import * as m018 from './018-id-seeds';
import * as m019 from './019-cancelled-callbacks-session-holders-byte-counts';
import * as m020 from './020-fault-rules-version';
import * as m021 from './021-journal-inline-rows';
import * as m022 from './022-journal-generations';
import * as m023 from './023-search-snapshots';
import * as m024 from './024-search-snapshot-rows-shape';
import * as m025 from './025-saved-searches';
import * as m026 from './026-record-date-indexes';
import * as m027 from './027-deleted-records';

/**
 * Numbered, append-only migrations, listed here rather than found on disk so they run the same
 * from TypeScript sources, compiled output and tests.
 */
const migrations: Record<string, Knex.Migration> = {
  '001-jobs': m001,
  '002-records': m002,
  '003-step-failures': m003,
  '004-one-id-counter': m004,
  '005-settings': m005,
  '006-last-polled': m006,
  '007-accounts': m007,
  '008-request-slots': m008,
  '009-job-steps': m009,
  '010-progress-api': m010,
  '011-take-request-slot': m011,
  '012-queue-indexes': m012,
  '013-rate-gap': m013,
  '014-callbacks': m014,
  '015-sessions': m015,
  '016-request-journal': m016,
  '017-fault-rules': m017,
  '018-id-seeds': m018,
  '019-cancelled-callbacks-session-holders-byte-counts': m019,
  '020-fault-rules-version': m020,
  '021-journal-inline-rows': m021,
  '022-journal-generations': m022,
  '023-search-snapshots': m023,
  '024-search-snapshot-rows-shape': m024,
  '025-saved-searches': m025,
  '026-record-date-indexes': m026,
  '027-deleted-records': m027,
};

/** Migrations renamed after they first ran, old name to new: a database that ran one under its old name is told the new one. */
export const RENAMED_MIGRATIONS: Readonly<Record<string, string>> = { '019-review-fixes': '019-cancelled-callbacks-session-holders-byte-counts' };

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name],
};
