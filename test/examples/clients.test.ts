import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { systemClock } from '../../src/lib/clock';
import { adminHeaders, startTestService, type TestService } from '../helpers/service';
import { requireProgram } from '../helpers/programs';
import { closedPort, EXAMPLES, runExample, shown } from './run-program';

/**
 * Each client example (curl, zeep, PHP SoapClient, node-soap, JAX-WS) run as a user runs it,
 * against the whole service with its worker on the system clock, acting for the demo account with
 * its published credentials (the examples' defaults; only EMULATOR_URL is set). Each must add
 * three customers and exit 0, then fail with exit 1 and say why when the customers exist already,
 * when the token secret is wrong and when nothing listens at the URL. A missing program fails the
 * test, naming the Debian package to install. examples/connector_sync.py, a connector's whole run
 * with zeep, is tested on its own at the end.
 */

const PYTHON = '/usr/bin/python3';

interface Example {
  name: string;
  /** Throws, naming the package to install, when something the example needs is missing. */
  prepare(url: string): Promise<void>;
  command(): [string, string[]];
}

let javaBuild: Promise<void> | undefined;
const javaBuildDir = mkdtempSync(path.join(tmpdir(), 'examples-java-'));

/** wsimport from the live server's WSDL and javac, once for every Java test (as build.sh does). */
function buildJava(url: string): Promise<void> {
  javaBuild ??= (async () => {
    requireProgram('wsimport', ['-version'], 'wsimport is missing: install Debian jaxws: apt-get install jaxws');
    requireProgram('javac', ['-version'], 'javac is missing: install a JDK: apt-get install default-jdk-headless');
    requireProgram('java', ['-version'], 'java is missing: install a JDK: apt-get install default-jdk-headless');
    const build = await runExample('bash', [path.join(EXAMPLES, 'java/build.sh')], { EMULATOR_URL: url, BUILD_DIR: javaBuildDir }, 300_000);
    if (build.code !== 0) throw new Error(`examples/java/build.sh failed:\n${shown(build)}`);
  })();
  return javaBuild;
}

const EXAMPLES_UNDER_TEST: Example[] = [
  {
    name: 'curl.sh',
    async prepare() {
      requireProgram('curl', ['--version'], 'curl is missing: apt-get install curl');
      requireProgram('openssl', ['version'], 'openssl is missing: apt-get install openssl');
    },
    command: () => ['bash', [path.join(EXAMPLES, 'curl.sh')]],
  },
  {
    name: 'python_zeep.py',
    async prepare() {
      requireProgram(PYTHON, ['-c', 'import zeep'], `zeep is not importable by ${PYTHON}: install Debian python3-zeep: apt-get install python3-zeep`);
    },
    command: () => [PYTHON, [path.join(EXAMPLES, 'python_zeep.py')]],
  },
  {
    name: 'php_soapclient.php',
    async prepare() {
      requireProgram('php', ['--version'], 'php is missing: apt-get install php-cli php-soap');
      requireProgram('php', ['-r', 'exit(extension_loaded("soap") ? 0 : 1);'], "PHP's soap extension is missing: apt-get install php-soap");
    },
    command: () => ['php', [path.join(EXAMPLES, 'php_soapclient.php')]],
  },
  {
    name: 'node_soap.js',
    async prepare() {},
    command: () => [process.execPath, [path.join(EXAMPLES, 'node_soap.js')]],
  },
  {
    name: 'java (JAX-WS)',
    prepare: buildJava,
    command: () => ['bash', [path.join(EXAMPLES, 'java/run.sh')]],
  },
];

let service: TestService;

beforeAll(async () => {
  service = await startTestService({ worker: true, clock: systemClock });
});

afterAll(async () => {
  await service?.close();
  rmSync(javaBuildDir, { recursive: true, force: true });
});

async function adminJob(jobId: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${service.url}/admin/jobs/${jobId}`, { headers: adminHeaders });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe.each(EXAMPLES_UNDER_TEST)('examples/$name', (example) => {
  const prefix = `ci-${example.name.replace(/\W+/g, '-')}-${Date.now()}`;
  const run = async (env: Record<string, string> = {}) => {
    await example.prepare(service.url);
    const [command, args] = example.command();
    return runExample(command, args, { EMULATOR_URL: service.url, BUILD_DIR: javaBuildDir, ...env });
  };

  it('submits three customers, polls until the job has finished, prints each new internalId and exits 0', async () => {
    const result = await run({ NS_EXTERNAL_ID_PREFIX: prefix });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.not.stringMatching(/error/i) });
    const jobId = /^submitted job (ASYNCWEBSERVICES_\S+) \(3 customers to (\S+) as TSTDRV1234567\)$/m.exec(result.stdout);
    expect(jobId).not.toBeNull();
    expect(jobId![2]).toBe(service.url);
    const statuses = [...result.stdout.matchAll(/^status (\w+) ([\d.]+)%/gm)].map((m) => m[1]);
    expect(statuses.at(-1)).toBe('finished');
    expect(result.stdout).toMatch(/^status finished 100\.0%$/m);
    const added = [...result.stdout.matchAll(/^ {2}added (\S+) internalId (\d+)$/gm)].map((m) => ({ externalId: m[1], internalId: m[2] }));
    expect(added.map((a) => a.externalId)).toEqual([`${prefix}-1`, `${prefix}-2`, `${prefix}-3`]);
    expect(new Set(added.map((a) => a.internalId)).size).toBe(3);
    expect(result.stdout).toContain(`done: job ${jobId![1]} finished, 3 of 3 customers added`);

    const job = await adminJob(jobId![1]);
    expect(job).toMatchObject({ account: 'TSTDRV1234567', operation: 'asyncAddList', recordType: 'customer', status: 'finished', totalItems: 3, failedItems: 0, resultCalls: 1 });
  });

  it('run again with the same externalIds: prints DUP_ENTITY for each customer and exits 1', async () => {
    const result = await run({ NS_EXTERNAL_ID_PREFIX: prefix });
    expect(result.code).toBe(1);
    for (const n of [1, 2, 3]) expect(result.stdout).toMatch(new RegExp(`^ {2}failed ${prefix}-${n} DUP_ENTITY: .*already exists`, 'm'));
    expect(result.stdout).toMatch(/^status failed 100\.0%$/m);
    expect(result.stderr).toMatch(/^error: job ASYNCWEBSERVICES_\S+ failed, 0 of 3 customers added$/m);
  });

  it('a wrong token secret: says the login was refused and exits 1', async () => {
    const result = await run({ NS_TOKEN_SECRET: 'not-the-demo-token-secret' });
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('submitted job');
    expect(result.stderr).toContain('error: asyncAddList answered a SOAP fault (USER_ERROR): Invalid login attempt.');
  });

  it('nothing listening at EMULATOR_URL: says it cannot reach it and exits 1', async () => {
    const port = await closedPort();
    const result = await run({ EMULATOR_URL: `http://127.0.0.1:${port}` });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^error: .*(could not reach|could not load the WSDL) http://127\\.0\\.0\\.1:${port}`, 'm'));
  });
});

