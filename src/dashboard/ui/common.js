// What both dashboard pages share: the admin token, the admin API, polling, the clock and formatting.

const TOKEN_KEY = 'async-status-emulator.adminToken';
export const POLL_MS = 1000;

/** The order states are shown in, and what each is called on screen. */
export const STATES = ['processing', 'pending', 'finishedWithErrors', 'failed', 'cancelled', 'finished'];
export const STATE_LABELS = {
  pending: 'pending',
  processing: 'processing',
  finished: 'finished',
  finishedWithErrors: 'finished with errors',
  failed: 'failed',
  cancelled: 'cancelled',
};
export const isEnded = (status) => status !== 'pending' && status !== 'processing';

/** The UI's root (/ui/), whichever page loaded this script. */
const UI_ROOT = new URL('./', import.meta.url).pathname;

/**
 * The parts every page has: the header (name, the service's clock, whether the page is live) and
 * the sign-in form, shown when there is no token or the one given was refused.
 */
function renderChrome() {
  document.querySelector('header.top').innerHTML = `
    <p class="brand"><a href="${UI_ROOT}">async-status-emulator</a></p>
    <nav aria-label="Pages"><p class="pages"><a href="${UI_ROOT}">Jobs</a><a href="${UI_ROOT}records">Records</a></p></nav>
    <div id="clock" class="clock">
      <span data-clock-now></span>
      <span data-clock-advance hidden>Advance
        <button type="button" data-seconds="1">+1 s</button><button type="button" data-seconds="10">+10 s</button><button type="button" data-seconds="60">+1 min</button>
      </span>
    </div>
    <p id="live" class="live" role="status" aria-live="polite"></p>`;
  const current = location.pathname.startsWith(`${UI_ROOT}records`) ? 1 : 0;
  document.querySelectorAll('.pages a')[current].setAttribute('aria-current', 'page');
  document.getElementById('sign-in').innerHTML = `
    <h1>Admin token</h1>
    <p>The dashboard reads the admin API. Give the admin token the service printed at startup
      (<code>adminToken</code>) or the one set in <code>ADMIN_TOKEN</code>. It is kept in this tab only.</p>
    <label for="token">Admin token</label>
    <input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required>
    <button type="submit">Open</button>
    <p role="alert" class="error"></p>`;
}

/**
 * A token given in the address (#token=… or ?token=…) is kept for this tab in sessionStorage and
 * taken out of the address, so it stays out of history, bookmarks and screenshots.
 */
function adoptTokenFromAddress() {
  const hash = new URLSearchParams(location.hash.slice(1));
  const query = new URLSearchParams(location.search);
  const token = hash.get('token') || query.get('token');
  if (!token) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  hash.delete('token');
  query.delete('token');
  const search = query.toString();
  const fragment = hash.toString();
  history.replaceState(null, '', location.pathname + (search ? `?${search}` : '') + (fragment ? `#${fragment}` : ''));
}

export class SignInNeeded extends Error {}

/** GET (or POST with a JSON body) on the admin API; a refused token asks for another. */
export async function api(path, body) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) throw new SignInNeeded('No admin token yet.');
  const init = { headers: { Authorization: `Bearer ${token}` } };
  if (body !== undefined) Object.assign(init, { method: 'POST', body: JSON.stringify(body), headers: { ...init.headers, 'Content-Type': 'application/json' } });
  const response = await fetch(path, init);
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    throw new SignInNeeded('The admin token was refused.');
  }
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(answer.error || `${path} answered ${response.status}`), { status: response.status });
  return answer;
}

/**
 * Runs `refresh` now and every POLL_MS after the previous run ends, while the tab is visible, until
 * it returns 'stop'. Asks for the admin token first when there is none, or when it was refused.
 */
export function startPolling(refresh) {
  renderChrome();
  adoptTokenFromAddress();
  const live = document.getElementById('live');
  let timer = null;
  let stopped = false;
  const run = async () => {
    clearTimeout(timer);
    timer = null;
    if (stopped || document.hidden) return;
    try {
      const outcome = await refresh();
      showLive(live, outcome === 'stop' ? 'ended' : 'live');
      if (outcome === 'stop') {
        stopped = true;
        return;
      }
    } catch (error) {
      if (error instanceof SignInNeeded) {
        askForToken(error.message, run);
        showLive(live, 'signed-out');
        return;
      }
      showLive(live, 'error', error.message);
    }
    timer = setTimeout(run, POLL_MS);
  };
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && timer === null) run();
  });
  run();
  return { refreshNow: run };
}

