import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CliError } from '../../src/cli/admin-client';
import { DEFAULT_LIMITS, fetchWsdlTree, MARKER } from '../../src/cli/wsdl-fetch';
import { netsuiteStyleFiles, STYLE_RECORD_TYPES, STYLE_SEARCH_TYPES } from '../helpers/netsuite-style-tree';
import { startServiceProcess } from '../helpers/service-process';

/**
 * `wsdl fetch` against a local server that publishes a tree in NetSuite's style (the machine has
 * no internet): its imports name https://webservices.netsuite.com and another NetSuite host, which
 * the command reads from --from. Then the built CLI serves the fetched tree, end to end on loopback.
 */

const VERSION = '2023_2';
const BIN = path.join(__dirname, '..', '..', 'bin', 'async-status-emulator.js');
const published = netsuiteStyleFiles(VERSION);

function cli(args: string[], cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** What the server publishes under /mirror, by URL path; a path may be replaced for one test. */
const files = new Map<string, string>();
/** Paths the server answers with a redirect, to where. */
const redirects = new Map<string, string>();
const requests: string[] = [];
let server: Server;
let from: string;
let dir: string;

beforeAll(async () => {
  for (const file of published) files.set(`/mirror${file.urlPath}`, file.text);
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/mirror/silent.xsd') return; // never answers
    const moved = redirects.get(req.url ?? '');
    if (moved) return void res.writeHead(302, { Location: moved }).end();
    const text = files.get(req.url ?? '');
    res.writeHead(text === undefined ? 404 : 200, { 'Content-Type': 'text/xml' }).end(text ?? 'not here');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  from = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mirror`;
  dir = mkdtempSync(path.join(tmpdir(), 'ase-fetch-'));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('wsdl fetch', () => {
  it("downloads the WSDL and every XSD it reaches into NetSuite's URL layout, as published, and the service starts on it", async () => {
    const to = path.join(dir, 'tree');
    const run = await cli(['wsdl', 'fetch', VERSION, '--from', from, '--to', to]);
    expect(run.stderr.trim().split('\n')).toEqual(
      expect.arrayContaining([`fetched wsdl/v${VERSION}_0/netsuite.wsdl (${(Buffer.byteLength(files.get(`/mirror/wsdl/v${VERSION}_0/netsuite.wsdl`)!) / 1024).toFixed(1)} kB)`]),
    );
    expect(run.stderr.trim().split('\n')).toHaveLength(published.length);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(
        `^NetSuite's WSDL ${VERSION}: ${published.length} files \\([\\d.]+ kB\\), ${STYLE_RECORD_TYPES.length} record types, ${STYLE_SEARCH_TYPES.length} search types, in ${to}\\nServe them with NETSUITE_WSDL_DIR=${to}\\n$`,
      ),
    );
    for (const file of published) expect(readFileSync(path.join(to, file.urlPath), 'utf8')).toBe(file.text);
    expect(JSON.parse(readFileSync(path.join(to, MARKER), 'utf8'))).toEqual({ version: VERSION, from: `${from}/`, files: published.length });
    // Every file once, from --from only: the NetSuite hosts the imports name were read from it.
    expect([...requests].sort()).toEqual(published.map((file) => `/mirror${file.urlPath}`).sort());

    const service = await startServiceProcess({ NETSUITE_WSDL_DIR: to }, [BIN, 'serve']);
    try {
      expect(service.output()).toContain(
        `NETSUITE_WSDL_DIR: NetSuite's WSDL ${VERSION}, ${STYLE_RECORD_TYPES.length} record types, ${STYLE_SEARCH_TYPES.length} search types, from ${to} (NetSuite URL layout)`,
      );
      const wsdl = await (await fetch(`${service.url}/wsdl/v${VERSION}_0/netsuite.wsdl`)).text();
      expect(wsdl).toContain(`<soap:address location="${service.url}/services/NetSuitePort_${VERSION}"/>`);
      expect(wsdl).toContain(`schemaLocation="${service.url}/xsd/lists/v${VERSION}_0/marketing.xsd"`);
      expect(wsdl).not.toMatch(/https?:\/\/[^\s"]*netsuite\.com/);
      const core = await (await fetch(`${service.url}/xsd/platform/v${VERSION}_0/core.xsd`)).text();
      expect(core).toContain(`schemaLocation="${service.url}/xsd/platform/v${VERSION}_0/faultTypes.xsd"`);
    } finally {
      await service.stop();
    }

    // Fetched again into the same folder: the tree is replaced.
    const again = await cli(['wsdl', 'fetch', VERSION, '--from', from, '--to', to]);
    expect(again.code).toBe(0);
  }, 120_000);

  it('writes to netsuite-wsdl/<version> by default', async () => {
    const cwd = path.join(dir, 'default');
    mkdirSync(cwd);
    const run = await cli(['wsdl', 'fetch', VERSION, '--from', from], cwd);
    expect(run.code).toBe(0);
    expect(existsSync(path.join(cwd, 'netsuite-wsdl', VERSION, 'wsdl', `v${VERSION}_0`, 'netsuite.wsdl'))).toBe(true);
  });

  it('refuses a version this service does not serve with exit 2, before any request', async () => {
    const before = requests.length;
    const run = await cli(['wsdl', 'fetch', '2016_2', '--from', from, '--to', path.join(dir, 'old')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Unknown version "2016_2": this service serves 2017_1, 2017_2,');
    expect(requests.length).toBe(before);
    expect((await cli(['wsdl', 'fetch', VERSION, '--from', 'ftp://example.org'])).code).toBe(2);
    expect((await cli(['wsdl', 'fetch'])).stderr).toContain('wsdl fetch takes <version>');
  });

  it('says when the host cannot be reached or answers an HTTP error, with exit 3, writing nothing', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const down = await cli(['wsdl', 'fetch', VERSION, '--from', `http://127.0.0.1:${port}`, '--to', path.join(dir, 'down')]);
    expect(down.code).toBe(3);
    expect(down.stderr).toContain(`Cannot fetch http://127.0.0.1:${port}/wsdl/v${VERSION}_0/netsuite.wsdl (ECONNREFUSED): check --from and the network.`);

    const missing = await cli(['wsdl', 'fetch', '2024_1', '--from', from, '--to', path.join(dir, 'missing')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain(`GET ${from}/wsdl/v2024_1_0/netsuite.wsdl answered HTTP 404: is the version published there?`);
    expect(existsSync(path.join(dir, 'down'))).toBe(false);
    expect(existsSync(path.join(dir, 'missing'))).toBe(false);
  });

  it("follows nothing outside --from and NetSuite's hosts, redirects included, and leaves a folder holding other files alone", async () => {
    const url = `/mirror/xsd/platform/v${VERSION}_0/common.xsd`;
    const original = files.get(url)!;
    files.set(url, original.replace('<import ', '<import namespace="urn:elsewhere" schemaLocation="https://example.org/evil.xsd"/><import '));
    try {
      const run = await cli(['wsdl', 'fetch', VERSION, '--from', from, '--to', path.join(dir, 'elsewhere')]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `${from}${url.slice('/mirror'.length)} imports https://example.org/evil.xsd, which is not a .wsdl or .xsd under ${from}/ or on NetSuite's hosts; nothing else is fetched.`,
      );
      expect(existsSync(path.join(dir, 'elsewhere'))).toBe(false);
    } finally {
      files.set(url, original);
    }

    // A redirect is followed on the same host only.
    const types = `/mirror/xsd/lists/v${VERSION}_0/relationshipTypes.xsd`;
    files.set('/mirror/moved/relationshipTypes.xsd', files.get(types)!);
    redirects.set(types, '/mirror/moved/relationshipTypes.xsd');
    try {
      const followed = await cli(['wsdl', 'fetch', VERSION, '--from', from, '--to', path.join(dir, 'moved')]);
      expect(followed.code).toBe(0);
      expect(readFileSync(path.join(dir, 'moved', types.slice('/mirror/'.length)), 'utf8')).toBe(files.get(types));
      redirects.set(types, 'http://example.org/relationshipTypes.xsd');
      const away = await cli(['wsdl', 'fetch', VERSION, '--from', from, '--to', path.join(dir, 'away')]);
      expect(away.code).toBe(3);
      expect(away.stderr).toContain(
        `GET ${from}${types.slice('/mirror'.length)} redirects to http://example.org/relationshipTypes.xsd; only 5 redirects on ${new URL(from).origin} are followed.`,
      );
      // An HTTP error names the URL that answered it, after redirects.
      redirects.set(types, '/mirror/gone/relationshipTypes.xsd');
      const gone = await cli(['wsdl', 'fetch', VERSION, '--from', from, '--to', path.join(dir, 'gone')]);
      expect(gone.code).toBe(3);
      expect(gone.stderr).toContain(`GET ${from}/gone/relationshipTypes.xsd (redirected from ${from}${types.slice('/mirror'.length)}) answered HTTP 404`);
    } finally {
      redirects.clear();
    }

    const busy = path.join(dir, 'busy');
    mkdirSync(busy);
    writeFileSync(path.join(busy, 'notes.txt'), 'mine');
    const refused = await cli(['wsdl', 'fetch', VERSION, '--from', from, '--to', busy]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`--to ${busy} holds files that are not a tree fetched by wsdl fetch (only wsdl/, xsd/ and ${MARKER}): give a new or empty folder.`);
    expect(readdirSync(busy)).toEqual(['notes.txt']);
  });

  it('replaces only a tree it fetched: not any folder of wsdl/ and xsd/, not a file', async () => {
    const lookalike = path.join(dir, 'lookalike');
    mkdirSync(path.join(lookalike, 'wsdl'), { recursive: true });
    mkdirSync(path.join(lookalike, 'xsd'));
    writeFileSync(path.join(lookalike, 'wsdl', 'mine.wsdl'), '<definitions/>');
    const refused = await cli(['wsdl', 'fetch', VERSION, '--from', from, '--to', lookalike]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`--to ${lookalike} holds files that are not a tree fetched by wsdl fetch (it has no ${MARKER}, and is not a tree the service reads:`);
    expect(readdirSync(path.join(lookalike, 'wsdl'))).toEqual(['mine.wsdl']);

    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'mine');
    for (const to of [file, path.join(file, 'tree')]) {
      const run = await cli(['wsdl', 'fetch', VERSION, '--from', from, '--to', to]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`--to ${to}: ${to === file ? 'is a file' : `${file} is a file`}, not a folder; give a new or empty folder.`);
    }
    expect(readFileSync(file, 'utf8')).toBe('mine');
  });

  it('names the document and the import whose %-escapes are malformed', async () => {
    const url = `/mirror/xsd/platform/v${VERSION}_0/common.xsd`;
    const original = files.get(url)!;
    files.set(url, original.replace('<import ', '<import namespace="urn:broken" schemaLocation="broken%E0%A4.xsd"/><import '));
    try {
      const run = await cli(['wsdl', 'fetch', VERSION, '--from', from, '--to', path.join(dir, 'broken')]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`${from}${url.slice('/mirror'.length)} imports broken%E0%A4.xsd, whose %-escapes are malformed; nothing is fetched from it.`);
    } finally {
      files.set(url, original);
    }
  });

  it('is bounded: files, bytes and the time each request may take', async () => {
    const run = (limits: Partial<typeof DEFAULT_LIMITS>, to: string) =>
      fetchWsdlTree({ version: VERSION, from, to: path.join(dir, to), progress: () => undefined, limits: { ...DEFAULT_LIMITS, ...limits } });
    await expect(run({ maxFiles: 3 }, 'few')).rejects.toThrow(
      new CliError(`More than 3 files reached from ${from}/wsdl/v${VERSION}_0/netsuite.wsdl; stopped (NetSuite publishes about 60 per version).`),
    );
    await expect(run({ maxBytes: 20_000 }, 'small')).rejects.toThrow(/pass 19\.5 kB at .*; stopped/);

    const url = `/mirror/xsd/platform/v${VERSION}_0/common.xsd`;
    const original = files.get(url)!;
    files.set(url, original.replace('<import ', `<import namespace="urn:silent" schemaLocation="${from}/silent.xsd"/><import `));
    try {
      await expect(run({ timeoutMs: 300 }, 'slow')).rejects.toMatchObject({
        message: `Cannot fetch ${from}/silent.xsd (no answer within 0.3 s): check --from and the network.`,
        exitCode: 3,
      });
    } finally {
      files.set(url, original);
    }
    for (const to of ['few', 'small', 'slow']) expect(existsSync(path.join(dir, to))).toBe(false);
  });
});
