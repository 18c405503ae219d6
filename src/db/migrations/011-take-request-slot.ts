import type { Knex } from 'knex';

// Taking a request slot in one round trip: the advisory lock, the count and the insert run in one
// function call. Each statement of a volatile function takes a fresh snapshot, so the count sees
// every slot committed before the lock was granted, as the lock-then-count transaction did.
export async function up(db: Knex): Promise<void> {
  await db.raw(`
    create or replace function take_request_slot(p_holder text, p_account text, p_lease_seconds int, p_limit int)
    returns boolean language plpgsql volatile as $$
    begin
      perform pg_advisory_xact_lock(hashtext('request-slots:' || p_account));
      if (select count(*) from request_slots where account = p_account and expires_at > now()) >= p_limit then
        return false;
      end if;
      insert into request_slots (holder, account, expires_at) values (p_holder, p_account, now() + make_interval(secs => p_lease_seconds));
      return true;
    end
    $$`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('drop function if exists take_request_slot(text, text, int, int)');
}
