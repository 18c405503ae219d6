import { DEMO } from '../../src/accounts/demo';
import { report } from './invariants';
import { faultRig, sleep } from './rig';
import { addCustomers, checkStatus, DEMO_ACCOUNT, describeCall, jobIdOf, SESSION_VERSION, soapCall, statusIn, type Call } from './soap-calls';

/**
 * A session whose request dies with its server: a connector logged in with the demo passport on
 * 2020_1 rides its JSESSIONID; a poll on it is under way (held by an injected delay) when the
 * server is SIGKILLed; the server is started again. The session's one-request hold died with the
 * request, so within the bound a dead process's request slots are freed in, the session must
 * answer again, not WS_CONCUR_SESSION_DISALLWD ("retry later") for as long as the hold's lease.
 */

const USABLE_WITHIN_MS = 45_000;
const rig = faultRig();

const onSession = (cookie: string) => ({ version: SESSION_VERSION, credentials: null, cookie, timeoutMs: 15_000 });

it('answers on a session again within the bound after the server died under one of its requests', async () => {
  const login = await soapCall(
    rig.service.url,
    'login',
    `<msg:passport><core:email>${DEMO.email}</core:email><core:password>${DEMO.password}</core:password><core:account>${DEMO_ACCOUNT}</core:account></msg:passport>`,
    { version: SESSION_VERSION, credentials: null },
  );
  expect(login.outcome).toBe('answer');
  const cookie = (login.setCookie ?? '').split(';')[0];
  expect(cookie).toMatch(/^JSESSIONID=./);
  const jobId = jobIdOf(await addCustomers(rig.service.url, ['session-1'], onSession(cookie)));
  expect(jobId).toBeDefined();

  // The next poll of the account waits 60 s before it answers, holding its session meanwhile.
  await rig.service.admin('POST', '/faults', { account: DEMO_ACCOUNT, operation: 'checkAsyncStatus', count: 1, effect: { type: 'delay', ms: 60_000 } });
  const cutOff = checkStatus(rig.service.url, jobId!, { ...onSession(cookie), timeoutMs: 90_000 });
  const heldUntil = async () =>
    (await rig.cluster.query<{ seconds: number | null }>(`select extract(epoch from max(busy_until) - now())::float8 as seconds from sessions where busy_until > now()`))[0]
      .seconds;
  const deadline = Date.now() + 15_000;
  let leaseSeconds: number | null = null;
  while (leaseSeconds === null && Date.now() < deadline) {
    leaseSeconds = await heldUntil();
    if (leaseSeconds === null) await sleep(50);
  }
  if (leaseSeconds === null) throw new Error('the poll on the session did not hold it within 15 s');

  await rig.service.kill('SIGKILL');
  const killedAt = Date.now();
  const died = await cutOff;
  await rig.service.restart();

  // The connector retries, as it does on "retry later", once a second.
  const tries: Call[] = [];
  let usableSeconds: number | null = null;
  while (usableSeconds === null && Date.now() - killedAt < USABLE_WITHIN_MS) {
    const poll = await checkStatus(rig.service.url, jobId!, onSession(cookie));
    tries.push(poll);
    if (statusIn(poll)) usableSeconds = (Date.now() - killedAt) / 1000;
    else await sleep(1_000);
  }
  const leaseLeft = await heldUntil();
  const answers: Record<string, number> = {};
  for (const poll of tries) answers[poll.faultCode ?? statusIn(poll) ?? poll.outcome] = (answers[poll.faultCode ?? statusIn(poll) ?? poll.outcome] ?? 0) + 1;
  report('session of a SIGKILLed request', {
    holdLeaseSecondsAtKill: Math.round(leaseSeconds),
    requestAtKill: describeCall(died),
    secondsUntilUsable: usableSeconds,
    answersMeanwhile: answers,
    holdSecondsLeftAtEnd: leaseLeft === null ? null : Math.round(leaseLeft),
  });

  expect(died.outcome).toBe('none');
  expect(usableSeconds).not.toBeNull();
  expect(rig.service.unexpectedExits).toEqual([]);
});
