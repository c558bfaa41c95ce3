/**
 * GET /admin/search: the editors' dashboard, rendered on the server. Charts are inline SVG drawn
 * here (no script, no external asset: the page works under pagePolicy()'s strict CSP); hand-written
 * because a chart library means client-side script, which the CSP and the no-asset rule exclude.
 */
import type { ReportName, Table } from '../analytics/reports.js';
import { escapeHtml } from './html.js';

export interface DashboardData {
  from: string;
  to: string;
  limit: number;
  daily: Table;
  positions: Table;
  tables: { name: ReportName; title: string; help: string; table: Table }[];
}

const W = 640;
const H = 180;
const PAD = 28;

const fmt = (n: number): string => n.toLocaleString('ru-RU');

/** Vertical bars with a label under every few and the largest value on the axis. */
function barChart(title: string, labels: readonly string[], values: readonly number[], colour: string): string {
  const max = Math.max(1, ...values);
  const step = (W - PAD * 2) / Math.max(1, values.length);
  const every = Math.max(1, Math.ceil(values.length / 10));
  const bars = values
    .map((v, i) => {
      const h = ((H - PAD * 2) * v) / max;
      const x = PAD + i * step;
      const label = i % every === 0 ? `<text x="${(x + step / 2).toFixed(1)}" y="${H - 8}" text-anchor="middle" font-size="10" fill="#555">${escapeHtml(labels[i]!)}</text>` : '';
      return `<rect x="${(x + 1).toFixed(1)}" y="${(H - PAD - h).toFixed(1)}" width="${Math.max(1, step - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${colour}"><title>${escapeHtml(labels[i]!)}: ${fmt(v)}</title></rect>${label}`;
    })
    .join('');
  return figure(title, `${axis(fmt(max))}${bars}`);
}

/** Lines of percentages (0–100) per day. */
function lineChart(title: string, labels: readonly string[], series: readonly { name: string; values: readonly number[]; colour: string }[]): string {
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const step = (W - PAD * 2) / Math.max(1, labels.length - 1);
  const lines = series
    .map((s) => {
      const points = s.values.map((v, i) => `${(PAD + i * step).toFixed(1)},${(H - PAD - ((H - PAD * 2) * v) / max).toFixed(1)}`).join(' ');
      return `<polyline points="${points}" fill="none" stroke="${s.colour}" stroke-width="2"><title>${escapeHtml(s.name)}</title></polyline>`;
    })
    .join('');
  const legend = series.map((s, i) => `<text x="${PAD + 8 + i * 170}" y="14" font-size="12" fill="${s.colour}">■ ${escapeHtml(s.name)}</text>`).join('');
  const ends = labels.length > 0 ? `<text x="${PAD}" y="${H - 8}" font-size="10" fill="#555">${escapeHtml(labels[0]!)}</text><text x="${W - PAD}" y="${H - 8}" font-size="10" fill="#555" text-anchor="end">${escapeHtml(labels.at(-1)!)}</text>` : '';
  return figure(title, `${axis(`${fmt(max)} %`)}${lines}${legend}${ends}`);
}

function axis(maxLabel: string): string {
  return `<line x1="${PAD}" y1="${H - PAD}" x2="${W - PAD}" y2="${H - PAD}" stroke="#999"/><line x1="${PAD}" y1="${PAD}" x2="${W - PAD}" y2="${PAD}" stroke="#e3e3e3"/><text x="${W - PAD}" y="${PAD - 4}" font-size="10" fill="#555" text-anchor="end">${escapeHtml(maxLabel)}</text>`;
}

function figure(title: string, body: string): string {
  return `<figure><figcaption>${escapeHtml(title)}</figcaption><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(title)}">${body}</svg></figure>`;
}

function exportLinks(name: ReportName, from: string, to: string, limit: number): string {
  const params = new URLSearchParams({ from, to, limit: String(Math.max(limit, 100)) }).toString();
  return `<a href="/api/analytics/${name}.csv?${escapeHtml(params)}">CSV</a> · <a href="/api/analytics/${name}.json?${escapeHtml(params)}">JSON</a>`;
}

