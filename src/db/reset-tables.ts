/**
 * Every table a reset (POST /admin/reset) clears, in one place: whoever adds a table of state adds
 * it here. Listed parents first: a reset locks them in this order (jobs first, as every writer
 * that touches jobs starts with them, so a reset cannot deadlock against a worker step) and
 * deletes in the reverse order, children first, so each table's count is its own rows. A table
 * not yet created (a migration not run) is skipped.
 *
 * `account` picks one account's rows (`?` is the account id); null keeps the table whole on a
 * reset of one account: the account's configuration (the account, its credentials, its callback
 * URL) stays, only what it did goes.
 *
 * Not here, so it survives every reset: `settings` (the admin token, the callback secret, what a
 * fresh install did once), except the manual clock, which a reset sets back to CLOCK_START;
 * and the migrations' own tables.
 */

const JOBS_OF = 'job_id in (select id from jobs where account = ?)';

export interface ResetTable {
  table: string;
  account: string | null;
}

export const RESET_TABLES: readonly ResetTable[] = [
  { table: 'jobs', account: 'account = ?' },
  { table: 'job_inputs', account: JOBS_OF },
  { table: 'job_items', account: JOBS_OF },
  { table: 'job_progress', account: JOBS_OF },
  { table: 'job_steps', account: JOBS_OF },
  { table: 'job_step_items', account: `step_sys_id in (select sys_id from job_steps where ${JOBS_OF})` },
  { table: 'callback_deliveries', account: JOBS_OF },
  { table: 'callback_attempts', account: `delivery_id in (select id from callback_deliveries where ${JOBS_OF})` },
  { table: 'records', account: 'account = ?' },
  { table: 'saved_searches', account: 'account = ?' },
  { table: 'deleted_records', account: 'account = ?' },
  { table: 'search_snapshots', account: 'account = ?' },
  { table: 'search_snapshot_rows', account: 'search_id in (select search_id from search_snapshots where account = ?)' },
  { table: 'account_counters', account: 'account = ?' },
  { table: 'id_seeds', account: 'scope = ?' },
  { table: 'id_counters', account: 'scope = ?' },
  { table: 'accounts', account: null },
  { table: 'integrations', account: null },
  { table: 'tokens', account: null },
  { table: 'passport_users', account: null },
  { table: 'account_callbacks', account: null },
  { table: 'token_nonces', account: 'token_id in (select token_id from tokens where account = ?)' },
  { table: 'login_audit', account: 'account = ?' },
  { table: 'request_slots', account: 'account = ?' },
  { table: 'sessions', account: 'account = ?' },
  { table: 'fault_rules', account: 'account = ?' },
  { table: 'request_journal', account: 'account = ?' },
];
