import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { customer, request, V } from '../helpers/record-requests';
import { startTestService, TEST_ADMIN_TOKEN, type TestService } from '../helpers/service';
import { postSoap } from '../helpers/soap';
/** The account jobs belong to when they name none: the demo account, DEFAULT_ACCOUNT. */
const ACCOUNT = 'TSTDRV1234567';

/**
 * The dashboard end to end in headless Chromium (Debian's chromium, driven by playwright-core):
 * the token prompt, the job board moving as the manual clock advances, a job page with its step
 * tree, failed items, ETA chart and each face's raw answer, and screenshots that are not blank.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUT = path.join(__dirname, 'out');

let t: TestService;
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The dashboard tests need Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH to another build).`);
  }
  mkdirSync(OUT, { recursive: true });
  t = await startTestService({ env: { CLOCK: 'manual' } });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});
beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
});
afterEach(async () => {
  await page.close();
  // A script error on a page fails the test that caused it.
  expect(pageErrors).toEqual([]);
});

/**
 * An admin API call on a connection of its own: the test waits on the page for seconds between
 * calls, long enough for the server to close an idle kept-alive connection just as it is reused.
 */
function call(method: string, path: string, body: unknown, authorization: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = { Authorization: authorization, ...(payload ? { 'Content-Type': 'application/json' } : {}) };
    const request = http.request(`${t.url}${path}`, { method, agent: false, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    request.on('error', reject);
    request.end(payload);
  });
}

const admin = (method: string, path: string, body?: unknown) => call(method, path, body, `Bearer ${TEST_ADMIN_TOKEN}`);

/** The progress API, with the demo account's token as the README uses it. */
async function progress(method: string, path: string, body?: unknown): Promise<any> {
  const answer = await call(method, `/progress${path}`, body, `Basic ${Buffer.from('demo-token-id:demo-token-secret').toString('base64')}`);
  expect(answer.status).toBeLessThan(300);
  return answer.body;
}

async function createJob(scenario: Record<string, unknown>): Promise<string> {
  const answer = await admin('POST', '/admin/jobs', scenario);
  expect(answer.status).toBe(201);
  return answer.body.id;
}

async function advance(seconds: number): Promise<void> {
  expect((await admin('POST', '/admin/clock/advance', { seconds })).status).toBe(200);
}

