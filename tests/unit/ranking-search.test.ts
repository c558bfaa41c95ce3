import { describe, expect, it } from 'vitest';
import { searchFields } from '../../core/text/stem.js';
import { analyzeQuery } from '../../server/search/analyze.js';
import { createRankingIndex, SHORT_QUERY_PARAMS, type RankingDocument, type RankingIndex } from '../../server/ranking/index.js';

interface FixtureChunk {
  article: string;
  section?: number;
  title?: string;
  text: string;
  tags?: string[];
  date?: string;
}

function source(chunk: FixtureChunk, i: number): RankingDocument {
  const title = chunk.title ?? '';
  const dateTs = chunk.date ? Date.parse(`${chunk.date}T00:00:00Z`) / 1000 : null;
  return {
    id: `${chunk.article}-${chunk.section ?? 0}-${i}`,
    articleId: chunk.article,
    stems: searchFields(title, chunk.text).stems,
    sectionTitle: title,
    text: chunk.text,
    tags: chunk.tags ?? [],
    dateTs,
    year: chunk.date ? Number(chunk.date.slice(0, 4)) : null,
    sectionIndex: chunk.section ?? 0,
    passage: 0,
  };
}

function ranker(chunks: FixtureChunk[]): RankingIndex {
  return createRankingIndex(chunks.map(source));
}

function articlesFor(r: RankingIndex, q: string, scope = {}): string[] {
  const ranking = r.search(analyzeQuery(q), scope, 10);
  return [...new Set(ranking.chunks.map((c) => c.articleId))];
}

const NEWS: FixtureChunk[] = [
  { article: 'minsk', text: 'Соглашение о поставках зерна подписали в Минске.', tags: ['экономика'], date: '2024-03-01' },
  { article: 'minsk', section: 1, title: 'Партнёры', text: 'Стороны обсудили новые соглашения и инвестиции.', tags: ['экономика'], date: '2024-03-01' },
  { article: 'kazan', text: 'В Казани открыли завод. Завод выпускает тракторы, завод растёт.', tags: ['промышленность'], date: '2023-05-10' },
  { article: 'port', text: 'Порт Усть-Луга принял рекордный объём грузов; соглашений о расширении порта пока нет.', tags: ['экономика'], date: '2022-01-20' },
  { article: 'sport', text: 'Сборная выиграла чемпионат по хоккею.', tags: ['спорт'], date: '2024-02-02' },
];

