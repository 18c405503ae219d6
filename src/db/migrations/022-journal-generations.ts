import type { Knex } from 'knex';

// The journal in two generations (list partitions of one table) instead of one table pruned row
// by row. Deleting the oldest entries as new ones came, and vacuuming after them, cost Postgres
// more than writing the entries: a poll storm against a full journal measured 140 µs of Postgres
// CPU a poll, against about 50 while it was filling. Now the current generation takes every new
// entry; once it alone holds JOURNAL_MAX_ENTRIES, the other (all older entries) is truncated and
// becomes the current one. Reads show the newest JOURNAL_MAX_ENTRIES. The partitions are unlogged,
// as the table was, and keep rows up to a page whole (021). Each entry also says whether the cap
// cut its bodies: a masked secret made a body shorter than its size, which read as cut before.

/** The columns as 016 and 019 made them, in their order; the new table takes them from the old one. */
const NAMES =
  'id, at, request_id, face, account, operation, job_id, method, path, request_headers, request_body, request_bytes, status, answer_body, answer_bytes, fault_code, duration_ms, injected_rule_id, injected_effect';

export async function up(db: Knex): Promise<void> {
  await db.raw('alter sequence request_journal_id_seq owned by none');
  await db.raw('alter table request_journal rename to request_journal_022');
  await db.raw(`create table request_journal (
    like request_journal_022 including defaults,
    generation smallint not null default 0,
    request_cut boolean not null default false,
    answer_cut boolean not null default false
  ) partition by list (generation)`);
  for (const generation of [0, 1]) {
    await db.raw(
      `create unlogged table request_journal_${generation} partition of request_journal (generation default ${generation}) ` +
        `for values in (${generation}) with (toast_tuple_target = 8160)`,
    );
  }
  await db.raw(
    `insert into request_journal (${NAMES}, request_cut, answer_cut) select ${NAMES}, ` +
      'coalesce(octet_length(request_body), 0) < request_bytes, coalesce(octet_length(answer_body), 0) < answer_bytes from request_journal_022',
  );
  await db.raw('drop table request_journal_022');
  await db.raw('alter sequence request_journal_id_seq owned by request_journal.id');
  await db.raw('create index request_journal_id_idx on request_journal (id)');
  await lookupIndexes(db);
  // Where new entries go, and the newest id when that generation began.
  await db.raw('create table request_journal_state (id int primary key check (id = 1), generation smallint not null, generation_start bigint not null)');
  await db.raw('insert into request_journal_state (id, generation, generation_start) values (1, 0, 0)');
  // A writer holds the state row shared while it writes, so a turn never empties the generation
  // someone is writing to: it waits for them, and they write to the current one after it.
  await db.raw(`create function request_journal_turn(keep bigint) returns void language plpgsql as $$
    declare
      current_generation smallint;
      started bigint;
      newest bigint;
    begin
      select generation, generation_start into current_generation, started from request_journal_state where id = 1 for update;
      select max(id) into newest from request_journal;
      -- An id below the start: the sequence began again (a crash empties unlogged tables and
      -- restarts their sequences), so the generations turn at once rather than wait for it.
      if newest is not null and (newest - started >= keep or newest < started) then
        execute format('truncate table %I', 'request_journal_' || (1 - current_generation));
        update request_journal_state set generation = 1 - current_generation, generation_start = newest where id = 1;
      end if;
    end $$`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('drop function if exists request_journal_turn(bigint)');
  await db.raw('drop table if exists request_journal_state');
  await db.raw('alter sequence request_journal_id_seq owned by none');
  await db.raw('alter table request_journal rename to request_journal_022');
  await db.raw('create unlogged table request_journal (like request_journal_022 including defaults) with (toast_tuple_target = 8160)');
  await db.raw('alter table request_journal drop column generation, drop column request_cut, drop column answer_cut, add primary key (id)');
  await db.raw(`insert into request_journal (${NAMES}) select ${NAMES} from request_journal_022`);
  await db.raw('drop table request_journal_022');
  await db.raw('alter sequence request_journal_id_seq owned by request_journal.id');
  await lookupIndexes(db);
}

/** The indexes reads use (by time, account and job), as migration 016 made them. */
async function lookupIndexes(db: Knex): Promise<void> {
  await db.raw('create index request_journal_at_idx on request_journal (at, id)');
  await db.raw('create index request_journal_account_idx on request_journal (account, id)');
  await db.raw('create index request_journal_job_idx on request_journal (job_id) where job_id is not null');
}
