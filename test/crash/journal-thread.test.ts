import { ManualClock } from '../../src/lib/clock';
import { migrate } from '../../src/db/migrate';
import { PgRequestJournal } from '../../src/db/pg-request-journal';
import { randomBytes } from 'node:crypto';
import { threadJournalWriters, type ThreadJournalWriter } from '../../src/compose/journal-thread';
import { RequestJournal } from '../../src/journal/request-journal';
import type { JournalCall } from '../../src/journal/journal-entry';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

/**
 * The request journal's writer thread on a Postgres server: it writes on connections of its own,
 * survives its connection being ended by force, and when the thread itself dies the journal goes
 * on writing on the event loop, with the loss reported, never a hang.
 */

let database: TestDatabase;
const clock = new ManualClock();
const MAX_BODY = 16 * 1024;

beforeAll(async () => {
  if (!process.env.DATABASE_URL) {
    throw new Error('test:crash needs a Postgres server: set DATABASE_URL=postgres://user@host:5432/postgres');
  }
  database = await createTestDatabase();
  await migrate(database.db);
});
afterAll(() => database?.close());

const call = (requestId: string): JournalCall => ({
  at: clock.now(),
  requestId,
  face: 'soap',
  account: 'THREAD_1',
  operation: 'checkAsyncStatus',
  method: 'POST',
  path: '/services/NetSuitePort_2017_1',
  headers: { 'content-type': 'text/xml', authorization: 'Basic c2VjcmV0' },
  requestBody: `<soapenv:Envelope><soapenv:Header><passport><email>a@b.example</email><password>pw-${requestId}</password></passport></soapenv:Header><soapenv:Body><checkAsyncStatus><jobId>JOB_${requestId}</jobId></checkAsyncStatus></soapenv:Body></soapenv:Envelope>`,
  requestBytes: 300,
  status: 200,
  answer: { bytes: 12, text: () => `<ok>${requestId}</ok>` },
  faultCode: null,
  durationMs: 1.5,
});

/** This file's own name for the thread's connections, so no other run's are counted or ended. */
const APPLICATION_NAME = `journal-test-${randomBytes(4).toString('hex')}`;

function threadJournal(errors: unknown[], url?: string): { journal: RequestJournal; writer: () => ThreadJournalWriter } {
  const store = new PgRequestJournal(database.handle);
  const target = database.handle.target!;
  const named = new URL(target.url);
  named.searchParams.set('application_name', APPLICATION_NAME);
  const writers = threadJournalWriters({ ...target, url: url ?? named.toString() }, store, MAX_BODY);
  let made: ThreadJournalWriter | undefined;
  const journal = new RequestJournal(
    store,
    clock,
    { maxEntries: 10_000, maxAgeHours: 24, maxBodyBytes: MAX_BODY },
    (error) => errors.push(error),
    (events) => {
      made = writers(events) as ThreadJournalWriter;
      return made;
    },
  );
  return { journal, writer: () => made! };
}

const journalBackends = async () => (await database.db.raw('select pid from pg_stat_activity where application_name = ?', [APPLICATION_NAME])).rows as Array<{ pid: number }>;

afterEach(async () => {
  await database.db('request_journal').delete();
});

it('writes every call from its own thread, on connections of its own, secrets masked', async () => {
  const errors: unknown[] = [];
  const { journal, writer } = threadJournal(errors);
  for (let i = 0; i < 120; i++) journal.keep(call(`t-${i}`));
  const entries = await journal.list({ limit: 500 });
  expect(entries).toHaveLength(120);
  const first = entries.find((entry) => entry.requestId === 't-0')!;
  expect(first.request.body).toContain('<password>***</password>');
  expect(first.request.body).not.toContain('pw-t-0');
  expect(first.request.headers.authorization).not.toContain('c2VjcmV0');
  expect(first.jobId).toBe('JOB_t-0');
  expect(first.answer.body).toBe('<ok>t-0</ok>');
  // Written by the thread, on one connection: the only one so named is its own.
  expect(writer().thread).not.toBeNull();
  expect(await journalBackends()).toHaveLength(1);
  expect(journal.waitingCalls).toBe(0);
  await journal.stop();
  expect(writer().thread).toBeNull();
  expect(errors).toEqual([]);
});

