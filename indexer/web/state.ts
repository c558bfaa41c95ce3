/**
 * What the last runs learned about each URL of a site, kept beside the index in
 * `<uid>__indexer-web` (never searched): its validators (ETag, Last-Modified), the listing's stamp
 * (lastmod, updated), and the article and source hash it gave; for a feed or sitemap, the URLs it
 * listed. A 304 or an unchanged stamp is trusted only while the engine still holds that article
 * complete from that source hash, so a run killed halfway never leaves an article skipped for good.
 */
import type { Engine } from '../../core/engine/client.js';
import { docId, readSideIndex, writeSideIndex } from '../sources.js';

export interface UrlRecord extends Record<string, unknown> {
  id: string;
  url: string;
  etag?: string | undefined;
  lastModified?: string | undefined;
  stamp?: string | undefined;
  articleId?: string | undefined;
  sourceHash?: string | undefined;
  /** A feed's or sitemap's listed URLs (for a sitemap index, its sitemaps). */
  listed?: string[] | undefined;
  /** `sitemaps` when `listed` holds a sitemap index's sitemaps. */
  items?: 'sitemaps' | undefined;
}

export function webStateIndexUid(indexUid: string): string {
  return `${indexUid}__indexer-web`;
}

export class WebState {
  private readonly changed = new Map<string, UrlRecord>();

  private constructor(private readonly records: Map<string, UrlRecord>) {}

  static async read(engine: Engine, indexUid: string): Promise<WebState> {
    const docs = await readSideIndex<UrlRecord>(engine, webStateIndexUid(indexUid), 'reading what earlier runs fetched');
    return new WebState(new Map(docs.map((d) => [d.url, d])));
  }

  static empty(): WebState {
    return new WebState(new Map());
  }

  get(url: string): UrlRecord | undefined {
    return this.changed.get(url) ?? this.records.get(url);
  }

  set(url: string, record: Omit<UrlRecord, 'id' | 'url'>): void {
    this.changed.set(url, { id: docId(url), url, ...record });
  }

  async write(engine: Engine, indexUid: string): Promise<void> {
    if (this.changed.size === 0) return;
    await writeSideIndex(engine, webStateIndexUid(indexUid), [...this.changed.values()], [], 'recording what this run fetched');
    for (const [url, record] of this.changed) this.records.set(url, record);
    this.changed.clear();
  }
}
