import type { Knex } from 'knex';

// Injected faults: rules that make matching SOAP calls answer a fault, a 503, a delay or nothing.
// matched counts the calls a rule saw, fired those it took effect on; both move in one guarded
// UPDATE, so every server process consumes a rule's count alike. Adding or removing rules bumps
// the sequence fault_rules_version, which each process polls to know when to reload its cache.
export async function up(db: Knex): Promise<void> {
  await db.raw(`create table fault_rules (
    id bigserial primary key,
    account text not null,
    operation text not null,
    job_id text,
    effect jsonb not null,
    count int,
    probability double precision,
    seed bigint not null default 0,
    until timestamptz,
    matched int not null default 0,
    fired int not null default 0,
    created_at timestamptz not null
  )`);
  await db.raw('create sequence fault_rules_version');
  await db.raw(`create function fault_rules_changed() returns trigger language plpgsql as $$
    begin
      perform nextval('fault_rules_version');
      return null;
    end $$`);
  await db.raw(`create trigger fault_rules_changed after insert or delete or truncate on fault_rules
    for each statement execute function fault_rules_changed()`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('drop trigger if exists fault_rules_changed on fault_rules');
  await db.raw('drop function if exists fault_rules_changed()');
  await db.raw('drop sequence if exists fault_rules_version');
  await db.raw('drop table if exists fault_rules');
}