it('writes what comes after its connection is ended by force', async () => {
  const errors: unknown[] = [];
  const { journal } = threadJournal(errors);
  journal.keep(call('before-kill'));
  await journal.flush();
  const backends = await journalBackends();
  expect(backends.length).toBeGreaterThan(0);
  await database.db.raw('select pg_terminate_backend(pid) from pg_stat_activity where application_name = ?', [APPLICATION_NAME]);
  await new Promise((resolve) => setTimeout(resolve, 100));
  for (let i = 0; i < 10; i++) journal.keep(call(`after-kill-${i}`));
  await journal.flush();
  // The first batch after the kill may find the dead connection: then it is lost and reported,
  // never lost quietly.
  const ids = (await journal.list({ limit: 100 })).map((entry) => entry.requestId);
  const missing = Array.from({ length: 10 }, (_, i) => `after-kill-${i}`).filter((id) => !ids.includes(id));
  if (missing.length > 0) expect(errors).toHaveLength(1);
  for (let i = 0; i < 10; i++) journal.keep(call(`later-${i}`));
  const later = (await journal.list({ limit: 100 })).map((entry) => entry.requestId);
  for (let i = 0; i < 10; i++) expect(later).toContain(`later-${i}`);
  expect(errors.length).toBeLessThanOrEqual(1);
  expect(journal.waitingCalls).toBe(0);
  await journal.stop();
});

it('goes on writing on the event loop once the thread dies, reporting the loss', async () => {
  const errors: unknown[] = [];
  const { journal, writer } = threadJournal(errors);
  journal.keep(call('while-alive'));
  await journal.flush();
  const thread = writer().thread!;
  const exited = new Promise((resolve) => thread.once('exit', resolve));
  await thread.terminate();
  await exited;
  expect(writer().thread).toBeNull();
  expect(String(errors[0])).toMatch(/request journal's thread exited/);
  for (let i = 0; i < 25; i++) journal.keep(call(`after-death-${i}`));
  const entries = await journal.list({ limit: 100 });
  const ids = entries.map((entry) => entry.requestId);
  expect(ids).toContain('while-alive');
  for (let i = 0; i < 25; i++) expect(ids).toContain(`after-death-${i}`);
  // The fallback masks as the thread did.
  expect(entries.find((entry) => entry.requestId === 'after-death-0')!.request.body).toContain('<password>***</password>');
  expect(journal.waitingCalls).toBe(0);
  await journal.stop();
});

it('settles every call when the thread dies with calls on their way: each written or reported lost', async () => {
  const errors: unknown[] = [];
  const { journal, writer } = threadJournal(errors);
  for (let i = 0; i < 30; i++) journal.keep(call(`written-${i}`));
  await journal.flush();
  const thread = writer().thread!;
  // These cross now (the flush sends them) and the thread is ended before it can write them all.
  for (let i = 0; i < 300; i++) journal.keep(call(`crossing-${i}`));
  const crossed = journal.flush();
  await thread.terminate();
  await crossed;
  // And these come after: the event loop writes them.
  for (let i = 0; i < 30; i++) journal.keep(call(`after-${i}`));
  await journal.flush();
  expect(journal.waitingCalls).toBe(0);
  const ids = new Set((await journal.list({ limit: 1000 })).map((entry) => entry.requestId));
  for (let i = 0; i < 30; i++) expect(ids.has(`written-${i}`) && ids.has(`after-${i}`)).toBe(true);
  expect(String(errors[0])).toMatch(/request journal's thread exited/);
  await journal.stop();
});

it('writes on the event loop, losing nothing, when the thread never gets ready', async () => {
  const errors: unknown[] = [];
  // A URL the thread cannot even parse: it fails while setting up, before taking any call.
  const { journal, writer } = threadJournal(errors, 'not a url');
  for (let i = 0; i < 20; i++) journal.keep(call(`unready-${i}`));
  await journal.flush();
  const entries = await journal.list({ limit: 100 });
  expect(entries.map((entry) => entry.requestId).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `unready-${i}`).sort());
  expect(writer().thread).toBeNull();
  expect(errors.length).toBeGreaterThan(0);
  expect(journal.waitingCalls).toBe(0);
  await journal.stop();
});

it('writes, when stopped, what was recorded just before', async () => {
  const errors: unknown[] = [];
  const { journal, writer } = threadJournal(errors);
  for (let i = 0; i < 40; i++) journal.keep(call(`at-stop-${i}`));
  await journal.stop();
  expect(writer().thread).toBeNull();
  const [{ n }] = await database.db('request_journal').where('request_id', 'like', 'at-stop-%').count({ n: '*' });
  expect(Number(n)).toBe(40);
  expect(journal.waitingCalls).toBe(0);
  expect(errors).toEqual([]);
});
