import type { Settings } from 'meilisearch';
import type { Engine } from './client.js';
import { engineErrorCode, toEngineError } from './client.js';
import { RUSSIAN_STOP_WORDS } from '../text/stopwords.js';

/**
 * The index settings, as data. Searchable attributes are in priority order; `stems` is the derived
 * morphology field (core/text/stem.ts) that server/search/engine-rerank.ts queries with stemmed words.
 * Stop words are the ones the stemmed field leaves out. Synonyms are not here: they are the
 * editors' data (`synonyms.txt`), which the indexer applies (indexer/synonyms.ts), so nothing that
 * ensures the index (a server starting, a benchmark) puts back groups an editor removed.
 */
export const INDEX_SETTINGS = {
  searchableAttributes: ['articleTitle', 'sectionTitle', 'text', 'stems'],
  displayedAttributes: ['*'],
  filterableAttributes: ['id', 'articleId', 'date', 'dateTs', 'year', 'tags'],
  // `id`: the proxies' full read pages through the index by id (server/ranking/follower.ts).
  sortableAttributes: ['dateTs', 'id'],
  // `sort` first: a reader who asks for the newest gets the newest matching sections, not relevance
  // buckets ordered by date inside. Without a sort parameter the rule does nothing.
  rankingRules: ['sort', 'words', 'typo', 'proximity', 'attribute', 'exactness'],
  localizedAttributes: [{ attributePatterns: ['*'], locales: ['rus'] }],
  typoTolerance: { enabled: true },
  stopWords: [...RUSSIAN_STOP_WORDS].sort(),
  // Exact hit counts are the document frequencies the ranking reads (server/search/engine-rerank.ts);
  // the default cap of 1000 would flatten every common word to the same rarity.
  pagination: { maxTotalHits: 10_000_000 },
} satisfies Settings;

const TASK_TIMEOUT_MS = 120_000;

/**
 * Create the index if needed and patch only the settings that differ from what it has: the news
 * index by default, or another of ours (the change log) with its own key and settings.
 */
export async function ensureIndex(engine: Engine, indexUid: string, { primaryKey = 'id', settings = INDEX_SETTINGS as Settings } = {}): Promise<void> {
  try {
    const exists = await engine
      .getIndex(indexUid)
      .then(() => true)
      .catch((error: unknown) => {
        if (engineErrorCode(error) === 'index_not_found') return false;
        throw error;
      });
    if (!exists) {
      await engine.createIndex(indexUid, { primaryKey }).waitTask({ timeout: TASK_TIMEOUT_MS });
    }
    const current = await engine.index(indexUid).getSettings();
    const patch = settingsPatch(current, settings);
    if (Object.keys(patch).length > 0) {
      const task = await engine.index(indexUid).updateSettings(patch).waitTask({ timeout: TASK_TIMEOUT_MS });
      if (task.status !== 'succeeded') {
        throw new Error(`settings task ${task.uid} ${task.status}: ${task.error?.message ?? ''}`);
      }
    }
  } catch (error) {
    throw toEngineError(error, `preparing index ${indexUid}`);
  }
}

/** The subset of `wanted` whose values differ from `current` (deep, order-sensitive). */
export function settingsPatch(current: Settings, wanted: Settings): Settings {
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wanted)) {
    const have = (current as Record<string, unknown>)[key];
    if (!containsDeep(have, value)) patch[key] = value;
  }
  return patch as Settings;
}

/** True when every field given in `wanted` equals the one in `have` (the engine adds defaults we do not set). */
function containsDeep(have: unknown, wanted: unknown): boolean {
  if (Array.isArray(wanted)) {
    return Array.isArray(have) && have.length === wanted.length && wanted.every((w, i) => containsDeep(have[i], w));
  }
  if (wanted !== null && typeof wanted === 'object') {
    if (have === null || typeof have !== 'object') return false;
    return Object.entries(wanted).every(([k, w]) => containsDeep((have as Record<string, unknown>)[k], w));
  }
  // The engine hands some strings back decomposed (stop word «другой» returns with й as и + U+0306).
  if (typeof have === 'string' && typeof wanted === 'string') return have.normalize('NFC') === wanted.normalize('NFC');
  return have === wanted;
}
