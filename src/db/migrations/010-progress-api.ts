import type { Knex } from 'knex';

// Jobs that other systems report through the progress API ('external'): they have no SOAP
// operation, may be cancelled, may be created again with the same client id (answered with the
// first), and record when they last changed. Item outcomes keep their JSON (Salesforce items and
// codes are any JSON value).
export async function up(db: Knex): Promise<void> {
  await db.raw('alter table jobs drop constraint jobs_source_check');
  await db.raw(`alter table jobs add constraint jobs_source_check check (source in ('scripted', 'request', 'external'))`);
  await db.raw('alter table jobs drop constraint jobs_status_check');
  await db.raw(`alter table jobs add constraint jobs_status_check
    check (status in ('pending', 'processing', 'finished', 'finishedWithErrors', 'failed', 'cancelled'))`);
  await db.raw('alter table jobs alter column operation drop not null');
  await db.raw('alter table jobs alter column record_type drop not null');
  await db.raw(`alter table jobs add constraint jobs_operation_check check ((operation is null) = (source = 'external'))`);
  await db.schema.alterTable('jobs', (t) => {
    t.text('client_id');
    // The create request a client id was first used with, to tell a retry from a clash.
    t.text('client_request_hash');
    t.timestamp('updated_at', { useTz: true });
  });
  await db.raw('update jobs set updated_at = greatest(submitted_at, started_at, finished_at, last_sample_at)');
  await db.raw('alter table jobs alter column updated_at set not null');
  await db.raw('alter table jobs alter column updated_at set default now()');
  await db.raw('create unique index jobs_account_client_id_unique on jobs (account, client_id) where client_id is not null');

  await db.raw('alter table job_step_items alter column item type jsonb using to_jsonb(item)');
  await db.raw('alter table job_step_items alter column code type jsonb using to_jsonb(code)');
}

export async function down(db: Knex): Promise<void> {
  await db.raw(`alter table job_step_items alter column code type text using code #>> '{}'`);
  await db.raw(`alter table job_step_items alter column item type text using item #>> '{}'`);
  await db.raw('drop index jobs_account_client_id_unique');
  await db.schema.alterTable('jobs', (t) => {
    for (const column of ['client_id', 'client_request_hash', 'updated_at']) t.dropColumn(column);
  });
  await db.raw("delete from jobs where source = 'external'");
  await db.raw('alter table jobs drop constraint jobs_operation_check');
  await db.raw('alter table jobs alter column operation set not null');
  await db.raw('alter table jobs alter column record_type set not null');
  await db.raw('alter table jobs drop constraint jobs_status_check');
  await db.raw(`alter table jobs add constraint jobs_status_check
    check (status in ('pending', 'processing', 'finished', 'finishedWithErrors', 'failed'))`);
  await db.raw('alter table jobs drop constraint jobs_source_check');
  await db.raw(`alter table jobs add constraint jobs_source_check check (source in ('scripted', 'request'))`);
}
