/** What every format parser produces: the article before sectioning and identity. */
export interface ParsedArticle {
  title: string;
  url: string | undefined;
  /** An explicit id/slug from the source (front matter), when it has one. */
  slug: string | undefined;
  date: string | undefined;
  tags: string[];
  place: string | undefined;
  agency: string | undefined;
  source: string | undefined;
  /** Body paragraphs in order; headings are paragraphs until splitSections decides. */
  paragraphs: string[];
}
