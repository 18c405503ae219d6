import { PgRequestSlots } from '../../src/db/pg-request-slots';
import { ensureTestAccount } from '../helpers/credentials';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { adminHeaders, createJob, startTestService, TEST_ADMIN_TOKEN, type TestService } from '../helpers/service';
import { checkAsyncStatus, faultOf } from '../helpers/soap';

/** Concurrent requests per account, counted in Postgres so that every server process counts alike. */

describe('PgRequestSlots', () => {
  let database: TestDatabase;
  let slots: PgRequestSlots;
  beforeAll(async () => {
    database = await createTestDatabase();
    const { migrate } = await import('../../src/db/migrate');
    await migrate(database.db);
    slots = new PgRequestSlots(database.db, {
      leaseSeconds: 30,
      onError: (error) => {
        throw error;
      },
    });
  });
  afterAll(async () => {
    await slots.close();
    await database.close();
  });

  it('gives an account up to its limit, counted case aside, and takes each release once', async () => {
    const first = await slots.acquire('slots1', 2);
    const second = await slots.acquire('SLOTS1', 2);
    expect(first && second).toBeTruthy();
    expect(await slots.acquire('Slots1', 2)).toBeNull();
    expect(await slots.inFlight('slots1')).toBe(2);
    expect(await slots.acquire('SLOTS_OTHER', 2)).not.toBeNull();
    await first!();
    await first!();
    expect(await slots.inFlight('SLOTS1')).toBe(1);
    expect(await slots.acquire('SLOTS1', 2)).not.toBeNull();
    expect(await slots.acquire('SLOTS1', 2)).toBeNull();
    // Each request brings its account's limit.
    expect(await slots.acquire('SLOTS1', 3)).not.toBeNull();
  });

  it('never gives out more than the limit to takers racing for it', async () => {
    const taken = await Promise.all(Array.from({ length: 20 }, () => slots.acquire('RACE1', 5)));
    expect(taken.filter(Boolean)).toHaveLength(5);
  });

  it('lets every request of an account at limit 0 through without a row, so it costs the database nothing', async () => {
    const taken = await Promise.all(Array.from({ length: 12 }, () => slots.acquire('OPEN_SLOTS', 0)));
    expect(taken.every(Boolean)).toBe(true);
    expect(await slots.inFlight('OPEN_SLOTS')).toBe(0);
    const [{ n }] = await database.db('request_slots').where({ account: 'OPEN_SLOTS' }).count({ n: '*' });
    expect(Number(n)).toBe(0);
  });

  it('forgets the slots of a process that died once their lease lapses, and its own at close', async () => {
    await database.db('request_slots').insert({ holder: 'dead-process:1', account: 'LAPSED1', expires_at: database.db.raw("now() - interval '1 second'") });
    expect(await slots.inFlight('LAPSED1')).toBe(0);
    expect(await slots.acquire('LAPSED1', 1)).not.toBeNull();
    const other = new PgRequestSlots(database.db, { leaseSeconds: 30, onError: () => undefined });
    expect(await other.acquire('CLOSING1', 1)).not.toBeNull();
    await other.close();
    expect(await slots.inFlight('CLOSING1')).toBe(0);
  });

  it('stops renewing a slot whose release failed, and frees it once the database takes the release again', async () => {
    const db = database.db;
    // A release the database refuses, as one restarting or out of connections would.
    await db.raw('create table release_refused (refused boolean)');
    await db.raw(`create function refuse_release() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from release_refused) then raise exception 'release refused'; end if;
        return old;
      end $$`);
    await db.raw('create trigger refuse_release before delete on request_slots for each row execute function refuse_release()');
    const failures: unknown[] = [];
    const healing = new PgRequestSlots(db, { leaseSeconds: 3, onError: (error) => failures.push(error) });
    try {
      await db('release_refused').insert({ refused: true });
      const release = await healing.acquire('REFUSED1', 1);
      expect(release).not.toBeNull();
      await release!();
      expect(String(failures[0])).toMatch(/release refused/);
      expect(await healing.acquire('REFUSED1', 1)).toBeNull();
      const [{ expires_at: leased }] = await db('request_slots').where({ account: 'REFUSED1' }).select('expires_at');
      await db('release_refused').delete();
      // Renewed, the row would outlive every lease; retried, it goes within one renewal (a second).
      let again: (() => Promise<void>) | null = null;
      for (let attempt = 0; attempt < 200 && !again; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const row = await db('request_slots').where({ account: 'REFUSED1' }).first('expires_at');
        if (row) expect(new Date(row.expires_at).getTime()).toBe(new Date(leased).getTime());
        else again = await healing.acquire('REFUSED1', 1);
      }
      expect(again).not.toBeNull();
      await again!();
      expect(healing.unfreed).toBe(0);
    } finally {
      await healing.close();
      await db.raw('drop trigger refuse_release on request_slots');
    }
  });
});

describe('two server processes on one database', () => {
  let first: TestService;
  let second: TestService;
  beforeAll(async () => {
    first = await startTestService();
    second = await startTestService({ database: first.database });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it("count one account's requests together: the one over the limit is refused by either", async () => {
    const ACCOUNT = 'SHARED1';
    await ensureTestAccount(first.url, ACCOUNT, TEST_ADMIN_TOKEN);
    const patched = await fetch(`${first.url}/admin/accounts/${ACCOUNT}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', ...adminHeaders },
      body: JSON.stringify({ limits: { concurrentRequests: 2, responseDelayMs: 2000 } }),
    });
    expect(patched.status).toBe(200);
    const jobId = await createJob(first.url, { operation: 'asyncAddList', account: ACCOUNT, items: 1 });
    const slow = [checkAsyncStatus(first.url, jobId, '2017_1', ACCOUNT), checkAsyncStatus(first.url, jobId, '2017_1', ACCOUNT)];
    const inFlight = async () =>
      ((await (await fetch(`${second.url}/admin/accounts/${ACCOUNT}`, { headers: adminHeaders })).json()) as { requestsInFlight: number }).requestsInFlight;
    const until = async (count: number) => {
      for (let i = 0; i < 200 && (await inFlight()) !== count; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(await inFlight()).toBe(count);
    };
    await until(2);

    expect(faultOf(await checkAsyncStatus(second.url, jobId, '2017_1', ACCOUNT))).toMatchObject({ element: 'exceededConcurrentRequestLimitFault', code: 'WS_REQUEST_BLOCKED' });
    expect((await Promise.all(slow)).map((answer) => answer.status)).toEqual([200, 200]);
    // The slots are given back once the answers are sent.
    await until(0);
  });
});
