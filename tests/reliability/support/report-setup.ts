import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { ROWS_FILE, type ScenarioRow } from './report.js';

/** Starts each reliability run with no rows; at the end writes docs/RELIABILITY.md from them. */
export function setup(): void {
  rmSync(ROWS_FILE, { force: true });
}

export function teardown(): void {
  if (!existsSync(ROWS_FILE)) return;
  const rows = readFileSync(ROWS_FILE, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ScenarioRow)
    .sort((a, b) => a.scenario.localeCompare(b.scenario, 'en', { numeric: true }));
  const cell = (v: unknown) => String(v).replace(/\|/g, '\\|');
  const table = rows
    .map((r) => `| ${[r.scenario, r.load, r.faults, r.inputs, r.documentsLost, r.errors, r.passed ? 'pass' : '**FAIL**', r.notes ?? ''].map(cell).join(' | ')} |`)
    .join('\n');
  const mode = process.env['RELIABILITY'] === 'full' ? 'full (`npm run test:reliability`)' : 'short (as in `npm test`)';
  writeFileSync(
    'docs/RELIABILITY.md',
    `# Reliability results

Written by the reliability suite (\`tests/reliability/\`) against the real engine, server and browser.
Run: ${mode}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}.

| scenario | load held | faults injected | inputs tried | documents lost | errors | result | notes |
|---|---|---|---|---|---|---|---|
${table}
`,
  );
}
