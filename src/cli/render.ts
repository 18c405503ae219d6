/** Text the CLI prints: tables, progress bars, durations, step trees and records. No colour codes. */

/** A job as the admin API shows it (GET /admin/jobs/:id); only what the CLI prints. */
export interface JobView {
  id: string;
  account: string;
  source: string;
  operation: string | null;
  recordType: string | null;
  name: string | null;
  status: string;
  totalItems: number;
  processedItems: number;
  failedItems: number;
  submittedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  progress: { status: string; percentCompleted: number; estRemainingDuration: number };
  failures?: Array<{ position: number; code: string | null; message: string | null }>;
  steps?: StepView[];
}

export interface StepView {
  name: string;
  state: string;
  percentComplete: number;
  message: string;
  processedItems: number;
  totalItems: number;
  failedItems: number;
  children: StepView[];
}

/**
 * Text a client chose (job and step names, messages, item codes) with control characters and
 * bidirectional overrides shown as `?`: a terminal must not take an escape sequence in a job's
 * message as a command, nor show a record's text reordered.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
export const clean = (text: string | null | undefined): string => (text ?? '').replace(CONTROL, '?');

export const isEnded = (status: string) => status === 'finished' || status === 'finishedWithErrors' || status === 'failed' || status === 'cancelled';

/** 75 → "1m 15s"; 3600 → "1h 0m"; 0 → "0s". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

export function bar(percent: number, width = 30): string {
  const filled = Math.round((Math.min(100, Math.max(0, percent)) / 100) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/** What the job is doing: its running step's path, or its operation. */
export function currentStep(job: JobView): string {
  const path: string[] = [];
  let level = job.steps ?? [];
  for (;;) {
    const running = level.find((step) => step.state === 'running');
    if (!running) break;
    path.push(running.name);
    level = running.children;
  }
  if (path.length > 0) return path.map(clean).join(' > ');
  return job.operation ?? (job.name !== null ? clean(job.name) : job.source);
}

/** One line of `jobs watch`: bar, percent, items, estimate and step. */
export function progressLine(job: JobView): string {
  const { percentCompleted, estRemainingDuration } = job.progress;
  const eta = isEnded(job.status) ? '' : `  ETA ${duration(estRemainingDuration)}`;
  const items = job.source === 'external' ? '' : `  ${job.processedItems}/${job.totalItems}`;
  return `${bar(percentCompleted)} ${percentCompleted.toFixed(1).padStart(5)}%${items}${eta}  ${job.progress.status}  ${currentStep(job)}`;
}

/** The closing line: how the job ended. */
export function outcomeLine(job: JobView): string {
  const what = job.source === 'external' ? `job ${job.id}` : `job ${job.id}: ${job.processedItems} of ${job.totalItems} items`;
  switch (job.progress.status) {
    case 'finished':
      return `finished: ${what}`;
    case 'finishedWithErrors':
      return `finishedWithErrors: ${what}, ${job.failedItems} failed${firstFailure(job)}`;
    default:
      return `failed: ${what}${job.failureCode ? ` (${clean(job.failureCode)}: ${clean(job.failureMessage)})` : firstFailure(job)}`;
  }
}

function firstFailure(job: JobView): string {
  const first = job.failures?.[0];
  return first ? ` (first: item ${first.position}, ${clean(first.code ?? 'error')})` : '';
}

/** Columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** `jobs show`: the job, then its steps as a tree, then its first failures. */
export function jobReport(job: JobView): string {
  const lines = [
    `${job.id}`,
    `  account     ${job.account}`,
    `  what        ${job.operation ? `${job.operation} of ${job.recordType}` : clean(job.name ?? job.source)}`,
    `  status      ${job.progress.status}  ${job.progress.percentCompleted.toFixed(1)}%${isEnded(job.status) ? '' : `  ETA ${duration(job.progress.estRemainingDuration)}`}`,
  ];
  if (job.source !== 'external') lines.push(`  items       ${job.processedItems}/${job.totalItems} done, ${job.failedItems} failed`);
  lines.push(`  submitted   ${job.submittedAt}`);
  if (job.startedAt) lines.push(`  started     ${job.startedAt}`);
  if (job.finishedAt) lines.push(`  finished    ${job.finishedAt}`);
  if (job.failureCode) lines.push(`  failure     ${clean(job.failureCode)}: ${clean(job.failureMessage)}`);
  if (job.steps && job.steps.length > 0) {
    lines.push('  steps');
    const walk = (steps: StepView[], indent: string) =>
      steps.forEach((step, index) => {
        const last = index === steps.length - 1;
        const counts = step.totalItems > 0 ? `  ${step.processedItems}/${step.totalItems}${step.failedItems ? `, ${step.failedItems} failed` : ''}` : '';
        const message = step.message ? `  "${clean(step.message)}"` : '';
        lines.push(`${indent}${last ? '└─' : '├─'} ${clean(step.name)}  ${step.state} ${step.percentComplete}%${counts}${message}`);
        walk(step.children, `${indent}${last ? '   ' : '│  '}`);
      });
    walk(job.steps, '    ');
  }
  if (job.failures && job.failures.length > 0) {
    lines.push(`  failures${job.failures.length < job.failedItems ? ` (first ${job.failures.length} of ${job.failedItems})` : ''}`);
    for (const failure of job.failures) lines.push(`    item ${failure.position}  ${clean(failure.code)}  ${clean(failure.message)}`.trimEnd());
  }
  return lines.join('\n');
}

/** A record as the admin API shows it (GET /admin/records/:internalId). */
export interface RecordView {
  recordType: string;
  internalId: string;
  externalId: string | null;
  createdAt?: string;
  updatedAt?: string;
  fields: Record<string, unknown>;
}

/** The fields that name a record, by type: a customer's companyName, a sales order's tranId, … */
const NAME_FIELDS = ['companyName', 'entityId', 'tranId', 'itemId', 'title', 'name'];
const NAME_WIDTH = 40;

/** What the record is called, from the first naming field it has; '-' when none. */
export function recordName(record: RecordView): string {
  for (const field of NAME_FIELDS) {
    const value = record.fields[field];
    if (typeof value === 'string' || typeof value === 'number') {
      const name = clean(String(value));
      return name.length > NAME_WIDTH ? `${name.slice(0, NAME_WIDTH - 1)}…` : name;
    }
  }
  return '-';
}

/** `records show`: ids, type and dates, then its plain fields aligned, then each nested one as indented JSON under its name. */
export function recordReport(record: RecordView): string {
  const lines = [
    `${clean(record.recordType)} ${record.internalId}`,
    `  externalId  ${record.externalId === null ? '-' : clean(record.externalId)}`,
    `  created     ${record.createdAt ?? '-'}`,
    `  modified    ${record.updatedAt ?? '-'}`,
  ];
  const fields = Object.entries(record.fields);
  if (fields.length === 0) return [...lines, '  fields      none'].join('\n');
  const isNested = (value: unknown) => value !== null && typeof value === 'object';
  const plain = fields.filter(([, value]) => !isNested(value));
  const width = Math.max(0, ...plain.map(([name]) => clean(name).length));
  lines.push('  fields');
  for (const [name, value] of plain) lines.push(`    ${clean(name).padEnd(width)}  ${clean(String(value))}`);
  for (const [name, value] of fields.filter(([, value]) => isNested(value))) {
    lines.push(`    ${clean(name)}`);
    for (const line of JSON.stringify(value, null, 2).split('\n')) lines.push(`      ${clean(line)}`);
  }
  return lines.join('\n');
}
