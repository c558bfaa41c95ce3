/**
 * Closing the loop (issue 26): the zero-result and reformulation reports offer candidate lines for
 * the editors' synonyms file, made by core/text/synonyms-file.ts's candidateSynonymLines() from the
 * reformulation pairs (a query that found nothing or got no click, then a clicked one), so a line
 * pastes into `synonyms.txt` as it is. Empty where the pair is no synonym candidate (word-form
 * variants, one query refining the other, text the file cannot hold, a masked placeholder).
 */
import { candidateSynonymLines } from '../../core/text/synonyms-file.js';

/** The column added to both reports (dashboard, JSON, CSV). */
export const SYNONYM_COLUMN = 'synonym_line';

/** The reports' table shape (server/analytics/reports.ts), restated so this module needs nothing from it. */
interface Table {
  columns: readonly string[];
  rows: (string | number)[][];
}

/** A pair's candidate line, '' for none. */
export function synonymLine(from: string, to: string, times: number): string {
  if (from.includes('[') || to.includes('[')) return '';
  return candidateSynonymLines([{ from, to, count: times }])[0] ?? '';
}

/** The reformulations table (searched_first, then_found_with, times) with each pair's line. */
export function withReformulationLines(table: Table): Table {
  return { columns: [...table.columns, SYNONYM_COLUMN], rows: table.rows.map((row) => [...row, synonymLine(String(row[0]), String(row[1]), Number(row[2]))]) };
}

/** The zero-results table with, per query, the line of its most frequent reformulation that makes one. */
export function withZeroResultLines(table: Table, reformulations: Table): Table {
  const best = new Map<string, string>();
  // Rows come most frequent first: the first line per query is its best.
  for (const row of reformulations.rows) {
    const from = String(row[0]);
    if (best.get(from)) continue;
    best.set(from, synonymLine(from, String(row[1]), Number(row[2])));
  }
  return { columns: [...table.columns, SYNONYM_COLUMN], rows: table.rows.map((row) => [...row, best.get(String(row[0])) ?? '']) };
}
