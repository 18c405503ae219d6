import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Client } from 'pg';
import { validateSoapAnswer } from '../helpers/xsd';
import { DEMO } from '../../src/accounts/demo';
import { signTokenPassport, tokenPassportXml } from '../helpers/credentials';
import { seededRandom } from '../helpers/seeded-random';

/**
 * Fuzzing the SOAP endpoint: 10,000 envelopes made by mutating valid requests of every operation
 * (seeded, so a failure can be replayed) against the real server in its own process. Every answer
 * must be a well-formed SOAP 1.1 response or fault with nothing of the server's insides in it;
 * a sample is validated against the XSDs; /healthz must keep answering; and the server's resident
 * memory must grow by less than MEMORY_GROWTH_BOUND_MB over the run (the embedded PGlite alone
 * holds about 850 MB from the start, a server on Postgres about 90 MB). Then envelopes deep and
 * wide enough to reach each cap of the XML reader (nesting, elements, attributes and namespace
 * declarations), each answered with its Client fault while /healthz keeps answering. Then 3,000 mutated
 * requests to the JSON faces (progress API, ServiceNow, Salesforce): each a proper HTTP answer in
 * the face's format, never a 500.
 */

const ROOT = path.resolve(__dirname, '../..');
const V = '2023_2';
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const CONCURRENCY = 8;
const MEMORY_GROWTH_BOUND_MB = 150;
const SAMPLE_EVERY = 50;

const NS = {
  soapenv: 'http://schemas.xmlsoap.org/soap/envelope/',
  msgs: `urn:messages_${V}.platform.webservices.netsuite.com`,
  core: `urn:core_${V}.platform.webservices.netsuite.com`,
  common: `urn:common_${V}.platform.webservices.netsuite.com`,
  rel: `urn:relationships_${V}.lists.webservices.netsuite.com`,
  sales: `urn:sales_${V}.transactions.webservices.netsuite.com`,
};

const envelope = (operation: string, inner: string, header = '') =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${NS.soapenv}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
  `xmlns:msg="${NS.msgs}" xmlns:core="${NS.core}" xmlns:common="${NS.common}" xmlns:listRel="${NS.rel}" xmlns:tranSales="${NS.sales}">` +
  (header ? `<soapenv:Header>${header}</soapenv:Header>` : '') +
  `<soapenv:Body><msg:${operation}>${inner}</msg:${operation}></soapenv:Body></soapenv:Envelope>`;

/** Stands for the tokenPassport in a seed, signed afresh for each request (a nonce is good once). */
const PASSPORT = '<!--tokenPassport-->';
const demo = { account: 'TSTDRV1234567', consumerKey: DEMO.consumerKey, consumerSecret: DEMO.consumerSecret, tokenId: DEMO.tokenId, tokenSecret: DEMO.tokenSecret };
const signed = () => tokenPassportXml(signTokenPassport(demo), V);

/**
 * Half the requests are mutated and then signed, so mutations of the body get past authentication;
 * the other half are signed and then mutated, so the credentials are fuzzed too.
 */
function fuzzed(seed: string, next: () => number): Buffer {
  if (next() < 0.5) return mutate(seed.replaceAll(PASSPORT, signed()), next);
  return Buffer.from(mutate(seed, next).toString('latin1').replaceAll(PASSPORT, signed()), 'latin1');
}

