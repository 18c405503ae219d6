import { normalizeAccountId } from '../../src/jobs/account-id';
import type { PgCluster } from './cluster';
import type { Load, Submit } from './load';
import { describeCall, type Call } from './soap-calls';

/**
 * What must hold after a fault, read from SQL and from what the clients were answered:
 * - every job a client was told about (got a jobId) exists, holding exactly the records it sent;
 * - no submit a client was told failed (got a fault) left a job or a record behind;
 * - every job ends, and every record of every job is applied exactly once (one row in records,
 *   one successful result), and no other record of the account exists;
 * - every call was answered (a fault is fine) within the bound;
 * - no request slot is held long after the last call ended (a failed release, a dead process).
 * Submits without an answer (the server died under them) may or may not have made a job, but a
 * job is whole or absent, and applied once like any other. Only the load's own records count (its
 * prefix): a test's other submits, such as recovery's, are not the load's.
 */

/** The bound a call must be answered within: a connector's own timeout is about this. */
export const ANSWER_BOUND_MS = 15_000;

export interface Verdict {
  /** The figures of the run. */
  figures: {
    calls: number;
    submits: number;
    submitsToldJob: number;
    submitsToldFault: number;
    submitsUnanswered: number;
    /** Submits whose records are in a job in SQL. */
    committed: number;
    committedButFaulted: number;
    faultCodes: Record<string, number>;
    longestCallMs: number;
    unansweredOrLate: number;
    jobs: number;
    records: number;
    /** Request slots the account held once every call had ended, and the seconds until none (null: not within the bound). */
    slotsHeldAfterLoad: number;
    slotsFreedSeconds: number | null;
  };
  /** Only what went wrong: empty when every invariant held. */
  problems: Record<string, string[]>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (bounded) until no job of the account is pending or processing; the ones still running. */
export async function waitForJobs(cluster: PgCluster, account: string, timeoutMs = 120_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let running: string[];
    try {
      const rows = await cluster.query<{ id: string }>(`select id from jobs where account = $1 and status in ('pending', 'processing')`, [normalizeAccountId(account)]);
      running = rows.map((row) => row.id);
    } catch {
      running = ['(the database did not answer)'];
    }
    if (running.length === 0 || Date.now() > deadline) return running;
    await sleep(250);
  }
}

export interface VerdictOptions {
  /** Calls that need not have been answered: those the server could not answer because it was dead. */
  excused?: (call: Call) => boolean;
  boundMs?: number;
}

