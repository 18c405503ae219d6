import { normalizeAccountId } from '../../src/jobs/account-id';
import { report } from './invariants';
import { faultRig, sleep } from './rig';
import { addCustomers, checkStatus, DEMO_ACCOUNT, describeCall, jobIdOf, statusIn, type Call } from './soap-calls';

/**
 * A request slot whose release fails: the account may run 2 requests at once; two polls hold
 * both slots (an injected delay) while Postgres is stopped, so when they end the DELETEs that
 * free their slots fail; Postgres is back 6 s later. Nothing of the account runs any more, so
 * within the bound a dead process's slots are freed in, its polls must be answered again, not
 * WS_REQUEST_BLOCKED for good.
 */

const LIMIT = 2;
const UNBLOCKED_WITHIN_MS = 45_000;
const rig = faultRig({ concurrentRequests: LIMIT });

it('frees the slots of requests whose release failed while Postgres was down, within the bound', async () => {
  const jobId = jobIdOf(await addCustomers(rig.service.url, ['slots-1']));
  expect(jobId).toBeDefined();
  const slotsHeld = async () =>
    (await rig.cluster.query<{ n: number }>('select count(*)::int as n from request_slots where account = $1 and expires_at > now()', [normalizeAccountId(DEMO_ACCOUNT)]))[0].n;

  // The account's next two polls take 4 s each, holding both of its slots.
  await rig.service.admin('POST', '/faults', { account: DEMO_ACCOUNT, operation: 'checkAsyncStatus', count: LIMIT, effect: { type: 'delay', ms: 4_000 } });
  const holding = Array.from({ length: LIMIT }, () => checkStatus(rig.service.url, jobId!, { timeoutMs: 30_000 }));
  const deadline = Date.now() + 3_000;
  while ((await slotsHeld()) < LIMIT) {
    if (Date.now() > deadline) throw new Error(`the two polls did not hold ${LIMIT} slots within 3 s`);
    await sleep(20);
  }
  const stoppedAt = Date.now();
  await rig.cluster.stop();
  const held = await Promise.all(holding);
  await sleep(Math.max(0, 6_000 - (Date.now() - stoppedAt)));
  await rig.cluster.start();
  const backAt = Date.now();

  // A connector polls every 2 s.
  const polls: Call[] = [];
  let unblockedSeconds: number | null = null;
  while (unblockedSeconds === null && Date.now() - backAt < UNBLOCKED_WITHIN_MS) {
    const poll = await checkStatus(rig.service.url, jobId!, { timeoutMs: 15_000 });
    polls.push(poll);
    if (statusIn(poll)) unblockedSeconds = (Date.now() - backAt) / 1000;
    else await sleep(2_000);
  }
  const heldAtEnd = await slotsHeld();
  report('request slots whose release failed', {
    pollsWhileStopped: held.map(describeCall),
    secondsUntilUnblocked: unblockedSeconds,
    pollsBlocked: polls.filter((poll) => poll.faultCode === 'WS_REQUEST_BLOCKED').length,
    polls: polls.length,
    slotsHeldAtEnd: heldAtEnd,
  });

  expect(held.every((poll) => poll.outcome !== 'none' && poll.ms < 15_000)).toBe(true);
  expect(unblockedSeconds).not.toBeNull();
  expect(rig.service.unexpectedExits).toEqual([]);
});