/** Waits until the element's text is `expected` (the page polls every second). */
async function textBecomes(selector: string, expected: string): Promise<void> {
  const exactly = new RegExp(`^\\s*${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  await page.locator(selector).filter({ hasText: exactly }).waitFor();
}

/** Saves a full-page screenshot and checks it shows a rendered page, not a blank or single-colour one. */
async function screenshot(name: string): Promise<void> {
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  const png = PNG.sync.read(readFileSync(file));
  const colours = new Set<number>();
  const background = png.data.readUInt32BE(0);
  let other = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const pixel = png.data.readUInt32BE(i);
    colours.add(pixel);
    if (pixel !== background) other++;
  }
  expect(png.width).toBeGreaterThanOrEqual(1280);
  // Text, badges, bars and the chart: many colours, and a good share of pixels off the background.
  expect(colours.size).toBeGreaterThan(200);
  expect(other / (png.width * png.height)).toBeGreaterThan(0.05);
}

test('asks for the admin token, refuses a wrong one and opens with the right one', async () => {
  await page.goto(`${t.url}/ui`);
  const form = page.locator('#sign-in');
  await form.waitFor({ state: 'visible' });
  await page.fill('#token', 'not-the-admin-token');
  await page.click('#sign-in button[type=submit]');
  await textBecomes('#sign-in [role=alert]', 'That token was refused: use the one the service printed at startup (adminToken) or ADMIN_TOKEN.');
  await page.fill('#token', TEST_ADMIN_TOKEN);
  await page.click('#sign-in button[type=submit]');
  await form.waitFor({ state: 'hidden' });
  await page.locator('#live[data-state=live]').waitFor();
  expect(await page.locator('#clock [data-clock-now]').textContent()).toMatch(/^Manual clock: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
});

test("the board shows a job's progress bar and percent move as the clock advances, then its end", async () => {
  const jobId = await createJob({
    operation: 'asyncAddList',
    items: 10,
    ratePerSecond: 1,
    failures: [
      { item: 2, code: 'DUP_ENTITY' },
      { item: 5, code: 'INVALID_FLD_VALUE' },
    ],
  });
  const row = `tr[data-job-id="${jobId}"]`;
  // The token in the fragment is kept for the tab and taken out of the address.
  await page.goto(`${t.url}/ui/#token=${TEST_ADMIN_TOKEN}`);
  await page.locator(row).waitFor();
  expect(page.url()).toBe(`${t.url}/ui/`);
  expect(await page.locator(`${row} .badge`).textContent()).toBe('pending');
  expect(await page.locator(`${row} .percent`).textContent()).toBe('0.0%');

  await advance(3);
  await textBecomes(`${row} .percent`, '30.0%');
  expect(await page.locator(`${row} .badge`).textContent()).toBe('processing');
  expect(await page.locator(`${row} [role=progressbar]`).getAttribute('aria-valuenow')).toBe('30');
  expect(await page.locator(`${row} .items`).textContent()).toBe('3 / 10 · 1 failed');
  expect(Number(await page.locator(`${row} .eta`).getAttribute('data-seconds'))).toBeGreaterThan(0);
  await page.locator('#counts tbody th', { hasText: ACCOUNT }).waitFor();

  await advance(4);
  await textBecomes(`${row} .percent`, '70.0%');
  const width = (await page.locator(`${row} .fill`).evaluate((fill) => fill.style.width)) as string;
  expect(width).toBe('70%');
  await screenshot('board');

  // The manual clock's own buttons on the page move it too.
  await page.click('#clock button[data-seconds="10"]');
  await textBecomes(`${row} .badge`, 'finished with errors');
  expect(await page.locator(`${row} .percent`).textContent()).toBe('100.0%');
  expect(await page.locator(`${row} .eta`).textContent()).toBe('—');

  // A count filters the list to its account and state, in the address too, so a reload keeps it.
  await page.click(`#counts button[aria-label="1 finished with errors jobs of ${ACCOUNT}: show them"]`);
  await page.waitForURL(`${t.url}/ui/?account=${ACCOUNT}&status=finishedWithErrors`);
  await page.reload();
  await page.locator(row).waitFor();
  expect([await page.locator('#filters [name=account]').inputValue(), await page.locator('#filters [name=status]').inputValue()]).toEqual([ACCOUNT, 'finishedWithErrors']);
});

