/**
 * What `npm start` tells the person who ran it: the URL to open, where the data lives, which
 * engine. On a terminal as a few aligned lines; otherwise as one JSON log record.
 */
import path from 'node:path';
import type { Config } from '../core/config.js';
import { isDistributed } from '../core/engine/cluster.js';

export interface StartupFacts {
  engine: string;
  data: string;
  articles: string;
  /** How an editor re-indexes that folder while the server keeps serving. */
  reindex: string;
}

export function startupFacts(config: Config): StartupFacts {
  const articles = config.skipIndexOnStart ? `${config.articlesDir} (not indexed at start: SKIP_INDEX_ON_START)` : config.articlesDir;
  const shown = path.relative(process.cwd(), config.articlesDir) || '.';
  const reindex = `npm run index -- ${/\s/.test(shown) ? JSON.stringify(shown) : shown}`;
  if (isDistributed(config.cluster)) {
    const names = config.cluster.shards.map((s) => `${s.name} ${s.url}`).join(', ');
    return { engine: `${config.cluster.shards.length} Meilisearch shards (MEILI_SHARDS)`, data: `in the shards' engines: ${names}`, articles, reindex };
  }
  if (config.meiliUrl) return { engine: `Meilisearch at ${config.meiliUrl} (MEILI_URL)`, data: `in that engine, index "${config.indexUid}"`, articles, reindex };
  return { engine: 'embedded Meilisearch, started and stopped with the server', data: `${config.dataDir} (DATA_DIR)`, articles, reindex };
}

/** The one line tests and scripts wait for: `running: <url>` followed by a space or the line's end. */
export function runningLine(url: string): string {
  return `News search is running: ${url}`;
}

export function humanBanner(url: string, facts: StartupFacts): string {
  return [
    '',
    `  ${runningLine(url)}   ← open it in a browser`,
    `    data      ${facts.data}`,
    `    engine    ${facts.engine}`,
    `    articles  ${facts.articles}`,
    `  Re-index after adding or editing articles: ${facts.reindex}`,
    '  Ctrl+C stops the server (and the embedded engine).',
    '',
    '',
  ].join('\n');
}
