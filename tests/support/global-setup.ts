import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedEngine, type EmbeddedEngine } from '../../core/engine/embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    engine: { url: string; masterKey: string; pid: number };
  }
}

let engine: EmbeddedEngine | undefined;
let dataDir: string | undefined;

/** One real Meilisearch for the whole run, from the same package `npm start` uses, on a temp dir. */
export async function setup(project: TestProject): Promise<void> {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'news-search-test-'));
  engine = await startEmbeddedEngine({ dataDir });
  project.provide('engine', { url: engine.url, masterKey: engine.masterKey, pid: engine.pid });
}

export async function teardown(): Promise<void> {
  await engine?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}
