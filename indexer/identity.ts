/** Stable article ids (from url, file name or content) and hashes. */
import { createHash } from 'node:crypto';
import path from 'node:path';

/**
 * Article ids must be stable across runs and safe as Meilisearch ids ([A-Za-z0-9_-], ≤ 511 bytes).
 * The rule, in order:
 *   1. the article has a url → `u` + the first 16 hex digits of sha256(url without fragment);
 *   2. else an explicit slug (front matter) or the file name → that name, if it is already
 *      engine-safe, otherwise `f` + 16 hex digits of sha256(name);
 *   3. else (stdin, anonymous JSON) → `h` + 16 hex digits of sha256(title + text).
 */
export function articleIdFromUrl(url: string): string {
  return `u${sha256Hex(url.split('#')[0]!.trim()).slice(0, 16)}`;
}

export function articleIdFromName(name: string): string {
  const base = path.basename(name).replace(/(\.(txt|md|markdown|html?|json|jsonl|gz))+$/i, '');
  return /^[A-Za-z0-9_-]{1,100}$/.test(base) ? base : `f${sha256Hex(base).slice(0, 16)}`;
}

export function articleIdFromContent(title: string, text: string): string {
  return `h${sha256Hex(`${title}\n${text}`).slice(0, 16)}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
