import { describe, expect, it } from 'vitest';
import { allowedEdits, edits1, neighbouringKeys, splitWord, typoCandidates, usualSlip } from '../../core/text/typo.js';
import { analyzeQuery } from '../../server/search/analyze.js';
import { correctedText, correctTypos, type RankVocabulary } from '../../server/search/typo.js';

/** A vocabulary from word → frequency, with add and remove as the index would change it. */
function vocabulary(entries: Record<string, number>): RankVocabulary & { add(word: string, n: number): void; remove(word: string): void } {
  const words = new Map(Object.entries(entries));
  return {
    frequency: (word) => words.get(word) ?? 0,
    completes: (prefix) => [...words.keys()].some((w) => w.startsWith(prefix)),
    add: (word, n) => words.set(word, n),
    remove: (word) => words.delete(word),
  };
}

const NEWS = vocabulary({
  исследования: 40,
  исследование: 30,
  герман: 12,
  младший: 9,
  пенсионный: 25,
  песенный: 2,
  трамп: 300,
  трап: 3,
  президент: 500,
  россии: 800,
  соглашение: 50,
  пен: 1,
  сонный: 4,
});

describe('allowed edits (the engine rule)', () => {
  it.each([
    [4, 0],
    [5, 1],
    [8, 1],
    [9, 2],
    [14, 2],
  ])('%i letters → %i', (length, edits) => expect(allowedEdits(length)).toBe(edits));
});

describe('typo candidates', () => {
  it('a swap of neighbours is one edit', () => {
    expect(typoCandidates('исследоавния', NEWS)[0]).toEqual({ word: 'исследования', distance: 1, frequency: 40 });
  });

  it('a dropped, a doubled and a replaced letter are one edit each', () => {
    expect(typoCandidates('пенсонный', NEWS)[0]).toEqual({ word: 'пенсионный', distance: 1, frequency: 25 });
    expect(typoCandidates('президентт', NEWS)[0]?.word).toBe('президент');
    expect(typoCandidates('ррссии', NEWS)[0]?.word).toBe('россии');
  });

  it('nearest first, then the most common', () => {
    const words = vocabulary({ трамп: 300, трап: 3, травм: 40 });
    expect(typoCandidates('трапм', words).map((c) => c.word)).toEqual(['трамп', 'травм', 'трап']);
  });

  it('two edits only from 9 letters', () => {
    const words = vocabulary({ соглашение: 50, визит: 10 });
    expect(typoCandidates('сглашенеи', words)).toEqual([{ word: 'соглашение', distance: 2, frequency: 50 }]);
    expect(typoCandidates('взиит', words)).toEqual([{ word: 'визит', distance: 1, frequency: 10 }]);
    expect(typoCandidates('вззиит', words)).toEqual([]);
    expect(typoCandidates('виз', words)).toEqual([]);
  });

  it('follows the vocabulary as words are added and removed', () => {
    const words = vocabulary({ санкции: 5 });
    expect(typoCandidates('санкцции', words).map((c) => c.word)).toEqual(['санкции']);
    words.remove('санкции');
    expect(typoCandidates('санкцции', words)).toEqual([]);
    words.add('санкции', 7);
    expect(typoCandidates('санкцции', words)[0]?.frequency).toBe(7);
  });

  it('edits of a Latin word use the Latin alphabet', () => {
    expect(typoCandidates('microsooft', vocabulary({ microsoft: 3 }))[0]?.word).toBe('microsoft');
    expect([...edits1('ab', 'ab')].sort()).toEqual(['a', 'aab', 'aa', 'abb', 'aba', 'ba', 'b', 'bab', 'bb'].sort());
  });
});

describe('usual slips (what a hurried reader types)', () => {
  it('neighbouring keys on the Russian layout', () => {
    expect(neighbouringKeys('к', 'е')).toBe(true);
    expect(neighbouringKeys('а', 'п')).toBe(true);
    expect(neighbouringKeys('к', 'а')).toBe(true); // the row below, half a key to the right
    expect(neighbouringKeys('а', 'м')).toBe(true);
    expect(neighbouringKeys('й', 'я')).toBe(false);
    expect(neighbouringKeys('к', 'к')).toBe(false);
  });

  it.each([
    ['рынкеи', 'рынки', true], // к and е side by side, struck together
    ['рынкки', 'рынки', true], // doubled
    ['рыки', 'рынки', true], // dropped
    ['рныки', 'рынки', true], // swapped
    ['рынуи', 'рынки', true], // neighbouring key
    ['рынзи', 'рынки', false], // far key
    ['рынокш', 'рынок', false], // a random letter added
    ['новка', 'нова', true], // к struck together with а below it
    ['новка', 'новак', true],
  ])('%s for %s: %s', (typed, meant, usual) => expect(usualSlip(typed, meant)).toBe(usual));
});