function seeds(jobId: string): string[] {
  const customer =
    '<msg:record xsi:type="listRel:Customer" externalId="fz-1"><listRel:companyName>Fuzz &amp; Co</listRel:companyName><listRel:isInactive>false</listRel:isInactive>' +
    '<listRel:addressbookList><listRel:addressbook><listRel:defaultShipping>true</listRel:defaultShipping><listRel:addressbookAddress><common:addr1>1 Main</common:addr1></listRel:addressbookAddress></listRel:addressbook></listRel:addressbookList>' +
    '<listRel:customFieldList><core:customField xsi:type="core:StringCustomFieldRef" scriptId="custentity_x"><core:value>v</core:value></core:customField></listRel:customFieldList></msg:record>';
  const order =
    '<msg:record xsi:type="tranSales:SalesOrder" externalId="fz-so"><tranSales:entity internalId="1001" type="customer"/><tranSales:itemList><tranSales:item><tranSales:item internalId="5"/><tranSales:quantity>2</tranSales:quantity></tranSales:item></tranSales:itemList></msg:record>';
  const ref = '<msg:baseRef xsi:type="core:RecordRef" type="customer" externalId="fz-1"/>';
  const account = PASSPORT;
  return [
    envelope('checkAsyncStatus', `<msg:jobId>${jobId}</msg:jobId>`, account),
    envelope('getAsyncResult', `<msg:jobId>${jobId}</msg:jobId><msg:pageIndex>1</msg:pageIndex>`, account),
    envelope('asyncAddList', customer + order, account),
    envelope('asyncUpdateList', customer.replace('fz-1', 'fz-2'), account),
    envelope('asyncUpsertList', customer, account),
    envelope('asyncDeleteList', `${ref}<msg:deletionReason>x</msg:deletionReason>`, account),
    envelope('asyncGetList', ref + ref.replace('externalId="fz-1"', 'internalId="1001"'), account),
    envelope('asyncInitializeList', '<msg:initializeRecord><core:type>invoice</core:type><core:reference type="salesOrder" externalId="fz-so"/></msg:initializeRecord>', account),
    envelope(
      'asyncSearch',
      '<msg:searchRecord xsi:type="common:CustomerSearchBasic"><common:companyName operator="contains"><core:searchValue>fuzz</core:searchValue></common:companyName>' +
        '<common:dateCreated operator="within"><core:searchValue>2026-01-01T00:00:00Z</core:searchValue><core:searchValue2>2027-01-01T00:00:00Z</core:searchValue2></common:dateCreated></msg:searchRecord>',
      `${account}<msg:searchPreferences><msg:pageSize>5</msg:pageSize></msg:searchPreferences>`,
    ),
  ];
}

const NASTY = [
  '<',
  '>',
  '&',
  '"',
  "'",
  '&amp;',
  '&#0;',
  '&#x1F600;',
  '&#xD800;',
  '&undefined;',
  ']]>',
  '<![CDATA[x]]>',
  '<!-- c -->',
  '<?pi x?>',
  '<!DOCTYPE x [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
  '<!ENTITY e SYSTEM "file:///etc/passwd">',
  '&e;',
  '<constructor/>',
  '<__proto__/>',
  '<x:y/>',
  'xsi:type="x:Nope"',
  ' xmlns:msg="urn:other"',
  "'; drop table jobs; --",
  '" or "1"="1',
  '\u0000',
  '\u0001',
  '\uFFFE',
  '\u202E',
  'é',
  '𝄞',
  '-1',
  '0',
  '2147483648',
  '1e309',
  'NaN',
  'true',
  '9'.repeat(40),
  'A'.repeat(5000),
  '<a>'.repeat(300),
  '</soapenv:Body>',
  '<soapenv:Body>',
  '</soapenv:Envelope>',
  'soapenv:',
  'msg:',
  '<msg:record/>',
  '<msg:baseRef/>',
];

/** What the JSON faces get thrown at them on top of NASTY. */
const JSON_NASTY = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  '\\',
  '\\u0000',
  '\\ud800',
  'null',
  '-0',
  '1e999',
  '-1',
  '2147483648',
  '0.1',
  'true',
  '[]',
  '{}',
  '"__proto__":{"polluted":1},',
  '"constructor":{"prototype":{"x":1}},',
  '"steps":[{"name":"x","steps":[{"name":"y"}]}],',
  '"%00"',
  '%2F..%2F',
  ...NASTY,
];

