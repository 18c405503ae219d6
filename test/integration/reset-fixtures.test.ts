import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testCredentials } from '../helpers/credentials';
import { FaceClient } from '../helpers/json-faces';
import { adminHeaders, createJob, startTestService, type TestService } from '../helpers/service';
import { checkAsyncStatus, faultOf, getAsyncResult, postSoap, statusOf } from '../helpers/soap';
import { customer, ref, request, RecordRequests, V } from '../helpers/record-requests';

/**
 * POST /admin/reset, fixtures (FIXTURES_FILE, SEED_FILE, POST /admin/fixtures) and deterministic
 * ids, through real HTTP and SOAP on a manual clock.
 */

const START = '2026-05-04T08:00:00.000Z';
const A = 'TSTDRV1111111';
const B = 'TSTDRV2222222';

const accountFixture = (account: string) => {
  const c = testCredentials(account);
  return {
    id: account,
    name: `Account ${account}`,
    integrations: [{ name: 'tests', consumerKey: c.consumerKey, consumerSecret: c.consumerSecret, tokens: [{ tokenId: c.tokenId, tokenSecret: c.tokenSecret }] }],
  };
};

// The startup fixtures: accounts A and B, a customer of A's and a scripted job of A's, in YAML;
// the old seed format (accounts only) still comes as SEED_FILE.
const startupYaml = (duplicate = false) => `
accounts:
  - id: ${A}
    name: Account ${A}
    integrations:
      - name: tests
        consumerKey: ${testCredentials(A).consumerKey}
        consumerSecret: ${testCredentials(A).consumerSecret}
        tokens:
          - tokenId: ${testCredentials(A).tokenId}
            tokenSecret: ${testCredentials(A).tokenSecret}
records:
  - account: ${A}
    recordType: customer
    items:
      - externalId: FIX-1
        fields: { companyName: Fixture One, isPerson: false }
${duplicate ? '      - externalId: FIX-1\n        fields: { companyName: Fixture One again }\n' : ''}jobs:
  - operation: asyncAddList
    account: ${A}
    items: 2
    ratePerSecond: 1
`;

let dir: string;
let fixturesFile: string;
let t: TestService;

