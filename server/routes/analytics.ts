/** Search analytics routes: the widget's reports (public) and the editors' reports (admin). */
import express, { type Request, type Response, type Router } from 'express';
import { ANALYTICS_REPORT_MAX_BYTES } from '../../core/analytics-report.js';
import type { SearchAnalytics } from '../analytics/collector.js';
import { parseReport } from '../analytics/validate-report.js';
import { exactRouter } from '../http/routing.js';
import { stringify } from 'csv-stringify/sync';
import { requireAdmin, type AdminAccess } from '../http/admin-access.js';
import { pagePolicy } from '../http/security.js';
import { parseReportQuery, Reports, REPORT_NAMES, type ReportName, type Table } from '../analytics/reports.js';
import type { AnalyticsStore } from '../analytics/store.js';
import { dashboardPage } from '../pages/analytics-dashboard.js';

export const ANALYTICS_EVENTS_PATH = '/api/analytics/events';

/**
 * POST /api/analytics/events: one report per final query (core/analytics-report.ts), sent as
 * text/plain so browsers send it without a preflight. 204 whether or not it is counted (a report
 * for a query not answered lately is dropped at the next flush), 400 naming the field, 413 over
 * ANALYTICS_REPORT_MAX_BYTES. Nothing of the request but the body is kept; the client's address
 * only becomes a keyed hash for the threshold.
 */
export function analyticsEventRoutes(analytics: SearchAnalytics): Router {
  const router = exactRouter();
  router.post(
    ANALYTICS_EVENTS_PATH,
    express.text({ limit: ANALYTICS_REPORT_MAX_BYTES, type: ['text/plain', 'application/json'], defaultCharset: 'utf-8' }),
    (req: Request, res: Response) => {
      analytics.report(parseReport(req.body), req.ip);
      res.status(204).set('cache-control', 'no-store').end();
    },
  );
  return router;
}

const TABLES: readonly { name: ReportName; title: string; help: string }[] = [
  { name: 'top-queries', title: 'Частые запросы', help: 'Итоговые запросы читателей (не промежуточные буквы); ответы — все ответы сервера по запросу.' },
  { name: 'zero-results', title: 'Запросы без результатов', help: 'Кандидаты в синонимы или в новые материалы. Ответы с отказавшими шардами и ошибки не считаются.' },
  { name: 'no-clicks', title: 'Результаты есть, но ничего не открыли', help: 'Стоит проверить заголовки и фрагменты: читатель не увидел нужного.' },
  { name: 'rising', title: 'Растущие запросы', help: 'Эта неделя против среднего за четыре предыдущие: темы, которые читатели ищут сейчас.' },
  { name: 'corrections', title: 'Исправления запроса', help: 'Показанные исправления раскладки и опечаток: принято (читатель остался) или отклонено («искать именно»).' },
  { name: 'reformulations', title: 'Переформулировки', help: 'Запрос без результата или без открытия, после которого читатель нашёл нужное другим запросом: пары для синонимов.' },
  { name: 'filters', title: 'Фильтры', help: 'Как часто ищут с фильтром: тег, даты, порядок, группировка по статьям.' },
  { name: 'articles', title: 'Чаще всего открывают из поиска', help: 'Статьи, открытые из результатов поиска.' },
];

/**
 * The editors' reports behind the shared admin check (ADMIN_TOKEN or ANALYTICS_TOKEN; 404 when
 * neither is set): GET /admin/search (HTML, SVG charts) and GET /api/analytics/<report>.json|.csv.
 */
export function analyticsReportRoutes(store: AnalyticsStore, access: AdminAccess): Router {
  const router = exactRouter();
  const admin = requireAdmin(access);
  router.get('/admin/search', admin, async (req: Request, res: Response) => {
    const range = parseReportQuery(req.query as Record<string, unknown>, 20);
    const reports = new Reports(store, range);
    const [daily, positions, ...tables] = await Promise.all([reports.daily(), reports.table('positions'), ...TABLES.map((t) => reports.table(t.name))]);
    const html = dashboardPage({ ...range, daily, positions, tables: TABLES.map((t, i) => ({ ...t, table: tables[i]! })) });
    res.set('content-security-policy', pagePolicy(html)).set('cache-control', 'no-store').type('html').send(html);
  });
  // One route per report and format (not `/api/analytics/:file`): the generic 405 reads the
  // registered paths, and `events` must not look like a report path that takes GET.
  for (const name of REPORT_NAMES) {
    for (const format of ['json', 'csv'] as const) {
      router.get(`/api/analytics/${name}.${format}`, admin, async (req: Request, res: Response) => {
        const range = parseReportQuery(req.query as Record<string, unknown>, 100);
        const table = await new Reports(store, range).table(name);
        res.set('cache-control', 'no-store');
        if (format === 'csv') {
          res.attachment(`${name}_${range.from}_${range.to}.csv`).type('text/csv; charset=utf-8').send(toCsv(table));
        } else {
          res.json({ report: name, from: range.from, to: range.to, limit: range.limit, rows: table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i]]))) });
        }
      });
    }
  }
  return router;
}

/**
 * CSV for spreadsheets: UTF-8 with a BOM (Excel then reads Cyrillic as such), and cells that start
 * with = + - @ (or a tab/CR) prefixed with ' so that no query text is run as a formula.
 */
export function toCsv(table: Table): string {
  return stringify([table.columns as string[], ...table.rows], { bom: true, escape_formulas: true });
}