export async function verdictOf(cluster: PgCluster, account: string, load: Load, options: VerdictOptions = {}): Promise<Verdict> {
  const boundMs = options.boundMs ?? ANSWER_BOUND_MS;
  const id = normalizeAccountId(account);
  const problems: Record<string, string[]> = {};
  const problem = (kind: string, text: string | string[]) => (problems[kind] ??= []).push(...[text].flat());

  const stillRunning = await waitForJobs(cluster, account);
  if (stillRunning.length > 0) problem('jobs not ended within 120 s', stillRunning);

  const inputs = await cluster.query<{ job_id: string; status: string; external_id: string }>(
    `select j.id as job_id, j.status, i.payload->'record'->>'externalId' as external_id
       from jobs j join job_inputs i on i.job_id = j.id
      where j.account = $1 and i.payload->'record'->>'externalId' like $2 order by j.id, i.position`,
    [id, `${load.prefix}-%`],
  );
  const jobsOfRecord = new Map<string, Set<string>>();
  const recordsOfJob = new Map<string, string[]>();
  const statusOfJob = new Map<string, string>();
  for (const row of inputs) {
    if (!jobsOfRecord.has(row.external_id)) jobsOfRecord.set(row.external_id, new Set());
    jobsOfRecord.get(row.external_id)!.add(row.job_id);
    recordsOfJob.set(row.job_id, [...(recordsOfJob.get(row.job_id) ?? []), row.external_id]);
    statusOfJob.set(row.job_id, row.status);
  }
  const jobsOf = (submit: Submit) => [...new Set(submit.externalIds.flatMap((externalId) => [...(jobsOfRecord.get(externalId) ?? [])]))];
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((value, i) => value === b[i]);

  const faultCodes: Record<string, number> = {};
  let committed = 0;
  let committedButFaulted = 0;
  const submitted = new Set<string>();
  for (const submit of load.submits) {
    for (const externalId of submit.externalIds) submitted.add(externalId);
    const jobs = jobsOf(submit);
    if (jobs.length > 0) committed++;
    if (jobs.length > 1) problem('records in more than one job', `${submit.externalIds.join(',')}: ${jobs.join(', ')}`);
    for (const job of jobs) {
      if (!same(recordsOfJob.get(job) ?? [], submit.externalIds))
        problem('jobs not holding exactly what was submitted', [`${job}: ${recordsOfJob.get(job)?.join(',')} for ${submit.externalIds.join(',')}`]);
    }
    if (submit.call.outcome === 'fault') {
      faultCodes[submit.call.faultCode ?? String(submit.call.httpStatus)] = (faultCodes[submit.call.faultCode ?? String(submit.call.httpStatus)] ?? 0) + 1;
      if (jobs.length > 0) {
        committedButFaulted++;
        problem('submits answered with a fault whose job exists', [`${describeCall(submit.call)}: job ${jobs.join(', ')} holds ${submit.externalIds.join(',')}`]);
      }
    } else if (submit.call.outcome === 'answer') {
      if (!submit.jobId) problem('submits answered without a jobId', [describeCall(submit.call)]);
      else if (!jobs.includes(submit.jobId))
        problem('jobs a client was told about, missing', [`${submit.jobId} (${submit.externalIds.join(',')}): in SQL ${jobs.join(', ') || 'nothing'}`]);
    }
  }
  for (const [job, status] of statusOfJob) {
    if (status !== 'finished') problem('jobs not finished', [`${job}: ${status}`]);
  }

  // Applied exactly once: one record and one successful result per externalId of a job.
  const applied = await cluster.query<{ external_id: string; records: number; successes: number }>(
    `select e.external_id,
            (select count(*)::int from records r where r.account = $1 and r.external_id = e.external_id) as records,
            (select count(*)::int from job_items ji join jobs j on j.id = ji.job_id
              where j.account = $1 and ji.external_id = e.external_id and ji.is_success) as successes
       from unnest($2::text[]) as e(external_id)`,
    [id, [...jobsOfRecord.keys()]],
  );
  for (const row of applied) {
    if (row.records !== 1 || row.successes !== 1) problem('records not applied exactly once', [`${row.external_id}: ${row.records} rows, ${row.successes} successes`]);
  }
  const stray = await cluster.query<{ external_id: string | null }>(
    `select external_id from records where account = $1 and external_id like $2 and not (external_id = any($3::text[]))`,
    [id, `${load.prefix}-%`, [...jobsOfRecord.keys()]],
  );
  for (const row of stray) problem('records of no job', [String(row.external_id)]);
  for (const externalId of jobsOfRecord.keys()) {
    if (!submitted.has(externalId)) problem('jobs of records nobody submitted', [externalId]);
  }

  // Every call answered within the bound, but those the server could not answer (it was dead).
  let longestCallMs = 0;
  let unansweredOrLate = 0;
  for (const call of load.calls) {
    if (options.excused?.(call)) continue;
    longestCallMs = Math.max(longestCallMs, call.ms);
    if (call.outcome === 'none' || call.ms > boundMs) {
      unansweredOrLate++;
      problem(`calls not answered within ${boundMs / 1000} s`, [describeCall(call)]);
    }
  }

  // No request slot outlives its request for long, whether its release failed or its process died.
  const slots = await slotsFreed(cluster, account);
  if (slots.freedSeconds === null) problem(`request slots still held ${SLOT_FREED_BOUND_MS / 1000} s after the last call`, `${slots.heldAtEnd} of ${slots.heldAtFirst}`);

  const recordCount = await cluster.query<{ n: number }>('select count(*)::int as n from records where account = $1 and external_id like $2', [id, `${load.prefix}-%`]);
  return {
    figures: {
      calls: load.calls.length,
      submits: load.submits.length,
      submitsToldJob: load.submits.filter((submit) => submit.jobId).length,
      submitsToldFault: load.submits.filter((submit) => submit.call.outcome === 'fault').length,
      submitsUnanswered: load.submits.filter((submit) => submit.call.outcome === 'none').length,
      committed,
      committedButFaulted,
      faultCodes,
      longestCallMs,
      unansweredOrLate,
      jobs: recordsOfJob.size,
      records: recordCount[0].n,
      slotsHeldAfterLoad: slots.heldAtFirst,
      slotsFreedSeconds: slots.freedSeconds,
    },
    problems: Object.fromEntries(Object.entries(problems).map(([kind, list]) => [kind, list.length > 12 ? [...list.slice(0, 12), `… and ${list.length - 12} more`] : list])),
  };
}

/** Prints a scenario's figures where a run's reader sees them, passed or failed. */
export function report(scenario: string, details: unknown): void {
  process.stdout.write(`\n[faults] ${scenario}: ${JSON.stringify(details)}\n`);
}

/** The bound a request slot whose release failed must be free within, as a dead process's are. */
export const SLOT_FREED_BOUND_MS = 45_000;

/**
 * Waits (up to SLOT_FREED_BOUND_MS) until the account holds no request slot, with no call of it
 * in flight: the slots held at first, and the seconds until none were (null: still held).
 */
export async function slotsFreed(cluster: PgCluster, account: string): Promise<{ heldAtFirst: number; freedSeconds: number | null; heldAtEnd: number }> {
  const since = Date.now();
  const held = async () =>
    (await cluster.query<{ n: number }>('select count(*)::int as n from request_slots where account = $1 and expires_at > now()', [normalizeAccountId(account)]))[0].n;
  const heldAtFirst = await held();
  let now = heldAtFirst;
  while (now > 0 && Date.now() - since < SLOT_FREED_BOUND_MS) {
    await sleep(1_000);
    now = await held();
  }
  return { heldAtFirst, freedSeconds: now === 0 ? (Date.now() - since) / 1000 : null, heldAtEnd: now };
}