test('a SOAP job page shows its failed items, the ETA over time and what each face answers', async () => {
  const jobId = await createJob({
    operation: 'asyncAddList',
    items: 8,
    ratePerSecond: 2,
    failures: [{ item: 3, code: 'DUP_ENTITY', message: 'Customer ACME-3 exists' }],
  });
  await page.goto(`${t.url}/ui/jobs/${jobId}#token=${TEST_ADMIN_TOKEN}`);
  await page.locator('#job').waitFor();
  for (let i = 0; i < 4; i++) await advance(1);
  await page.locator('#failures tbody tr').waitFor();
  expect(await page.locator('#failures tbody tr td').allTextContents()).toEqual(['3', '', '', 'DUP_ENTITY', 'Customer ACME-3 exists']);
  expect(await page.locator('#steps').textContent()).toContain('No steps');

  await advance(2);
  await textBecomes('#job-title .badge', 'finished with errors');
  await page.locator('#live[data-state=ended]').waitFor();
  // The chart: one point a sample, the estimate line, and the dashed line of what really was left.
  const samples = await page.locator('#eta circle.sample').count();
  expect(samples).toBeGreaterThanOrEqual(5);
  expect(await page.locator('#eta polyline.estimate').getAttribute('points')).toMatch(/^[\d.]+,[\d.]+( [\d.]+,[\d.]+){4,}$/);
  expect(await page.locator('#eta polyline.actual').count()).toBe(1);

  const answer = (face: string) => page.locator(`[data-face="${face}"] pre`).textContent();
  await page.locator('[data-face="checkAsyncStatus"] pre', { hasText: '<platformCore:status>finishedWithErrors</platformCore:status>' }).waitFor();
  expect(await answer('checkAsyncStatus')).toContain('<platformCore:percentCompleted>100.0</platformCore:percentCompleted>');
  const result = (await answer('getAsyncResult')) ?? '';
  expect(result).toContain('xsi:type="platformMsgs:AsyncAddListResult"');
  expect(result.match(/<platformMsgs:writeResponse>/g)).toHaveLength(8);
  expect(result).toContain('<platformCore:code>DUP_ENTITY</platformCore:code>');
  expect(JSON.parse((await answer('executionTracker')) ?? '')).toMatchObject({ state: '2', percent_complete: '100' });
  expect(JSON.parse((await answer('asyncProcessStatus')) ?? '')).toMatchObject({ code: 200, AsyncProcessStatus: [{ asyncProcessId: jobId, status: 'Failed' }] });
  await screenshot('soap-job');

  // Showing the answers used up none of the job's getAsyncResult calls.
  expect((await admin('GET', `/admin/jobs/${jobId}`)).body.resultCalls).toBe(0);

  // Another version's answer, in its namespaces.
  await page.selectOption('#version', '2019_1');
  await page.locator('[data-face="checkAsyncStatus"] pre', { hasText: 'urn:core_2019_1.platform.webservices.netsuite.com' }).waitFor();
});

test('a reported job page shows its step tree with each step’s failed items', async () => {
  const created = await progress('POST', '/jobs', {
    name: 'Bulk repricing',
    referenceId: 'ORDER-77',
    steps: [
      { name: 'Validate', totalItems: 3 },
      { name: 'Price', steps: [{ name: 'Catalogue' }, { name: 'Contracts' }] },
    ],
  });
  const [validate, price] = created.steps;
  await progress('POST', `/jobs/${created.id}/steps/${validate.sysId}/items`, {
    successes: ['line-1'],
    failures: [{ items: ['line-2', { sku: 'X-9' }], code: 5001, statusMessage: 'Invalid status' }],
  });
  await progress('POST', `/jobs/${created.id}/steps/${validate.sysId}/success`, { message: 'Completed with errors' });
  await progress('PATCH', `/jobs/${created.id}/steps/${price.steps[0].sysId}`, { percentComplete: 50 });

  await page.goto(`${t.url}/ui/jobs/${created.id}#token=${TEST_ADMIN_TOKEN}`);
  await page.locator('#steps li.step').first().waitFor();
  expect(await page.locator('#steps > ul > li > .step-head .step-name').allTextContents()).toEqual(['Validate', 'Price']);
  expect(await page.locator('#steps li li .step-name').allTextContents()).toEqual(['Catalogue', 'Contracts']);
  const first = page.locator(`li[data-sys-id="${validate.sysId}"]`);
  expect(await first.locator('.step-head .badge').textContent()).toBe('finished');
  expect(await first.locator('.step-message').textContent()).toBe('Completed with errors');
  expect(await first.locator('.step-failures tbody tr td').allTextContents()).toEqual(['line-2', '5001', 'Invalid status', '{"sku":"X-9"}', '5001', 'Invalid status']);
  expect(await page.locator(`li[data-sys-id="${price.sysId}"] > .step-head [role=progressbar]`).getAttribute('aria-valuenow')).toBe('25');
  expect(await page.locator('#failures').textContent()).toContain('2 failed items, listed under their steps above.');
  expect(JSON.parse((await page.locator('[data-face="executionTracker"] pre').textContent()) ?? '')).toMatchObject({
    name: 'Bulk repricing',
    children: [
      { name: 'Validate', state: '2' },
      { name: 'Price', state: '0', children: [{ name: 'Catalogue' }, { name: 'Contracts' }] },
    ],
  });
  expect(await page.locator('[data-face="getAsyncResult"] pre').textContent()).toContain('<platformFaults:code>JOB_NOT_COMPLETE</platformFaults:code>');
  await screenshot('reported-job');
});

