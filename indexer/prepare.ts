/** Read articles → prepared chunks with their JSON, ready to batch (main thread or parser thread). */
import type { Article, ChunkDocument } from '../core/document.js';
import { articleToChunkJson } from './chunks.js';
import type { Failure, InputOptions, KnownSources, Unchanged } from './read.js';
import { readArticles } from './read.js';

/**
 * What the engine side of a run needs from a chunk: its id and hash for the diff, and its JSON
 * (with its UTF-8 size) for the request body. Plain strings and numbers, so that a batch of them
 * crosses from the parser thread to the main thread as a cheap structured clone.
 */
export interface PreparedChunk {
  id: string;
  hash: string;
  json: string;
  bytes: number;
}

/** Every chunk of one article, ready for the diff and the engine. */
export interface PreparedArticle {
  id: string;
  /** The input it came from (file, `file:line`, `file[i]`): --prune keeps articles of failed inputs (sources.ts). */
  origin?: string;
  chunks: PreparedChunk[];
  /** Article.notes: what reading it dropped or changed. */
  notes?: string[];
}

/** One step of reading the inputs: an article, a failure, a skipped unchanged input, or files done so far. */
export type PreparedItem = { prepared: PreparedArticle } | { failure: Failure } | { unchanged: Unchanged } | { filesDone: number } | { moreInputs: number };

export function preparedChunk(doc: ChunkDocument, json = JSON.stringify(doc)): PreparedChunk {
  return { id: doc.id, hash: doc.hash, json, bytes: Buffer.byteLength(json) };
}

export function prepareArticle(article: Article): { prepared: PreparedArticle } {
  const chunks = articleToChunkJson(article).map(({ doc, json }) => preparedChunk(doc, json));
  return { prepared: { id: article.id, origin: article.origin, chunks, ...(article.notes ? { notes: article.notes } : {}) } };
}

/**
 * Read, parse and chunk every input: the indexer's own CPU work, with nothing that needs the
 * engine. It runs on the main thread (small inputs, stdin) or in the parser thread (parse-thread.ts).
 */
export async function* prepareInputs(options: InputOptions, known?: KnownSources): AsyncGenerator<PreparedItem> {
  let filesDone = 0;
  let reported = 0;
  for await (const item of readArticles(options, () => filesDone++, known)) {
    if ('article' in item) yield prepareArticle(item.article);
    else yield item;
    if (filesDone !== reported) yield { filesDone: (reported = filesDone) };
  }
  if (filesDone !== reported) yield { filesDone };
}
