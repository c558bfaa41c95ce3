import { createHash } from 'node:crypto';
import { stems } from './stem.js';

/**
 * Synonym groups: each one a list of equivalent expressions, written as a reader would type them
 * (any case, ё allowed, several words allowed). Every expression of a group finds the others.
 * Expressions are normalised (stemmed) when they are applied, so one entry covers every inflected
 * form: «Белоруссии» finds «Беларусь». The groups are data editors own (`synonyms.txt` beside the
 * articles, core/text/synonyms-file.ts), published by the indexer to the engine's settings and to
 * every proxy through the change log (indexer/synonyms.ts, server/search/synonyms.ts).
 */
export type SynonymGroups = readonly (readonly string[])[];

/** A synonym group as stem sequences (one array of stems per expression), duplicates removed. */
export function stemmedGroups(groups: SynonymGroups): string[][][] {
  return groups.map((group) => {
    const seen = new Map<string, string[]>();
    for (const expression of group) {
      const stemmed = stems(expression);
      if (stemmed.length > 0) seen.set(stemmed.join(' '), stemmed);
    }
    return [...seen.values()];
  });
}

/**
 * The engine's `synonyms` setting for the stemmed field: every stemmed expression maps to the other
 * expressions of its group.
 */
export function engineSynonyms(groups: SynonymGroups): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const group of stemmedGroups(groups)) {
    const keys = group.map((s) => s.join(' '));
    for (const key of keys) {
      const others = keys.filter((k) => k !== key);
      if (others.length > 0) out[key] = [...new Set([...(out[key] ?? []), ...others])].sort();
    }
  }
  return out;
}

/** stem-sequence key → the other expressions (as stem arrays) of its groups, for query expansion. */
export function synonymIndex(groups: SynonymGroups): Map<string, string[][]> {
  const index = new Map<string, string[][]>();
  for (const group of stemmedGroups(groups)) {
    for (const expression of group) {
      const key = expression.join(' ');
      const others = group.filter((e) => e.join(' ') !== key);
      index.set(key, [...(index.get(key) ?? []), ...others]);
    }
  }
  return index;
}

/** What query analysis needs of a set of groups, built once per published version. */
export interface SynonymTable {
  /** Changes whenever the groups do: part of response cache keys. */
  readonly version: string;
  readonly index: ReadonlyMap<string, readonly string[][]>;
  /** Words in the longest expression: how far analysis looks ahead for a multi-word one. */
  readonly longest: number;
}

export function synonymTable(groups: SynonymGroups): SynonymTable {
  const index = synonymIndex(groups);
  return {
    version: groups.length === 0 ? 'none' : createHash('sha1').update(JSON.stringify(groups)).digest('hex').slice(0, 12),
    index,
    longest: Math.max(1, ...[...index.keys()].map((k) => k.split(' ').length)),
  };
}

export const NO_SYNONYMS: SynonymTable = synonymTable([]);
