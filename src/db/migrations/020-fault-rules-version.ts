import type { Knex } from 'knex';

// The fault rules' version moves inside the transaction that changes the rules: a sequence moved
// at once, so another process could read the new version before the new rule was committed, load
// the rules without it, and keep that version, never applying the rule.
export async function up(db: Knex): Promise<void> {
  await db.raw('create table fault_rules_state (id int primary key check (id = 1), version bigint not null)');
  await db.raw('insert into fault_rules_state (id, version) values (1, 0)');
  await db.raw(`create or replace function fault_rules_changed() returns trigger language plpgsql as $$
    begin
      update fault_rules_state set version = version + 1 where id = 1;
      return null;
    end $$`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw(`create or replace function fault_rules_changed() returns trigger language plpgsql as $$
    begin
      perform nextval('fault_rules_version');
      return null;
    end $$`);
  await db.raw('drop table if exists fault_rules_state');
}
