/** Files and stdin → articles or failures, each failure naming its file and line. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { SCHEMA_VERSION, type Article } from '../core/document.js';
import { AppError, InputError } from '../core/errors.js';
import { formatFromName, isGzipBytes, isGzipName, sniffFormat, type Format } from './parse/format.js';
import { parseHtml } from './parse/html.js';
import { parseJsonDocument, parseJsonRecord, parseJsonText } from './parse/json.js';
import { parseMarkdown } from './parse/markdown.js';
import { parseSeedText } from './parse/seed-text.js';
import { toArticle } from './parse/index.js';
import type { ParsedArticle } from './parse/types.js';
import { discoverFiles } from './discover.js';

export interface Failure {
  source: string;
  reason: string;
  /** A feed or sitemap failed: `--prune` then removes nothing (what it listed is unknown this run). */
  listing?: boolean;
}

/** An input whose fingerprint shows its article is already stored completely; it was not parsed. */
export interface Unchanged {
  articleId: string;
  origin: string;
}

export type ReadItem = { article: Article } | { failure: Failure } | { unchanged: Unchanged };

/**
 * Bump when parsing, sectioning or chunking rules change: it is part of every source
 * fingerprint, so the next run re-parses every input instead of skipping unchanged ones.
 */
export const PARSER_VERSION = 1;

/** Source fingerprint → id of the article stored completely from it (plan.ts engineState). */
export type KnownSources = ReadonlyMap<string, string>;

const NO_KNOWN_SOURCES: KnownSources = new Map();

export function sourceHash(...parts: (string | Buffer)[]): string {
  const h = createHash('sha1').update(`${PARSER_VERSION}/${SCHEMA_VERSION}`);
  for (const part of parts) h.update('\0').update(part);
  return h.digest('hex');
}

/** Whole-file formats are read into memory; a file this large is refused (JSON Lines streams instead). */
const MAX_WHOLE_FILE_BYTES = 64 * 1024 * 1024;
/** One JSON line may not exceed this; protects memory from a file with no newlines. */
const MAX_LINE_BYTES = 16 * 1024 * 1024;

/**
 * Read one input (a file path, or `-` with its stream) into articles. JSON Lines (optionally
 * gzipped) is streamed line by line, so memory stays bounded by one line whatever the file size;
 * every other format is one article (or a JSON array) per file. Failures are yielded, never
 * thrown, so one bad file or line never stops the others.
 */
export async function* readInput(origin: string, open: () => Readable, known: KnownSources = NO_KNOWN_SOURCES): AsyncGenerator<ReadItem> {
  try {
    let { head, stream } = await peek(open());
    if (head.length === 0) throw new InputError(origin, 'the file is empty');
    if (isGzipBytes(head)) {
      ({ head, stream } = await peek(stream.pipe(createGunzip({ chunkSize: 256 * 1024 }))));
      if (head.length === 0) throw new InputError(origin, 'the file is empty (after gunzip)');
    } else if (isGzipName(origin)) {
      throw new InputError(origin, 'named .gz but not gzip data');
    }
    if (head.subarray(0, 8192).includes(0)) throw new InputError(origin, 'binary file (contains NUL bytes)');
    const headText = head.subarray(0, 8192).toString('utf8');
    const format = formatFromName(origin) ?? sniffFormat(headText);
    if (format === undefined) throw new InputError(origin, 'unrecognised format (expected text, Markdown, HTML, JSON or JSON Lines)');
    if (format === 'jsonl') {
      yield* readJsonLines(origin, stream, known);
      return;
    }
    const bytes = await readAll(stream, origin);
    // The file name is part of the fingerprint because it can be the article's id.
    const fileHash = sourceHash(path.basename(origin), bytes);
    const knownId = format === 'json' ? undefined : known.get(fileHash);
    if (knownId !== undefined) {
      yield { unchanged: { articleId: knownId, origin } };
      return;
    }
    yield* parseWhole(format, decodeUtf8(bytes, origin), origin, fileHash);
  } catch (error) {
    yield { failure: toFailure(error, origin) };
  }
}

export function openPath(file: string): () => Readable {
  return () => createReadStream(file, { highWaterMark: 1024 * 1024 });
}

function* parseWhole(format: Exclude<Format, 'jsonl'>, text: string, origin: string, fileHash: string): Generator<ReadItem> {
  const fileName = origin === '-' ? undefined : origin;
  if (format === 'json') {
    // A .json array is never skipped unparsed: the fingerprint cannot tell which of its articles are stored.
    for (const [i, item] of parseJsonDocument(text, origin).entries()) {
      yield parseOne(() => parseJsonRecord(item.value, item.origin), item.origin, undefined, sourceHash(fileHash, String(i)));
    }
    return;
  }
  const parser = format === 'markdown' ? parseMarkdown : format === 'html' ? parseHtml : parseSeedText;
  yield parseOne(() => parser(text, origin), origin, fileName, fileHash);
}

