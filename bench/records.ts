import { performance } from 'node:perf_hooks';
import {
  createAccounts,
  credentialsOf,
  endpoint,
  envelope,
  fmt,
  metOrNot,
  positiveNumber,
  startService,
  startWorker,
  stop,
  table,
  type BenchContext,
  type SectionReport,
  type Started,
} from './harness';
import { passportFor } from './load';
import { seedCustomers, seedSmallCustomers } from './seed-customers';

/**
 * The synchronous record operations (issue 23) on the Postgres server, each figure a ratio within
 * the run. (a) `get` of a random seeded customer by internalId beside `checkAsyncStatus` of a
 * finished job, calls taking turns one by one, ROUNDS rounds of CALLS each: the get should cost no
 * more than the poll. A get of a customer with a companyName alone takes its turn beside them, to
 * show what of the get's cost is its record's size, and a get of an internalId no record has, to
 * show what is the get's own path. (b) `addList` of 200 new customers in one request beside the worker's cost a
 * record: JOBS asyncAddList jobs of 200 customers submitted to one account, a worker process
 * (pacing off, warm from the rounds before) running them one after another, each in one step;
 * from one job's start to the last one's start is the cost of the records between (see
 * workerRound). Every answer is checked, and the records written are read back in SQL.
 */

const ACCOUNT = 'BENCH_RECORDS';
/** Customers seeded in SQL for get (internalIds 1001…). */
const SEEDED = 10_000;
/** internalIds from here on are no record's. */
const MISSING_FROM = 1_000_000;
const ROUNDS = Math.round(positiveNumber('BENCH_RECORDS_ROUNDS', process.env.BENCH_RECORDS_ROUNDS ?? '5'));
/** Calls of each kind a round, the three gets and checkAsyncStatus (BENCH_RECORDS_CALLS). */
const CALLS = Math.round(positiveNumber('BENCH_RECORDS_CALLS', process.env.BENCH_RECORDS_CALLS ?? '500'));
/** Records of one addList, and of one asyncAddList job: NetSuite's bound for a synchronous addList. */
const LIST = 200;
/** asyncAddList jobs a round (BENCH_RECORDS_JOBS): the first's start to the last's start spans JOBS - 1 jobs' records. */
const JOBS = Math.round(positiveNumber('BENCH_RECORDS_JOBS', process.env.BENCH_RECORDS_JOBS ?? '6'));
if (JOBS < 2) throw new Error("BENCH_RECORDS_JOBS must be at least 2: one job is timed to the next one's start");
/** get at most this many times the poll; addList of 200 at most this many times the worker's 200 records. */
const GET_LIMIT = 1.0;
const ADD_LIST_LIMIT = 3;

const NAMESPACES =
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:core="urn:core_2023_2.platform.webservices.netsuite.com" ' +
  'xmlns:listRel="urn:relationships_2023_2.lists.webservices.netsuite.com"';
const customerXml = (externalId: string, name: string) =>
  `<msg:record xsi:type="listRel:Customer" externalId="${externalId}"><listRel:companyName>${name}</listRel:companyName>` +
  `<listRel:email>${externalId}@bench.test</listRel:email><listRel:phone>555-0100</listRel:phone>` +
  `<listRel:comments>Added by the records benchmark.</listRel:comments></msg:record>`;
const listBody = (operation: string, prefix: string) =>
  `<msg:${operation} ${NAMESPACES}>${Array.from({ length: LIST }, (_, i) => customerXml(`${prefix}-${i + 1}`, `Listed ${prefix} ${i + 1}`)).join('')}</msg:${operation}>`;
const getBody = (internalId: number) => `<msg:get ${NAMESPACES}><msg:baseRef xsi:type="core:RecordRef" type="customer" internalId="${internalId}"/></msg:get>`;
const pollBody = (jobId: string) => `<msg:checkAsyncStatus><msg:jobId>${jobId}</msg:jobId></msg:checkAsyncStatus>`;

