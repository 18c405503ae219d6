// One job: its progress, step tree, failed items, ETA over time and each face's raw answer, live until it ends.
import { api, element, formatSeconds, formatTime, isEnded, jobTitle, progressBar, refreshClock, setProgress, startPolling, stateBadge } from './common.js';
import { drawEtaChart } from './eta-chart.js';

const jobId = decodeURIComponent(location.pathname.split('/').pop());
const path = `/admin/jobs/${encodeURIComponent(jobId)}`;
const versionSelect = document.getElementById('version');
const bar = progressBar(`Progress of ${jobId}`);
document.getElementById('job-progress').append(bar);
document.getElementById('job-id').textContent = jobId;

const poller = startPolling(async () => {
  let job;
  try {
    [job] = await Promise.all([api(path), refreshClock(() => poller.refreshNow())]);
  } catch (error) {
    if (error.status !== 404) throw error;
    const missing = document.getElementById('missing');
    missing.textContent = `There is no job ${jobId}.`;
    missing.hidden = false;
    return 'stop';
  }
  const [eta, tree] = await Promise.all([api(`${path}/eta`), api(`${path}/step-tree`), refreshAnswers()]);
  document.getElementById('job').hidden = false;
  renderSummary(job);
  renderSteps(tree.steps);
  renderFailures(job, tree.steps);
  drawEtaChart(document.getElementById('eta'), eta);
  // An ended job changes no more: one last look, then polling stops.
  return isEnded(job.status) ? 'stop' : 'go';
});

versionSelect.addEventListener('change', () => refreshAnswers());

const SOURCES = { scripted: 'scripted (admin API)', request: 'submitted over SOAP', external: 'reported (progress API)' };

function renderSummary(job) {
  document.title = `${jobTitle(job)} · async-status-emulator`;
  document.getElementById('job-title').replaceChildren(element('span', '', `${jobTitle(job)} `), stateBadge(job.status));
  setProgress(bar, job.progress.percentCompleted, job.status);
  const facts = [
    ['Account', job.account],
    ['Source', SOURCES[job.source] ?? job.source],
    ['Time left (estRemainingDuration)', isEnded(job.status) ? '—' : timeLeft(job.progress.estRemainingDuration)],
    [
      'Items',
      job.source === 'external'
        ? `${(job.processedItems / 100).toFixed(2)}% reported`
        : `${job.processedItems} of ${job.totalItems}${job.failedItems ? `, ${job.failedItems} failed` : ''}`,
    ],
    ['Rate', job.source === 'external' ? null : `${job.ratePerSecond} items/s scripted`],
    ['Reference id', job.referenceId],
    ['Message', job.message ?? job.detailMessage],
    ['Failure', job.failureCode || job.failureMessage ? `${job.failureCode ?? ''} ${job.failureMessage ?? ''}`.trim() : null],
    ['Submitted', formatTime(job.submittedAt)],
    ['Started', formatTime(job.startedAt)],
    ['Finished', formatTime(job.finishedAt)],
    ['Expires', formatTime(job.expiresAt)],
    ['getAsyncResult calls', job.source === 'external' ? null : String(job.resultCalls)],
    ['ServiceNow sys_id', job.sysId],
  ];
  const list = [];
  for (const [term, value] of facts) {
    if (value === null || value === undefined || value === '') continue;
    list.push(element('dt', '', term), element('dd', '', value));
  }
  document.getElementById('facts').replaceChildren(...list);
}

/** As a person reads it, and from a minute on also as the seconds checkAsyncStatus answers. */
const timeLeft = (seconds) => (seconds < 60 ? formatSeconds(seconds) : `${formatSeconds(seconds)} (${seconds.toFixed(1)} s)`);

function renderSteps(steps) {
  const box = document.getElementById('steps');
  if (steps.length === 0) {
    box.replaceChildren(element('p', 'empty', 'No steps: a job the worker runs is one step, its operation, with its records as items.'));
    return;
  }
  box.replaceChildren(stepList(steps));
}

function stepList(steps) {
  const list = element('ul', 'steps');
  for (const step of steps) {
    const item = element('li', 'step');
    item.dataset.sysId = step.sysId;
    const head = element('div', 'step-head');
    const progress = progressBar(`Progress of step ${step.name}`);
    setProgress(progress, step.percent, stepStatus(step.state));
    const counts =
      step.totalItems > 0 || step.processedItems > 0 ? `${step.processedItems} of ${step.totalItems || '?'} items${step.failedItems ? `, ${step.failedItems} failed` : ''}` : '';
    head.append(element('span', 'step-name', step.name), stateBadge(stepStatus(step.state)), progress, element('span', 'step-counts', counts));
    item.append(head);
    if (step.message) item.append(element('p', 'step-message', step.message));
    if (step.failures.length > 0) {
      const details = element('details', 'step-failures');
      details.open = true;
      details.append(
        element('summary', '', `${step.failedItems} failed item${step.failedItems === 1 ? '' : 's'}`),
        failureTable(
          step.failures.map((failure) => [json(failure.item), String(failure.code ?? ''), failure.message ?? '']),
          ['Item', 'Code', 'Message'],
        ),
      );
      item.append(details);
    }
    if (step.children.length > 0) item.append(stepList(step.children));
    list.append(item);
  }
  return list;
}

