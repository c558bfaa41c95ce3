/**
 * The result panel's styles as CSS text (squeezed by scripts/build.ts like the entry's css``); the
 * entry adopts them into each widget's shadow root when the chunk arrives, before the panel shows. `css` here is only a tag for
 * the build's squeeze and for editors: this chunk must not import Lit (see lit-tags.ts).
 */
const css = String.raw;

export const styles = css`
  /* Inline results overlay the page under the field: they never move the page's own content. The
     height left to the bottom of the window (--ns-room, set by lazy/overlay.ts) caps them, and they
     scroll inside; --ns-width and --ns-left widen a narrow field's results within the window. With the in-flow attribute (and in the dialog) they take their place in the page. */
  .panel {
    position: absolute;
    top: 100%;
    left: var(--ns-left, 0);
    width: var(--ns-width, 100%);
    box-sizing: border-box;
    z-index: 1000;
    margin-top: 0.4em;
    border: 1px solid var(--news-search-border);
    border-radius: var(--news-search-radius);
    background: var(--news-search-bg);
    box-shadow: 0 8px 24px rgb(0 0 0 / 0.18);
    max-height: min(var(--news-search-list-max-height, 100vh), var(--ns-room, 70vh));
    overflow-y: auto;
    overscroll-behavior: contain;
  }
  :host([in-flow]) .panel,
  dialog .panel {
    position: static;
    width: auto;
    box-shadow: none;
    max-height: var(--news-search-list-max-height, none);
  }
  .status,
  .hint,
  .loading {
    margin: 0;
    padding: 0.57em 0.91em 0;
    font-size: 0.875em;
    color: var(--news-search-muted);
  }
  .status:empty {
    display: none;
  }
  .group {
    padding: 0.4em 0;
    border-top: 1px solid var(--news-search-border);
  }
  .group:first-child {
    border-top: 0;
  }
  .article {
    display: flex;
    flex-wrap: wrap;
    gap: 0 0.69em;
    padding: 0.23em 0.91em;
    font-size: 0.875em;
    color: var(--news-search-muted);
    unicode-bidi: isolate;
  }
  .article .title {
    font-weight: 600;
    color: var(--news-search-text);
  }
  .option {
    display: block;
    padding: 0.45em 0.8em 0.45em 1.4em;
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
    font-size: 0.9em;
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
    padding: 0.4em 0.8em 0;
  }
  .exact {
    border-color: var(--news-search-accent);
    color: var(--news-search-accent);
  }
  .retry,
  .more {
    margin: 0.5em 0.8em 0.6em;
    padding: 0.35em 0.9em;
    border: 1px solid var(--news-search-accent);
    border-radius: var(--news-search-radius);
    background: transparent;
    color: var(--news-search-accent);
  }
  .filters {
    padding: 0.46em 0.91em 0;
    font-size: 0.875em;
  }
  .filters label {
    display: inline-block;
    margin: 0.34em 0.91em 0 0;
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
