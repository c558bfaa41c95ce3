/** Article → chunk documents: one or more passages per section, with stems, anchors and fingerprints. */
import { createHash } from 'node:crypto';
import { searchFields } from '../core/text/stem.js';
import { SCHEMA_VERSION, type Article, type ChunkDocument, type Section } from '../core/document.js';

/** Passages longer than this are split; Meilisearch ranks short passages better and crops faster. */
export const MAX_PASSAGE_CHARS = 1600;

export function articleToChunks(article: Article): ChunkDocument[] {
  return builtChunks(article).map((c) => c.doc);
}

/**
 * The chunks with their JSON (exactly JSON.stringify(doc)), kept from hashing so that the payload
 * sent to the engine is not serialised a second time (a chunk is ~5 KB of text and stems; the
 * corpus has 49k of them). For the indexer's send path; callers that keep chunks use articleToChunks.
 */
export function articleToChunkJson(article: Article): { doc: ChunkDocument; json: string }[] {
  return builtChunks(article);
}

function builtChunks(article: Article): { doc: ChunkDocument; json: string }[] {
  const passages = article.sections.flatMap((section) => splitPassages(section).map((text, passage) => ({ section, passage, text })));
  return passages.map(({ section, passage, text }) => chunkDocument(article, section, passage, text, passages.length));
}

/** The one place a ChunkDocument is built. */
function chunkDocument(article: Article, section: Section, passage: number, text: string, articleChunks: number): { doc: ChunkDocument; json: string } {
  const dateTs = article.date ? Math.floor(Date.parse(`${article.date}T00:00:00Z`) / 1000) : null;
  const withoutHash: Omit<ChunkDocument, 'hash' | 'sourceHash' | 'articleChunks'> = {
    id: `${article.id}-${section.index}-${passage}`,
    schemaVersion: SCHEMA_VERSION,
    articleId: article.id,
    articleTitle: article.title,
    articleUrl: article.url,
    date: article.date ?? null,
    dateTs,
    year: article.date ? Number(article.date.slice(0, 4)) : null,
    tags: article.tags,
    place: article.place ?? null,
    agency: article.agency ?? null,
    source: article.source ?? null,
    sectionTitle: section.title,
    sectionIndex: section.index,
    sectionAnchor: section.anchor,
    passage,
    text,
    ...searchFields(section.title, text),
  };
  const json = JSON.stringify(withoutHash);
  const hash = createHash('sha256').update(json).digest('hex').slice(0, 32);
  const doc: ChunkDocument = { ...withoutHash, hash, sourceHash: article.sourceHash, articleChunks };
  // The three keys follow withoutHash's in `doc`, so this is exactly JSON.stringify(doc).
  return { doc, json: `${json.slice(0, -1)},"hash":"${hash}","sourceHash":${JSON.stringify(doc.sourceHash)},"articleChunks":${articleChunks}}` };
}

/** Pack paragraphs into passages of at most MAX_PASSAGE_CHARS, breaking long paragraphs at sentences. */
export function splitPassages(section: Section): string[] {
  const pieces = section.paragraphs.flatMap((p) => (p.length > MAX_PASSAGE_CHARS ? splitSentences(p) : [p]));
  const passages: string[] = [];
  let current = '';
  for (const piece of pieces) {
    if (current && current.length + 1 + piece.length > MAX_PASSAGE_CHARS) {
      passages.push(current);
      current = '';
    }
    current = current ? `${current}\n${piece}` : piece;
  }
  if (current || passages.length === 0) passages.push(current);
  return passages;
}

function splitSentences(paragraph: string): string[] {
  const sentences = paragraph.match(/[^.!?…]+(?:[.!?…]+[»"”)]*\s*|$)/gu) ?? [paragraph];
  const out: string[] = [];
  let current = '';
  for (const sentence of sentences) {
    if (current && current.length + sentence.length > MAX_PASSAGE_CHARS) {
      out.push(current.trim());
      current = '';
    }
    current += sentence;
    // A single sentence longer than the limit is cut at a space.
    while (current.length > MAX_PASSAGE_CHARS) {
      const cut = current.lastIndexOf(' ', MAX_PASSAGE_CHARS);
      const at = cut > MAX_PASSAGE_CHARS / 2 ? cut : MAX_PASSAGE_CHARS;
      out.push(current.slice(0, at).trim());
      current = current.slice(at);
    }
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