describe('ranking index', () => {
  it('counts chunks and articles, and finds a word of a section title', () => {
    const r = ranker(NEWS);
    expect(r.stats()).toMatchObject({ chunks: 5, articles: 4 });
    const zavod = r.search(analyzeQuery('завод '), {}, 10);
    expect(zavod.chunks.map((c) => c.id)).toEqual(['kazan-0-2']);
    // «Партнёры» is the title of the Minsk article's second section.
    const partners = r.search(analyzeQuery('партнёры '), {}, 10);
    expect(partners.chunks.map((c) => c.id)).toEqual(['minsk-1-1']);
  });

  it('finds inflected forms through stems and ranks the article with more of the query first', () => {
    const r = ranker(NEWS);
    // «соглашения»/«соглашений»/«Соглашение» all stem to one word; Минск only in one article.
    expect(articlesFor(r, 'соглашением в Минске')).toEqual(['minsk', 'port']);
  });

  it('completes the last word as a prefix (as-you-type) and reports words the index never saw', () => {
    const r = ranker(NEWS);
    expect(articlesFor(r, 'хокк')).toEqual(['sport']);
    const ranking = r.search(analyzeQuery('заводд тракторы'), {}, 10);
    expect(ranking.unmatched.map((t) => t.surface)).toEqual(['заводд']);
    expect(ranking.total).toBe(1);
  });

  it('applies tag, date and article scopes and counts facets over the matching chunks', () => {
    const r = ranker(NEWS);
    expect(articlesFor(r, 'соглашение', { tag: 'экономика', fromTs: Date.parse('2023-01-01T00:00:00Z') / 1000 })).toEqual(['minsk']);
    expect(articlesFor(r, 'соглашение', { articleIds: ['port'] })).toEqual(['port']);
    expect(articlesFor(r, 'соглашение', { tag: 'спорт' })).toEqual([]);
    const ranking = r.search(analyzeQuery('соглашение'), {}, 10, ['tags', 'year']);
    expect(ranking.facets()).toEqual({ tags: { экономика: 3 }, year: { '2024': 2, '2022': 1 } });
  });

  it('lists tag facets in name order, tags added later included, any tag name a key of its own', () => {
    const r = ranker([
      { article: 'a', text: 'Завод открыт.', tags: ['экономика', '__proto__', 'Б'] },
      { article: 'b', text: 'Завод закрыт.', tags: ['2024', 'экономика', 'constructor'] },
    ]);
    const tags = () => JSON.stringify(r.search(analyzeQuery('завод'), {}, 10, ['tags']).facets()['tags']);
    expect(tags()).toBe('{"2024":1,"__proto__":1,"constructor":1,"Б":1,"экономика":2}');
    r.apply({ upsert: [source({ article: 'c', text: 'Новый завод.', tags: ['аграрии', 'экономика'] }, 9)] });
    expect(tags()).toBe('{"2024":1,"__proto__":1,"constructor":1,"Б":1,"аграрии":1,"экономика":3}');
  });

  it('leaves scoring buffers clean between queries (the same query ranks the same twice)', () => {
    const r = ranker(NEWS);
    const ranked = () => {
      const { facets, ...rest } = r.search(analyzeQuery('завод соглашение порт'), {}, 10, ['tags']);
      return { ...rest, facets: facets() };
    };
    const first = ranked();
    r.search(analyzeQuery('чемпионат хоккей'), {}, 10);
    expect(ranked()).toEqual(first);
  });

  it('gives no exact-form bonus when stored stems do not line up with the text (older parser rules)', () => {
    const index = createRankingIndex([{ ...source(NEWS[0]!, 0), stems: 'соглашен' }]);
    const ranking = index.search(analyzeQuery('соглашение '), {}, 10);
    expect(ranking.total).toBe(1);
    // No exact-form bonus: the score is the plain BM25 sum, as for a chunk whose word was typed otherwise.
    const other = createRankingIndex([{ ...source(NEWS[0]!, 0), stems: 'соглашен' }]).search(analyzeQuery('соглашения '), {}, 10);
    expect(ranking.chunks[0]!.score).toBe(other.chunks[0]!.score);
  });

  it('counts the case forms of a word Snowball stems apart («журнал» is «журна», «журнала» is «журнал»)', () => {
    const r = ranker([
      { article: 'magazine', text: 'Статьи опубликовали журналы, редакции журналов ответили.' },
      { article: 'other', text: 'Новости дня.' },
    ]);
    // Not the word being typed: no prefix completion helps.
    const typed = { terms: analyzeQuery('журнал').terms.map((t) => ({ ...t, prefix: false })) };
    expect(r.search(typed, {}, 10).total).toBe(1);
  });

  it('ranks two query words standing side by side above the same words apart', () => {
    const r = ranker([
      { article: 'apart', text: 'Южная часть региона пострадала. Америка прислала помощь.' },
      { article: 'together', text: 'Страны Южной Америки прислали помощь региону.' },
    ]);
    expect(articlesFor(r, 'южная америка ')).toEqual(['together', 'apart']);
  });

  it('lets words of the best articles reorder a short query\'s results but never add a result without a query word', () => {
    // Eight articles about a launch share «ракета», «орбита», «спутник»; of two that mention
    // «космос» once, the one using that vocabulary should rank first.
    const launches = Array.from({ length: 8 }, (_, i) => ({ article: `launch${i}`, text: `Космос: ракета вывела спутник на орбиту, запуск номер ${i} прошёл успешно.` }));
    const fillers = Array.from({ length: 200 }, (_, i) => ({ article: `filler${i}`, text: `Погода: дождь и ветер, сводка ${i}.` }));
    const r = ranker([
      ...launches,
      ...fillers,
      { article: 'gallery', text: 'Космос на выставке.' },
      { article: 'launch', text: 'Космос снова в новостях: ракета, орбита, спутник.' },
      { article: 'no-query-word', text: 'Ракета, орбита и спутник без главного слова.' },
    ]);
    const withFeedback = articlesFor(r, 'космос ');
    expect(r.search(analyzeQuery('космос '), {}, 10).total).toBe(10);
    expect(withFeedback).not.toContain('no-query-word');
    expect(withFeedback.indexOf('launch')).toBeLessThan(withFeedback.indexOf('gallery'));
    const saved = SHORT_QUERY_PARAMS.feedbackTerms;
    SHORT_QUERY_PARAMS.feedbackTerms = 0;
    try {
      const without = articlesFor(r, 'космос ');
      expect(without.indexOf('gallery')).toBeLessThan(without.indexOf('launch'));
    } finally {
      SHORT_QUERY_PARAMS.feedbackTerms = saved;
    }
  });

  it('with keyness on, puts the article a short query\'s word is the subject of above one where it is a side subject', () => {
    // «Вулкан» six times in the lead of an article about elections (whose words come eight times
    // each), twice in a short one about the volcano.
    const fillers = Array.from({ length: 50 }, (_, i) => ({ article: `filler${i}`, text: `Погода: дождь и ветер, сводка ${i}.` }));
    const election = Array.from({ length: 8 }, () => 'выборы, депутаты, парламент, кандидаты').join('; ');
    const r = ranker([
      ...fillers,
      { article: 'side', text: 'Город Вулкан, улица Вулкан, кинотеатр «Вулкан», завод «Вулкан», клуб «Вулкан», парк «Вулкан».' },
      { article: 'side', section: 1, title: 'Участки', text: `${election}.` },
      { article: 'subject', text: 'Вулкан проснулся: вулкан выбросил пепел.' },
    ]);
    const saved = SHORT_QUERY_PARAMS.key;
    try {
      SHORT_QUERY_PARAMS.key = 0;
      expect(articlesFor(r, 'вулкан ')).toEqual(['side', 'subject']);
      SHORT_QUERY_PARAMS.key = 3;
      expect(articlesFor(r, 'вулкан ')).toEqual(['subject', 'side']);
    } finally {
      if (saved === undefined) delete SHORT_QUERY_PARAMS.key;
      else SHORT_QUERY_PARAMS.key = saved;
    }
  });
});
