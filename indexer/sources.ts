/** Which source file each article came from (for --prune), kept in its own index. */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Engine } from '../core/engine/client.js';
import { engineErrorCode, toEngineError } from '../core/engine/client.js';
import { checkTask, waitTask } from './apply.js';

/**
 * Which input file each stored article came from, kept in the engine beside the index (in
 * `<uid>__indexer-sources`, never searched), so that `--prune` can tell an article whose source
 * is gone (delete it) from one whose source failed to parse this time (keep it: it is not gone).
 * Chunk documents do not carry their file: adding it would change every chunk's hash and resend
 * the whole index once, and a file path is nothing a reader should get back from a search.
 */
export function sourcesIndexUid(indexUid: string): string {
  return `${indexUid}__indexer-sources`;
}

interface SourceDoc extends Record<string, unknown> {
  id: string;
  file: string;
  articleIds: string[];
}

/** The file an origin names: `a.jsonl:12` → a.jsonl, `b.json[3]` → b.json, absolute. */
export function sourceFile(origin: string): string {
  if (/^https?:\/\//.test(origin)) return origin; // a page fetched from a site: its URL is its source
  const file = origin.replace(/(:\d+|\[\d+\])$/, '');
  return file === '-' ? '-' : path.resolve(file);
}

/** File → article ids, as recorded by earlier runs. */
export async function readSources(engine: Engine, indexUid: string): Promise<Map<string, Set<string>>> {
  const docs = await readSideIndex<SourceDoc>(engine, sourcesIndexUid(indexUid), 'reading the indexer source records');
  return new Map(docs.map((doc) => [doc.file, new Set(doc.articleIds)]));
}

/** Every document of one of the indexer's own side indexes (never searched); none when it does not exist yet. */
export async function readSideIndex<T extends Record<string, unknown>>(engine: Engine, uid: string, what: string): Promise<T[]> {
  const docs: T[] = [];
  try {
    for (let offset = 0; ; offset += 1000) {
      const page = await engine.index<T>(uid).getDocuments({ limit: 1000, offset });
      docs.push(...page.results);
      if (offset + 1000 >= page.total) break;
    }
  } catch (error) {
    if (engineErrorCode(error) === 'index_not_found') return [];
    throw toEngineError(error, what);
  }
  return docs;
}

/** Upserts and deletions in one of the indexer's side indexes, waited for. */
export async function writeSideIndex(engine: Engine, uid: string, docs: readonly Record<string, unknown>[], deleteIds: readonly string[], what: string): Promise<void> {
  try {
    if (docs.length > 0) {
      const task = await engine.index(uid).addDocuments([...docs], { primaryKey: 'id' });
      checkTask(await waitTask(engine, task.taskUid, what), what);
    }
    if (deleteIds.length > 0) {
      const task = await engine.index(uid).deleteDocuments([...deleteIds]);
      checkTask(await waitTask(engine, task.taskUid, what), what);
    }
  } catch (error) {
    throw toEngineError(error, what);
  }
}

/**
 * Records the files of this run's articles. A file that produced articles this run is written
 * whole (its old entry replaced); files not among this run's inputs are left as they are, and
 * entries of pruned files are deleted.
 */
export async function recordSources(engine: Engine, indexUid: string, seen: ReadonlyMap<string, string[]>, goneFiles: readonly string[]): Promise<void> {
  const docs: SourceDoc[] = [...seen].map(([file, articleIds]) => ({ id: docId(file), file, articleIds }));
  await writeSideIndex(engine, sourcesIndexUid(indexUid), docs, goneFiles.map(docId), 'recording which file each article came from');
}

export function docId(file: string): string {
  return createHash('sha1').update(file).digest('hex');
}

export interface PruneDecision {
  /** Articles to delete: no input produced them and they are not known to come from a failed input. */
  prune: string[];
  /** Articles kept although no input produced them this run, with why. */
  kept: { articleId: string; reason: string }[];
}

/**
 * `--prune` with some inputs failed: an unseen article is kept when it came from a file that
 * failed this run, or when no run recorded its file (it might come from a failed one).
 */
export function decidePrune(
  unseen: readonly string[],
  failedFiles: ReadonlySet<string>,
  sources: ReadonlyMap<string, Set<string>>,
): PruneDecision {
  if (failedFiles.size === 0) return { prune: [...unseen], kept: [] };
  const fileOf = new Map<string, string>();
  for (const [file, ids] of sources) for (const id of ids) fileOf.set(id, file);
  const decision: PruneDecision = { prune: [], kept: [] };
  for (const articleId of unseen) {
    const file = fileOf.get(articleId);
    if (file === undefined) decision.kept.push({ articleId, reason: 'its source file is not recorded and some inputs failed' });
    else if (failedFiles.has(file)) decision.kept.push({ articleId, reason: `its source ${path.relative(process.cwd(), file) || file} failed to read` });
    else decision.prune.push(articleId);
  }
  return decision;
}