test('the records page lists what SOAP writes wrote, per account and type, a page at a time, and opens one', async () => {
  const account = 'UI_RECORDS';
  const add = async (operation: string, records: string, owner = account) => {
    const answer = await postSoap(t.url, V, request(operation, records, { account: owner }));
    expect(answer.status).toBe(200);
    return answer.body[`${operation}Response`];
  };
  const company = (i: number, name = `Company ${i}`) => customer(`externalId="ui-${i}"`, `<listRel:companyName>${name}</listRel:companyName>`);
  await add('addList', Array.from({ length: 55 }, (_, i) => company(i + 1)).join(''));
  await add('add', `<msg:record xsi:type="tranSales:SalesOrder" externalId="ui-order"><tranSales:memo>rush</tranSales:memo></msg:record>`);
  await add('add', company(1, 'Not mine'), 'UI_RECORDS_OTHER');

  await page.goto(`${t.url}/ui/records?account=${account}#token=${TEST_ADMIN_TOKEN}`);
  await page.locator('#records tbody tr').first().waitFor();
  expect(await page.locator('#records tbody tr').count()).toBe(50);
  expect(await page.locator('#records tbody tr').first().locator('td').allTextContents()).toEqual([
    expect.stringMatching(/^\d+$/),
    'customer',
    'ui-1',
    'Company 1',
    expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/),
    expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/),
  ]);
  expect(await page.locator('.pages a[aria-current=page]').textContent()).toBe('Records');

  await page.click('#next-page');
  await textBecomes('#page-range', 'Records 51–56');
  expect(await page.locator('#records tbody tr td:nth-child(3)').allTextContents()).toEqual(['ui-51', 'ui-52', 'ui-53', 'ui-54', 'ui-55', 'ui-order']);
  expect(await page.locator('#next-page').isHidden()).toBe(true);

  await page.fill('input[name=recordType]', 'salesOrder');
  await page.press('input[name=recordType]', 'Enter');
  await textBecomes('#page-range', 'Records 1–1');
  await page.click('#records tbody tr button');
  await page.locator('#record pre', { hasText: '"memo": "rush"' }).waitFor();
  expect(await page.locator('#record h2').textContent()).toMatch(/^salesOrder \d+ · externalId ui-order$/);
  expect(new URL(page.url()).searchParams.get('record')).toMatch(/^\d+$/);

  // A write shows at the next refresh: the record's name and last-modified time change in place.
  await page.fill('input[name=recordType]', '');
  await page.press('input[name=recordType]', 'Enter');
  await textBecomes('#records tbody tr:first-child td:nth-child(4)', 'Company 1');
  const before = await page.locator('#records tbody tr:first-child td:nth-child(6)').textContent();
  await advance(3600);
  expect((await add('update', company(1, 'Renamed'))).writeResponse.status['@isSuccess']).toBe('true');
  await textBecomes('#records tbody tr:first-child td:nth-child(4)', 'Renamed');
  expect(await page.locator('#records tbody tr:first-child td:nth-child(6)').textContent()).not.toBe(before);
  await screenshot('records');

  // The other account's record is its own.
  await page.selectOption('select[name=account]', 'UI_RECORDS_OTHER');
  await textBecomes('#page-range', 'Records 1–1');
  expect(await page.locator('#records tbody tr td:nth-child(4)').allTextContents()).toEqual(['Not mine']);

  // A type that is no record type is said so, not sent to the admin API to be refused at every refresh.
  await page.fill('input[name=recordType]', 'sales order');
  await page.locator('input[name=recordType]').dispatchEvent('change');
  await textBecomes('#records-empty', 'sales order is not a record type: name one such as customer or salesOrder.');
});
