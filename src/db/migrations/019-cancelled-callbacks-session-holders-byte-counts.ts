import type { Knex } from 'knex';

// A cancelled job (progress API) ends too, so it is told to its
// callback URL; a session's hold names its holder, so a request whose hold ran out cannot free
// the next one's; a journal entry's byte counts fit any Content-Length a client declares.
export async function up(db: Knex): Promise<void> {
  await db.raw('drop trigger if exists jobs_queue_callback on jobs');
  await db.raw(`create trigger jobs_queue_callback after update of status on jobs
    for each row
    when (new.callback_url is not null
          and new.status in ('finished', 'finishedWithErrors', 'failed', 'cancelled')
          and old.status not in ('finished', 'finishedWithErrors', 'failed', 'cancelled'))
    execute function jobs_queue_callback()`);
  await db.raw('alter table sessions add column busy_holder text');
  await db.raw('alter table request_journal alter column request_bytes type bigint, alter column answer_bytes type bigint');
}

export async function down(db: Knex): Promise<void> {
  await db.raw('alter table request_journal alter column request_bytes type int, alter column answer_bytes type int');
  await db.raw('alter table sessions drop column busy_holder');
  await db.raw('drop trigger if exists jobs_queue_callback on jobs');
  await db.raw(`create trigger jobs_queue_callback after update of status on jobs
    for each row
    when (new.callback_url is not null
          and new.status in ('finished', 'finishedWithErrors', 'failed')
          and old.status not in ('finished', 'finishedWithErrors', 'failed'))
    execute function jobs_queue_callback()`);
}