async function* readJsonLines(origin: string, stream: Readable, known: KnownSources): AsyncGenerator<ReadItem> {
  let lineNo = 0;
  for await (const bytes of byteLines(stream, origin)) {
    lineNo++;
    const where = `${origin}:${lineNo}`;
    // A line stored before is recognised by the hash of its bytes, before any decoding: valid UTF-8
    // hashes the same as bytes and as text, and a stored line was valid, so this skips exactly the
    // lines that decoding and hashing the text would skip, at a fraction of the cost.
    const lineHash = sourceHash(bytes);
    const knownId = known.get(lineHash);
    if (knownId !== undefined) {
      yield { unchanged: { articleId: knownId, origin: where } };
      continue;
    }
    const line = bytes.toString('utf8');
    if (line.trim() === '') continue;
    // Decoding puts replacement characters for bytes that are not UTF-8.
    if (line.includes('\uFFFD')) {
      yield { failure: { source: where, reason: 'not valid UTF-8' } };
      continue;
    }
    yield parseOne(() => parseJsonRecord(parseJsonText(line, where), where), where, undefined, lineHash);
  }
}

/**
 * The lines of a byte stream as bytes (split at \n, a \r before it dropped, the last line also
 * without a break), so that lines can be hashed without decoding them. A line longer than
 * MAX_LINE_BYTES fails the file instead of growing memory without bound.
 */
export async function* byteLines(stream: Readable, origin: string): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
      let line = chunk.subarray(start, newline);
      if (pending.length > 0) {
        line = Buffer.concat([...pending, line]);
        pending = [];
        pendingBytes = 0;
      }
      yield line.at(-1) === 13 ? line.subarray(0, -1) : line;
      start = newline + 1;
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
      if (pendingBytes > MAX_LINE_BYTES) throw new InputError(origin, `a line is longer than ${MAX_LINE_BYTES >> 20} MB`);
    }
  }
  if (pending.length > 0) yield Buffer.concat(pending);
}

function parseOne(parse: () => ParsedArticle, origin: string, fileName: string | undefined, hash: string): ReadItem {
  try {
    return { article: toArticle(parse(), origin, fileName, hash) };
  } catch (error) {
    return { failure: toFailure(error, origin) };
  }
}

/** The first chunk of a stream, and a stream that still yields everything from the start. */
async function peek(stream: Readable): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const first = await iterator.next();
  const head = first.done ? Buffer.alloc(0) : Buffer.from(first.value);
  async function* rest() {
    if (!first.done) yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield Buffer.from(next.value);
  }
  return { head, stream: Readable.from(rest(), { objectMode: false }) };
}

async function readAll(stream: Readable, origin: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of stream as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > MAX_WHOLE_FILE_BYTES) {
      stream.destroy();
      throw new InputError(origin, `larger than ${MAX_WHOLE_FILE_BYTES >> 20} MB; use JSON Lines for big collections`);
    }
    parts.push(part);
  }
  return Buffer.concat(parts);
}

function decodeUtf8(bytes: Buffer, origin: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new InputError(origin, 'not valid UTF-8');
  }
}

export function toFailure(error: unknown, origin: string): Failure {
  if (error instanceof InputError) return { source: error.source, reason: error.message.slice(error.source.length + 2) };
  if (error instanceof AppError) return { source: origin, reason: error.message };
  return { source: origin, reason: readableReason(error) };
}

function readableReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder';
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') return `corrupt gzip data (${(error as Error).message})`;
  return error instanceof Error ? error.message : String(error);
}

/** Parse bytes already in memory (tests, tools): every article, or the first failure thrown. */
export async function parseSource(file: { origin: string; bytes: Buffer }): Promise<Article[]> {
  const articles: Article[] = [];
  for await (const item of readInput(file.origin, () => Readable.from([file.bytes]))) {
    if ('failure' in item) throw new InputError(item.failure.source, item.failure.reason);
    if ('article' in item) articles.push(item.article);
  }
  return articles;
}

/** What the indexer reads: paths (files, folders, `-`) and where `-` comes from. */
export interface InputOptions {
  paths: readonly string[];
  /** The stream read for the path `-` (default: process.stdin). */
  stdin?: () => Readable;
}

/** Every article the inputs produce, in order, with failures; duplicates of an id are failures. */
export async function* readArticles(
  options: InputOptions,
  onFile: () => void = () => {},
  known?: KnownSources,
): AsyncGenerator<ReadItem> {
  const { files, errors } = await discoverFiles(options.paths);
  for (const error of errors) yield { failure: { source: error.source, reason: error.message.slice(error.source.length + 2) } };
  const seen = new Map<string, string>();
  for (const file of files) {
    const open = file === '-' ? (options.stdin ?? (() => process.stdin)) : openPath(file);
    for await (const item of readInput(file, open, known)) {
      const found = 'article' in item ? { id: item.article.id, origin: item.article.origin } : 'unchanged' in item ? { id: item.unchanged.articleId, origin: item.unchanged.origin } : undefined;
      if (found) {
        const earlier = seen.get(found.id);
        if (earlier !== undefined) {
          yield { failure: { source: found.origin, reason: `duplicate article id ${found.id} (also produced by ${earlier})` } };
          continue;
        }
        seen.set(found.id, found.origin);
      }
      yield item;
    }
    onFile();
  }
}