describe('split words', () => {
  it('two known words without the space', () => {
    const split = splitWord('германмладший', NEWS);
    expect(split?.parts.map((p) => p.word)).toEqual(['герман', 'младший']);
    expect(split?.distance).toBe(1);
  });

  it('one part may carry a slip', () => {
    expect(splitWord('германмладишй', NEWS)?.parts.map((p) => p.word)).toEqual(['герман', 'младший']);
    expect(splitWord('германмладишй', NEWS, 0)).toBeUndefined();
  });

  it('no split into parts shorter than three letters', () => {
    expect(splitWord('атрамп', vocabulary({ а: 100, трамп: 10 }))).toBeUndefined();
  });
});

describe('correcting an analysed query', () => {
  it('an unknown word gets weighted corrections, nearest and most common weighing most', () => {
    const { query, replaced, kind } = correctTypos(analyzeQuery('исследоавния россии'), NEWS);
    expect(kind).toBe('typo');
    expect(replaced.get('исследоавния')).toBe('исследования');
    const corrections = query.terms[0]!.corrections!;
    expect(corrections.length).toBeGreaterThan(0);
    for (const c of corrections) expect(c.weight).toBeGreaterThan(0), expect(c.weight).toBeLessThanOrEqual(1);
    expect(query.terms[1]!.corrections).toBeUndefined();
  });

  it('a usual slip outweighs a more common word reached by an unusual edit', () => {
    // рынки: з for к, keys far apart; рызни: two letters swapped.
    const { query, replaced } = correctTypos(analyzeQuery('рынзи'), vocabulary({ рынки: 100, рызни: 60 }));
    expect(replaced.get('рынзи')).toBe('рызни');
    const [first, second] = query.terms[0]!.corrections!;
    expect(first!.surface).toBe('рызни');
    expect(second!.weight).toBeLessThan(first!.weight);
  });

  it('a split loses to a one-slip correction unless its parts are far more common', () => {
    const words = vocabulary({ грудинин: 20, груди: 30, инн: 30 });
    expect(correctTypos(analyzeQuery('грудиинн'), words).replaced.get('грудиинн')).toBe('грудинин');
    words.add('груди', 500);
    words.add('инн', 500);
    expect(correctTypos(analyzeQuery('грудиинн'), words).replaced.get('грудиинн')).toBe('груди инн');
  });

  it('a merged word becomes two terms, and the corrected text says so', () => {
    const q = 'Германмладишй';
    const { query, replaced, kind } = correctTypos(analyzeQuery(q), NEWS);
    expect(kind).toBe('split');
    expect(query.terms.map((t) => t.surface)).toEqual(['герман', 'младший']);
    expect(correctedText(q, replaced)).toBe('Герман младший');
    expect(correctedText('«германмладишй», 2018', replaced)).toBe('«герман младший», 2018');
  });

  it('a far more common word one slip away also counts for a rare known word', () => {
    const { query, replaced } = correctTypos(analyzeQuery('трап'), vocabulary({ трап: 1, трамп: 300 }));
    // Four letters: no typos allowed.
    expect(query.terms[0]!.corrections).toBeUndefined();
    const longer = correctTypos(analyzeQuery('трампп концерт'), vocabulary({ трампп: 1, трамп: 300, концерт: 40 }));
    expect(longer.query.terms[0]!.corrections?.map((c) => c.surface)).toEqual(['трамп']);
    // Not when the neighbour is merely somewhat more common.
    expect(correctTypos(analyzeQuery('трампп концерт'), vocabulary({ трампп: 10, трамп: 300, концерт: 40 })).query.terms[0]!.corrections).toBeUndefined();
    // The typed word is kept and not reported as replaced.
    expect(longer.replaced.size).toBe(0);
    expect(replaced.size).toBe(0);
  });

  it('an unfinished last word that completes to a known word is left alone', () => {
    const { query, kind } = correctTypos(analyzeQuery('президен'), NEWS);
    expect(kind).toBeUndefined();
    expect(query.terms[0]!.corrections).toBeUndefined();
  });

  it('a pasted passage (more than 12 terms) is left as typed', () => {
    const passage = 'исследоавния россии президент соглашение трамп герман младший пенсионный сонный концерт флот порт причал море';
    expect(analyzeQuery(passage).terms.length).toBeGreaterThan(12);
    expect(correctTypos(analyzeQuery(passage), NEWS).kind).toBeUndefined();
    expect(correctTypos(analyzeQuery('исследоавния россии президент соглашение'), NEWS).kind).toBe('typo');
  });

  it('known words and words with no near neighbour are left as typed', () => {
    for (const q of ['президент россии', 'жщжщжщ']) {
      const { query, kind } = correctTypos(analyzeQuery(q), NEWS);
      expect(kind).toBeUndefined();
      expect(query).toEqual(analyzeQuery(q));
    }
  });
});
