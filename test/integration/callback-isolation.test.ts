import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACCOUNT_IN_FLIGHT_LIMIT } from '../../src/callbacks/dispatcher';
import { PgCallbackStore } from '../../src/db/pg-callback-store';
import { FaceClient } from '../helpers/json-faces';
import { adminHeaders, startTestService, type TestService } from '../helpers/service';

/**
 * One account's silent receiver must not hold up another account's callbacks. Attempts wait a
 * minute for an answer here, so a dispatcher that let the silent account's deliveries fill its
 * slots could not deliver the other account's callback before the test's timeout.
 */

const SILENT_JOBS = ACCOUNT_IN_FLIGHT_LIMIT + 8;

/** A receiver on loopback that answers 200, or while `holding` keeps each request unanswered. */
class Receiver {
  readonly held: ServerResponse[] = [];
  received = 0;
  mostHeld = 0;
  url = '';
  private server!: Server;

  constructor(private holding: boolean) {}

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on('end', () => {
        this.received++;
        if (!this.holding) return void res.writeHead(200).end('ok');
        this.held.push(res);
        this.mostHeld = Math.max(this.mostHeld, this.held.length);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** Answers every held request, and from now on answers at once. */
  release(): void {
    this.holding = false;
    for (const res of this.held.splice(0)) res.writeHead(200).end('ok');
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let t: TestService;
const silent = new Receiver(true);
const healthy = new Receiver(false);
let ended = false;

beforeAll(async () => {
  await Promise.all([silent.start(), healthy.start()]);
  t = await startTestService({ env: { CALLBACK_TIMEOUT_MS: '60000', CALLBACK_POLL_MS: '20', CALLBACK_MAX_ATTEMPTS: '1' } });
});
afterAll(async () => {
  ended = true;
  // Held requests answered first: stopping waits for the attempts under way.
  silent.release();
  await t.close();
  await Promise.all([silent.stop(), healthy.stop()]);
});

/** Polls until `condition` holds; the test's timeout is the guard against a hang. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition() && !ended) await new Promise((resolve) => setTimeout(resolve, 10));
}

async function endedJobWithCallback(face: FaceClient, url: string, name: string): Promise<string> {
  const job = await face.progress('POST', '/jobs', { name, callbackUrl: url });
  await face.progress('POST', `/jobs/${job.id}/fail`, { message: 'Ended for its callback' });
  return job.id;
}

async function deliveryStates(jobIds: string[]): Promise<string[]> {
  const response = await fetch(`${t.url}/admin/callbacks?limit=200`, { headers: adminHeaders });
  const { deliveries } = (await response.json()) as { deliveries: Array<{ jobId: string; state: string }> };
  return jobIds.map((jobId) => deliveries.find((delivery) => delivery.jobId === jobId)?.state ?? 'missing');
}

it("delivers another account's callback while a silent receiver holds as many of its own account's as it may", async () => {
  const silentAccount = new FaceClient(t.url, 'CBSILENT1');
  const silentJobs: string[] = [];
  for (let i = 0; i < SILENT_JOBS; i++) silentJobs.push(await endedJobWithCallback(silentAccount, silent.url, `Silent ${i}`));
  // Every slot the silent account may take is taken (the old dispatcher took as many, and waited on all).
  await until(() => silent.held.length === ACCOUNT_IN_FLIGHT_LIMIT);

  const healthyJob = await endedJobWithCallback(new FaceClient(t.url, 'CBHEALTHY1'), healthy.url, 'Healthy');
  await until(() => healthy.received === 1);

  expect(healthy.received).toBe(1);
  // Not one of the silent account's requests was answered meanwhile, and no more were sent.
  expect(silent.held).toHaveLength(ACCOUNT_IN_FLIGHT_LIMIT);
  expect(silent.mostHeld).toBe(ACCOUNT_IN_FLIGHT_LIMIT);
  expect(await deliveryStates(silentJobs)).toEqual(silentJobs.map(() => 'pending'));
  // And it is recorded as delivered once the receiver's answer is in.
  let [state] = await deliveryStates([healthyJob]);
  while (state === 'pending' && !ended) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    [state] = await deliveryStates([healthyJob]);
  }
  expect(state).toBe('delivered');
}, 30_000);

describe('the claim', () => {
  let store: PgCallbackStore;
  const lease = () => new Date(Date.now() + 60_000);
  const fairness = (held: Record<string, number> = {}, accountLimit = ACCOUNT_IN_FLIGHT_LIMIT) => ({ held: new Map(Object.entries(held)), accountLimit });
  const accountsOf = (claimed: Array<{ job: { account: string } }>) => claimed.map((delivery) => delivery.job.account);
  const count = (accounts: string[], account: string) => accounts.filter((one) => one === account).length;

  beforeAll(async () => {
    // The store alone from here on: the dispatcher stops, every earlier delivery out of the way.
    silent.release();
    await t.service.callbacks.stop();
    await t.database.db('callback_deliveries').update({ state: 'delivered' });
    store = new PgCallbackStore(t.database.db);
    const a = new FaceClient(t.url, 'CBCLAIMA');
    for (let i = 0; i < 30; i++) await endedJobWithCallback(a, healthy.url, `A ${i}`);
    const b = new FaceClient(t.url, 'CBCLAIMB');
    for (let i = 0; i < 2; i++) await endedJobWithCallback(b, healthy.url, `B ${i}`);
  });

  it("takes no account past its cap, counting what it has under way, and reaches the next account's behind a backlog", async () => {
    // The first four due are all A's, with 15 of A's under way: one of A's, not four.
    expect(accountsOf(await store.claimDue(new Date(), lease(), 4, fairness({ CBCLAIMA: 15 })))).toEqual(['CBCLAIMA']);
    // A at its cap: B's, behind 29 of A's, are the ones taken.
    expect(accountsOf(await store.claimDue(new Date(), lease(), 4, fairness({ CBCLAIMA: 16 })))).toEqual(['CBCLAIMB', 'CBCLAIMB']);
    // Nothing under way: A's up to its cap, however many slots are free.
    expect(accountsOf(await store.claimDue(new Date(), lease(), 64, fairness()))).toEqual(Array(ACCOUNT_IN_FLIGHT_LIMIT).fill('CBCLAIMA'));
    expect(await store.claimDue(new Date(), lease(), 64, fairness({ CBCLAIMA: ACCOUNT_IN_FLIGHT_LIMIT }))).toEqual([]);
  });

  it('never hands one delivery to two claimers at once', async () => {
    const [first, second] = await Promise.all([store.claimDue(new Date(), lease(), 8, fairness({}, 100)), store.claimDue(new Date(), lease(), 8, fairness({}, 100))]);
    const ids = [...first, ...second].map((delivery) => delivery.id);
    // 13 of A's were left: all of them taken, none twice.
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(13);
    expect(count(accountsOf([...first, ...second]), 'CBCLAIMA')).toBe(13);
  });
});
