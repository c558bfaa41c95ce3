/**
 * The indexer ↔ server contract: one engine document per section passage.
 * Bump SCHEMA_VERSION when the shape changes; the indexer then re-sends every chunk.
 */
export const SCHEMA_VERSION = 2;

export interface Article {
  /** Stable, engine-safe id ([A-Za-z0-9_-]); see indexer/identity.ts for the rule. */
  id: string;
  title: string;
  /** Canonical url; articles without one get the server's reader page `/articles/<id>`. */
  url: string;
  /** ISO date `YYYY-MM-DD`, when known. */
  date: string | undefined;
  tags: string[];
  place: string | undefined;
  agency: string | undefined;
  /** The «Источник: …» line, when the article has one. */
  source: string | undefined;
  /** The standfirst/summary the source gives, when it has one (kept for readers, not indexed). */
  summary?: string | undefined;
  /** Where the article came from (path, path:line), for error messages and reports. */
  origin: string;
  /** Fingerprint of the raw input the article was parsed from (see indexer/read.ts). */
  sourceHash: string;
  sections: Section[];
  /** What reading the input dropped or changed, as `origin: what` lines for the indexer's summary. */
  notes?: string[];
}

export interface Section {
  title: string;
  /** Position in the article, 0 = lead. */
  index: number;
  /** Fragment id, unique within the article, readable for Cyrillic. */
  anchor: string;
  paragraphs: string[];
}

export interface ChunkDocument {
  id: string;
  schemaVersion: number;
  articleId: string;
  articleTitle: string;
  articleUrl: string;
  date: string | null;
  /** Unix seconds of `date`, for sorting and range filters; null when undated. */
  dateTs: number | null;
  year: number | null;
  tags: string[];
  place: string | null;
  agency: string | null;
  source: string | null;
  sectionTitle: string;
  sectionIndex: number;
  sectionAnchor: string;
  passage: number;
  text: string;
  /** Derived: stems of sectionTitle + text without stop words (core/text/stem.ts searchFields). */
  stems: string;
  /** Content hash of everything above: equal hash ⇒ nothing to send. */
  hash: string;
  /**
   * Fingerprint of the raw input (one JSON line, or one file) and the number of chunks the article
   * has. When every stored chunk of an article carries the same sourceHash and there are
   * articleChunks of them, an unchanged input can be skipped without parsing it. Not part of `hash`.
   */
  sourceHash: string;
  articleChunks: number;
}

/** Fields the indexer reads back to decide what changed. */
export const DIFF_FIELDS = ['id', 'articleId', 'hash', 'sourceHash', 'articleChunks'] as const;
export type ChunkFingerprint = Pick<ChunkDocument, (typeof DIFF_FIELDS)[number]>;
