import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { searchFields } from '../../core/text/stem.js';
import { createRankingIndex, loadRankingIndex, SHORT_QUERY_PARAMS, SnapshotError, type RankingDocument, type RankingIndex } from '../../server/ranking/index.js';
import { RankingStore, toRecord } from '../../server/ranking/store.js';
import { analyzeQuery } from '../../server/search/analyze.js';

// Words with shared stems, case forms Snowball stems apart («журнал»/«журнала»), common prefixes.
const WORDS = [
  'соглашение', 'соглашения', 'соглашений', 'завод', 'заводы', 'заводов', 'журнал', 'журнала', 'журналы', 'порт', 'порта',
  'южная', 'южной', 'америка', 'америки', 'ракета', 'ракеты', 'орбита', 'спутник', 'космос', 'хоккей', 'хоккеисты',
  'минск', 'минске', 'зерно', 'зерна', 'поставки', 'ледокол', 'арктика', 'арктики', 'выборы', 'выборах',
];
// Rare words, so that pseudo-relevance feedback (words in ≤ 5 % of articles) has candidates.
const RARE = Array.from({ length: 40 }, (_, i) => `редк${'абвгдежзиклмнопрстуфхцчшщ'[i % 25]}${'оеяю'[i % 4]}м`);
const TAGS = ['экономика', 'спорт', 'наука', 'политика'];
const ARTICLES = Array.from({ length: 30 }, (_, i) => (i < 6 ? 'abcdef'[i]! : `x${i}`));
const QUERIES = [
  'соглашение', 'завод ', 'журнал ', 'журнала', 'южная америка ', 'южная америка', 'ракета орбита спутник ', 'космос',
  'хок', 'соглаш', 'космос ', 'ракета', 'журнал порт', 'орбита спутник', 'ар', 'минск зерно поставки ', 'выборы ледокол арктика порт ', 'несуществующееслово ', 'заводд порт',
];
const SCOPES = [{}, { tag: 'спорт' }, { fromTs: 1_700_000_000 }, { articleIds: ['a', 'c', 'zz'] }];

/** Article facts depend on the article only (as the indexer writes them into every chunk). */
function doc(articleId: string, n: number, title: string[], text: string[]): RankingDocument {
  const a = ARTICLES.indexOf(articleId);
  const sectionTitle = title.join(' ');
  const body = text.join(' ') + '.';
  return {
    id: `${articleId}-${n}`,
    articleId,
    stems: searchFields(sectionTitle, body).stems,
    sectionTitle,
    text: body,
    tags: [TAGS[a % 4]!, ...(a % 3 === 0 ? [TAGS[(a + 1) % 4]!] : [])],
    dateTs: a === 5 ? null : 1_690_000_000 + a * 5_000_000,
    year: a === 5 ? null : 2023 + (a % 2),
    sectionIndex: n >> 1,
    passage: n & 1,
  };
}

const words = (max: number) => fc.array(fc.oneof(fc.constantFrom(...WORDS), fc.constantFrom(...RARE)), { maxLength: max });
const docArb = fc.tuple(fc.constantFrom(...ARTICLES), fc.integer({ min: 0, max: 4 }), words(3), words(20)).map(([a, n, t, x]) => doc(a, n, t, x));
const chunkId = fc.tuple(fc.constantFrom(...ARTICLES), fc.integer({ min: 0, max: 4 })).map(([a, n]) => `${a}-${n}`);
const change = fc.record({ upsert: fc.array(docArb, { maxLength: 6 }), remove: fc.array(chunkId, { maxLength: 4 }) });

function answers(index: RankingIndex): unknown[] {
  // Also with feedback taking words from fewer articles and commoner words, so that small
  // fixtures exercise it (and with it the per-article document frequencies).
  const defaults = { ...SHORT_QUERY_PARAMS };
  try {
    const plain = answersNow(index);
    Object.assign(SHORT_QUERY_PARAMS, { feedbackDocs: 3, feedbackMaxDf: 0.6 });
    return [...plain, ...answersNow(index)];
  } finally {
    Object.assign(SHORT_QUERY_PARAMS, defaults);
  }
}

function answersNow(index: RankingIndex): unknown[] {
  return QUERIES.flatMap((q) =>
    SCOPES.map((scope) => {
      const r = index.search(analyzeQuery(q), scope, 10, ['tags', 'year']);
      return { q, scope, chunks: r.chunks, total: r.total, unmatched: r.unmatched.map((t) => t.surface), facets: JSON.stringify(r.facets()) };
    }),
  );
}

/** What a sequence of changes leaves, applied to a plain map: removals, then upserts (last wins). */
function finalSet(changes: { upsert: RankingDocument[]; remove: string[] }[], initial: RankingDocument[]): RankingDocument[] {
  const model = new Map(initial.map((d) => [d.id, d]));
  for (const c of changes) {
    for (const id of c.remove) model.delete(id);
    for (const d of c.upsert) {
      model.delete(d.id);
      model.set(d.id, d);
    }
  }
  return [...model.values()];
}