async function admin(method: string, route: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: any }> {
  const response = await fetch(`${t.url}/admin${route}`, {
    method,
    headers: { ...adminHeaders, ...(body === undefined ? {} : { 'Content-Type': contentType }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const reset = (body?: unknown, account?: string) => admin('POST', `/reset${account ? `?account=${account}` : ''}`, body);
const advance = (seconds: number) => admin('POST', '/clock/advance', { seconds });

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ase-fixtures-'));
  fixturesFile = path.join(dir, 'fixtures.yaml');
  writeFileSync(fixturesFile, startupYaml());
  const seedFile = path.join(dir, 'seed.json');
  writeFileSync(seedFile, JSON.stringify({ accounts: [accountFixture(B)] }));
  t = await startTestService({ env: { CLOCK: 'manual', CLOCK_START: START, FIXTURES_FILE: fixturesFile, SEED_FILE: seedFile } });
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('fixtures at startup', () => {
  it('loads the accounts, records and jobs of FIXTURES_FILE (YAML) and the accounts of SEED_FILE (JSON)', async () => {
    expect((await admin('GET', `/accounts/${A}`)).status).toBe(200);
    expect((await admin('GET', `/accounts/${B}`)).status).toBe(200);
    const jobs = (await admin('GET', `/jobs?account=${A}`)).body.jobs;
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ operation: 'asyncAddList', totalItems: 2, status: 'pending' });
    const records = await t.database.db('records').where({ account: A }).select('record_type', 'internal_id', 'external_id', 'fields');
    expect(records.map((row) => ({ ...row, internal_id: String(row.internal_id) }))).toEqual([
      { record_type: 'customer', internal_id: '1001', external_id: 'FIX-1', fields: { companyName: 'Fixture One', isPerson: false } },
    ]);
  });
});

interface TrackedStep {
  sysId: string;
  steps?: TrackedStep[];
}
const sysIdsOf = (steps: TrackedStep[] = []): string[] => steps.flatMap((step) => [step.sysId, ...sysIdsOf(step.steps)]);

/** What a suite sees of the ids it is given: job ids, sysIds, internalIds, secrets and whole SOAP answers. */
async function runSuite(seed: string) {
  const cleared = await reset({ seed });
  expect(cleared.status).toBe(200);
  const records = new RecordRequests(t);
  const submitted = await postSoap(
    t.url,
    V,
    request(
      'asyncAddList',
      customer('externalId="S-1"', '<listRel:companyName>Suite One</listRel:companyName>') + customer('externalId="S-2"', '<listRel:companyName>Suite Two</listRel:companyName>'),
      { account: A },
    ),
  );
  const soapJob = submitted.body.asyncAddListResponse.asyncStatusResult.jobId as string;
  const scripted = await createJob(t.url, { operation: 'asyncUpsertList', account: A, items: 3, failures: [{ item: 2, code: 'DUP_ENTITY' }] });
  const tracked = await new FaceClient(t.url, A).progress('POST', '/jobs', { name: 'Import', steps: [{ name: 'Load', totalItems: 2, steps: [{ name: 'Check' }] }] });
  const integration = await admin('POST', `/accounts/${A}/integrations`, { name: 'generated' });
  await advance(30);
  const answers = [
    (await checkAsyncStatus(t.url, soapJob, V, A)).text,
    (await getAsyncResult(t.url, soapJob, 1, V, A)).text,
    (await getAsyncResult(t.url, scripted, 1, V, A)).text,
    (await getAsyncResult(t.url, cleared.body.loaded.jobs[0], 1, V, A)).text,
  ];
  const read = await records.submitAndRun('asyncGetList', ref('type="customer" externalId="S-2"'), { account: A });
  return {
    loaded: cleared.body.loaded,
    jobIds: [soapJob, scripted, tracked.id, read],
    sysIds: [tracked.sysId, ...sysIdsOf(tracked.steps)],
    credentials: integration.body,
    answers: [...answers, (await getAsyncResult(t.url, read, 1, V, A)).text],
  };
}

describe('deterministic ids', () => {
  it('gives a suite run twice after a reset with the same seed the same ids and SOAP answers', async () => {
    const first = await runSuite('suite-seed-1');
    const second = await runSuite('suite-seed-1');
    expect(second).toEqual(first);
    expect(first.jobIds[0]).toMatch(/^ASYNCWEBSERVICES_TSTDRV1111111_05042026080000000\d{10}_[0-9a-f]{8}$/);
    expect(first.sysIds).toHaveLength(3);
    for (const sysId of first.sysIds) expect(sysId).toMatch(/^[0-9a-f]{32}$/);
    expect(first.credentials.consumerKey).toMatch(/^[0-9a-f]{64}$/);
    // The fixtures' record is 1001 again; the fixtures' job, first in line, adds 1002 and 1003; the suite's customers follow.
    expect(first.loaded.records).toEqual([{ account: A, recordType: 'customer', internalId: '1001', externalId: 'FIX-1' }]);
    expect(first.answers[1]).toContain('internalId="1004" externalId="S-1"');
    expect(first.answers[1]).toContain('internalId="1005" externalId="S-2"');
    expect(first.answers[0]).toMatch(/<platformMsgs:nsId>WEBSERVICES_TSTDRV1111111_\d{27}_[0-9a-f]{8}<\/platformMsgs:nsId>/);

    const other = await runSuite('suite-seed-2');
    expect(other.jobIds[0]).not.toBe(first.jobIds[0]);
    expect(other.sysIds[0]).not.toBe(first.sysIds[0]);
    expect(other.credentials.consumerKey).not.toBe(first.credentials.consumerKey);
  });

  it('gives random ids after a reset without a seed (and no ID_SEED)', async () => {
    const first = (await reset()).body;
    expect(first.seed).toBeNull();
    const one = await createJob(t.url, { operation: 'asyncAddList', account: A, items: 1 });
    await reset();
    const two = await createJob(t.url, { operation: 'asyncAddList', account: A, items: 1 });
    expect(two).not.toBe(one);
  });
});

describe('POST /admin/reset', () => {
  it('resets everything to a fresh start: accounts, jobs, records and the clock, with what it removed', async () => {
    await reset({ seed: 'fresh' });
    await admin('POST', '/accounts', { id: 'TSTDRV3333333' });
    const jobOfB = await createJob(t.url, { operation: 'asyncAddList', account: B, items: 2 });
    await advance(3600);
    // A poll just before: its journal entry may still wait to be written when the reset comes.
    expect(statusOf(await checkAsyncStatus(t.url, jobOfB, V, B)).jobId).toBe(jobOfB);
    const done = await reset();
    expect(done.status).toBe(200);
    expect(done.body.removed.request_journal).toBeGreaterThanOrEqual(1);
    expect((await admin('GET', '/requests')).body.requests).toEqual([]);
    expect(done.body).toMatchObject({ account: null, seed: null, clock: START });
    // Two fixture jobs and B's; the demo account, A, B and the one made above.
    expect(done.body.removed).toMatchObject({ jobs: 2, accounts: 4, records: 1, job_items: 4 });
    expect(done.body.removed).not.toHaveProperty('settings');
    expect(done.body.loaded).toMatchObject({ accounts: ['TSTDRV1234567', B, A], jobs: [expect.any(String)] });
    expect((await admin('GET', '/clock')).body.now).toBe(START);
    expect((await admin('GET', '/accounts/TSTDRV3333333')).status).toBe(404);
    expect((await admin('GET', `/jobs?account=${B}`)).body.jobs).toEqual([]);
    // The admin token survived (these calls used it), as did the demo account's credentials.
    expect((await admin('GET', '/accounts/TSTDRV1234567')).status).toBe(200);
  });

  it('resets one account, leaving every other account as it was', async () => {
    await reset();
    const jobOfA = await createJob(t.url, { operation: 'asyncAddList', account: A, items: 2 });
    const jobOfB = await createJob(t.url, { operation: 'asyncAddList', account: B, items: 2 });
    await advance(10);
    const before = statusOf(await checkAsyncStatus(t.url, jobOfB, V, B));
    const resultOfB = (await getAsyncResult(t.url, jobOfB, 1, V, B)).text;

    const done = await reset({ seed: 'only-a' }, A.toLowerCase());
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ account: A, seed: 'only-a', clock: null });
    expect(done.body.removed).toMatchObject({ jobs: 2, records: 1 });
    expect(done.body.removed).not.toHaveProperty('accounts');
    // Without a seed of its own, an account takes every account's (here none).
    expect((await reset({}, A)).body.seed).toBeNull();
    // The startup fixtures' record and job of A are back.
    expect(done.body.loaded.records).toEqual([{ account: A, recordType: 'customer', internalId: '1001', externalId: 'FIX-1' }]);
    expect(done.body.loaded.jobs).toHaveLength(1);

    expect(faultOf(await checkAsyncStatus(t.url, jobOfA, V, A)).code).toBe('INVALID_JOB_ID');
    expect(statusOf(await checkAsyncStatus(t.url, jobOfB, V, B))).toEqual(before);
    expect((await getAsyncResult(t.url, jobOfB, 1, V, B)).text.replace(/<platformMsgs:nsId>[^<]*/, '')).toBe(resultOfB.replace(/<platformMsgs:nsId>[^<]*/, ''));
    expect((await admin('GET', `/accounts/${A}`)).body.integrations).toHaveLength(1);
    // B keeps its records' numbering: its next internalId follows its two.
    const [counter] = await t.database.db('account_counters').where({ account: B }).select('next_internal_id');
    expect(Number(counter.next_internal_id)).toBe(1003);
  });

  it('rolls back everything when a part fails: a startup file that no longer loads leaves the state as it was', async () => {
    await reset();
    const job = await createJob(t.url, { operation: 'asyncAddList', account: B, items: 1 });
    writeFileSync(fixturesFile, startupYaml(true));
    try {
      const failed = await reset();
      expect(failed.status).toBe(400);
      expect(failed.body.field).toBe('records[0].items[1].externalId');
      expect(failed.body.error).toContain(`FIXTURES_FILE ${fixturesFile}`);
    } finally {
      writeFileSync(fixturesFile, startupYaml());
    }
    // The deletes that ran before the failure were rolled back with it.
    expect(statusOf(await checkAsyncStatus(t.url, job, V, B)).status).toBe('pending');
    expect((await admin('GET', `/jobs?account=${A}`)).body.jobs).toHaveLength(1);
    const [{ n }] = await t.database.db('records').where({ account: A }).count({ n: '*' });
    expect(Number(n)).toBe(1);
    expect((await admin('GET', '/accounts/TSTDRV1234567')).status).toBe(200);
  });

  it('is never seen half done by requests made while it runs', async () => {
    await reset();
    for (let i = 0; i < 5; i++) await createJob(t.url, { operation: 'asyncAddList', account: B, items: 1 });
    const before = new Set(((await admin('GET', '/jobs?limit=1000')).body.jobs as Array<{ id: string }>).map((job) => job.id));
    const reads = Array.from({ length: 20 }, () => admin('GET', '/jobs?limit=1000'));
    const done = await reset();
    const after = new Set(((await admin('GET', '/jobs?limit=1000')).body.jobs as Array<{ id: string }>).map((job) => job.id));
    expect(done.body.removed.jobs).toBe(before.size);
    for (const read of await Promise.all(reads)) {
      const seen = new Set((read.body.jobs as Array<{ id: string }>).map((job) => job.id));
      expect([before, after]).toContainEqual(seen);
    }
  });

  it('refuses a bad request naming the field', async () => {
    expect(await reset({ seed: '' })).toMatchObject({ status: 400, body: { field: 'seed' } });
    expect(await reset({ clock: 'yesterday' })).toMatchObject({ status: 400, body: { field: 'clock' } });
    expect(await reset({ colour: 'red' })).toMatchObject({ status: 400 });
    expect(await reset({}, 'not an account!')).toMatchObject({ status: 400, body: { field: 'account' } });
    expect(await reset({ fixtures: { jobs: [{ operation: 'asyncAddList', account: B, items: 1 }] } }, A)).toMatchObject({
      status: 400,
      body: { field: 'fixtures.jobs[0].account' },
    });
  });

  it('loads the fixtures it is given after the startup ones, in the same transaction', async () => {
    const done = await reset({
      seed: 'with-fixtures',
      fixtures: { records: [{ account: B, recordType: 'contact', items: [{ internalId: '5000', fields: { firstName: 'Ada' } }] }] },
    });
    expect(done.status).toBe(200);
    expect(done.body.loaded.records).toContainEqual({ account: B, recordType: 'contact', internalId: '5000', externalId: null });
  });
});

describe('POST /admin/fixtures', () => {
  beforeEach(() => reset());

  it('loads JSON: accounts, records readable over SOAP, and jobs', async () => {
    const loaded = await admin('POST', '/fixtures', {
      accounts: [accountFixture('TSTDRV4444444')],
      records: [
        { account: 'TSTDRV4444444', recordType: 'customer', items: [{ internalId: '7001', externalId: 'J-1', fields: { companyName: 'Json Co' } }, { externalId: 'J-2' }] },
      ],
      jobs: [{ operation: 'asyncDeleteList', account: 'TSTDRV4444444', items: 1 }],
    });
    expect(loaded.status).toBe(201);
    expect(loaded.body.accounts).toEqual(['TSTDRV4444444']);
    // An internalId given moves the account's numbering past it.
    expect(loaded.body.records.map((record: { internalId: string }) => record.internalId)).toEqual(['7001', '7002']);
    expect(loaded.body.jobs).toEqual([expect.stringMatching(/^ASYNCWEBSERVICES_TSTDRV4444444_/)]);
    const read = await new RecordRequests(t).submitAndRun('asyncGetList', ref('type="customer" internalId="7001"'), { account: 'TSTDRV4444444' });
    const answer = await getAsyncResult(t.url, read, 1, V, 'TSTDRV4444444');
    expect(answer.text).toContain('Json Co');
    expect(answer.text).toContain('externalId="J-1"');
    // And at once by get, with the dates the load gave it.
    const got = await postSoap(t.url, V, request('get', ref('type="customer" externalId="J-1"'), { account: 'TSTDRV4444444' }));
    expect(got.body.getResponse.readResponse.record).toMatchObject({ '@internalId': '7001', companyName: 'Json Co', dateCreated: expect.stringMatching(/^\d{4}-/) });
  });

  it('loads YAML sent as application/yaml', async () => {
    const yaml = `records:\n  - account: ${B}\n    recordType: vendor\n    items:\n      - externalId: Y-1\n        fields:\n          companyName: Yaml Supplies\n`;
    const loaded = await admin('POST', '/fixtures', yaml, 'application/yaml');
    expect(loaded.status).toBe(201);
    expect(loaded.body.records).toEqual([{ account: B, recordType: 'vendor', internalId: '1001', externalId: 'Y-1' }]);
  });

  it('refuses a bad document whole, with a 400 naming the field', async () => {
    const cases: Array<[unknown, string, string?]> = [
      [{ records: [{ recordType: 'customer', items: [{ fields: { nickname: 'x' } }] }] }, 'records[0].items[0].fields.nickname'],
      [{ records: [{ recordType: 'spaceship', items: [] }] }, 'records[0].recordType'],
      [{ records: [{ recordType: 'customer', items: [{ internalId: 'abc' }] }] }, 'records[0].items[0].internalId'],
      [{ jobs: [{ operation: 'asyncAddList', items: 2, failures: [{ item: 5, code: 'DUP_ENTITY' }] }] }, 'jobs[0].failures[0].item'],
      [{ accounts: [{ id: 'TSTDRV5555555', integrations: [{ name: 'x', consumerKey: 'k' }] }] }, 'accounts[0].integrations[0].consumerSecret'],
      [{ widgets: [] }, 'fixtures'],
      ['records: [unclosed', 'body', 'application/yaml'],
    ];
    for (const [body, field, type] of cases) {
      const answer = await admin('POST', '/fixtures', body, type);
      expect(answer).toMatchObject({ status: 400, body: { field } });
    }
    // A clash only the database finds comes after the document's first parts were applied: none of them stay.
    const clash = await admin('POST', '/fixtures', {
      accounts: [accountFixture('TSTDRV6666666')],
      records: [{ account: B, recordType: 'customer', items: [{ externalId: 'C-1' }, { externalId: 'C-1' }] }],
    });
    expect(clash).toMatchObject({ status: 400, body: { field: 'records[0].items[1].externalId' } });
    expect((await admin('GET', '/accounts/TSTDRV6666666')).status).toBe(404);
    expect(await t.database.db('records').where({ account: B }).select('external_id')).toEqual([]);
  });
});

// Last: each starts a service of its own, which takes a while.
describe('settings at startup', () => {
  it('takes ID_SEED as the seed of every start and of every reset that names none', async () => {
    const seeded = await startTestService({ env: { CLOCK: 'manual', CLOCK_START: START, ID_SEED: 'from-the-environment' } });
    try {
      const job = (account: string) => createJob(seeded.url, { operation: 'asyncAddList', account, items: 1 });
      const first = await job(A);
      const resetResponse = await fetch(`${seeded.url}/admin/reset`, { method: 'POST', headers: adminHeaders });
      expect(await resetResponse.json()).toMatchObject({ seed: 'from-the-environment', clock: START });
      expect(await job(A)).toBe(first);
      // Under one seed each account has ids of its own; a reset of one account starts its ids again.
      expect(await job(B)).not.toBe(first.replace(A, B));
      const accountReset = await fetch(`${seeded.url}/admin/reset?account=${A}`, { method: 'POST', headers: adminHeaders });
      expect(await accountReset.json()).toMatchObject({ account: A, seed: 'from-the-environment' });
      expect(await job(A)).toBe(first);
    } finally {
      await seeded.close();
    }
  });

  it('refuses to start on a fixtures file with a mistake, naming the file and the field', async () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ records: [{ recordType: 'customer', items: [{ fields: { nickname: 'x' } }] }] }));
    await expect(startTestService({ env: { FIXTURES_FILE: bad } })).rejects.toThrow(/FIXTURES_FILE .*bad\.json: records\[0\]\.items\[0\]\.fields\.nickname/);
  });
});
