import { startTestService, type TestService } from '../helpers/service';
import { faultOf, postSoap, statusOf, TEST_ACCOUNT, checkAsyncStatus } from '../helpers/soap';
import { customer, request, V } from '../helpers/record-requests';

/**
 * A submit's answer tells the truth about what committed: what an answer needs besides the job
 * (its documentInfo nsId, read from Postgres under an id seed) is drawn before the job is
 * written, so a failure there refuses the submit instead of faulting one that was applied.
 */

let t: TestService;

beforeAll(async () => {
  // With an id seed, every nsId is counted in Postgres (id_counters).
  t = await startTestService({ env: { ID_SEED: 'committed-answers' } });
  const db = t.database.db;
  await db.raw('create table nsid_refused (refused boolean)');
  await db.raw(`create function refuse_nsid() returns trigger language plpgsql as $$
    begin
      if new.kind = 'nsId' and exists (select 1 from nsid_refused) then raise exception 'nsId counter unavailable'; end if;
      return new;
    end $$`);
  await db.raw('create trigger refuse_nsid before insert or update on id_counters for each row execute function refuse_nsid()');
});
afterAll(() => t.close());

const jobsOfAccount = async () => Number((await t.database.db('jobs').where({ account: TEST_ACCOUNT }).count({ n: '*' }))[0].n);

describe('an answer that cannot be completed', () => {
  it('refuses a submit before writing it, so a client told "failed" has no job that runs anyway', async () => {
    const before = await jobsOfAccount();
    await t.database.db('nsid_refused').insert({ refused: true });
    try {
      const answer = await postSoap(t.url, V, request('asyncAddList', customer('externalId="told-failed-1"', '<listRel:companyName>Told failed</listRel:companyName>')));
      expect(answer.status).toBe(500);
      expect(faultOf(answer).code).toBe('UNEXPECTED_ERROR');
      expect(await jobsOfAccount()).toBe(before);
    } finally {
      await t.database.db('nsid_refused').delete();
    }
    // With the counter back, the same submit is taken, and its job is there to poll.
    const taken = await postSoap(t.url, V, request('asyncAddList', customer('externalId="told-failed-1"', '<listRel:companyName>Told failed</listRel:companyName>')));
    expect(taken.status).toBe(200);
    const jobId = taken.body.asyncAddListResponse.asyncStatusResult.jobId as string;
    expect(await jobsOfAccount()).toBe(before + 1);
    expect(statusOf(await checkAsyncStatus(t.url, jobId, V)).status).toBe('pending');
  });
});