/** A step's state in the job vocabulary, so one set of badges and colours serves both. */
const stepStatus = (state) => ({ pending: 'pending', running: 'processing', successful: 'finished', failed: 'failed', cancelled: 'cancelled' })[state] ?? state;

function renderFailures(job, steps) {
  const box = document.getElementById('failures');
  if (job.source === 'external') {
    const failed = countFailed(steps);
    box.replaceChildren(element('p', 'empty', failed > 0 ? `${failed} failed item${failed === 1 ? '' : 's'}, listed under their steps above.` : 'No item has failed.'));
    return;
  }
  const failures = job.failures ?? [];
  if (failures.length === 0) {
    box.replaceChildren(element('p', 'empty', job.failedItems > 0 ? 'Failed items are listed once the job has processed them.' : 'No item has failed.'));
    return;
  }
  const rows = failures.map((item) => [String(item.position), item.internalId ?? '', item.externalId ?? '', item.code ?? '', item.message ?? '']);
  const parts = [failureTable(rows, ['Position', 'internalId', 'externalId', 'Code', 'Message'])];
  if (job.failedItems > failures.length) parts.push(element('p', 'hint', `The first ${failures.length} of ${job.failedItems}.`));
  box.replaceChildren(...parts);
}

const countFailed = (steps) => steps.reduce((sum, step) => sum + step.failedItems + countFailed(step.children), 0);

function failureTable(rows, headings) {
  const table = element('table', 'failures');
  const head = element('tr');
  head.append(...headings.map((name) => Object.assign(element('th', '', name), { scope: 'col' })));
  table.append(element('thead'), element('tbody'));
  table.tHead.append(head);
  for (const cells of rows) {
    const row = element('tr');
    row.append(...cells.map((text) => element('td', '', text)));
    table.tBodies[0].append(row);
  }
  const scroll = element('div', 'scroll');
  scroll.append(table);
  return scroll;
}

const json = (value) => (typeof value === 'string' ? value : JSON.stringify(value));

const FACES = [
  ['checkAsyncStatus', 'NetSuite SOAP: checkAsyncStatus'],
  ['getAsyncResult', 'NetSuite SOAP: getAsyncResult, page 1'],
  ['executionTracker', 'ServiceNow: execution tracker'],
  ['asyncProcessStatus', 'Salesforce: AsyncProcessStatus'],
];
const shownAnswers = new Map();

async function refreshAnswers() {
  const query = versionSelect.value ? `?version=${encodeURIComponent(versionSelect.value)}` : '';
  const answers = await api(`${path}/answers${query}`);
  if (versionSelect.options.length === 0) {
    versionSelect.append(...answers.versions.map((version) => new Option(version, version)));
    versionSelect.value = answers.version;
  }
  const box = document.getElementById('answers');
  for (const [key, title] of FACES) {
    const answer = answers[key];
    let article = box.querySelector(`[data-face="${key}"]`);
    if (!article) {
      article = element('article', 'answer');
      article.dataset.face = key;
      const heading = element('h3', '', title);
      const copy = element('button', 'copy', 'Copy');
      copy.type = 'button';
      copy.addEventListener('click', () => navigator.clipboard?.writeText(shownAnswers.get(key) ?? ''));
      const pre = element('pre');
      pre.tabIndex = 0;
      pre.setAttribute('aria-label', `${title}: the answer`);
      pre.append(element('code'));
      article.append(heading, element('p', 'request'), copy, pre);
      box.append(article);
    }
    // Rewritten only when it changed, so a reader's scroll position stays.
    if (shownAnswers.get(key) === answer.body) continue;
    shownAnswers.set(key, answer.body);
    article.querySelector('.request').replaceChildren(element('code', '', answer.request), element('span', 'http-status', ` → HTTP ${answer.status}`));
    article.querySelector('pre code').textContent = answer.format === 'xml' ? prettyXml(answer.body) : JSON.stringify(JSON.parse(answer.body), null, 2);
  }
}

/** XML laid out one element a line, indented by depth; an element holding only text stays on one line. */
export function prettyXml(xml) {
  const tokens = xml.split(/(<[^>]+>)/).filter((token) => token.trim() !== '');
  const lines = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const indent = '  '.repeat(depth);
    if (token.startsWith('</')) {
      depth = Math.max(0, depth - 1);
      lines.push('  '.repeat(depth) + token);
    } else if (!token.startsWith('<') || token.startsWith('<?') || token.endsWith('/>')) {
      lines.push(indent + token);
    } else if (tokens[i + 1] && !tokens[i + 1].startsWith('<') && tokens[i + 2]?.startsWith('</')) {
      lines.push(indent + token + tokens[i + 1] + tokens[i + 2]);
      i += 2;
    } else if (tokens[i + 1]?.startsWith('</')) {
      lines.push(indent + token + tokens[i + 1]);
      i += 1;
    } else {
      lines.push(indent + token);
      depth++;
    }
  }
  return lines.join('\n');
}
