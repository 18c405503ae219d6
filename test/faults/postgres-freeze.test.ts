import { ANSWER_BOUND_MS, report, verdictOf } from './invariants';
import { Load } from './load';
import { faultRig, recovery, sleep } from './rig';
import { DEMO_ACCOUNT } from './soap-calls';

/**
 * Postgres stalled: every process of the cluster SIGSTOPped for 20 s under load, so connections
 * stay open and nothing answers (a database host swapping, a storage stall). A call may be
 * answered with a fault meanwhile, but within the bound, not when the database comes back; and
 * once it is back the service serves again by itself: /readyz 200 and a new submit taken.
 */

const FROZEN_MS = 20_000;
const rig = faultRig();

it('answers every call within the bound while Postgres is frozen, and recovers after the thaw without a restart', async () => {
  const load = new Load(rig.service.url, { prefix: 'freeze' });
  load.start();
  await sleep(3_000);
  const frozenAt = Date.now();
  await rig.cluster.freeze();
  // The readiness probe must say so meanwhile, and answer in time to say it.
  const probes: Array<{ status: number; ms: number }> = [];
  try {
    while (Date.now() - frozenAt < FROZEN_MS - 3_000) {
      const at = Date.now();
      const status = await rig.service.probe('/readyz', ANSWER_BOUND_MS);
      probes.push({ status, ms: Date.now() - at });
      await sleep(2_000);
    }
    await sleep(Math.max(0, FROZEN_MS - (Date.now() - frozenAt)));
  } finally {
    rig.cluster.thaw();
  }
  const thawedAt = Date.now();
  await sleep(6_000);
  await load.stop();
  const back = await recovery(rig.service, 'freeze');
  const verdict = await verdictOf(rig.cluster, DEMO_ACCOUNT, load);
  // The longest wait of a call begun while the database was frozen, and how long after the thaw it ended.
  const stalled = load.calls.filter((call) => call.startedAt >= frozenAt && call.startedAt < thawedAt);
  const longestStalledMs = Math.max(0, ...stalled.map((call) => call.ms));
  const answeredAtThaw = stalled.filter((call) => call.endedAt >= thawedAt).length;
  report('Postgres frozen mid-load', {
    frozenSeconds: (thawedAt - frozenAt) / 1000,
    callsBegunWhileFrozen: stalled.length,
    answeredOnlyAfterThaw: answeredAtThaw,
    longestStalledMs,
    readyzWhileFrozen: probes,
    recovery: back,
    ...verdict.figures,
  });

  expect(verdict.problems).toEqual({});
  // A stall is a temporary failure (ACCT_TEMP_UNAVAILABLE), never an unexpected error.
  expect(verdict.figures.faultCodes.UNEXPECTED_ERROR ?? 0).toBe(0);
  expect(probes.every((probe) => probe.status === 503 && probe.ms < ANSWER_BOUND_MS)).toBe(true);
  expect(back).toMatchObject({ readySeconds: expect.any(Number), submitSeconds: expect.any(Number) });
  expect(rig.service.unexpectedExits).toEqual([]);
});
