import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FaceClient } from '../helpers/json-faces';
import { signTokenPassport, tokenPassportXml } from '../helpers/credentials';
import { asList, customer, request, V } from '../helpers/record-requests';
import { createJob, startTestService, TEST_ADMIN_TOKEN, type TestService } from '../helpers/service';
import { envelope, postSoap, statusOf } from '../helpers/soap';

/** The built CLI, run as a user runs it: `npm run build` comes first (pretest:cli). */
const BIN = path.join(__dirname, '..', '..', 'bin', 'async-status-emulator.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}, input?: string): Promise<Run> & { child: ReturnType<typeof spawn> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  // A command that reads no input may exit before it is written: EPIPE then is no failure of the test.
  child.stdin.on('error', () => undefined);
  child.stdin.end(input ?? '');
  const done = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr }))) as Promise<Run> & { child: typeof child };
  done.child = child;
  return done;
}

let t: TestService;
let env: Record<string, string>;
let dir: string;

const advance = (seconds: number) =>
  fetch(`${t.url}/admin/clock/advance`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ seconds }),
  }).then((response) => {
    if (!response.ok) throw new Error(`advance answered ${response.status}`);
  });

beforeAll(async () => {
  t = await startTestService({ env: { CLOCK: 'manual', CLOCK_START: '2026-05-04T08:00:00Z' } });
  env = { EMULATOR_URL: t.url, ADMIN_TOKEN: TEST_ADMIN_TOKEN };
  dir = mkdtempSync(path.join(tmpdir(), 'ase-cli-'));
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('help and usage', () => {
  it('lists every command', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const command of [
      'serve',
      'worker',
      'migrate',
      'jobs list',
      'jobs show',
      'jobs watch',
      'jobs create',
      'records list',
      'records show',
      'accounts list',
      'accounts create',
      'accounts token',
      'clock advance',
      'wsdl fetch',
    ]) {
      expect(help.stdout).toContain(command);
    }
  });

  it('serves without a command, as `npx async-status-emulator` does, and exits 0 on SIGTERM', async () => {
    const run = cli([], { PORT: '0', HOST: '127.0.0.1', DATA_DIR: path.join(dir, 'no-command'), ADMIN_TOKEN: TEST_ADMIN_TOKEN });
    const bound = await new Promise<string>((resolve, reject) => {
      let seen = '';
      run.child.stdout?.on('data', (chunk) => {
        seen += String(chunk);
        const match = /"bound":"([^"]+)"/.exec(seen);
        if (match) resolve(match[1]);
      });
      run.child.on('close', (code) => reject(new Error(`exited ${code} before listening: ${seen}`)));
    });
    expect((await fetch(`http://${bound}/readyz`)).status).toBe(200);
    run.child.kill('SIGTERM');
    expect((await run).code).toBe(0);
  });

  it.each([
    'serve',
    'worker',
    'migrate',
    'jobs list',
    'jobs show',
    'jobs watch',
    'jobs create',
    'records list',
    'records show',
    'accounts list',
    'accounts create',
    'accounts token',
    'clock',
    'clock advance',
    'wsdl fetch',
  ])('%s --help', async (command) => {
    const run = await cli([...command.split(' '), '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: async-status-emulator ${command}`);
  });

  it('says what is wrong with a command line, with exit 2', async () => {
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "frobnicate"');
    const partial = await cli(['jobs']);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain('needs a subcommand: list, show, watch, create');
    const missing = await cli(['jobs', 'show'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('jobs show takes <id>');
    const badFlag = await cli(['jobs', 'list', '--colour'], env);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/Unknown option '--colour'/);
    const badInterval = await cli(['jobs', 'watch', 'x', '--interval', 'soon'], env);
    expect(badInterval.code).toBe(2);
    expect(badInterval.stderr).toContain('--interval must be');
  });

  it('exits 3 when the service is unreachable or refuses the token', async () => {
    const down = await cli(['jobs', 'list', '--url', 'http://127.0.0.1:9', '--token', 'x'.repeat(20)]);
    expect(down.code).toBe(3);
    expect(down.stderr).toContain('Cannot reach the service at http://127.0.0.1:9');
    const refused = await cli(['jobs', 'list', '--token', 'not-the-token-at-all'], { EMULATOR_URL: t.url });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('refused the admin token');
    const none = await cli(['jobs', 'list'], { EMULATOR_URL: t.url });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('No admin token');
  });
});

describe('jobs', () => {
  it('creates a job from a file and from stdin, and lists it', async () => {
    const file = path.join(dir, 'scenario.json');
    writeFileSync(file, JSON.stringify({ operation: 'asyncAddList', items: 4, ratePerSecond: 2, account: 'CLIACCT1' }));
    const created = await cli(['jobs', 'create', file], env);
    expect(created.code).toBe(0);
    const jobId = created.stdout.trim();
    expect(jobId).toMatch(/^ASYNCWEBSERVICES_CLIACCT1_/);

    const piped = await cli(['jobs', 'create', '-', '--json'], env, JSON.stringify({ operation: 'asyncDeleteList', items: 1, account: 'CLIACCT1' }));
    expect(piped.code).toBe(0);
    // One name for a job's id: what create answers is what list shows.
    expect(JSON.parse(piped.stdout).id).toMatch(/^ASYNCWEBSERVICES_CLIACCT1_/);

    const listed = await cli(['jobs', 'list', '--account', 'CLIACCT1'], env);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+ACCOUNT\s+WHAT\s+STATUS\s+DONE\s+ETA\s+ITEMS$/);
    expect(lines.find((line) => line.startsWith(jobId))).toMatch(/CLIACCT1\s+asyncAddList\s+pending\s+0\.0%\s+\S+\s+0\/4$/);

    const json = await cli(['jobs', 'list', '--account', 'CLIACCT1', '--json'], env);
    const jobs = JSON.parse(json.stdout) as Array<{ id: string }>;
    expect(jobs.map((job) => job.id)).toContain(jobId);
  });

  it("refuses a bad scenario with the service's reason, and a missing file", async () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ operation: 'asyncAddList', items: 2, failures: [{ item: 5, code: 'DUP_ENTITY' }] }));
    const bad = await cli(['jobs', 'create', file], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('failures[0].item: there are only 2 items');
    const missing = await cli(['jobs', 'create', path.join(dir, 'nope.json')], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Cannot read');
    const notJson = await cli(['jobs', 'create', '-'], env, 'operation: asyncAddList');
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('Standard input is not JSON');
  });

  it('shows a job with its step tree', async () => {
    const face = new FaceClient(t.url, 'CLIACCT2');
    const job = await face.progress('POST', '/jobs', {
      name: 'Bulk repricing',
      steps: [
        { name: 'Validate', totalItems: 2, steps: [{ name: 'Schema' }] },
        { name: 'Price', totalItems: 3 },
      ],
    });
    const validate = job.steps.find((step: { name: string }) => step.name === 'Validate');
    await face.progress('POST', `/jobs/${job.id}/steps/${validate.sysId}/items`, { successes: ['a'], failures: [{ items: ['b'], code: 5001 }] });
    const shown = await cli(['jobs', 'show', job.id], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('Bulk repricing');
    expect(shown.stdout).toMatch(/├─ Validate\s+running 100%\s+2\/2, 1 failed/);
    expect(shown.stdout).toMatch(/│ {2}└─ Schema\s+pending 0%/);
    expect(shown.stdout).toMatch(/└─ Price\s+pending 0%\s+0\/3/);
    const missing = await cli(['jobs', 'show', 'ASYNCWEBSERVICES_NOPE'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No job with id ASYNCWEBSERVICES_NOPE');
  });

  it('prints control characters stored in a job as ?, so no escape sequence reaches the terminal', async () => {
    const face = new FaceClient(t.url, 'CLIACCT3');
    const job = await face.progress('POST', '/jobs', { name: 'Bulk repricing', steps: [{ name: 'Step one' }] });
    await face.progress('POST', `/jobs/${job.id}/fail`, { message: 'bad' });
    // The faces refuse such text now; rows written before that rule, or by SQL, may still hold it.
    await t.database.db('jobs').where({ id: job.id }).update({ name: 'Bulk\u001b[2Jrepricing', failure_message: 'bad\u001b]0;owned\u0007' });
    await t.database.db('job_steps').where({ job_id: job.id }).update({ name: 'Step\u0007one' });
    const shown = await cli(['jobs', 'show', job.id], env);
    expect(shown.stdout).toContain('Bulk?[2Jrepricing');
    expect(shown.stdout).toContain('Step?one');
    expect(shown.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it('watches a job move under the manual clock to finishedWithErrors, exiting 1', async () => {
    const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 10, ratePerSecond: 1, failures: [{ item: 3, code: 'DUP_ENTITY' }] });
    const watching = cli(['jobs', 'watch', jobId, '--interval', '0.05'], env);
    let output = '';
    watching.child.stdout!.on('data', (chunk) => (output += chunk));
    const seen = async (pattern: RegExp) => {
      for (let i = 0; i < 400 && !pattern.test(output); i++) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(output).toMatch(pattern);
    };
    await seen(/0\.0%\s+0\/10\s+ETA \S+\s+pending/);
    await advance(4);
    await seen(/40\.0%\s+4\/10\s+ETA 6s\s+processing\s+asyncAddList/);
    await advance(6);
    const run = await watching;
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines.at(-1)).toBe(`finishedWithErrors: job ${jobId}: 10 of 10 items, 1 failed (first: item 3, DUP_ENTITY)`);
    expect(lines.at(-2)).toMatch(/^\[#{30}\] 100\.0%\s+10\/10\s+finishedWithErrors/);
    // A line per change, not per look.
    expect(new Set(lines).size).toBe(lines.length);

    const shown = await cli(['jobs', 'show', jobId], env);
    expect(shown.stdout).toContain('item 3  DUP_ENTITY');
  });

  it('exits 0 for a finished job, and prints JSON lines with --json', async () => {
    const jobId = await createJob(t.url, { operation: 'asyncUpdateList', items: 2, ratePerSecond: 1 });
    const watching = cli(['jobs', 'watch', jobId, '--interval', '0.05', '--json'], env);
    let output = '';
    watching.child.stdout!.on('data', (chunk) => (output += chunk));
    // The clock moves only once the watcher has printed the state before: a fixed wait lost that race on a busy machine.
    const printed = async (lines: number) => {
      for (let i = 0; i < 400 && output.split('\n').length <= lines; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    };
    await printed(1);
    await advance(1);
    await printed(2);
    await advance(1);
    const run = await watching;
    expect(run.code).toBe(0);
    const records = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(records[0]).toMatchObject({ id: jobId, status: 'pending', processedItems: 0, totalItems: 2 });
    expect(records.at(-1)).toMatchObject({ id: jobId, status: 'finished', percentCompleted: 100, estRemainingDuration: 0, processedItems: 2 });
  });
});

describe('records', () => {
  const ACCOUNT = 'CLIREC1';
  const OTHER = 'CLIREC2';
  /** internalIds by externalId, as SOAP answered them. */
  const ids: Record<string, string> = {};

  async function write(operation: string, inner: string, account: string) {
    const answer = await postSoap(t.url, V, request(operation, inner, { account }));
    expect(answer.status).toBe(200);
    const body = answer.body[`${operation}Response`];
    for (const response of asList(body.writeResponseList?.writeResponse ?? body.writeResponse)) {
      expect(response.status['@isSuccess']).toBe('true');
      ids[response.baseRef['@externalId']] = response.baseRef['@internalId'];
    }
  }
  const company = (externalId: string, name: string) => customer(`externalId="${externalId}"`, `<listRel:companyName>${name}</listRel:companyName>`);
  const rowOf = (output: string, internalId: string) => output.split('\n').find((line) => line.startsWith(`${internalId} `));

  beforeAll(async () => {
    await write('addList', company('cli-c1', 'Acme Rockets') + company('cli-c2', 'Blue Widgets') + company('cli-c3', 'Coyote Supply'), ACCOUNT);
    await write(
      'add',
      '<msg:record xsi:type="tranSales:SalesOrder" externalId="cli-so1"><tranSales:tranId>SO-77</tranSales:tranId>' +
        '<tranSales:entity internalId="1001" type="customer"><core:name>Acme</core:name></tranSales:entity>' +
        '<tranSales:itemList><tranSales:item><tranSales:item internalId="55"/><tranSales:quantity>2</tranSales:quantity></tranSales:item></tranSales:itemList></msg:record>',
      ACCOUNT,
    );
    await write('upsert', company('cli-c4', 'Dune Freight'), ACCOUNT);
    await write('add', company('cli-other', 'Elsewhere Inc'), OTHER);
  });

  it("lists an account's records in internalId order, with type, externalId, name and last modified", async () => {
    const listed = await cli(['records', 'list', '--account', ACCOUNT], env);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^INTERNALID\s+TYPE\s+EXTERNALID\s+NAME\s+LASTMODIFIED$/);
    expect(lines).toHaveLength(6);
    expect(rowOf(listed.stdout, ids['cli-c1'])).toMatch(/^\d+\s+customer\s+cli-c1\s+Acme Rockets\s+\d{4}-\d\d-\d\dT[\d:.]+Z$/);
    expect(rowOf(listed.stdout, ids['cli-so1'])).toMatch(/\s+salesOrder\s+cli-so1\s+SO-77\s+/);
    expect(rowOf(listed.stdout, ids['cli-c4'])).toMatch(/\s+customer\s+cli-c4\s+Dune Freight\s+/);
    const order = lines.slice(1).map((line) => line.split(/\s+/)[0]);
    expect(order).toEqual(['cli-c1', 'cli-c2', 'cli-c3', 'cli-so1', 'cli-c4'].map((externalId) => ids[externalId]));
    expect(listed.stdout).not.toContain('More:');

    const json = await cli(['records', 'list', '--account', ACCOUNT, '--json'], env);
    const page = JSON.parse(json.stdout);
    expect(page).toMatchObject({ account: ACCOUNT, next: null });
    expect(page.records.map((record: { internalId: string }) => record.internalId)).toEqual(order);
    expect(page.records[0]).toEqual({
      recordType: 'customer',
      internalId: ids['cli-c1'],
      externalId: 'cli-c1',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      fields: expect.objectContaining({ companyName: 'Acme Rockets' }),
    });
  });

  it('shows control characters and bidirectional overrides a client stored as ?, and escapes them in --json', async () => {
    await write('add', company('cli-odd', 'Evil\u202Egnp.exe\u009B2J'), 'CLIREC3');
    const listed = await cli(['records', 'list', '--account', 'CLIREC3'], env);
    expect(listed.code).toBe(0);
    expect(rowOf(listed.stdout, ids['cli-odd'])).toContain('Evil?gnp.exe?2J');
    const json = await cli(['records', 'show', ids['cli-odd'], '--account', 'CLIREC3', '--json'], env);
    expect(json.code).toBe(0);
    expect(json.stdout).not.toMatch(/[\u0080-\u009f\u202a-\u202e]/);
    expect(JSON.parse(json.stdout).fields.companyName).toBe('Evil\u202Egnp.exe\u009B2J');
  });

  it('pages with --limit and the --after its last line gives, to the end', async () => {
    const seen: string[] = [];
    let args = ['records', 'list', '--account', ACCOUNT, '--limit', '2'];
    const pages: number[] = [];
    for (let i = 0; i < 5; i++) {
      const page = await cli(args, env);
      expect(page.code).toBe(0);
      const lines = page.stdout.trim().split('\n');
      const more = lines.at(-1)!.startsWith('More: ') ? lines.pop()! : undefined;
      if (lines[0].startsWith('No records')) {
        expect(lines).toEqual([`No records in account ${ACCOUNT} after ${seen.at(-1)}.`]);
        pages.push(0);
      } else {
        const rows = lines.slice(1).map((line) => line.split(/\s+/)[0]);
        seen.push(...rows);
        pages.push(rows.length);
      }
      if (!more) break;
      expect(more).toBe(`More: async-status-emulator records list --account ${ACCOUNT} --limit 2 --after ${seen.at(-1)}`);
      args = more.replace('More: async-status-emulator ', '').split(' ');
    }
    // Five records, two a page: the third page is short, so it says no more.
    expect(pages).toEqual([2, 2, 1]);
    expect(seen).toEqual(['cli-c1', 'cli-c2', 'cli-c3', 'cli-so1', 'cli-c4'].map((externalId) => ids[externalId]));
  });

  it("filters by --type, and keeps each account's records to itself", async () => {
    const orders = await cli(['records', 'list', '--account', ACCOUNT, '--type', 'salesOrder'], env);
    expect(orders.code).toBe(0);
    expect(orders.stdout.trim().split('\n')).toHaveLength(2);
    expect(rowOf(orders.stdout, ids['cli-so1'])).toContain('SO-77');
    const customers = JSON.parse((await cli(['records', 'list', '--account', ACCOUNT, '--type', 'customer', '--json'], env)).stdout);
    expect(customers.records.map((record: { externalId: string }) => record.externalId)).toEqual(['cli-c1', 'cli-c2', 'cli-c3', 'cli-c4']);
    const none = await cli(['records', 'list', '--account', ACCOUNT, '--type', 'invoice'], env);
    expect(none.stdout).toBe(`No invoice records in account ${ACCOUNT}.\n`);

    const other = await cli(['records', 'list', '--account', OTHER], env);
    expect(other.stdout.trim().split('\n')).toHaveLength(2);
    expect(rowOf(other.stdout, ids['cli-other'])).toMatch(/customer\s+cli-other\s+Elsewhere Inc/);
    expect((await cli(['records', 'list', '--account', ACCOUNT], env)).stdout).not.toContain('cli-other');
    // internalIds are counted per account: the same number names another record in each.
    expect(ids['cli-other']).toBe(ids['cli-c1']);
    expect((await cli(['records', 'show', ids['cli-other'], '--account', OTHER], env)).stdout).toMatch(/^ {4}companyName {2}Elsewhere Inc$/m);
    expect((await cli(['records', 'show', ids['cli-other'], '--account', ACCOUNT], env)).stdout).toMatch(/^ {4}companyName {2}Acme Rockets$/m);
    const crossed = await cli(['records', 'show', ids['cli-c4'], '--account', OTHER], env);
    expect(crossed.code).toBe(1);
    expect(crossed.stderr).toBe(`Account ${OTHER} has no record ${ids['cli-c4']}.\n`);
  });

  it('shows one record with its dates and fields, nested ones as indented JSON', async () => {
    const shown = await cli(['records', 'show', ids['cli-so1'], '--account', ACCOUNT], env);
    expect(shown.code).toBe(0);
    const lines = shown.stdout.split('\n');
    expect(lines[0]).toBe(`salesOrder ${ids['cli-so1']}`);
    expect(shown.stdout).toMatch(/^ {2}externalId {2}cli-so1$/m);
    expect(shown.stdout).toMatch(/^ {2}created {5}\d{4}-\d\d-\d\dT[\d:.]+Z$/m);
    expect(shown.stdout).toMatch(/^ {2}modified {4}\d{4}-\d\d-\d\dT[\d:.]+Z$/m);
    // Plain fields first, aligned; then each nested one (a reference, a sublist) as indented JSON.
    expect(lines.slice(4, 7)).toEqual(['  fields', '    tranId  SO-77', '    entity']);
    const entity = lines.slice(7, 12);
    expect(entity[0]).toBe('      {');
    expect(
      entity
        .slice(1, 4)
        .map((line) => line.replace(/,$/, ''))
        .sort(),
    ).toEqual(['        "@internalId": "1001"', '        "@type": "customer"', '        "name": "Acme"'].sort());
    expect(entity[4]).toBe('      }');
    expect(lines.slice(12, 15)).toEqual(['    itemList', '      {', '        "item": [']);

    const json = await cli(['records', 'show', ids['cli-so1'], '--account', ACCOUNT, '--json'], env);
    const answer = await fetch(`${t.url}/admin/records/${ids['cli-so1']}?account=${ACCOUNT}`, { headers: { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(JSON.parse(json.stdout)).toEqual(await answer.json());

    const missing = await cli(['records', 'show', '999999999', '--account', ACCOUNT], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`Account ${ACCOUNT} has no record 999999999.\n`);
  });

  it.each([
    [['records', 'list', '--limit', '0'], '--limit must be a whole number from 1 to 1000 (got "0")'],
    [['records', 'list', '--limit', 'ten'], '--limit must be a whole number from 1 to 1000'],
    [['records', 'list', '--after', 'x1'], '--after must be an internalId, in digits (got "x1")'],
    [['records', 'list', '--type', 'Sales-Order'], '--type must be a record type such as customer'],
    [['records', 'list', '--colour'], "Unknown option '--colour'"],
    [['records', 'show'], 'records show takes <internalId>'],
    [['records', 'show', 'abc'], '<internalId> must be digits'],
    [['records'], 'needs a subcommand: list, show'],
  ])('refuses %j with exit 2', async (args, message) => {
    const run = await cli(args, env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});

describe('accounts', () => {
  it('creates an account, lists it, and issues a token that signs real SOAP calls', async () => {
    const created = await cli(['accounts', 'create', 'CLIACCT9', '--name', 'CLI test'], env);
    expect(created.code).toBe(0);
    expect(created.stdout).toBe('account CLIACCT9 created\n');
    const again = await cli(['accounts', 'create', 'CLIACCT9'], env);
    expect(again.code).toBe(1);

    const listed = await cli(['accounts', 'list'], env);
    expect(listed.stdout).toMatch(/CLIACCT9\s+CLI test\s+defaults/);

    const issued = await cli(['accounts', 'token', 'CLIACCT9', '--json'], env);
    expect(issued.code).toBe(0);
    const credentials = JSON.parse(issued.stdout);
    expect(credentials).toEqual({
      account: 'CLIACCT9',
      consumerKey: expect.any(String),
      consumerSecret: expect.any(String),
      tokenId: expect.any(String),
      tokenSecret: expect.any(String),
    });

    const jobId = await createJob(t.url, { operation: 'asyncAddList', items: 1, account: 'CLIACCT9' });
    const header = tokenPassportXml(signTokenPassport({ account: 'CLIACCT9', ...credentials }), '2017_1');
    const answer = await postSoap(t.url, '2017_1', envelope('checkAsyncStatus', `<jobId>${jobId}</jobId>`, '2017_1', header));
    expect(statusOf(answer)).toMatchObject({ jobId, status: 'pending' });

    const second = await cli(['accounts', 'token', 'CLIACCT9', '--consumer-key', credentials.consumerKey], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^tokenId\s+\S+$/m);
    expect(second.stdout).not.toContain('consumerSecret');
  });
});

describe('clock', () => {
  it('shows and advances the manual clock', async () => {
    const before = await cli(['clock', '--json'], env);
    const { now, mode } = JSON.parse(before.stdout);
    expect(mode).toBe('manual');
    const moved = await cli(['clock', 'advance', '90'], env);
    expect(moved.code).toBe(0);
    expect(moved.stdout).toMatch(new RegExp(`^${new Date(Date.parse(now) + 90_000).toISOString()} \\(\\d+ job steps\\)\\n$`));
    const bad = await cli(['clock', 'advance', '-5'], env);
    expect(bad.code).toBe(2);
  });
});

describe('service commands', () => {
  it('migrate sets up a fresh embedded database and exits 0', async () => {
    const run = await cli(['migrate'], { DATA_DIR: path.join(dir, 'data') });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('migrations are current');
  }, 60_000);

  it('worker refuses the manual clock with the reason', async () => {
    const run = await cli(['worker'], { CLOCK: 'manual', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('CLOCK=manual');
  });

  it('serve reports a bad setting and exits 1', async () => {
    const run = await cli(['serve'], { CLOCK: 'sometimes' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('CLOCK must be system (the default) or manual');
  });
});
