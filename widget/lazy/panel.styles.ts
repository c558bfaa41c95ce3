/**
 * The result panel's styles as CSS text (squeezed by scripts/build.ts like the entry's css``); the
 * entry adopts them into each widget's shadow root when the chunk arrives, before the panel shows. `css` here is only a tag for
 * the build's squeeze and for editors: this chunk must not import Lit (see lit-tags.ts).
 */
const css = String.raw;

export const styles = css`
  .panel {
    margin-top: 0.4rem;
    border: 1px solid var(--news-search-border);
    border-radius: var(--news-search-radius);
    background: var(--news-search-bg);
    /* Inline results flow in the page by default; a page that caps the height gets a scroller. */
    max-height: var(--news-search-list-max-height, none);
    overflow-y: auto;
  }
  .status,
  .hint,
  .loading {
    margin: 0;
    padding: 0.5rem 0.8rem 0;
    font-size: 0.85rem;
    color: var(--news-search-muted);
  }
  .status:empty {
    display: none;
  }
  .group {
    padding: 0.4rem 0;
    border-top: 1px solid var(--news-search-border);
  }
  .group:first-child {
    border-top: 0;
  }
  .article {
    display: flex;
    flex-wrap: wrap;
    gap: 0 0.6rem;
    padding: 0.2rem 0.8rem;
    font-size: 0.85rem;
    color: var(--news-search-muted);
    unicode-bidi: isolate;
  }
  .article .title {
    font-weight: 600;
    color: var(--news-search-text);
  }
  .option {
    display: block;
    padding: 0.45rem 0.8rem 0.45rem 1.4rem;
    color: inherit;
    text-decoration: none;
    overflow-wrap: anywhere;
    unicode-bidi: isolate;
    border-left: 3px solid transparent;
  }
  .option[aria-selected='true'] {
    background: var(--news-search-active-bg);
    border-left-color: var(--news-search-accent);
    outline: 2px solid var(--news-search-accent);
    outline-offset: -2px;
  }
  .section {
    display: block;
    font-weight: 600;
  }
  .snippet {
    display: block;
    font-size: 0.9rem;
  }
  .section,
  .snippet,
  .title {
    unicode-bidi: isolate;
  }
  mark {
    background: var(--news-search-mark-bg);
    color: var(--news-search-mark-text);
    border-radius: 2px;
  }
  .exact {
    font: inherit;
    color: inherit;
    background: var(--news-search-bg);
    border: 1px solid var(--news-search-border);
    border-radius: var(--news-search-radius);
  }
  .corrected {
    margin: 0;
    padding: 0.4rem 0.8rem 0;
  }
  .exact {
    border-color: var(--news-search-accent);
    color: var(--news-search-accent);
  }
  .retry,
  .more {
    margin: 0.5rem 0.8rem 0.6rem;
    padding: 0.35rem 0.9rem;
    border: 1px solid var(--news-search-accent);
    border-radius: var(--news-search-radius);
    background: transparent;
    color: var(--news-search-accent);
  }
  .filters {
    padding: 0.4rem 0.8rem 0;
    font-size: 0.85rem;
  }
  .filters label {
    display: inline-block;
    margin: 0.3rem 0.8rem 0 0;
  }
  .filters select,
  .filters input {
    font: inherit;
    color: inherit;
    background: var(--news-search-bg);
    border: 1px solid var(--news-search-border);
    border-radius: var(--news-search-radius);
  }
`;