/**
 * examples/connector_sync.py, a nightly sync's run, on a service of its own whose getAsyncResult
 * pages hold 16 results, so the 40 customers of its asyncAddList span three pages.
 */
describe('examples/connector_sync.py', () => {
  let connectorService: TestService;
  const prefix = `ci-connector-sync-${Date.now()}`;
  const run = async (env: Record<string, string> = {}) => {
    requireProgram(PYTHON, ['-c', 'import zeep'], `zeep is not importable by ${PYTHON}: install Debian python3-zeep: apt-get install python3-zeep`);
    return runExample(PYTHON, [path.join(EXAMPLES, 'connector_sync.py')], { EMULATOR_URL: connectorService.url, ...env });
  };

  beforeAll(async () => {
    connectorService = await startTestService({ worker: true, clock: systemClock, env: { RESULT_PAGE_SIZE: '16' } });
  });

  afterAll(async () => {
    await connectorService?.close();
  });

  it('searches, upserts 3, adds 40 by a job read over 3 pages, gets, updates, deletes one and finds it by getDeleted; exits 0', async () => {
    const result = await run({ NS_EXTERNAL_ID_PREFIX: prefix });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const time = '\\d{4}-\\d\\d-\\d\\dT[\\d:.]+\\+00:00';
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(9);
    expect(lines[0]).toMatch(new RegExp(`^run ${prefix}: ${connectorService.url} as TSTDRV1234567, server time ${time}$`));
    expect(lines[1]).toBe("search: 0 of the run's 43 customers exist");
    expect(lines[2]).toMatch(/^upsertList: 3 customers written, internalIds \d+, \d+, \d+$/);
    const job = /^asyncAddList: job (ASYNCWEBSERVICES_\S+) finished in [\d.]+ s, 3 result pages, 40 of 40 customers added$/.exec(lines[3]);
    expect(job).not.toBeNull();
    const target = /^get: customer (\d+) is 'Sync Customer 4', last modified (\S+)$/.exec(lines[4]);
    expect(target).not.toBeNull();
    const id = target![1];
    const updated = new RegExp(`^update: customer ${id} is 'Sync Customer 4 \\(renamed\\)', last modified (${time})$`).exec(lines[5]);
    expect(updated).not.toBeNull();
    expect(Date.parse(updated![1])).toBeGreaterThan(Date.parse(target![2]));
    expect(lines[6]).toBe(`delete: customer ${id} deleted, get answers RCRD_DSNT_EXIST`);
    expect(lines[7]).toMatch(new RegExp(`^getDeleted: 1 customer deleted since the run began, customer ${id} at ${time}$`));
    expect(lines[8]).toBe(`done: run ${prefix} synced 43 customers`);

    const response = await fetch(`${connectorService.url}/admin/jobs/${job![1]}`, { headers: adminHeaders });
    expect(await response.json()).toMatchObject({ account: 'TSTDRV1234567', operation: 'asyncAddList', status: 'finished', totalItems: 40, failedItems: 0, resultCalls: 3 });
  });

  it('run again with the same externalIds: finds 42 customers (one was deleted), upserts, and exits 1 on the DUP_ENTITY refusals', async () => {
    const result = await run({ NS_EXTERNAL_ID_PREFIX: prefix });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("search: 42 of the run's 43 customers exist\nupsertList: 3 customers written");
    expect(result.stdout).toMatch(new RegExp(`^ {2}refused ${prefix}-5 DUP_ENTITY: .*already exists`, 'm'));
    expect(result.stdout).toContain('  and 34 more refused');
    expect(result.stderr).toMatch(/^error: asyncAddList: job ASYNCWEBSERVICES_\S+ finishedWithErrors in [\d.]+ s, 3 result pages, 1 of 40 customers added$/m);
  });

  it('a wrong token secret: says the login was refused and exits 1', async () => {
    const result = await run({ NS_TOKEN_SECRET: 'not-the-demo-token-secret' });
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('search:');
    expect(result.stderr).toBe('error: search answered a SOAP fault (USER_ERROR): Invalid login attempt.\n');
  });

  it('nothing listening at EMULATOR_URL: says it cannot load the WSDL there and exits 1', async () => {
    const port = await closedPort();
    const result = await run({ EMULATOR_URL: `http://127.0.0.1:${port}` });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^error: could not load the WSDL http://127\\.0\\.0\\.1:${port}/wsdl/v2023_2_0/netsuite\\.wsdl: `));
  });
});