function showLive(element, state, detail = '') {
  if (!element) return;
  const text = {
    live: `Live · updated ${new Date().toLocaleTimeString()}`,
    ended: 'Ended · no more updates',
    'signed-out': 'Waiting for the admin token',
    error: `Cannot reach the service (${detail}); retrying`,
  }[state];
  element.textContent = text;
  element.dataset.state = state;
}

/** Shows the sign-in form; a token that opens the admin API resumes `then`. */
function askForToken(reason, then) {
  const form = document.getElementById('sign-in');
  const input = form.querySelector('input');
  const message = form.querySelector('[role="alert"]');
  if (!form.hidden) return;
  form.hidden = false;
  message.textContent = reason === 'The admin token was refused.' ? 'That token was refused: use the one the service printed at startup (adminToken) or ADMIN_TOKEN.' : '';
  input.value = '';
  input.focus();
  form.onsubmit = async (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, input.value.trim());
    try {
      await api('/admin/clock');
    } catch (error) {
      message.textContent = error instanceof SignInNeeded ? 'That token was refused: use the one the service printed at startup (adminToken) or ADMIN_TOKEN.' : error.message;
      input.select();
      return;
    }
    form.hidden = true;
    then();
  };
}

/** The service's clock in the header; under CLOCK=manual, buttons that advance it. */
export async function refreshClock(onAdvanced) {
  const box = document.getElementById('clock');
  if (!box) return;
  const clock = await api('/admin/clock');
  box.querySelector('[data-clock-now]').textContent = `${clock.mode === 'manual' ? 'Manual clock' : 'Clock'}: ${formatTime(clock.now)}`;
  const buttons = box.querySelector('[data-clock-advance]');
  buttons.hidden = clock.mode !== 'manual';
  if (buttons.dataset.ready) return;
  buttons.dataset.ready = 'yes';
  buttons.addEventListener('click', async (event) => {
    const seconds = Number(event.target.closest('button')?.dataset.seconds);
    if (!seconds) return;
    const now = box.querySelector('[data-clock-now]');
    try {
      await api('/admin/clock/advance', { seconds });
      onAdvanced();
    } catch (error) {
      // Said where the clock is shown; the next look redraws it.
      now.textContent = `The clock could not be advanced: ${error.message}`;
    }
  });
}

/** A time as UTC, to the second: the service's clock may be a manual one, far from this machine's. */
export function formatTime(value) {
  if (!value) return '—';
  return `${new Date(value).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** Seconds as "2 h 5 min", "1 min 5 s", "4.5 s". */
export function formatSeconds(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return `${Number(seconds.toFixed(1))} s`;
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  if (hours > 0) return `${hours} h ${minutes} min`;
  return rest > 0 ? `${minutes} min ${rest} s` : `${minutes} min`;
}

export const formatPercent = (percent) => `${percent.toFixed(1)}%`;

/** What a job is: its name, or its operation and record type. */
export const jobTitle = (job) => job.name ?? [job.operation, job.recordType].filter(Boolean).join(' ');

/** `tag` with a class and text (all optional). */
export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A state badge: its words, not only its colour, say the state. */
export function stateBadge(status) {
  const badge = element('span', `badge state-${status}`, STATE_LABELS[status] ?? status);
  badge.dataset.status = status;
  return badge;
}

/** A progress bar and its percent, built once and updated in place by `setProgress`. */
export function progressBar(label) {
  const wrapper = element('div', 'progress');
  const bar = element('div', 'bar');
  bar.setAttribute('role', 'progressbar');
  bar.setAttribute('aria-valuemin', '0');
  bar.setAttribute('aria-valuemax', '100');
  bar.setAttribute('aria-label', label);
  bar.append(element('div', 'fill'));
  wrapper.append(bar, element('span', 'percent'));
  return wrapper;
}

export function setProgress(wrapper, percent, status) {
  const bar = wrapper.querySelector('.bar');
  const fill = bar.firstElementChild;
  const text = formatPercent(percent);
  bar.setAttribute('aria-valuenow', String(percent));
  bar.setAttribute('aria-valuetext', `${text}, ${STATE_LABELS[status] ?? status}`);
  fill.className = `fill state-${status}`;
  fill.style.width = `${Math.min(100, Math.max(0, percent))}%`;
  wrapper.querySelector('.percent').textContent = text;
}
