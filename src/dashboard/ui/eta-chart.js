// The ETA over time as a small inline SVG line chart, with the same figures as a table for screen readers.
import { element, formatSeconds, formatTime, isEnded } from './common.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 640;
const HEIGHT = 220;
const MARGIN = { left: 64, right: 16, top: 12, bottom: 36 };

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A round step that cuts 0..max into about `count` parts: 1, 2 or 5 times a power of ten. */
function niceStep(max, count) {
  const rough = max / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= rough) ?? rough;
}

export function drawEtaChart(container, eta) {
  const points = eta.points.map((point) => ({ ...point, at: Date.parse(point.at) }));
  // While the job runs, the estimate as of now ends the line: silence since the last sample moves it.
  if (!isEnded(eta.status) && points.length > 0) points.push({ at: Date.parse(eta.now), estimate: eta.current.estRemainingDuration, actual: null, now: true });
  if (points.length === 0) {
    container.replaceChildren(element('p', 'empty', 'No progress samples yet: the job has not started.'));
    return;
  }
  const start = points[0].at;
  const elapsed = (point) => (point.at - start) / 1000;
  const spanX = Math.max(1, elapsed(points.at(-1)));
  const maxY = Math.max(1, ...points.map((point) => Math.max(point.estimate, point.actual ?? 0))) * 1.1;
  const innerW = WIDTH - MARGIN.left - MARGIN.right;
  const innerH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (seconds) => MARGIN.left + (seconds / spanX) * innerW;
  const y = (seconds) => MARGIN.top + innerH - (seconds / maxY) * innerH;

  const chart = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'eta-chart', role: 'img', 'aria-labelledby': 'eta-chart-title eta-chart-desc' });
  const last = points.at(-1);
  chart.append(
    svg('title', { id: 'eta-chart-title' }, "Estimated time left over the job's run"),
    svg(
      'desc',
      { id: 'eta-chart-desc' },
      `${eta.points.length} samples over ${formatSeconds(spanX)}; the estimate went from ${formatSeconds(points[0].estimate)} to ${formatSeconds(last.estimate)}.`,
    ),
  );

  const axes = svg('g', { class: 'axes' });
  const yStep = niceStep(maxY, 4);
  for (let value = 0; value <= maxY; value += yStep) {
    axes.append(svg('line', { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(value), y2: y(value), class: 'grid' }));
    axes.append(svg('text', { x: MARGIN.left - 6, y: y(value) + 4, 'text-anchor': 'end' }, formatSeconds(value)));
  }
  const xStep = niceStep(spanX, 5);
  for (let value = 0; value <= spanX + 1e-9; value += xStep) {
    axes.append(svg('text', { x: x(value), y: HEIGHT - MARGIN.bottom + 16, 'text-anchor': 'middle' }, `+${formatSeconds(value)}`));
  }
  axes.append(svg('text', { x: MARGIN.left + innerW / 2, y: HEIGHT - 4, 'text-anchor': 'middle', class: 'axis-title' }, 'time since the job started'));
  axes.append(svg('line', { x1: MARGIN.left, x2: MARGIN.left, y1: MARGIN.top, y2: MARGIN.top + innerH, class: 'axis' }));
  axes.append(svg('line', { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: MARGIN.top + innerH, y2: MARGIN.top + innerH, class: 'axis' }));
  chart.append(axes);

  const line = (list, value) => list.map((point) => `${x(elapsed(point)).toFixed(1)},${y(value(point)).toFixed(1)}`).join(' ');
  const actual = points.filter((point) => point.actual !== null);
  if (actual.length > 0) chart.append(svg('polyline', { points: line(actual, (point) => point.actual), class: 'actual' }));
  chart.append(svg('polyline', { points: line(points, (point) => point.estimate), class: 'estimate' }));
  for (const point of points) {
    chart.append(svg('circle', { cx: x(elapsed(point)), cy: y(point.estimate), r: point.now ? 4 : 2.5, class: point.now ? 'now' : 'sample' }));
  }

  const legend = element('p', 'legend');
  legend.append(element('span', 'key estimate', 'estimate'));
  if (actual.length > 0) legend.append(element('span', 'key actual', 'time it really had left'));
  if (points.at(-1).now) legend.append(element('span', 'key now', 'now'));

  const details = element('details', 'eta-table');
  details.append(element('summary', '', 'The same figures as a table'));
  const table = element('table');
  const head = element('tr');
  head.append(...['Time', 'Done', 'Estimate (s)', 'Really left (s)'].map((name) => Object.assign(element('th', '', name), { scope: 'col' })));
  table.append(element('thead'), element('tbody'));
  table.tHead.append(head);
  for (const point of points) {
    const row = element('tr');
    row.append(
      element('td', '', formatTime(point.at) + (point.now ? ' (now)' : '')),
      element('td', 'number', point.percent === undefined ? '' : `${point.percent.toFixed(1)}%`),
      element('td', 'number', point.estimate.toFixed(1)),
      element('td', 'number', point.actual === null ? '' : point.actual.toFixed(1)),
    );
    table.tBodies[0].append(row);
  }
  const open = container.querySelector('details.eta-table')?.open ?? false;
  details.open = open;
  const scroll = element('div', 'scroll');
  scroll.append(table);
  details.append(scroll);
  container.replaceChildren(chart, legend, details);
}
