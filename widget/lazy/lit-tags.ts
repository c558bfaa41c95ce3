import type { html, nothing } from 'lit';

/**
 * What a lazy chunk's templates need from Lit, handed over by the entry at the call. A chunk that
 * imported `lit` itself would make esbuild move Lit out of widget.js into a chunk shared by both,
 * and every page would then fetch that chunk after widget.js before showing the search box.
 */
export interface LitTags {
  html: typeof html;
  nothing: typeof nothing;
}