function mutate(seed: string, next: () => number, nasty: string[] = NASTY): Buffer {
  let text = seed;
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)];
  const at = () => Math.floor(next() * (text.length + 1));
  const rounds = 1 + Math.floor(next() * 4);
  for (let round = 0; round < rounds; round++) {
    const kind = Math.floor(next() * 7);
    if (kind === 0)
      text = text.slice(0, at()); // truncate
    else if (kind === 1) {
      const from = at();
      text = text.slice(0, from) + text.slice(from + Math.floor(next() * 40)); // delete a run
    } else if (kind === 2) {
      const from = at();
      text = text.slice(0, from) + pick(nasty) + text.slice(from); // insert something nasty
    } else if (kind === 3) {
      const from = at();
      const piece = text.slice(from, from + Math.floor(next() * 200));
      text = text.slice(0, from) + piece.repeat(1 + Math.floor(next() * 20)) + text.slice(from); // duplicate
    } else if (kind === 4) {
      // replace a text value (XML) or a number (JSON)
      text = nasty === NASTY ? text.replace(/>[^<]{1,60}</, `>${pick(nasty)}<`) : text.replace(/:\d+/, `:${pick(nasty)}`);
    } else if (kind === 5) {
      // replace an attribute value (XML) or a string value (JSON)
      text = nasty === NASTY ? text.replace(/(\w+)="[^"]*"/, `$1="${pick(nasty).replace(/"/g, '&quot;')}"`) : text.replace(/":"[^"]*"/, `":${JSON.stringify(pick(nasty))}`);
    } else {
      const bytes = Buffer.from(text);
      if (bytes.length > 0) bytes[Math.floor(next() * bytes.length)] ^= 1 << Math.floor(next() * 8); // flip a bit
      return bytes;
    }
  }
  return Buffer.from(text);
}

let server: ChildProcessWithoutNullStreams;
let url = '';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ase-fuzz-'));
// On a Postgres server the fuzzed service gets a database of its own, so the jobs it makes
// stay out of everyone else's way; without one it runs on its own embedded database.
const ADMIN_URL = process.env.DATABASE_URL;
const FUZZ_DB = `ase_fuzz_${process.pid}_${Date.now()}`;
let admin: Client | undefined;
/** Everything the server wrote, to show the log line behind an unexpected answer. */
let output = '';
const logLineOf = (reference: string): string =>
  output
    .split('\n')
    .find((line) => line.includes(reference))
    ?.slice(0, 2000) ?? '(no log line)';

function databaseUrl(): string {
  if (!ADMIN_URL) return '';
  const url_ = new URL(ADMIN_URL);
  url_.pathname = `/${FUZZ_DB}`;
  return url_.toString();
}

beforeAll(async () => {
  if (ADMIN_URL) {
    admin = new Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${FUZZ_DB}`);
  }
  server = spawn(process.execPath, ['-r', './tools/register-ts.js', 'src/cli/main.ts', 'serve'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl(),
      DEFAULT_RATE_PER_SECOND: '50',
      // Eight requests at once for one account: the governance limit would answer most of them.
      CONCURRENT_REQUESTS_PER_ACCOUNT: '0',
      ADMIN_TOKEN: 'fuzz-admin-token-0123456789',
    },
  });
  url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (found) resolve(found[1]);
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('exit', (code) => reject(new Error(`the server exited (${code}):\n${output}`)));
  });
}, 60_000);

afterAll(async () => {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(dataDir, { recursive: true, force: true });
  if (admin) {
    await admin.query(`drop database if exists ${FUZZ_DB} with (force)`);
    await admin.end();
  }
});

const residentMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))![1]) / 1024;
const parser = new XMLParser({ ignoreAttributes: false, transformTagName: (name) => name.slice(name.indexOf(':') + 1) });

it(`answers ${REQUESTS} mutated envelopes with well-formed SOAP, stays up, and grows by less than ${MEMORY_GROWTH_BOUND_MB} MB`, async () => {
  // A real job, so mutations of checkAsyncStatus and getAsyncResult can reach it.
  const created = await fetch(`${url}/admin/jobs`, {
    method: 'POST',
    headers: { Authorization: 'Bearer fuzz-admin-token-0123456789' },
    body: JSON.stringify({ operation: 'asyncAddList', items: 3, ratePerSecond: 100 }),
  });
  const { id: jobId } = (await created.json()) as { id: string };
  const bases = seeds(jobId);
  const baselineMb = residentMb();
  const next = seededRandom(SEED);
  const statuses = new Map<number, number>();
  const faultcodes = new Map<string, number>();
  let peakMb = 0;
  let sent = 0;
  const problems: string[] = [];

  async function one(index: number): Promise<void> {
    const body = fuzzed(bases[index % bases.length], next);
    const response = await fetch(`${url}/services/NetSuitePort_${V}`, { method: 'POST', headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body });
    const text = await response.text();
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    const where = `request ${index} (seed ${SEED})`;
    if (![200, 500].includes(response.status)) problems.push(`${where}: HTTP ${response.status}`);
    if (!response.headers.get('content-type')?.startsWith('text/xml')) problems.push(`${where}: content type ${response.headers.get('content-type')}`);
    if (XMLValidator.validate(text) !== true) {
      problems.push(`${where}: not well-formed: ${text.slice(0, 300)}`);
      return;
    }
    const body_ = parser.parse(text)?.Envelope?.Body;
    const fault = body_?.Fault;
    if (response.status === 500) {
      if (!fault) problems.push(`${where}: 500 without a Fault`);
      else {
        faultcodes.set(String(fault.faultcode), (faultcodes.get(String(fault.faultcode)) ?? 0) + 1);
        if (!['soapenv:Client', 'soapenv:Server.userException'].includes(String(fault.faultcode))) problems.push(`${where}: faultcode ${fault.faultcode}`);
        if (/\bat .*\.(ts|js):\d+|node_modules|select |insert into|relation "/i.test(String(fault.faultstring))) problems.push(`${where}: faultstring leaks: ${fault.faultstring}`);
      }
    } else if (!body_ || !Object.keys(body_).some((key) => key.endsWith('Response'))) {
      problems.push(`${where}: 200 without a response element`);
    }
    if (index % SAMPLE_EVERY === 0) {
      await validateSoapAnswer(text, V).catch((error: Error) => problems.push(`${where}: ${error.message.slice(0, 500)}`));
    }
  }

  const workers = Array.from({ length: CONCURRENCY }, async () => {
    while (sent < REQUESTS) {
      const index = sent++;
      await one(index);
      if (index % 1000 === 0) {
        const health = await fetch(`${url}/healthz`);
        if (health.status !== 200) problems.push(`request ${index}: /healthz answered ${health.status}`);
        peakMb = Math.max(peakMb, residentMb());
      }
    }
  });
  await Promise.all(workers);
  peakMb = Math.max(peakMb, residentMb());
  process.stdout.write(
    `fuzz: ${REQUESTS} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}, faults ${JSON.stringify(Object.fromEntries(faultcodes))}, peak RSS ${peakMb.toFixed(0)} MB (${baselineMb.toFixed(0)} MB at start)\n`,
  );

  expect(problems.slice(0, 20)).toEqual([]);
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
  expect(peakMb - baselineMb).toBeLessThan(MEMORY_GROWTH_BOUND_MB);
  // The mix reached both answers and faults, so the mutations were neither all fatal nor all harmless.
  expect(statuses.get(200) ?? 0).toBeGreaterThan(REQUESTS / 50);
  expect(statuses.get(500) ?? 0).toBeGreaterThan(REQUESTS / 2);
});

it('answers deep and wide XML with the fault naming its cap, or with the answer when under the caps, and keeps serving', async () => {
  const created = await fetch(`${url}/admin/jobs`, {
    method: 'POST',
    headers: { Authorization: 'Bearer fuzz-admin-token-0123456789' },
    body: JSON.stringify({ operation: 'asyncAddList', items: 1, ratePerSecond: 100 }),
  });
  const { id: jobId } = (await created.json()) as { id: string };
  const attributes = (count: number, name: (i: number) => string) => Array.from({ length: count }, (_, i) => ` ${name(i)}="v"`).join('');
  const plain = (i: number) => `a${i}`;
  const declaration = (i: number) => `xmlns:p${i}`;
  const check = (header: string, jobIdAttributes = '') => envelope('checkAsyncStatus', `<msg:jobId${jobIdAttributes}>${jobId}</msg:jobId>`, `${PASSPORT}${header}`);
  const TOO_MANY_NODES = /^The request has more than 100000 elements and attributes/;
  const TOO_DEEP = /^Maximum nested tags exceeded/;
  const tooManyOn = (element: string) => new RegExp(`^The element <${element}> has more than 1000 attributes, namespace declarations included`);
  const cases: Array<[string, string, RegExp | 'answered']> = [
    ['5,000 levels deep', check(`${'<a>'.repeat(5_000)}x${'</a>'.repeat(5_000)}`), TOO_DEEP],
    ['deep, each level with 50 attributes', check(`${`<a${attributes(50, plain)}>`.repeat(3_000)}${'</a>'.repeat(3_000)}`), TOO_DEEP],
    // Near 100 levels of 999 reach both caps at about the same element: either fault is right.
    [
      'deep, each level with 999 declarations',
      check(`${`<a${attributes(999, declaration)}>`.repeat(150)}${'</a>'.repeat(150)}`),
      new RegExp(`${TOO_MANY_NODES.source}|${TOO_DEEP.source}`),
    ],
    ['150,000 sibling elements', check('<a/>'.repeat(150_000)), TOO_MANY_NODES],
    ['1.4 million attributes on one element', check('', attributes(1_400_000, plain)), tooManyOn('msg:jobId')],
    ['800,000 namespace declarations on one element', check('', attributes(800_000, declaration)), tooManyOn('msg:jobId')],
    ['1,001 declarations on the envelope', check('').replace('<soapenv:Envelope ', `<soapenv:Envelope${attributes(1_001, declaration)} `), tooManyOn('soapenv:Envelope')],
    ['200 elements of 1,000 attributes', check(`<a${attributes(1_000, plain)}/>`.repeat(200)), TOO_MANY_NODES],
    ['200 elements of 1,000 declarations', check(`<a${attributes(1_000, declaration)}/>`.repeat(200)), TOO_MANY_NODES],
    // Under every cap: answered as any other request.
    ['1,000 attributes on one element', check('', attributes(1_000, plain)), 'answered'],
    ['90 elements of 1,000 declarations', check(`<a${attributes(1_000, declaration)}/>`.repeat(90)), 'answered'],
    ['100 levels deep', check(`${'<a>'.repeat(98)}x${'</a>'.repeat(98)}`), 'answered'],
  ];
  const problems: string[] = [];
  for (const [name, xml, expected] of cases) {
    // A heartbeat beside the request: how long the event loop was held shows in /healthz.
    let longestHealthMs = 0;
    let sending = true;
    const heartbeat = (async () => {
      while (sending) {
        const started = Date.now();
        if ((await fetch(`${url}/healthz`)).status !== 200) problems.push(`${name}: /healthz failed`);
        longestHealthMs = Math.max(longestHealthMs, Date.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const response = await fetch(`${url}/services/NetSuitePort_${V}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml; charset=utf-8' },
      body: xml.replaceAll(PASSPORT, signed()),
    });
    const text = await response.text();
    sending = false;
    await heartbeat;
    process.stdout.write(`fuzz (deep and wide): ${name}, ${(xml.length / 1e6).toFixed(1)} MB: HTTP ${response.status}, longest /healthz ${longestHealthMs} ms\n`);
    if (XMLValidator.validate(text) !== true) {
      problems.push(`${name}: not well-formed: ${text.slice(0, 300)}`);
      continue;
    }
    const body = parser.parse(text)?.Envelope?.Body;
    if (expected === 'answered') {
      if (response.status !== 200 || !body?.checkAsyncStatusResponse) problems.push(`${name}: HTTP ${response.status}: ${text.slice(0, 300)}`);
    } else if (response.status !== 500 || body?.Fault?.faultcode !== 'soapenv:Client' || !expected.test(String(body.Fault.faultstring))) {
      problems.push(`${name}: HTTP ${response.status}: ${text.slice(0, 300)}`);
    }
  }
  expect(problems).toEqual([]);
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
  const after = await fetch(`${url}/services/NetSuitePort_${V}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=utf-8' },
    body: check('').replaceAll(PASSPORT, signed()),
  });
  expect(after.status).toBe(200);
});

const JSON_REQUESTS = Number(process.env.FUZZ_JSON_REQUESTS ?? 3_000);
const DEMO_BASIC = `Basic ${Buffer.from(`${DEMO.tokenId}:${DEMO.tokenSecret}`).toString('base64')}`;

interface JsonSeed {
  method: string;
  /** The path, with `{id}` where the mutated id goes. */
  path: string;
  id?: string;
  body?: string;
  form?: boolean;
}

it(`answers ${JSON_REQUESTS} mutated requests to the progress API, ServiceNow and Salesforce faces with a proper HTTP answer, never a 500`, async () => {
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${url}${path}`, { method: 'POST', headers: { Authorization: DEMO_BASIC, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (response.status >= 300) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
    return response.json() as Promise<any>;
  };
  const job = await post('/progress/jobs', {
    name: 'Fuzzed',
    referenceId: 'FUZZ-1',
    steps: [{ name: 'Load', totalItems: 1_000_000, steps: [{ name: 'Inner' }] }, { name: 'Apply' }],
  });
  const step = job.steps[0].sysId;
  const seedsOf: JsonSeed[] = [
    {
      method: 'POST',
      path: '/progress/jobs',
      body: JSON.stringify({
        clientId: 'fz',
        name: 'Made by fuzz',
        referenceId: 'FUZZ-1',
        additionalData: { a: [1, 'b'] },
        steps: [{ name: 'A', order: 2, totalItems: 5, steps: [{ name: 'B' }] }],
      }),
    },
    {
      method: 'PATCH',
      path: '/progress/jobs/{id}',
      id: job.id,
      body: JSON.stringify({ percentComplete: 10, message: 'm', detailMessage: 'd', result: { ok: true }, additionalData: [1] }),
    },
    { method: 'PATCH', path: `/progress/jobs/${job.id}/steps/{id}`, id: step, body: JSON.stringify({ incrementProcessedItems: 1, totalItems: 1000000, message: 'x' }) },
    {
      method: 'POST',
      path: `/progress/jobs/${job.id}/steps/{id}/items`,
      id: step,
      body: JSON.stringify({ successes: ['a', { b: 1 }], failures: [{ items: ['c'], code: 5001, statusMessage: 'bad' }] }),
    },
    { method: 'POST', path: `/progress/jobs/${job.id}/steps/{id}/steps`, id: step, body: JSON.stringify({ steps: [{ name: 'child', order: 1 }] }) },
    { method: 'GET', path: '/progress/jobs/{id}', id: job.id },
    { method: 'GET', path: '/api/execution_tracker/{id}', id: job.sysId },
    { method: 'POST', path: '/xmlhttp.do', form: true, body: `sysparm_processor=AJAXProgressStatusChecker&sysparm_name=getStatus&sysparm_execution_id=${job.sysId}` },
    { method: 'GET', path: '/v1/asyncprocesses/{id}?verbose=true&itemsList=true&failMessage=false', id: 'FUZZ-1' },
  ];
  const next = seededRandom(SEED + 1);
  const statuses = new Map<number, number>();
  const problems: string[] = [];
  let sent = 0;

  async function one(index: number): Promise<void> {
    const seed = seedsOf[index % seedsOf.length];
    const id = seed.id === undefined ? '' : next() < 0.5 ? seed.id : mutate(seed.id, next, JSON_NASTY).toString('utf8');
    const path = seed.path.replace('{id}', encodeURIComponent(id));
    const body = seed.body === undefined ? undefined : next() < 0.2 ? Buffer.from(seed.body) : mutate(seed.body, next, JSON_NASTY);
    const headers: Record<string, string> = { 'Content-Type': seed.form ? 'application/x-www-form-urlencoded' : 'application/json' };
    if (next() < 0.95) headers.Authorization = DEMO_BASIC;
    const where = `JSON request ${index} (seed ${SEED + 1}): ${seed.method} ${seed.path}`;
    const response = await fetch(`${url}${path}`, { method: seed.method, headers, body });
    const text = await response.text();
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    if (![200, 201, 400, 401, 404, 409, 413].includes(response.status)) {
      const reference = /reference ([0-9a-f-]{36})/.exec(text)?.[1];
      problems.push(`${where}: HTTP ${response.status}: ${text.slice(0, 300)}; sent ${String(body).slice(0, 300)}; logged ${reference ? logLineOf(reference) : '-'}`);
    }
    if (seed.form) {
      if (XMLValidator.validate(text) !== true) problems.push(`${where}: not well-formed XML: ${text.slice(0, 300)}`);
    } else {
      try {
        JSON.parse(text);
      } catch {
        problems.push(`${where}: not JSON: ${text.slice(0, 300)}`);
      }
    }
    if (/\bat .*\.(ts|js):\d+|node_modules|select |insert into|relation "/i.test(text)) problems.push(`${where}: leaks: ${text.slice(0, 300)}`);
  }

  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (sent < JSON_REQUESTS) await one(sent++);
    }),
  );
  process.stdout.write(`fuzz (JSON faces): ${JSON_REQUESTS} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`);
  expect(problems.slice(0, 20)).toEqual([]);
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
  // Both kinds of answer were reached: the mutations were neither all fatal nor all harmless.
  expect((statuses.get(200) ?? 0) + (statuses.get(201) ?? 0)).toBeGreaterThan(JSON_REQUESTS / 10);
  expect(statuses.get(400) ?? 0).toBeGreaterThan(JSON_REQUESTS / 10);
});