function tableHtml(table: Table): string {
  if (table.rows.length === 0) return '<p class="empty">Нет данных за период (или запросы ещё не набрали 5 разных читателей).</p>';
  const head = table.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
  const body = table.rows.map((row) => `<tr>${row.map((cell) => (typeof cell === 'number' ? `<td class="n">${fmt(cell)}</td>` : `<td>${escapeHtml(cell)}</td>`)).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export function dashboardPage(data: DashboardData): string {
  const days = data.daily.rows.map((r) => String(r[0]).slice(5));
  const col = (name: string) => data.daily.rows.map((r) => Number(r[data.daily.columns.indexOf(name)]));
  const searches = col('searches');
  const zero = col('zero_result_searches');
  const clicks = col('clicks');
  const answers = col('answers');
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const pct = (a: number, b: number) => (b > 0 ? `${((a / b) * 100).toFixed(1)} %` : '—');
  const summary = [
    ['Поисков (итоговых запросов)', fmt(sum(searches))],
    ['Ответов сервера (с подсказками по буквам)', fmt(sum(answers))],
    ['Без результатов', pct(sum(zero), sum(searches))],
    ['CTR (открыт результат)', pct(sum(clicks), sum(searches))],
  ]
    .map(([k, v]) => `<div><dt>${escapeHtml(k!)}</dt><dd>${escapeHtml(v!)}</dd></div>`)
    .join('');
  const sections = data.tables
    .map((t) => `<section><h2>${escapeHtml(t.title)}</h2><p class="help">${escapeHtml(t.help)} <span class="export">${exportLinks(t.name, data.from, data.to, data.limit)}</span></p>${tableHtml(t.table)}</section>`)
    .join('\n');
  return `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Аналитика поиска ${escapeHtml(data.from)} — ${escapeHtml(data.to)}</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 1.5rem auto; max-width: 72rem; padding: 0 1rem; color: #1a1a1a; }
  h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
  h2 { font-size: 1.1rem; margin: 0 0 .3rem; }
  form { display: flex; gap: .8rem; align-items: end; flex-wrap: wrap; margin: 0 0 1rem; }
  label { display: flex; flex-direction: column; font-size: .85rem; color: #444; }
  dl { display: grid; grid-template-columns: repeat(auto-fit, minmax(13rem, 1fr)); gap: .8rem; margin: 0 0 1rem; }
  dl div { border: 1px solid #ddd; border-radius: 6px; padding: .6rem .8rem; }
  dt { font-size: .8rem; color: #555; }
  dd { margin: 0; font-size: 1.5rem; font-weight: 600; }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(28rem, 1fr)); gap: 1rem; }
  figure { margin: 0; border: 1px solid #ddd; border-radius: 6px; padding: .5rem; }
  figcaption { font-weight: 600; font-size: .9rem; }
  svg { width: 100%; height: auto; }
  .tables { display: grid; grid-template-columns: repeat(auto-fit, minmax(30rem, 1fr)); gap: 1.2rem; margin-top: 1.2rem; }
  table { border-collapse: collapse; width: 100%; font-size: .9rem; }
  th, td { text-align: left; padding: .2rem .4rem; border-bottom: 1px solid #eee; }
  td.n { text-align: right; font-variant-numeric: tabular-nums; }
  .help { color: #555; font-size: .85rem; margin: 0 0 .4rem; }
  .export { white-space: nowrap; }
  .empty { color: #777; font-style: italic; }
</style>
</head>
<body>
<main>
<h1>Аналитика поиска</h1>
<form method="get" action="/admin/search">
  <label>С <input type="date" name="from" value="${escapeHtml(data.from)}"></label>
  <label>По <input type="date" name="to" value="${escapeHtml(data.to)}"></label>
  <label>Строк <input type="number" name="limit" min="1" max="1000" value="${data.limit}"></label>
  <button type="submit">Показать</button>
</form>
<dl>${summary}</dl>
<div class="charts">
${barChart('Поисков в день', days, searches, '#2f6fdf')}
${lineChart('Доля поисков без результатов и CTR, % в день', days, [
  { name: 'без результатов', values: col('zero_result_pct'), colour: '#d2482f' },
  { name: 'CTR', values: col('ctr_pct'), colour: '#2c9a57' },
])}
${barChart('Позиция открытого результата', data.positions.rows.map((r) => String(r[0])), data.positions.rows.map((r) => Number(r[1])), '#7a52c7')}
</div>
<div class="tables">
${sections}
</div>
</main>
</body>
</html>
`;
}
