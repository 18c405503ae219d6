import type { Knex } from 'knex';

// Callbacks: a job may name a URL to be told when it ends; an account may name one for all its
// jobs. Ending a job queues its delivery in the same transaction, whichever path ended it (the
// worker, a step failure, the progress API), by trigger; the dispatcher then delivers with retries
// and records each attempt.
export async function up(db: Knex): Promise<void> {
  await db.raw('alter table jobs add column callback_url text');
  await db.raw(`create table account_callbacks (
    account text primary key,
    url text not null,
    updated_at timestamptz not null
  )`);
  await db.raw(`create table callback_deliveries (
    id bigserial primary key,
    job_id text not null references jobs (id) on delete cascade,
    url text not null,
    state text not null default 'pending' check (state in ('pending', 'delivered', 'failed')),
    attempts int not null default 0,
    next_attempt_at timestamptz not null default now(),
    created_at timestamptz not null default now(),
    ended_at timestamptz
  )`);
  await db.raw("create index callback_deliveries_due_idx on callback_deliveries (next_attempt_at) where state = 'pending'");
  await db.raw('create index callback_deliveries_job_idx on callback_deliveries (job_id)');
  await db.raw(`create table callback_attempts (
    delivery_id bigint not null references callback_deliveries (id) on delete cascade,
    attempt int not null,
    attempted_at timestamptz not null,
    duration_ms int not null,
    http_status int,
    error text,
    primary key (delivery_id, attempt)
  )`);

  // A job that names no URL takes its account's.
  await db.raw(`create function jobs_default_callback() returns trigger language plpgsql as $$
    begin
      if new.callback_url is null then
        select url into new.callback_url from account_callbacks where account = new.account;
      end if;
      return new;
    end $$`);
  await db.raw(`create trigger jobs_default_callback before insert on jobs
    for each row execute function jobs_default_callback()`);

  // The moment a job ends, its callback is queued, in the transaction that ended it.
  await db.raw(`create function jobs_queue_callback() returns trigger language plpgsql as $$
    begin
      insert into callback_deliveries (job_id, url) values (new.id, new.callback_url);
      return null;
    end $$`);
  await db.raw(`create trigger jobs_queue_callback after update of status on jobs
    for each row
    when (new.callback_url is not null
          and new.status in ('finished', 'finishedWithErrors', 'failed')
          and old.status not in ('finished', 'finishedWithErrors', 'failed'))
    execute function jobs_queue_callback()`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('drop trigger if exists jobs_queue_callback on jobs');
  await db.raw('drop function if exists jobs_queue_callback()');
  await db.raw('drop trigger if exists jobs_default_callback on jobs');
  await db.raw('drop function if exists jobs_default_callback()');
  await db.raw('drop table if exists callback_attempts');
  await db.raw('drop table if exists callback_deliveries');
  await db.raw('drop table if exists account_callbacks');
  await db.raw('alter table jobs drop column if exists callback_url');
}
