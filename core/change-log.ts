import { z } from 'zod';

/**
 * The change log the indexer keeps beside each index (on every shard), so that proxies learn
 * exactly which chunks changed instead of re-reading the index. It is an engine index of its own,
 * `<uid>__changes`, readable with the proxies' search-only key.
 *
 * Why our own log and not the engine's task list: tasks do not list the ids an addDocuments task
 * stored (only counts), the search key cannot read tasks, and the task list is pruned by the
 * engine at will (it keeps at most ~1M tasks and deletes the oldest). Our entries list the chunk
 * ids, are ordered by a sequence number, and are trimmed only by us.
 *
 * Crash consistency (two phases per write): the indexer enqueues an `open` entry listing the ids
 * it is about to write, then the documents task (the engine runs tasks in enqueue order), and once
 * that task succeeded it rewrites the entry as `done`. A proxy applies entries in sequence order,
 * re-reading the *current* state of every listed id (present → upsert, absent → remove), so a
 * replay is harmless, and it stops at an `open` entry. An indexer killed in between leaves the
 * entry open; the next indexer run closes it after the engine's pending tasks are finished. A
 * `reset` entry (an index swap, `--rebuild`) means "build from scratch". A `synonyms` entry carries
 * the editors' synonym groups the indexer just applied to the engine's settings (no ids): each
 * proxy's query analysis takes the latest one (server/search/synonyms.ts). The latest is never
 * trimmed, so a proxy started at any time finds it.
 */
export interface ChangeEntry {
  seq: number;
  state: 'open' | 'done';
  kind: 'chunks' | 'reset' | 'synonyms';
  /** Chunk ids written or deleted (each proxy reads their current state). */
  ids: string[];
  at: string;
  /** `synonyms` entries: the groups as the editors wrote them (each proxy stems them itself). */
  synonyms?: string[][];
}

const entrySchema = z.object({
  seq: z.number().int().positive(),
  state: z.enum(['open', 'done']),
  kind: z.enum(['chunks', 'reset', 'synonyms']),
  ids: z.array(z.string()),
  at: z.string(),
  synonyms: z.array(z.array(z.string())).optional(),
});

/**
 * An entry as read from the engine, checked: anything can be in the log index (a bug, a hand
 * edit, an indexer of another version). The problem names the first wrong field.
 */
export function checkChangeEntry(raw: unknown): { entry: ChangeEntry } | { problem: string } {
  const parsed = entrySchema.safeParse(raw);
  if (parsed.success) return { entry: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { problem: `field \`${issue.path.join('.') || '(entry)'}\`: ${issue.message}` };
}

export function changeLogUid(indexUid: string): string {
  return `${indexUid}__changes`;
}

export const CHANGE_LOG_SETTINGS = {
  filterableAttributes: ['seq', 'state', 'kind'],
  sortableAttributes: ['seq'],
};

/** Entries kept: a proxy further behind than this rebuilds from scratch. */
export const CHANGE_LOG_KEEP = 5000;

/** The filter that finds the published synonym groups, newest first with `sort: ['seq:desc']`. */
export const SYNONYMS_ENTRY_FILTER = 'kind = synonyms AND state = done';
