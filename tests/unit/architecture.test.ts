import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LAYERS = ['core', 'server', 'indexer', 'widget', 'scripts'];

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
  cycle?: { name: string }[];
}

/** dependency-cruiser with the project's rules (.dependency-cruiser.cjs): cycles and layering. */
async function violations(): Promise<string[]> {
  const cli = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
  const { stdout } = await promisify(execFile)(process.execPath, [cli, '--config', '.dependency-cruiser.cjs', '--output-type', 'json', '--', ...LAYERS], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  const report = JSON.parse(stdout) as { summary: { violations: Violation[]; totalCruised: number } };
  expect(report.summary.totalCruised).toBeGreaterThan(50);
  return report.summary.violations.map((v) =>
    v.cycle ? `${v.rule.name}: ${[v.from, ...v.cycle.map((step) => step.name)].join(' → ')}` : `${v.rule.name}: ${v.from} → ${v.to}`,
  );
}

describe('module structure', () => {
  it('has no import cycles, and server/ and indexer/ share only core/', async () => {
    expect(await violations()).toEqual([]);
  }, 60_000);

  it('names no exception to server/ → indexer/ (start-up indexing runs the indexer CLI as a child process)', () => {
    const config = createRequire(import.meta.url)(path.join(ROOT, '.dependency-cruiser.cjs')) as { forbidden: { name: string; from: Record<string, unknown> }[] };
    expect(config.forbidden.find((rule) => rule.name === 'server-not-to-indexer')?.from).toEqual({ path: '^server/' });
  });
});
