import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { DEMO } from '../../src/accounts/demo';
import { signTokenPassport, tokenPassportXml } from '../helpers/credentials';
import { envelope } from '../helpers/soap';

/** The real entry point in a child process, on the embedded PGlite default with its own data folder. */

const ROOT = path.resolve(__dirname, '../..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ase-data-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Running {
  child: ChildProcessWithoutNullStreams;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>, mode = 'serve'): Promise<Running> {
  const child = spawn(process.execPath, ['-r', './tools/register-ts.js', 'src/cli/main.ts', mode], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ...env },
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1];
      if (url) resolve({ child, url, output: () => output, exited });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then((code) => reject(new Error(`the service exited (${code}) before listening:\n${output}`)));
  });
}

it('runs on the embedded database, drains a request under way on SIGTERM, and keeps its data', async () => {
  const first = await start({});
  expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
  // The startup line says the address really bound.
  expect(first.output()).toContain(`"bound":"127.0.0.1:${new URL(first.url).port}"`);
  // No ADMIN_TOKEN: one is generated at first start, stored, and printed.
  const token = /"message":"admin API token \(generated now[^"]*","adminToken":"([^"]+)"/.exec(first.output())?.[1];
  expect(token).toMatch(/^[\w-]{32}$/);
  const auth = { Authorization: `Bearer ${token}` };
  expect((await fetch(`${first.url}/admin/jobs`)).status).toBe(401);
  const created = await fetch(`${first.url}/admin/jobs`, { method: 'POST', headers: auth, body: JSON.stringify({ operation: 'asyncAddList', items: 3 }) });
  const { id: jobId } = (await created.json()) as { id: string };
  // One process owns the embedded database; a second one on the same folder is refused.
  await expect(start({})).rejects.toThrow(/exited \(1\)[\s\S]*The embedded database in .* is in use by process \d+/);

  // A fresh install prints the demo account's credentials; a request signed with them gets in.
  const demo = /"message":"demo account created[^"]*",(.*)\}$/m.exec(first.output())?.[1];
  expect(demo).toBeDefined();
  const printed = JSON.parse(`{${demo}}`) as Record<string, string>;
  expect(printed).toMatchObject({ account: 'TSTDRV1234567', consumerKey: DEMO.consumerKey, tokenId: DEMO.tokenId });
  const signed = signTokenPassport({
    account: printed.account,
    consumerKey: printed.consumerKey,
    consumerSecret: printed.consumerSecret,
    tokenId: printed.tokenId,
    tokenSecret: printed.tokenSecret,
  });

  // Send half a request, stop the service, then send the rest: the answer must still come.
  const body = envelope('checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`, '2017_1', tokenPassportXml(signed, '2017_1'));
  const answer = new Promise<{ status?: number; text: string }>((resolve, reject) => {
    const req = request(
      `${first.url}/services/NetSuitePort_2017_1`,
      { method: 'POST', headers: { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode, text }));
      },
    );
    req.on('error', reject);
    req.write(body.slice(0, 100));
    setTimeout(() => {
      first.child.kill('SIGTERM');
      setTimeout(() => req.end(body.slice(100)), 200);
    }, 100);
  });
  const { status, text } = await answer;
  expect(status).toBe(200);
  expect(text).toContain(jobId);
  expect(await first.exited).toBe(0);
  expect(first.output()).toMatch(/"message":"shutting down","signal":"SIGTERM"/);

  const second = await start({});
  // The demo account is made once; later starts print its credentials again, not "created".
  expect(second.output()).toMatch(/"message":"demo account: sign tokenPassports/);
  expect(second.output()).toContain(`"message":"admin API token (generated at first start; set ADMIN_TOKEN to choose one)","adminToken":"${token}"`);
  const shown = await fetch(`${second.url}/admin/jobs/${jobId}`, { headers: auth });
  expect(shown.status).toBe(200);
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
  // Two processes, each compiling its sources and opening PGlite: on a busy machine, past 30 s.
}, 240_000);

it('refuses to start on a bad setting and says what to set', async () => {
  await expect(start({ PORT: 'eighty', WORKER: 'perhaps' })).rejects.toThrow(/exited \(1\)[\s\S]*PORT must be a whole number[\s\S]*WORKER must be on or off/);
  // A hang guard: the process compiles its sources before it reads its settings.
}, 120_000);

it('refuses a separate worker on the embedded database, which one process owns', async () => {
  await expect(start({}, 'worker')).rejects.toThrow(/exited \(1\)[\s\S]*A separate worker needs a Postgres server: set DATABASE_URL/);
}, 120_000);
