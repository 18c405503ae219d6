import type { Client } from 'pg';
import { report, verdictOf } from './invariants';
import { Load } from './load';
import { faultRig, recovery, sleep } from './rig';
import { DEMO_ACCOUNT } from './soap-calls';

/**
 * Out of connections: a cluster of max_connections 12, and the test holding every connection it
 * can get but two. Every second for 12 s the service's own connections are ended and the test
 * takes all it can again, so the service's pools reconnect into "too many clients" while clients
 * submit and poll. A call may be answered with a fault, but truthfully (no job behind a faulted
 * submit) and in time; once the connections are given back, the service serves again by itself.
 */

const MAX_CONNECTIONS = 12;
/** Connections left to the service after the test has taken the rest. */
const LEFT_TO_SERVICE = 2;
// A limit the load cannot reach even with every slot whose release failed still counted: the
// verdict counts those apart (slots held after the load), so they do not hide the rest.
// ACCOUNT_CACHE_MS=0: every answer looks up what it needs after its job commits (the id seeds of
// its documentInfo among them) rather than once a second, so every submit meets the fault there.
const rig = faultRig({ cluster: { maxConnections: MAX_CONNECTIONS }, concurrentRequests: 1000, env: { ACCOUNT_CACHE_MS: '0' } });

const TOO_MANY = /too many clients|remaining connection slots/;

it('answers every call within the bound and truthfully when Postgres is out of connections', async () => {
  const admin = await rig.cluster.connect('postgres', 'ase-faults-admin');
  const held: Client[] = [];
  let ownRefusals = 0;
  /** Takes connections until Postgres refuses one (bounded), then gives LEFT_TO_SERVICE back. */
  const takeAllButAFew = async () => {
    for (let attempt = 0; attempt < MAX_CONNECTIONS * 2; attempt++) {
      try {
        held.push(await rig.cluster.connect('postgres', 'ase-faults-hog', 5_000));
      } catch (error) {
        if (!TOO_MANY.test((error as Error).message)) throw error;
        ownRefusals++;
        break;
      }
    }
    for (const client of held.splice(0, LEFT_TO_SERVICE)) await client.end().catch(() => undefined);
  };
  const load = new Load(rig.service.url, { prefix: 'exhaust' });
  const seen: Array<{ service: number; held: number }> = [];
  try {
    load.start();
    await sleep(2_000);
    for (let round = 0; round < 12; round++) {
      await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'ase-faults-service'`);
      await takeAllButAFew();
      await sleep(1_000);
      const [row] = (await admin.query(`select count(*) filter (where application_name = 'ase-faults-service')::int as service from pg_stat_activity`)).rows;
      seen.push({ service: row.service, held: held.length });
    }
  } finally {
    for (const client of held.splice(0)) await client.end().catch(() => undefined);
  }
  await sleep(5_000);
  await load.stop();
  await admin.end();
  const back = await recovery(rig.service, 'exhaust');
  const verdict = await verdictOf(rig.cluster, DEMO_ACCOUNT, load);
  const refusals = rig.cluster
    .log(5_000_000)
    .split('\n')
    .filter((line) => TOO_MANY.test(line)).length;
  report('Postgres out of connections', {
    maxConnections: MAX_CONNECTIONS,
    connectionsAfterEachRound: seen,
    serviceConnectionsRefused: refusals - ownRefusals,
    recovery: back,
    ...verdict.figures,
  });

  expect(refusals - ownRefusals).toBeGreaterThan(0);
  expect(verdict.problems).toEqual({});
  expect(back).toMatchObject({ readySeconds: expect.any(Number), submitSeconds: expect.any(Number) });
  expect(rig.service.unexpectedExits).toEqual([]);
});