/** One signed call, timed from the request (signed beforehand) to the answer's last byte. */
async function timed(service: Started, operation: string, body: string): Promise<{ ms: number; status: number; text: string }> {
  const request = envelope(body).replace('{{PASSPORT}}', passportFor(credentialsOf(ACCOUNT)));
  const began = performance.now();
  const response = await fetch(endpoint(service.url), { method: 'POST', headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: operation }, body: request });
  const text = await response.text();
  return { ms: performance.now() - began, status: response.status, text };
}

function check(what: string, checks: boolean[], status: number, text: string): void {
  if (!checks.every(Boolean)) throw new Error(`${what} failed its checks ${JSON.stringify(checks)}: ${status} ${text.slice(0, 2000)}`);
}

/** get of seeded customer i: the record of that internalId, a Customer, its seeded companyName. */
async function timedGet(service: Started, i: number): Promise<number> {
  const internalId = 1000 + i;
  const { ms, status, text } = await timed(service, 'get', getBody(internalId));
  const record = /<platformMsgs:record [^>]*>/.exec(text)?.[0] ?? '';
  check(
    `get of customer ${internalId}`,
    [
      status === 200,
      text.includes('<platformMsgs:getResponse'),
      /<platformMsgs:readResponse><platformCore:status isSuccess="true"/.test(text),
      record.includes(`internalId="${internalId}"`),
      record.includes(`externalId="bench-${i}"`),
      record.includes('xsi:type="listRel:Customer"'),
      text.includes(`<listRel:companyName>Bench Customer ${i}</listRel:companyName>`),
    ],
    status,
    text,
  );
  return ms;
}

/**
 * get of small customer i: one seeded with a companyName alone, beside the full ones, so the run
 * shows what of a get's cost is its record's size (an answer of the poll's size, against twice it).
 */
async function timedSmallGet(service: Started, i: number): Promise<number> {
  const internalId = 1000 + SEEDED + i;
  const { ms, status, text } = await timed(service, 'get', getBody(internalId));
  check(
    `get of small customer ${internalId}`,
    [status === 200, /<platformMsgs:readResponse><platformCore:status isSuccess="true"/.test(text), text.includes(`<listRel:companyName>Small ${i}</listRel:companyName>`)],
    status,
    text,
  );
  return ms;
}

/**
 * get of an internalId no record has: the same request, the same look-up, an answer without a
 * record (RCRD_DSNT_EXIST). The run so shows what of a get's cost is its own path, and what is
 * reading its record out.
 */
async function timedMissingGet(service: Started, i: number): Promise<number> {
  const internalId = MISSING_FROM + i;
  const { ms, status, text } = await timed(service, 'get', getBody(internalId));
  check(
    `get of missing customer ${internalId}`,
    [status === 200, /<platformCore:status isSuccess="false">/.test(text), text.includes('<platformCore:code>RCRD_DSNT_EXIST</platformCore:code>')],
    status,
    text,
  );
  return ms;
}

/** checkAsyncStatus of the finished job: its id, finished, 100 per cent. */
async function timedPoll(service: Started, jobId: string): Promise<number> {
  const { ms, status, text } = await timed(service, 'checkAsyncStatus', pollBody(jobId));
  check(
    `checkAsyncStatus of ${jobId}`,
    [
      status === 200,
      text.includes('<platformMsgs:checkAsyncStatusResponse'),
      text.includes(`<platformCore:jobId>${jobId}</platformCore:jobId>`),
      text.includes('<platformCore:status>finished</platformCore:status>'),
      text.includes('<platformCore:percentCompleted>100.0</platformCore:percentCompleted>'),
    ],
    status,
    text,
  );
  return ms;
}

/** The records of `prefix`'s list as the record table holds them, in order: each once, with its name. */
async function checkStored(context: BenchContext, prefix: string, internalIds?: string[]): Promise<void> {
  const { rows } = await context.db.query(
    `select external_id, internal_id::text as internal_id, fields->>'companyName' as name from records
      where account = $1 and record_type = 'customer' and external_id like $2 || '-%'`,
    [ACCOUNT, prefix],
  );
  const byExternalId = new Map(rows.map((row) => [row.external_id as string, row]));
  const right = Array.from({ length: LIST }, (_, i) => {
    const row = byExternalId.get(`${prefix}-${i + 1}`);
    return row?.name === `Listed ${prefix} ${i + 1}` && (!internalIds || row.internal_id === internalIds[i]);
  });
  if (rows.length !== LIST || !right.every(Boolean)) throw new Error(`${prefix}: ${rows.length} records stored, ${right.filter((ok) => !ok).length} of ${LIST} not as sent`);
}

