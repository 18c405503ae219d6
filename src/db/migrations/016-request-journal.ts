import type { Knex } from 'knex';

// The request journal: every SOAP and JSON-face request with its answer, secrets masked, bodies
// capped. Unlogged: it is a diagnostic record, written in batches off the request path, and a
// database crash may empty it. Retention (count and age) keeps it small; ids order it.
export async function up(db: Knex): Promise<void> {
  await db.raw(`create unlogged table request_journal (
    id bigserial primary key,
    at timestamptz not null,
    request_id text not null,
    face text not null,
    account text,
    operation text not null,
    job_id text,
    method text not null,
    path text not null,
    request_headers jsonb not null,
    request_body text,
    request_bytes int not null,
    status int,
    answer_body text,
    answer_bytes int not null,
    fault_code text,
    duration_ms real not null,
    injected_rule_id bigint,
    injected_effect text
  )`);
  await db.raw('create index request_journal_at_idx on request_journal (at, id)');
  await db.raw('create index request_journal_account_idx on request_journal (account, id)');
  await db.raw('create index request_journal_job_idx on request_journal (job_id) where job_id is not null');
}

export async function down(db: Knex): Promise<void> {
  await db.raw('drop table if exists request_journal');
}
