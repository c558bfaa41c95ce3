/** What every format parser produces: the article before sectioning and identity. */
export interface ParsedArticle {
  title: string;
  url: string | undefined;
  /** An explicit id/slug from the source (front matter, JSON `id`), when it has one. */
  slug: string | undefined;
  date: string | undefined;
  tags: string[];
  place: string | undefined;
  agency: string | undefined;
  source: string | undefined;
  summary?: string | undefined;
  /** Body paragraphs in order; headings are paragraphs until splitSections decides. */
  paragraphs: string[];
  /**
   * Positions in `paragraphs` that the source marks as headings (Markdown `#`, HTML `<h2>`).
   * Present ⇒ the structure is explicit and no heading is guessed; absent ⇒ headings are inferred.
   */
  headingIndexes?: number[];
  /** What the parser dropped or changed and the editor should hear about (summary, `--json`). */
  notes?: string[];
}
