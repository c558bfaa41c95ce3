/** Input paths → article files: folders walked, unsupported names reported. */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../core/errors.js';
import { ARTICLE_EXTENSIONS } from './parse/format.js';
import { SYNONYMS_FILE } from '../core/text/synonyms-file.js';


export interface DiscoveredPath {
  path: string;
}

/**
 * Expand files and folders (recursively, hidden entries skipped) into a sorted list of files. The
 * editors' synonyms file (at the top of a folder, or named) is no article: indexer/synonyms.ts reads it.
 */
export async function discoverFiles(inputs: readonly string[]): Promise<{ files: string[]; errors: InputError[] }> {
  const files: string[] = [];
  const errors: InputError[] = [];
  for (const input of inputs) {
    if (input === '-') {
      files.push('-');
      continue;
    }
    try {
      const info = await stat(input);
      if (info.isDirectory()) files.push(...(await walk(input)).filter((file) => file !== path.join(input, SYNONYMS_FILE)));
      else if (path.basename(input) !== SYNONYMS_FILE) files.push(input);
    } catch (error) {
      errors.push(new InputError(input, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : String(error)));
    }
  }
  return { files: [...new Set(files)], errors };
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else if (entry.isFile() && ARTICLE_EXTENSIONS.some((ext) => entry.name.toLowerCase().endsWith(ext))) out.push(full);
  }
  return out;
}
