/**
 * Bytes of a page → text, in the order the HTML standard gives: a byte-order mark, then the
 * Content-Type header's charset, then a `<meta charset>` / `http-equiv` in the first 1024 bytes,
 * else UTF-8. Russian sites still serve windows-1251 and KOI8-R; iconv-lite decodes them.
 */
import iconv from 'iconv-lite';
import { InputError } from '../../core/errors.js';

export function decodePage(bytes: Buffer, contentType: string | null, url: string): string {
  const charset = bomCharset(bytes) ?? headerCharset(contentType) ?? metaCharset(bytes) ?? 'utf-8';
  if (!iconv.encodingExists(charset)) throw new InputError(url, `unknown character encoding "${charset}"`);
  return iconv.decode(bytes, charset); // strips a BOM
}

function bomCharset(bytes: Buffer): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  return undefined;
}

function headerCharset(contentType: string | null): string | undefined {
  return contentType?.match(/charset\s*=\s*["']?([\w.:-]+)/i)?.[1]?.toLowerCase();
}

function metaCharset(bytes: Buffer): string | undefined {
  // ASCII-compatible encodings agree on these bytes, so latin1 reads the tag whatever the page's encoding.
  const head = bytes.subarray(0, 1024).toString('latin1');
  return (head.match(/<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i)?.[1] ?? head.match(/<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)/i)?.[1])?.toLowerCase();
}
