/**
 * The editors' synonyms file in an indexing run: found at the top of each input folder (or named
 * as an input), validated line by line, applied to the engine's `synonyms` setting and announced
 * to every proxy as a `synonyms` entry of the change log (core/change-log.ts).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../core/engine/client.js';
import { toEngineError } from '../core/engine/client.js';
import { parseSynonyms, SYNONYMS_FILE, type SynonymsSeen } from '../core/text/synonyms-file.js';
import { engineSynonyms } from '../core/text/synonyms.js';
import { changeLogFor } from './change-log.js';
import type { Failure } from './read.js';
import { checkTask, waitTask } from './tasks.js';

export interface SynonymsSource {
  files: string[];
  /** The good lines' groups, in file order. */
  groups: string[][];
  /** Bad lines, as `file:line` and the reason: left out, the rest applies, the run exits 1. */
  errors: Failure[];
}

/** What the run did with the synonyms (its summary). */
export interface SynonymsSummary {
  files: string[];
  groups: number;
  /** The engine's setting or the published groups changed in this run. */
  changed: boolean;
  errors: Failure[];
}

/**
 * The groups shipped in the project's articles/synonyms.txt (from source, indexer/ → articles/):
 * benchmarks and tools that load an index without the indexer measure with them, as an install does.
 */
export async function shippedSynonyms(): Promise<SynonymsSource> {
  const articles = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../articles');
  const source = await readSynonyms([articles]);
  if (!source || source.errors.length > 0) throw new Error(`${articles}/${SYNONYMS_FILE}: ${source ? source.errors.map((e) => `${e.source}: ${e.reason}`).join('; ') : 'missing'}`);
  return source;
}

/** True for an input that is the synonyms file itself, never an article. */
export function isSynonymsFile(file: string): boolean {
  return path.basename(file) === SYNONYMS_FILE;
}

/**
 * The synonyms files among the inputs: `synonyms.txt` at the top of an input folder, or named as an
 * input. Undefined when there is none: the engine's synonyms are then left as they are (indexing
 * one file must not wipe them); an empty file removes them all.
 */
export async function readSynonyms(inputs: readonly string[]): Promise<SynonymsSource | undefined> {
  const files: string[] = [];
  for (const input of inputs) {
    if (input === '-') continue;
    const info = await stat(input).catch(() => undefined);
    const candidate = info?.isDirectory() ? path.join(input, SYNONYMS_FILE) : isSynonymsFile(input) ? input : undefined;
    if (candidate && (await stat(candidate).catch(() => undefined))?.isFile() && !files.includes(candidate)) files.push(candidate);
  }
  if (files.length === 0) return undefined;
  const seen: SynonymsSeen = new Map();
  const source: SynonymsSource = { files, groups: [], errors: [] };
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      source.errors.push({ source: file, reason: `cannot read: ${(error as Error).message}` });
      continue;
    }
    const parsed = parseSynonyms(text, file, seen);
    source.groups.push(...parsed.groups.map((g) => g.expressions));
    source.errors.push(...parsed.errors.map((e) => ({ source: `${file}:${e.line}`, reason: e.reason })));
  }
  return source;
}

/**
 * The groups into the engine's setting (when it differs), then into the change log (when the last
 * published groups differ): in that order, so a proxy that takes the new groups finds the engine
 * answering with them already. A run killed in between is finished by the next one.
 */
export async function applySynonyms(engine: Engine, indexUid: string, source: SynonymsSource): Promise<SynonymsSummary> {
  const what = `applying synonyms to index ${indexUid}`;
  const wanted = engineSynonyms(source.groups);
  let changed = false;
  try {
    const current = await engine.index(indexUid).getSynonyms();
    if (!sameSynonyms(current, wanted)) {
      const task = await engine.index(indexUid).updateSynonyms(wanted);
      checkTask(await waitTask(engine, task.taskUid, what), what);
      changed = true;
    }
  } catch (error) {
    throw toEngineError(error, what);
  }
  const log = changeLogFor(engine, indexUid);
  if (log) {
    const published = await log.latestSynonyms();
    if (JSON.stringify(published?.synonyms ?? null) !== JSON.stringify(source.groups)) {
      await log.publishSynonyms(source.groups);
      changed = true;
    }
  }
  return { files: source.files, groups: source.groups.length, changed, errors: source.errors };
}

/** Equal as settings: the engine hands some strings back decomposed (й as и + U+0306). */
function sameSynonyms(have: Record<string, string[]>, wanted: Record<string, string[]>): boolean {
  const canonical = (s: Record<string, string[]>) =>
    JSON.stringify(Object.entries(s).map(([k, v]) => [k.normalize('NFC'), v.map((x) => x.normalize('NFC')).sort()]).sort(([a], [b]) => (a! < b! ? -1 : 1)));
  return canonical(have) === canonical(wanted);
}
