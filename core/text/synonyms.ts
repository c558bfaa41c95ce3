import { stems } from './stem.js';

/**
 * Synonym groups for news. Format: each entry is one group of equivalent expressions, written as a
 * reader would type them (any case, ё allowed, several words allowed). Every expression of a group
 * finds the others. Entries are normalised (stemmed) when they are applied, so one entry covers
 * every inflected form: «Белоруссии» finds «Беларусь». Keep groups to true equivalents — a wrong
 * group costs precision on every query that contains one of its words.
 */
export const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['Беларусь', 'Белоруссия', 'РБ'],
  ['США', 'Соединённые Штаты', 'Соединённые Штаты Америки'],
  ['Россия', 'РФ', 'Российская Федерация'],
  ['Великобритания', 'Британия', 'Соединённое Королевство'],
  ['ЕС', 'Евросоюз', 'Европейский союз'],
  ['ООН', 'Организация Объединённых Наций'],
  ['НАТО', 'Североатлантический альянс'],
  ['КНР', 'Китай'],
  ['ФРГ', 'Германия'],
  ['КНДР', 'Северная Корея'],
  ['МИД', 'Министерство иностранных дел'],
  ['Минобороны', 'Министерство обороны'],
  ['МВД', 'Министерство внутренних дел'],
  ['ФСБ', 'Федеральная служба безопасности'],
  ['Госдума', 'Государственная дума'],
  ['ЦБ', 'Центробанк', 'Центральный банк'],
  ['ЧМ', 'чемпионат мира'],
  ['ОИ', 'Олимпиада', 'Олимпийские игры'],
];

/** A synonym group as stem sequences (one array of stems per expression), duplicates removed. */
export function stemmedGroups(groups: readonly (readonly string[])[] = SYNONYM_GROUPS): string[][][] {
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
export function engineSynonyms(groups: readonly (readonly string[])[] = SYNONYM_GROUPS): Record<string, string[]> {
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
export function synonymIndex(groups: readonly (readonly string[])[] = SYNONYM_GROUPS): Map<string, string[][]> {
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
