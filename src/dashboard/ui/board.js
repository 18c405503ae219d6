// The job board: how many jobs each account has in each state, and the latest jobs by account, live.
import { api, element, formatSeconds, formatTime, isEnded, jobTitle, progressBar, refreshClock, setProgress, startPolling, stateBadge, STATE_LABELS, STATES } from './common.js';

const counts = document.getElementById('counts');
const filters = document.getElementById('filters');
const accounts = document.getElementById('accounts');
const COLUMNS = ['Job', 'State', 'Progress', 'Time left', 'Items', 'Submitted'];

const address = new URLSearchParams(location.search);
// The account asked for in the address is offered before the counts list every account.
if (address.get('account')) filters.account.append(new Option(address.get('account'), address.get('account')));
filters.account.value = address.get('account') ?? '';
for (const status of STATES) filters.status.append(new Option(STATE_LABELS[status], status));
filters.status.value = address.get('status') ?? '';

const poller = startPolling(async () => {
  const query = new URLSearchParams({ limit: '200' });
  if (filters.account.value) query.set('account', filters.account.value);
  if (filters.status.value) query.set('status', filters.status.value);
  const [board] = await Promise.all([api(`/admin/board?${query}`), refreshClock(() => poller.refreshNow())]);
  renderCounts(board.counts);
  renderJobs(board.jobs);
});

/** Filters live in the address, so a reload or a shared link shows the same jobs. */
function applyFilters() {
  const query = new URLSearchParams();
  if (filters.account.value) query.set('account', filters.account.value);
  if (filters.status.value) query.set('status', filters.status.value);
  history.replaceState(null, '', `${location.pathname}${query.size ? `?${query}` : ''}`);
  poller.refreshNow();
}
filters.addEventListener('change', applyFilters);
filters.addEventListener('reset', () => setTimeout(applyFilters));

let shownCounts = '';

function renderCounts(rows) {
  // Rebuilt only when a count changes, so an open list or a focused button is left alone.
  const key = JSON.stringify(rows);
  if (key === shownCounts) return;
  shownCounts = key;
  const byAccount = new Map();
  for (const { account, status, jobs } of rows) {
    if (!byAccount.has(account)) byAccount.set(account, {});
    byAccount.get(account)[status] = jobs;
  }
  document.getElementById('counts-empty').hidden = byAccount.size > 0;
  counts.hidden = byAccount.size === 0;

  const head = element('tr');
  head.append(element('th', '', 'Account'), ...STATES.map((status) => element('th', 'number', STATE_LABELS[status])), element('th', 'number', 'all'));
  head.querySelectorAll('th').forEach((th) => th.setAttribute('scope', 'col'));
  const body = [...byAccount].map(([account, byStatus]) => {
    const row = element('tr');
    const name = element('th', '', account);
    name.setAttribute('scope', 'row');
    row.append(name);
    for (const status of STATES) row.append(countCell(account, status, byStatus[status] ?? 0));
    row.append(
      countCell(
        account,
        '',
        Object.values(byStatus).reduce((sum, n) => sum + n, 0),
      ),
    );
    return row;
  });
  counts.tHead.replaceChildren(head);
  counts.tBodies[0].replaceChildren(...body);

  // The account filter offers every account that has jobs, and keeps what was chosen.
  const chosen = filters.account.value;
  const names = [...byAccount.keys()];
  if (chosen && !names.includes(chosen)) names.push(chosen);
  filters.account.replaceChildren(new Option('all', ''), ...names.map((name) => new Option(name, name)));
  filters.account.value = chosen;
}

/** A count that filters the jobs below to its account and state. */
function countCell(account, status, count) {
  const cell = element('td', 'number');
  if (count === 0) {
    cell.textContent = '0';
    cell.classList.add('zero');
    return cell;
  }
  const button = element('button', 'link', String(count));
  button.type = 'button';
  button.setAttribute('aria-label', `${count} ${status ? STATE_LABELS[status] : ''} jobs of ${account}: show them`);
  button.addEventListener('click', () => {
    filters.account.value = account;
    filters.status.value = status;
    applyFilters();
  });
  cell.append(button);
  return cell;
}

const rows = new Map();

function renderJobs(jobs) {
  const groups = new Map();
  for (const job of jobs) {
    if (!groups.has(job.account)) groups.set(job.account, []);
    groups.get(job.account).push(job);
  }
  const sections = [...groups.keys()].sort().map((account) => {
    const section = accountSection(account);
    const ordered = groups.get(account).sort((a, b) => STATES.indexOf(a.status) - STATES.indexOf(b.status));
    placeInOrder(
      section.querySelector('tbody'),
      ordered.map((job) => jobRow(job)),
    );
    return section;
  });
  placeInOrder(accounts, sections);
  const shown = new Set(jobs.map((job) => job.id));
  for (const id of rows.keys()) if (!shown.has(id)) rows.delete(id);
  if (jobs.length === 0) accounts.replaceChildren(element('p', 'empty', 'No jobs match.'));
}

/** Puts `children` into `parent` in order, moving only what is out of place (focus stays put). */
function placeInOrder(parent, children) {
  children.forEach((child, index) => {
    if (parent.children[index] !== child) parent.insertBefore(child, parent.children[index] ?? null);
  });
  while (parent.children.length > children.length) parent.lastElementChild.remove();
}

const sections = new Map();

function accountSection(account) {
  if (sections.has(account)) return sections.get(account);
  const section = element('section', 'account');
  section.dataset.account = account;
  const id = `account-${sections.size}`;
  const heading = element('h3', '', account);
  heading.id = id;
  section.setAttribute('aria-labelledby', id);
  const table = element('table', 'jobs');
  const head = element('tr');
  head.append(
    ...COLUMNS.map((name) => {
      const th = element('th', name === 'Items' || name === 'Time left' ? 'number' : '', name);
      th.setAttribute('scope', 'col');
      return th;
    }),
  );
  table.append(element('thead'), element('tbody'));
  table.tHead.append(head);
  const scroll = element('div', 'scroll');
  scroll.append(table);
  section.append(heading, scroll);
  sections.set(account, section);
  return section;
}

function jobRow(job) {
  let row = rows.get(job.id);
  if (!row) {
    row = element('tr');
    row.dataset.jobId = job.id;
    const link = element('a', 'job-link');
    link.href = `jobs/${encodeURIComponent(job.id)}`;
    link.append(element('span', 'title'), element('code', 'job-id', job.id));
    const jobCell = element('td', 'job');
    jobCell.append(link);
    const progressCell = element('td');
    progressCell.append(progressBar(`Progress of ${job.id}`));
    row.append(jobCell, element('td', 'state'), progressCell, element('td', 'number eta'), element('td', 'number items'), element('td', 'time'));
    rows.set(job.id, row);
  }
  const [, state, progress, eta, items, submitted] = row.children;
  row.querySelector('.title').textContent = jobTitle(job);
  if (state.firstElementChild?.dataset.status !== job.status) state.replaceChildren(stateBadge(job.status));
  setProgress(progress.firstElementChild, job.progress.percentCompleted, job.status);
  eta.textContent = isEnded(job.status) ? '—' : formatSeconds(job.progress.estRemainingDuration);
  eta.dataset.seconds = String(job.progress.estRemainingDuration);
  items.textContent = job.source === 'external' ? 'reported' : `${job.processedItems} / ${job.totalItems}${job.failedItems ? ` · ${job.failedItems} failed` : ''}`;
  submitted.textContent = formatTime(job.submittedAt);
  return row;
}
