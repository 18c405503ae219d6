import { report, verdictOf } from './invariants';
import { Load } from './load';
import { faultRig, recovery, sleep } from './rig';
import { DEMO_ACCOUNT } from './soap-calls';

/**
 * Postgres restarted (a fast shutdown, then a start) three times under load: six clients submitting and
 * polling, the worker in the service applying their jobs. Calls meanwhile may be answered with a
 * fault, but every answer must be true to what committed (a submit answered with a fault leaves
 * no job), and the service must serve again without a restart of its own.
 */

// ACCOUNT_CACHE_MS=0: every answer looks up what it needs after its job commits (the id seeds of
// its documentInfo among them) rather than once a second, so a restart just after a commit meets it.
const rig = faultRig({ env: { ACCOUNT_CACHE_MS: '0' } });

it('answers every call within the bound and truthfully across Postgres restarts, and applies every record once', async () => {
  const load = new Load(rig.service.url, { prefix: 'restart' });
  load.start();
  // Three restarts: one at once (pg_ctl stop and start), two with Postgres down for 2 s between.
  const restarts: number[] = [];
  for (const downMs of [0, 2_000, 2_000]) {
    await sleep(3_000);
    const at = Date.now();
    await rig.cluster.stop();
    await sleep(downMs);
    await rig.cluster.start();
    restarts.push((Date.now() - at) / 1000);
  }
  await sleep(6_000);
  await load.stop();
  const back = await recovery(rig.service, 'restart');
  const verdict = await verdictOf(rig.cluster, DEMO_ACCOUNT, load);
  report('Postgres restarted mid-load', { restartSeconds: restarts, recovery: back, ...verdict.figures });

  expect(verdict.problems).toEqual({});
  expect(back).toMatchObject({ readySeconds: expect.any(Number), submitSeconds: expect.any(Number) });
  expect(rig.service.unexpectedExits).toEqual([]);
});
