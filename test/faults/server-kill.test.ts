import { normalizeAccountId } from '../../src/jobs/account-id';
import { report, verdictOf } from './invariants';
import { Load } from './load';
import { faultRig, recovery, sleep } from './rig';
import { DEMO_ACCOUNT, type Call } from './soap-calls';

/**
 * The server SIGKILLed while submits are in flight, twice or more, and started again on the same port
 * and database. Calls the dead server could not answer are excused; of the submits it died under,
 * each job is whole or absent. Everything else holds as ever: the jobs the new server finds are
 * finished, each record applied once, and the calls after the restart answered in time.
 */

const rig = faultRig();

it('loses no job a client was told about and applies every record once when the server is SIGKILLed mid-submit', async () => {
  const load = new Load(rig.service.url, { prefix: 'kill' });
  load.start();
  const downtimes: Array<{ killedAt: number; readyAt: number; submitsInFlight: number }> = [];
  // The submits the server died under (not those refused while it was down): each made a whole job or none.
  const cutOffSubmits = () =>
    load.submits.filter((submit) => submit.call.outcome === 'none' && downtimes.some((down) => submit.call.startedAt <= down.killedAt && submit.call.endedAt >= down.killedAt));
  // Twice, and again (at most twice more) until a kill has cut a submit off: one answered just
  // before the signal landed is not cut off.
  for (let kill = 0; kill < 4 && (kill < 2 || cutOffSubmits().length === 0); kill++) {
    await sleep(3_000);
    if (!(await load.submitInFlight())) throw new Error('no submit was in flight within 10 s to kill the server under');
    const submitsInFlight = load.submitsInFlight;
    const killedAt = Date.now();
    await rig.service.kill('SIGKILL');
    await sleep(1_000);
    await rig.service.restart();
    downtimes.push({ killedAt, readyAt: Date.now(), submitsInFlight });
  }
  await sleep(5_000);
  await load.stop();
  const back = await recovery(rig.service, 'kill');

  // A call without an answer is excused when the server was dead for some of the time it waited.
  const overDowntime = (call: Call) => downtimes.some((down) => call.startedAt <= down.readyAt && call.endedAt >= down.killedAt);
  const verdict = await verdictOf(rig.cluster, DEMO_ACCOUNT, load, { excused: (call) => call.outcome === 'none' && overDowntime(call) });
  const cutOff = cutOffSubmits();
  const cutOffWithJob = await rig.cluster.query<{ n: number }>(
    `select count(distinct i.job_id)::int as n from job_inputs i join jobs j on j.id = i.job_id
      where j.account = $1 and i.payload->'record'->>'externalId' = any($2::text[])`,
    [normalizeAccountId(DEMO_ACCOUNT), cutOff.map((submit) => submit.externalIds[0])],
  );
  report('server SIGKILLed mid-submit', {
    kills: downtimes.map((down) => ({ submitsInFlight: down.submitsInFlight, downSeconds: (down.readyAt - down.killedAt) / 1000 })),
    submitsRefusedWhileDown: load.submits.filter((submit) => submit.call.outcome === 'none').length - cutOff.length,
    submitsCutOff: cutOff.length,
    cutOffSubmitsThatMadeAJob: cutOffWithJob[0].n,
    recovery: back,
    ...verdict.figures,
  });

  expect(verdict.problems).toEqual({});
  expect(cutOff.length).toBeGreaterThan(0);
  expect(back).toMatchObject({ readySeconds: expect.any(Number), submitSeconds: expect.any(Number) });
  expect(rig.service.unexpectedExits).toEqual([]);
});