/** addList of 200 new customers: 200 successful writeResponses, in order, each with its externalId and a new internalId. */
async function timedAddList(context: BenchContext, service: Started, prefix: string): Promise<number> {
  const { ms, status, text } = await timed(service, 'addList', listBody('addList', prefix));
  const responses = [...text.matchAll(/<platformMsgs:writeResponse>(.*?)<\/platformMsgs:writeResponse>/g)].map((found) => found[1]);
  const refs = responses.map((response) =>
    /<platformMsgs:baseRef [^>]*?internalId="(\d+)"[^>]*?externalId="([^"]+)"|<platformMsgs:baseRef [^>]*?externalId="([^"]+)"[^>]*?internalId="(\d+)"/.exec(response),
  );
  const internalIds = refs.map((found) => found?.[1] ?? found?.[4] ?? '');
  check(
    `addList ${prefix}`,
    [
      status === 200,
      text.includes('<platformMsgs:addListResponse'),
      responses.length === LIST,
      responses.every((response) => response.startsWith('<platformCore:status isSuccess="true"')),
      refs.every((found, i) => (found?.[2] ?? found?.[3]) === `${prefix}-${i + 1}`),
      new Set(internalIds).size === LIST && internalIds.every(Boolean),
    ],
    status,
    text,
  );
  await checkStored(context, prefix, internalIds);
  return ms;
}

interface WorkerRound {
  /** Each asyncAddList request's time, request to answer. */
  submitMs: number[];
  jobIds: string[];
  /** Jobs whose records the span covers: those started after the last request was answered, but the last. */
  spannedJobs: number;
  /** From the first of those jobs' start to the last job's start. */
  spanMs: number;
  /** The worker's cost a record: the span over the spanned jobs' records. */
  perRecordMs: number;
}

/**
 * JOBS asyncAddList jobs of 200 customers submitted one after another to one account, with the
 * worker process running. Its request jobs run one a transaction, one after another; each job of
 * 200 is one step (the batch is 500), stamped with the step's start as both started_at and
 * finished_at, so one job's cost is the time from its start to the next one's. The span starts at
 * the first job started after the last request was answered (the first job may have run beside
 * the requests) and ends at the last job's start.
 */
