import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../../src/lib/clock';
import { ensureTestAccount, testCredentials } from '../helpers/credentials';
import { writeNetSuiteStyleTree } from '../helpers/netsuite-style-tree';
import { requireProgram, runProgram } from '../helpers/programs';
import { startTestService, TEST_ADMIN_TOKEN, type TestService } from '../helpers/service';

/**
 * A client generated from NetSuite's own WSDL, as the official-WSDL mode serves it: Python zeep
 * (Debian python3-zeep) loads the WSDL of a tree written in NetSuite's style (absolute NetSuite
 * imports, default-namespace schemas) from the service, and runs the async flow with its types.
 */

const PYTHON = process.env.INTEROP_PYTHON ?? '/usr/bin/python3';
const SCRIPT = path.join(__dirname, 'zeep_official.py');
const VERSION = '2023_2';
const ACCOUNT = 'TSTDRV7700001';

const tree = mkdtempSync(path.join(os.tmpdir(), 'ase-official-interop-'));
let t: TestService;
beforeAll(async () => {
  requireProgram(PYTHON, ['--version'], `${PYTHON} is missing: install python3 and python3-zeep: apt-get install python3 python3-zeep`);
  requireProgram(PYTHON, ['-c', 'import zeep, lxml'], `zeep is not importable by ${PYTHON}: install python3-zeep: apt-get install python3-zeep`);
  writeNetSuiteStyleTree(tree, { version: VERSION });
  t = await startTestService({ worker: true, clock: systemClock, env: { NETSUITE_WSDL_DIR: tree, WORKER_POLL_MS: '50', DEFAULT_RATE_PER_SECOND: '50' } });
  await ensureTestAccount(t.url, ACCOUNT, TEST_ADMIN_TOKEN);
});
afterAll(async () => {
  await t?.close();
  rmSync(tree, { recursive: true, force: true });
});

it("zeep loads NetSuite's WSDL from the service and runs asyncAddList, asyncGetList and asyncSearch of a Partner through it", async () => {
  const run = await runProgram(PYTHON, [SCRIPT, `${t.url}/wsdl/v${VERSION}_0/netsuite.wsdl`, `credentials=${JSON.stringify(testCredentials(ACCOUNT))}`]);
  if (run.code !== 0) throw new Error(`zeep_official.py ended with ${run.code}:\n${run.stderr}\n${run.stdout}`);
  expect(JSON.parse(run.stdout)).toEqual({
    endpoint: `${t.url}/services/NetSuitePort_${VERSION}`,
    submitted: { status: 'pending', percentCompleted: 0 },
    ended: { status: 'finished', percentCompleted: 100 },
    added: { resultType: 'AsyncAddListResult', isSuccess: true, refType: 'RecordRef', type: 'partner', externalId: 'zeep-partner-1' },
    read: { resultType: 'AsyncGetListResult', recordType: 'Partner', partnerCode: 'ZEEP-1', companyName: 'Zeep & Co', externalId: 'zeep-partner-1' },
    search: { resultType: 'AsyncSearchResult', totalRecords: 1, found: ['zeep-partner-1'] },
  });
});