describe('ranking index module', () => {
  it('after any sequence of upserts, replacements and removals equals a fresh build of the final set, scores exactly', () => {
    fc.assert(
      fc.property(fc.array(docArb, { maxLength: 80 }), fc.array(change, { maxLength: 8 }), fc.boolean(), (initial, changes, reversed) => {
        const index = createRankingIndex(initial);
        // Searched before the changes too: nothing a search keeps (articles read whole) may outlive them.
        answers(index);
        for (const c of changes) index.apply(c);
        const final = finalSet(changes, initial);
        // A fresh build in another order must not matter either.
        const fresh = createRankingIndex(reversed ? [...final].reverse() : final);
        expect(index.stats().chunks).toBe(final.length);
        expect(index.stats().articles).toBe(new Set(final.map((d) => d.articleId)).size);
        expect(answers(index)).toEqual(answers(fresh));
      }),
      { numRuns: 100 },
    );
  });

  it('re-read whole in place (an index swap) equals a fresh build of the new set, unchanged chunks kept', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(docArb, { maxLength: 60 }), fc.array(docArb, { maxLength: 60 }), fc.integer({ min: 1, max: 7 }), async (before, after, pageSize) => {
        const index = createRankingIndex(before);
        index.apply({ remove: before.slice(0, 2).map((d) => d.id) });
        const final = finalSet([], after);
        async function* pages(): AsyncGenerator<RankingDocument[]> {
          for (let i = 0; i < final.length; i += pageSize) yield final.slice(i, i + pageSize);
        }
        await index.replaceAll(pages());
        expect(index.stats().chunks).toBe(final.length);
        expect(answers(index)).toEqual(answers(createRankingIndex(final)));
      }),
      { numRuns: 60 },
    );
  });

  it('survives many changes through arena growth and compaction unchanged', () => {
    const rng = fc.sample(fc.array(change, { minLength: 200, maxLength: 200 }), { numRuns: 1, seed: 42 })[0]!;
    const index = createRankingIndex();
    for (const c of rng) index.apply(c);
    expect(answers(index)).toEqual(answers(createRankingIndex(finalSet(rng, []))));
  });

  it('keeps tokens over many segments exact through removals, edits and compaction, and releases emptied segments', () => {
    const texts = fc.sample(fc.tuple(words(3), fc.array(fc.oneof(fc.constantFrom(...WORDS), fc.constantFrom(...RARE)), { minLength: 20, maxLength: 60 })), { numRuns: 3000, seed: 7 });
    const docs = texts.map(([t, x], i) => ({ ...doc(ARTICLES[i % ARTICLES.length]!, i % 5, t, x), id: `many-${i}` }));
    const store = new RankingStore(4096); // ~40 chunks a segment
    for (let i = 0; i < docs.length; i += 500) store.apply(docs.slice(i, i + 500).map(toRecord), []);
    const full = store.tokenBytes;
    const removed = docs.filter((_, i) => i % 3 !== 0).map((d) => d.id);
    for (let i = 0; i < removed.length; i += 400) store.apply([], removed.slice(i, i + 400));
    const edited = docs.filter((_, i) => i % 9 === 0).map((d) => ({ ...d, text: `${d.text} космос`, stems: `${d.stems} космос` }));
    store.apply(edited.map(toRecord), []);
    const final = finalSet([{ upsert: edited, remove: removed }], docs);
    const expected = new Map(final.map((d) => [d.id, toRecord(d)]));
    const kept = [...store.records()];
    expect(kept.length).toBe(final.length);
    for (const record of kept) expect(record).toEqual(expected.get(record.id));
    expect(store.tokenBytes).toBeLessThan(full * 0.6);
  });

  it('snapshots what the store holds after edits and removals: loading and saving again gives the same bytes', () => {
    const docs = fc.sample(docArb, { numRuns: 60, seed: 11 }).map((d, i) => ({ ...d, id: `snap-${i}` }));
    const index = createRankingIndex(docs);
    // Removals leave dead terms and empty slots; edits move chunks to new slots.
    index.apply({ remove: docs.filter((_, i) => i % 4 === 0).map((d) => d.id) });
    index.apply({ upsert: docs.filter((_, i) => i % 5 === 1).map((d) => ({ ...d, text: `${d.text} космос`, stems: `${d.stems} космос` })) });
    const bytes = index.snapshot({ seq: 3 });
    const { index: loaded } = loadRankingIndex(bytes);
    expect(answers(loaded)).toEqual(answers(index));
    expect(loaded.snapshot({ seq: 3 }).equals(bytes)).toBe(true);
  });

  it('a snapshot handed over in small parts, with searches running between them, is the same bytes', () => {
    const docs = fc.sample(docArb, { numRuns: 60, seed: 5 }).map((d, i) => ({ ...d, id: `parts-${i}` }));
    const index = createRankingIndex(docs);
    const whole = index.snapshot({ seq: 9 });
    const parts: Buffer[] = [];
    // Searches decode chunks into the store's shared buffers while the writer waits for each part.
    for (const part of index.snapshotParts({ seq: 9 }, 7)) {
      parts.push(Buffer.from(part));
      answers(index);
    }
    expect(parts.length).toBeGreaterThan(10);
    expect(Buffer.concat(parts).equals(whole)).toBe(true);
  });

  it('round-trips through a snapshot with its position, and rejects corrupt, truncated or foreign bytes', () => {
    const docs = fc.sample(docArb, { numRuns: 40, seed: 3 });
    const index = createRankingIndex(docs);
    index.apply({ remove: [docs[0]!.id] });
    const bytes = index.snapshot({ seq: 17, generation: 'x' });
    const { index: loaded, position } = loadRankingIndex(bytes);
    expect(position).toEqual({ seq: 17, generation: 'x' });
    expect(answers(loaded)).toEqual(answers(index));
    const flipped = Buffer.from(bytes);
    flipped[Math.floor(bytes.length / 2)]! ^= 1;
    expect(() => loadRankingIndex(flipped)).toThrow(SnapshotError);
    expect(() => loadRankingIndex(bytes.subarray(0, bytes.length - 9))).toThrow(SnapshotError);
    expect(() => loadRankingIndex(Buffer.from('{"hello":"world"}'.repeat(3)))).toThrow(/not a ranking index snapshot/);
    const otherFormat = Buffer.from(bytes);
    otherFormat.writeUInt32LE(99, 8);
    expect(() => loadRankingIndex(otherFormat)).toThrow(/format 99/);
  });
});
