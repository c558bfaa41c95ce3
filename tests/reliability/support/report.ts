import { appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ScenarioRow {
  scenario: string;
  load: string;
  faults: string;
  inputs: number;
  documentsLost: number;
  errors: number;
  passed: boolean;
  notes?: string;
}

/** Short runs (inside `npm test`) and full runs keep separate rows, so the table never mixes them. */
export const ROWS_FILE =
  process.env['RELIABILITY_ROWS'] ??
  path.join(os.tmpdir(), `news-search-reliability-${process.env['RELIABILITY'] === 'full' ? 'full' : 'short'}-rows.jsonl`);

/** Each scenario records what it did; the reliability run's teardown turns the rows into a table. */
export function recordScenario(row: ScenarioRow): void {
  appendFileSync(ROWS_FILE, `${JSON.stringify({ ...row, at: new Date().toISOString() })}\n`);
}
