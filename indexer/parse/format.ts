/** Which parser reads a file: by extension, gzip detected by name or bytes. */
import { looksLikeSeedText } from './seed-text.js';

export type Format = 'text' | 'markdown' | 'html' | 'json' | 'jsonl';

const BY_EXTENSION: Record<string, Format> = {
  '.txt': 'text',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

/** Extensions the indexer picks up when it walks a folder (each also with `.gz`). */
export const ARTICLE_EXTENSIONS = Object.keys(BY_EXTENSION).flatMap((ext) => [ext, `${ext}.gz`]);

export function isGzipName(name: string): boolean {
  return name.toLowerCase().endsWith('.gz');
}

export function isGzipBytes(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** The format named by the file extension (after `.gz`), if it is one we know. */
export function formatFromName(name: string): Format | undefined {
  const lower = name.toLowerCase().replace(/\.gz$/, '');
  const dot = lower.lastIndexOf('.');
  return dot < 0 ? undefined : BY_EXTENSION[lower.slice(dot)];
}

/** Guess the format from the first bytes (stdin, unknown extensions). */
export function sniffFormat(head: string): Format | undefined {
  const text = head.replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('[')) return 'json';
  if (text.startsWith('{')) {
    // Several lines that each open an object ⇒ JSON Lines; one object over many lines ⇒ JSON.
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    return lines.length > 1 && lines.slice(1, 3).every((l) => l.trimStart().startsWith('{')) ? 'jsonl' : 'json';
  }
  if (/^<(!doctype html|html|head|body|article|main|h1|meta|p|div)\b/i.test(text)) return 'html';
  if (looksLikeSeedText(text)) return 'text';
  if (text.startsWith('---\n') || text.startsWith('---\r\n') || /^#{1,3} /.test(text)) return 'markdown';
  return undefined;
}
