// The records an account holds, a page at a time, live; a row opens the record's fields.
import { api, element, formatTime, refreshClock, startPolling } from './common.js';

const PAGE_SIZE = 50;
/** Fields that name a record, in the order they are looked for, as the command line's records list names them (src/cli/render.ts). */
const NAME_FIELDS = ['companyName', 'entityId', 'tranId', 'itemId', 'title', 'name'];

const filters = document.getElementById('filters');
const table = document.getElementById('records');
const recordTypes = document.getElementById('record-types');
const detail = document.getElementById('record');
const firstPage = document.getElementById('first-page');
const nextPage = document.getElementById('next-page');

const address = new URLSearchParams(location.search);
/** The page shown: records after this internalId (none: the first page), and the next page's cursor. */
const paging = { after: address.get('after') ?? '', next: null, trail: [] };
let opened = address.get('record');
let accountsShown = '';
const typesSeen = new Set();
if (address.get('account')) filters.account.append(new Option(address.get('account'), address.get('account')));
filters.account.value = address.get('account') ?? '';
filters.recordType.value = address.get('recordType') ?? '';

const poller = startPolling(async () => {
  const [{ accounts }] = await Promise.all([api('/admin/accounts'), refreshClock(() => poller.refreshNow())]);
  offerAccounts(accounts.map((account) => account.id));
  const query = new URLSearchParams({ account: filters.account.value, limit: String(PAGE_SIZE) });
  const type = filters.recordType.value.trim();
  if (!filters.recordType.validity.valid) {
    renderRecords([]);
    document.getElementById('records-empty').textContent = `${type} is not a record type: name one such as customer or salesOrder.`;
    return;
  }
  if (type) query.set('recordType', type);
  if (paging.after) query.set('after', paging.after);
  const page = await api(`/admin/records?${query}`);
  paging.next = page.next;
  renderRecords(page.records);
  if (opened) await showRecord(opened);
});

/** Every account, the one chosen kept (the first when none was). */
function offerAccounts(ids) {
  const key = ids.join('\n');
  if (key === accountsShown) return;
  accountsShown = key;
  const chosen = filters.account.value || ids[0] || '';
  const names = chosen && !ids.includes(chosen) ? [...ids, chosen] : ids;
  filters.account.replaceChildren(...names.map((name) => new Option(name, name)));
  filters.account.value = chosen;
}

/** Filters, page and open record live in the address, so a reload or a shared link shows the same. */
function remember() {
  const query = new URLSearchParams();
  if (filters.account.value) query.set('account', filters.account.value);
  if (filters.recordType.value.trim()) query.set('recordType', filters.recordType.value.trim());
  if (paging.after) query.set('after', paging.after);
  if (opened) query.set('record', opened);
  history.replaceState(null, '', `${location.pathname}?${query}`);
}

function restart() {
  paging.after = '';
  paging.trail = [];
  opened = null;
  detail.hidden = true;
  remember();
  poller.refreshNow();
}
filters.addEventListener('change', restart);
filters.addEventListener('submit', (event) => {
  event.preventDefault();
  restart();
});
filters.addEventListener('reset', () => setTimeout(restart));
firstPage.addEventListener('click', restart);
nextPage.addEventListener('click', () => {
  if (!paging.next) return;
  paging.trail.push(paging.after);
  paging.after = paging.next;
  remember();
  poller.refreshNow();
});

const nameOf = (fields) => {
  const field = NAME_FIELDS.find((name) => typeof fields[name] === 'string');
  return field ? fields[field] : '—';
};

function renderRecords(records) {
  const rows = records.map((record) => {
    typesSeen.add(record.recordType);
    const row = element('tr');
    row.dataset.internalId = record.internalId;
    const open = element('button', 'link', record.internalId);
    open.type = 'button';
    open.setAttribute('aria-label', `Show ${record.recordType} ${record.internalId}`);
    open.addEventListener('click', () => {
      opened = record.internalId;
      remember();
      showRecord(record.internalId).catch((error) => {
        detail.querySelector('pre').textContent = `It could not be read: ${error.message}`;
        detail.hidden = false;
      });
    });
    const id = element('td', 'number');
    id.append(open);
    row.append(id, element('td', '', record.recordType), element('td', '', record.externalId ?? '—'), element('td', '', nameOf(record.fields)));
    row.append(element('td', 'time', formatTime(record.createdAt)), element('td', 'time', formatTime(record.updatedAt)));
    if (record.internalId === opened) row.classList.add('opened');
    return row;
  });
  table.tBodies[0].replaceChildren(...rows);
  table.hidden = rows.length === 0;
  const empty = document.getElementById('records-empty');
  empty.hidden = rows.length > 0;
  empty.textContent = 'No records match.';
  recordTypes.replaceChildren(...[...typesSeen].sort().map((type) => new Option(type)));
  // A page opened from the address does not know how many came before it, only the internalId.
  const from = paging.trail.length * PAGE_SIZE + 1;
  const known = !paging.after || paging.trail.length > 0;
  document.getElementById('page-range').textContent = !rows.length ? '' : known ? `Records ${from}–${from + rows.length - 1}` : `Records after internalId ${paging.after}`;
  firstPage.hidden = !paging.after;
  nextPage.hidden = !paging.next;
}

async function showRecord(internalId) {
  try {
    const record = await api(`/admin/records/${encodeURIComponent(internalId)}?account=${encodeURIComponent(filters.account.value)}`);
    // Another record opened meanwhile: its answer is the one to show.
    if (opened !== internalId) return;
    detail.querySelector('h2').textContent = `${record.recordType} ${record.internalId}${record.externalId ? ` · externalId ${record.externalId}` : ''}`;
    detail.querySelector('pre').textContent = JSON.stringify({ createdAt: record.createdAt, updatedAt: record.updatedAt, fields: record.fields }, null, 2);
  } catch (error) {
    if (error.status !== 404) throw error;
    detail.querySelector('h2').textContent = `Record ${internalId}`;
    detail.querySelector('pre').textContent = `${filters.account.value} has no record ${internalId} (deleted?).`;
  }
  detail.hidden = false;
  for (const row of table.tBodies[0].rows) row.classList.toggle('opened', row.dataset.internalId === internalId);
}
