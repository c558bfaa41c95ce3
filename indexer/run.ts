import { readFile } from 'node:fs/promises';
import type { Article, ChunkDocument } from '../core/document.js';
import type { Engine } from '../core/engine/client.js';
import { ensureIndex } from '../core/engine/settings.js';
import { AppError, InputError } from '../core/errors.js';
import { applyPlan, readFingerprints } from './apply.js';
import { articleToChunks } from './chunks.js';
import { discoverFiles } from './discover.js';
import { parseSource } from './parse/index.js';
import { planChanges } from './plan.js';

export interface IndexOptions {
  paths: string[];
  prune: boolean;
  /** Read stdin for the path `-`. */
  readStdin?: () => Promise<Buffer>;
}

export interface Failure {
  source: string;
  reason: string;
}

export interface IndexSummary {
  articles: number;
  added: number;
  updated: number;
  unchanged: number;
  pruned: number;
  failed: number;
  chunks: number;
  chunksSent: number;
  chunksDeleted: number;
  failures: Failure[];
  elapsedMs: number;
}

/** Read and parse every input; bad inputs become failures, the rest goes on. */
export async function collectChunks(options: IndexOptions): Promise<{ articles: Article[]; chunks: ChunkDocument[]; failures: Failure[] }> {
  const { files, errors } = await discoverFiles(options.paths);
  const failures: Failure[] = errors.map(toFailure);
  const articles: Article[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    try {
      const bytes = file === '-' ? await (options.readStdin ?? readAllStdin)() : await readFile(file);
      for (const article of parseSource({ origin: file, bytes })) {
        const earlier = seen.get(article.id);
        if (earlier !== undefined) {
          throw new InputError(article.origin, `duplicate article id ${article.id} (also produced by ${earlier})`);
        }
        seen.set(article.id, article.origin);
        articles.push(article);
      }
    } catch (error) {
      failures.push(toFailure(error instanceof AppError ? error : new InputError(file, readableReason(error))));
    }
  }
  return { articles, chunks: articles.flatMap(articleToChunks), failures };
}

/** The whole pipeline: inputs → chunks → diff against the engine → the minimal set of writes. */
export async function runIndexer(engine: Engine, indexUid: string, options: IndexOptions): Promise<IndexSummary> {
  const started = performance.now();
  const { articles, chunks, failures } = await collectChunks(options);
  await ensureIndex(engine, indexUid);
  const existing = await readFingerprints(engine, indexUid);
  const plan = planChanges(existing, chunks, { prune: options.prune });
  await applyPlan(engine, indexUid, plan);
  const count = (change: string) => [...plan.changes.values()].filter((c) => c === change).length;
  return {
    articles: articles.length,
    added: count('added'),
    updated: count('updated'),
    unchanged: count('unchanged'),
    pruned: plan.pruned.length,
    failed: failures.length,
    chunks: chunks.length,
    chunksSent: plan.upsert.length,
    chunksDeleted: plan.delete.length,
    failures,
    elapsedMs: Math.round(performance.now() - started),
  };
}

function toFailure(error: AppError): Failure {
  return error instanceof InputError
    ? { source: error.source, reason: error.message.slice(error.source.length + 2) }
    : { source: '', reason: error.message };
}

function readableReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder';
  return error instanceof Error ? error.message : String(error);
}

async function readAllStdin(): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of process.stdin) parts.push(part as Buffer);
  return Buffer.concat(parts);
}