async function workerRound(context: BenchContext, service: Started, round: string): Promise<WorkerRound> {
  const submitMs: number[] = [];
  const jobIds: string[] = [];
  for (let j = 1; j <= JOBS; j++) {
    const { ms, status, text } = await timed(service, 'asyncAddList', listBody('asyncAddList', `async-${round}-${j}`));
    const jobId = /<platformCore:jobId>([^<]+)</.exec(text)?.[1];
    check(`asyncAddList ${round}-${j}`, [status === 200, text.includes('<platformMsgs:asyncAddListResponse'), Boolean(jobId)], status, text);
    submitMs.push(ms);
    jobIds.push(jobId!);
  }
  const submitted = Date.now();
  for (let waited = 0; ; waited += 50) {
    const { rows } = await context.db.query(`select count(*)::int as left from jobs where id = any($1) and status in ('pending', 'processing')`, [jobIds]);
    if (rows[0].left === 0) break;
    if (waited > 120_000) throw new Error(`round ${round}: ${rows[0].left} asyncAddList jobs unfinished after 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  const { rows } = await context.db.query(
    `select j.id, j.status, j.started_at, j.finished_at, j.processed_items,
            (select count(*)::int from job_items i where i.job_id = j.id and i.is_success and i.internal_id is not null) as succeeded
       from jobs j where j.id = any($1)`,
    [jobIds],
  );
  const byId = new Map(rows.map((row) => [row.id as string, row]));
  const jobs = jobIds.map((id) => byId.get(id));
  const bad = jobs.filter((job) => !job || job.status !== 'finished' || job.processed_items !== LIST || job.succeeded !== LIST);
  if (bad.length) throw new Error(`round ${round}: ${bad.length} asyncAddList jobs did not finish with ${LIST} successes: ${JSON.stringify(bad)}`);
  const oneStep = jobs.every((job) => new Date(job.started_at).getTime() === new Date(job.finished_at).getTime());
  if (!oneStep) throw new Error(`round ${round}: a job of ${LIST} took more than one step (WORKER_BATCH below ${LIST}?): the span would be wrong`);
  for (let j = 1; j <= JOBS; j++) await checkStored(context, `async-${round}-${j}`);
  const starts = jobs.map((job) => new Date(job.started_at).getTime()).sort((a, b) => a - b);
  const from = starts.findIndex((start) => start >= submitted);
  const spannedJobs = from < 0 ? 0 : starts.length - 1 - from;
  if (spannedJobs < 1) throw new Error(`round ${round}: fewer than two jobs started after the requests were answered: no span to time`);
  const spanMs = starts.at(-1)! - starts[from];
  return { submitMs, jobIds, spannedJobs, spanMs, perRecordMs: spanMs / (spannedJobs * LIST) };
}

/**
 * The cost of a commit on this server: 200 single-row INSERTs of a customer-sized JSON row from this
 * process, each its own transaction (as addList commits each record) and then all in one (as a job's
 * step commits its records), into a table of their own.
 */
async function commitFloor(context: BenchContext, round: string): Promise<{ eachMs: number; oneMs: number }> {
  await context.db.query('create table if not exists bench_commits (id text primary key, fields jsonb not null)');
  const fields = (id: string) => JSON.stringify({ companyName: `Listed ${id}`, email: `${id}@bench.test`, phone: '555-0100', comments: 'Added by the records benchmark.' });
  const insert = (id: string) => context.db.query('insert into bench_commits (id, fields) values ($1, $2)', [id, fields(id)]);
  let began = performance.now();
  for (let i = 1; i <= LIST; i++) await insert(`each-${round}-${i}`);
  const eachMs = performance.now() - began;
  began = performance.now();
  await context.db.query('begin');
  for (let i = 1; i <= LIST; i++) await insert(`one-${round}-${i}`);
  await context.db.query('commit');
  const oneMs = performance.now() - began;
  return { eachMs, oneMs };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];
const range = (values: number[], digits = 0) => `${fmt(Math.min(...values), digits)}–${fmt(Math.max(...values), digits)}`;

export async function recordsSection(context: BenchContext): Promise<SectionReport> {
  // The service answers SOAP; the worker is a process of its own, as the worker section runs it.
  const service = await startService(context, { WORKER: 'off' });
  await createAccounts(service.url, [ACCOUNT]);
  const worker = await startWorker(context);
  await seedCustomers(context.db, ACCOUNT, SEEDED);
  await seedSmallCustomers(context.db, ACCOUNT, 1000 + SEEDED, SEEDED);
  await context.db.query('analyze records');
  process.stdout.write(
    `records: ${fmt(SEEDED)} customers seeded; ${ROUNDS} rounds of ${CALLS} get, ${CALLS} get of a small customer, ${CALLS} get of a missing one and ${CALLS} checkAsyncStatus taking turns; ` +
      `${ROUNDS} rounds of addList of ${LIST} and of ${JOBS} asyncAddList jobs of ${LIST} (worker pacing off)\n`,
  );

  // One untimed turn of everything; its first job, finished, is the one polled.
  const warm = await workerRound(context, service, 'warm');
  const polled = warm.jobIds[0];
  await timedAddList(context, service, 'add-warm');
  await commitFloor(context, 'warm');
  const pick = () => 1 + Math.floor(Math.random() * SEEDED);
  const kinds: Array<{ name: string; call: () => Promise<number> }> = [
    { name: 'get', call: () => timedGet(service, pick()) },
    { name: 'small', call: () => timedSmallGet(service, pick()) },
    { name: 'missing', call: () => timedMissingGet(service, pick()) },
    { name: 'poll', call: () => timedPoll(service, polled) },
  ];
  for (let i = 0; i < 100; i++) for (const kind of kinds) await kind.call();

  // (a) the gets and checkAsyncStatus taking turns call by call, their order reversed every other round.
  const timings = new Map<string, number[][]>(kinds.map((kind) => [kind.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const roundTimes = new Map<string, number[]>(kinds.map((kind) => [kind.name, []]));
    const order = round % 2 === 0 ? kinds : [...kinds].reverse();
    for (let i = 0; i < CALLS; i++) for (const kind of order) roundTimes.get(kind.name)!.push(await kind.call());
    for (const [name, times] of roundTimes) timings.get(name)!.push(times);
    process.stdout.write(`records: round ${round + 1}, median get ${fmt(median(roundTimes.get('get')!), 2)} ms, checkAsyncStatus ${fmt(median(roundTimes.get('poll')!), 2)} ms\n`);
  }
  const [gets, smallGets, missingGets, polls] = kinds.map((kind) => timings.get(kind.name)!);

  // (b) addList of 200 and a round of asyncAddList jobs taking turns.
  const addLists: number[] = [];
  const workerRounds: WorkerRound[] = [];
  const floors: Array<{ eachMs: number; oneMs: number }> = [];
  for (let round = 1; round <= ROUNDS; round++) {
    addLists.push(await timedAddList(context, service, `add-${round}`));
    workerRounds.push(await workerRound(context, service, String(round)));
    floors.push(await commitFloor(context, String(round)));
    const last = workerRounds.at(-1)!;
    process.stdout.write(`records: round ${round}, addList of ${LIST} ${fmt(addLists.at(-1)!)} ms, worker ${fmt(last.perRecordMs * LIST, 1)} ms for ${LIST} records\n`);
  }
  await stop(worker);
  await stop(service);

  const pollMedian = median(polls.flat());
  /** A kind of call against the poll: over the run, and round by round. */
  const againstPoll = (rounds: number[][]) => ({ ratio: median(rounds.flat()) / pollMedian, roundRatios: rounds.map((times, i) => median(times) / median(polls[i])) });
  const getMedian = median(gets.flat());
  const { ratio: getRatio, roundRatios } = againstPoll(gets);
  const { ratio: smallRatio, roundRatios: smallRoundRatios } = againstPoll(smallGets);
  const { ratio: missingRatio, roundRatios: missingRoundRatios } = againstPoll(missingGets);
  /** A row of the calls' table: count, median, p90, per-round medians, calls a second, × the poll. */
  const callRow = (call: string, rounds: number[][], ratio: number) => {
    const all = rounds.flat();
    return [call, fmt(all.length), fmt(median(all), 2), fmt(percentile(all, 90), 2), range(rounds.map(median), 2), fmt(1000 / median(all)), fmt(ratio, 2)];
  };
  const addListMedian = median(addLists);
  const perRecords = workerRounds.map((run) => run.perRecordMs);
  const perRecordMedian = median(perRecords);
  const addListRatio = addListMedian / (LIST * perRecordMedian);
  const submits = workerRounds.flatMap((run) => run.submitMs);
  const spanned = workerRounds.reduce((sum, run) => sum + run.spannedJobs, 0);
  const eachMs = floors.map((floor) => floor.eachMs);
  const oneMs = floors.map((floor) => floor.oneMs);

  const text = [
    table(
      ['call', 'calls', 'median ms', 'p90 ms', 'per-round medians ms', 'calls/s at the median', '× checkAsyncStatus'],
      [
        callRow(`get of a random customer of ${fmt(SEEDED)} by internalId`, gets, getRatio),
        callRow(`get of a customer with a companyName alone (${fmt(SEEDED)} more)`, smallGets, smallRatio),
        callRow('get of an internalId no record has (RCRD_DSNT_EXIST)', missingGets, missingRatio),
        callRow('checkAsyncStatus of a finished job', polls, 1),
      ],
    ),
    '',
    table(
      ['write of 200 customers', 'rounds', 'median ms', 'range ms', 'ms a record', '× the worker'],
      [
        [`addList of ${LIST} in one request`, ROUNDS, fmt(addListMedian, 1), range(addLists, 1), fmt(addListMedian / LIST, 3), fmt(addListRatio, 2)],
        [
          `the worker: an asyncAddList job of ${LIST}, pacing off (${JOBS} jobs a round, ${fmt(spanned)} timed in all)`,
          ROUNDS,
          fmt(LIST * perRecordMedian, 1),
          range(
            perRecords.map((ms) => ms * LIST),
            1,
          ),
          fmt(perRecordMedian, 3),
          '1.00',
        ],
        [
          `asyncAddList of ${LIST}: the request alone (submitting, not applying)`,
          fmt(submits.length),
          fmt(median(submits), 1),
          range(submits, 1),
          fmt(median(submits) / LIST, 3),
          fmt(median(submits) / (LIST * perRecordMedian), 2),
        ],
        [
          `bare SQL: ${LIST} single-row INSERTs, each its own transaction`,
          ROUNDS,
          fmt(median(eachMs), 1),
          range(eachMs, 1),
          fmt(median(eachMs) / LIST, 3),
          fmt(median(eachMs) / (LIST * perRecordMedian), 2),
        ],
        [
          `bare SQL: the same ${LIST} INSERTs in one transaction`,
          ROUNDS,
          fmt(median(oneMs), 1),
          range(oneMs, 1),
          fmt(median(oneMs) / LIST, 3),
          fmt(median(oneMs) / (LIST * perRecordMedian), 2),
        ],
      ],
    ),
    '',
    `get by internalId: median ${fmt(getMedian, 2)} ms against checkAsyncStatus ${fmt(pollMedian, 2)} ms, ${fmt(getRatio, 2)}× (per round ${range(roundRatios, 2)}; goal at most ${fmt(GET_LIMIT, 1)}×: ${metOrNot(getRatio <= GET_LIMIT)})`,
    `get of a customer with a companyName alone: ${fmt(smallRatio, 2)}× checkAsyncStatus (per round ${range(smallRoundRatios, 2)}): what of the get's cost its record's size makes`,
    `get of an internalId no record has: ${fmt(missingRatio, 2)}× checkAsyncStatus (per round ${range(missingRoundRatios, 2)}): a get's own path, without a record to read out`,
    `addList of ${LIST}: median ${fmt(addListMedian, 1)} ms against ${LIST} × the worker's ${fmt(perRecordMedian, 3)} ms a record = ${fmt(LIST * perRecordMedian, 1)} ms, ` +
      `${fmt(addListRatio, 2)}× (goal at most ${ADD_LIST_LIMIT}×: ${metOrNot(addListRatio <= ADD_LIST_LIMIT)})`,
  ].join('\n');
  return {
    title: '8. Synchronous record operations (get, addList)',
    text,
    json: {
      settings: { seeded: SEEDED, rounds: ROUNDS, calls: CALLS, list: LIST, jobs: JOBS, getLimit: GET_LIMIT, addListLimit: ADD_LIST_LIMIT },
      getMedianMs: getMedian,
      pollMedianMs: pollMedian,
      getRatio,
      smallGetRatio: smallRatio,
      missingGetRatio: missingRatio,
      roundGetMedianMs: gets.map(median),
      roundPollMedianMs: polls.map(median),
      roundSmallGetMedianMs: smallGets.map(median),
      roundMissingGetMedianMs: missingGets.map(median),
      addListMs: addLists,
      workerPerRecordMs: perRecords,
      workerSpanMs: workerRounds.map((run) => run.spanMs),
      workerSpannedJobs: workerRounds.map((run) => run.spannedJobs),
      asyncAddListSubmitMs: submits,
      sqlEachTransactionMs: eachMs,
      sqlOneTransactionMs: oneMs,
      addListRatio,
    },
  };
}
