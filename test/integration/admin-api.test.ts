import { adminHeaders, startTestService, type TestService } from '../helpers/service';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(() => t.close());

async function post(body: unknown, raw?: string) {
  const response = await fetch(`${t.url}/admin/jobs`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...adminHeaders },
    body: raw ?? JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('POST /admin/jobs', () => {
  it('creates a job and stores its scenario', async () => {
    const created = await post({
      operation: 'asyncUpsertList',
      account: 'ACME_SB1',
      recordType: 'vendor',
      items: [{ externalId: 'v1' }, { externalId: 'v2' }],
      ratePerSecond: 5,
      failures: [{ item: 2, code: 'INVALID_FLD_VALUE', message: 'Bad phone' }],
    });
    expect(created.status).toBe(201);
    const [row] = await t.database.db('jobs').where({ id: created.body.id });
    expect(row).toMatchObject({ account: 'ACME_SB1', operation: 'asyncUpsertList', record_type: 'vendor', status: 'pending', total_items: 2 });
    expect(row.scenario.failures).toEqual({ '2': { code: 'INVALID_FLD_VALUE', message: 'Bad phone' } });
  });

  it.each([
    [{ items: 1 }, 'operation'],
    [{ operation: 'asyncFooList', items: 1 }, 'operation'],
    [{ operation: 'asyncAddList' }, 'items'],
    [{ operation: 'asyncAddList', items: -1 }, 'items'],
    [{ operation: 'asyncAddList', items: 0 }, 'items'],
    [{ operation: 'asyncAddList', items: 1, recordType: 'spaceship' }, 'recordType'],
    [{ operation: 'asyncAddList', items: 1, ratePerSecond: 0 }, 'ratePerSecond'],
    [{ operation: 'asyncAddList', items: 1, ratePerSecond: 1e-20 }, 'ratePerSecond'],
    [{ operation: 'asyncAddList', items: 2, failures: [{ item: 3, code: 'DUP_ENTITY' }] }, 'failures[0].item'],
    [{ operation: 'asyncAddList', items: 2, failures: [{ item: 1, code: 'NOT_A_CODE' }] }, 'failures[0].code'],
    [
      {
        operation: 'asyncAddList',
        items: 2,
        failures: [
          { item: 1, code: 'DUP_ENTITY' },
          { item: 1, code: 'DUP_RCRD' },
        ],
      },
      'failures[1].item',
    ],
    [{ operation: 'asyncAddList', items: 2, fail: { afterItems: 5 } }, 'fail.afterItems'],
    [{ operation: 'asyncGetList', recordType: 'task', items: 1 }, 'recordType'],
    [{ operation: 'asyncGetList', items: [{ fields: { nickname: 'x' } }] }, 'items[0].fields.nickname'],
    [{ operation: 'asyncGetList', items: [{ fields: { daysOverdue: '9223372036854775808' } }] }, 'items[0].fields.daysOverdue'],
    [{ operation: 'asyncGetList', items: [{ fields: { daysOverdue: Number.MAX_SAFE_INTEGER + 1 } }] }, 'items[0].fields.daysOverdue'],
    [{ operation: 'asyncGetList', items: [{ fields: { balance: '0x10' } }] }, 'items[0].fields.balance'],
    [{ operation: 'asyncSearch', items: 5, pageSize: 3 }, 'pageSize'],
    [{ operation: 'asyncSearch', items: 5, failures: [{ item: 1, code: 'DUP_ENTITY' }] }, 'failures'],
    [{ operation: 'asyncAddList', items: 1, colour: 'red' }, 'body'],
  ])('refuses %j with 400 naming %s', async (body, field) => {
    const answer = await post(body);
    expect(answer.status).toBe(400);
    expect(answer.body.field).toBe(field);
    expect(answer.body.error).toContain(field === 'body' ? 'colour' : field);
  });

  it('refuses a body that is not JSON', async () => {
    const answer = await post(undefined, '{"operation": ');
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(/not valid JSON/);
  });

  it('refuses text Postgres cannot store, in a body or a path, naming where it is', async () => {
    const nul = await post(undefined, '{"operation": "asyncAddList", "items": [{"externalId": "a\\u0000b"}]}');
    expect(nul).toMatchObject({ status: 400, body: { field: 'body.items[0].externalId' } });
    const surrogate = await post(undefined, '{"operation": "asyncAddList", "items": [{"fields": {"companyName": "\\udc00"}}]}');
    expect(surrogate).toMatchObject({ status: 400, body: { field: 'body.items[0].fields.companyName' } });
    for (const path of ['/admin/accounts/A%00', '/admin/jobs/%ED%A0%80', '/admin/tokens/x%00/revoke']) {
      const response = await fetch(`${t.url}${path}`, { method: path.endsWith('revoke') ? 'POST' : 'GET', headers: adminHeaders });
      expect([path, response.status, ((await response.json()) as { field?: string }).field]).toEqual([path, 400, 'path']);
    }
    let deep = '1';
    for (let i = 0; i < 40; i++) deep = `[${deep}]`;
    expect((await post(undefined, `{"operation": "asyncAddList", "items": 1, "x": ${deep}}`)).body).toMatchObject({ field: 'body' });
  });
});

describe('GET /admin/jobs', () => {
  it('lists jobs newest first with their progress, filtered by account and status', async () => {
    const first = (await post({ operation: 'asyncAddList', account: 'LIST1', items: 1 })).body.id;
    const second = (await post({ operation: 'asyncDeleteList', account: 'LIST1', items: 2 })).body.id;
    const response = await fetch(`${t.url}/admin/jobs?account=LIST1&status=pending`, { headers: adminHeaders });
    const { jobs } = (await response.json()) as { jobs: Array<Record<string, any>> };
    expect(jobs.map((job) => job.id)).toEqual([second, first]);
    expect(jobs[0].progress).toEqual({ jobId: second, status: 'pending', percentCompleted: 0, estRemainingDuration: expect.any(Number) });
    expect((await fetch(`${t.url}/admin/jobs?status=nonsense`, { headers: adminHeaders })).status).toBe(400);
  });

  it('shows one job with its progress samples, and 404 for an unknown one', async () => {
    const jobId = (await post({ operation: 'asyncAddList', account: 'SHOW1', items: 2, ratePerSecond: 100 })).body.id;
    await t.service.worker.runDue();
    const shown = (await (await fetch(`${t.url}/admin/jobs/${jobId}`, { headers: adminHeaders })).json()) as Record<string, any>;
    expect(shown).toMatchObject({ id: jobId, status: 'processing', totalItems: 2, samples: [{ processed: 0 }] });
    const missing = await fetch(`${t.url}/admin/jobs/NOPE`, { headers: adminHeaders });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toMatch(/No job with id NOPE/);
  });
});

describe('the admin token', () => {
  it.each([
    ['no token', {}],
    ['a wrong token', { Authorization: 'Bearer not-the-token-at-all' }],
    ['a token of another length', { 'X-Admin-Token': 'x' }],
  ])('refuses every admin route with %s', async (_what, headers: Record<string, string>) => {
    for (const [method, path] of [
      ['GET', '/admin/jobs'],
      ['GET', '/admin/jobs/ANY'],
      ['POST', '/admin/jobs'],
    ]) {
      const response = await fetch(`${t.url}${path}`, { method, headers, body: method === 'POST' ? '{}' : undefined });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="admin"');
      expect(((await response.json()) as { error: string }).error).toMatch(/needs the admin token/);
    }
  });

  it('takes the token as X-Admin-Token too', async () => {
    const response = await fetch(`${t.url}/admin/jobs`, { headers: { 'X-Admin-Token': adminHeaders.Authorization.slice(7) } });
    expect(response.status).toBe(200);
  });
});

describe('other routes', () => {
  it('answers /healthz once migrations ran, and unknown paths with a JSON 404', async () => {
    expect(await (await fetch(`${t.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const missing = await fetch(`${t.url}/nothing-here`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toMatch(/POST \/services\/NetSuitePort_<version>/);
  });
});

describe('query values', () => {
  it.each(['/admin/jobs?account=A%00B', '/admin/requests?jobId=%00', '/admin/callbacks?job=x%00', '/admin/board?account=%00'])(
    'refuses a NUL in %s with a 400 naming the parameter, before it reaches Postgres',
    async (path) => {
      const response = await fetch(`${t.url}${path}`, { headers: adminHeaders });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: string; field: string };
      expect(body.error).toMatch(/may not hold NUL characters/);
      expect(['account', 'jobId', 'job']).toContain(body.field);
    },
  );
});
