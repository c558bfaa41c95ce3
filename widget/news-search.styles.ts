import { css } from 'lit';

/**
 * Custom properties are declared on :host, so a page's own `news-search { --news-search-…: … }` rule
 * wins over them (outer styles beat :host rules). Dark values apply when the page forces
 * `theme="dark"`, or when the reader prefers dark and the page hasn't forced `theme="light"`.
 */
/** One dark palette, used both when forced (`theme="dark"`) and when the reader's system asks for it. */
const darkPalette = css`
  --news-search-text: #ececec;
  --news-search-muted: #b4b4b4;
  --news-search-bg: #1e1f22;
  --news-search-border: #55585e;
  --news-search-accent: #8ab4f8;
  --news-search-active-bg: #2d3a50;
  --news-search-mark-bg: #6b5a00;
  --news-search-backdrop: rgb(0 0 0 / 0.65);
  color-scheme: dark;
`;

export const styles = css`
  :host {
    --news-search-font: system-ui, sans-serif;
    --news-search-font-size: 16px;
    --news-search-text: #1a1a1a;
    --news-search-muted: #595959;
    --news-search-bg: #ffffff;
    --news-search-border: #c4c4c4;
    --news-search-accent: #0b57d0;
    --news-search-active-bg: #e8f0fe;
    --news-search-mark-bg: #fff1a8;
    --news-search-mark-text: inherit;
    --news-search-radius: 8px;
    --news-search-dialog-width: 40em;
    --news-search-backdrop: rgb(0 0 0 / 0.45);
    display: block;
  }
  /* The component boundary: nothing the page's text styles set on the element (a rule on *,
     white-space: nowrap on a container, a 62.5 % root font size) is inherited past it. Sizes are
     in em of --news-search-font-size, never the page's rem. "all" leaves custom properties, so the
     page's --news-search-* still theme the widget, and direction, set to the widget's own
     language's: Russian and English are both left to right. */
  .search,
  .open,
  .dialog-body {
    all: initial;
    display: block;
    font: var(--news-search-font-size) / 1.4 var(--news-search-font);
    color: var(--news-search-text);
    color-scheme: inherit;
    direction: ltr;
  }
  :host([theme='dark']) {
    ${darkPalette}
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${darkPalette}
    }
  }
  [hidden] {
    display: none !important;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .search {
    position: relative;
  }
  input {
    width: 100%;
    box-sizing: border-box;
    font: inherit;
    padding: 0.6em 0.8em;
    border: 1px solid var(--news-search-border);
    border-radius: var(--news-search-radius);
    background: var(--news-search-bg);
    color: inherit;
  }
  input:focus-visible,
  select:focus-visible,
  summary:focus-visible,
  button:focus-visible {
    outline: 2px solid var(--news-search-accent);
    outline-offset: 2px;
  }
  button {
    font: inherit;
    color: inherit;
    cursor: pointer;
  }
  .open {
    display: inline-flex;
    align-items: center;
    gap: 0.5em;
    padding: 0.5em 0.8em;
    cursor: pointer;
    border: 1px solid var(--news-search-border);
    border-radius: var(--news-search-radius);
    background: var(--news-search-bg);
  }
  .icon {
    width: 1.1em;
    height: 1.1em;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
  }
  kbd {
    font: inherit;
    font-size: 0.875em;
    padding: 0 0.4em;
    border: 1px solid var(--news-search-border);
    border-radius: 4px;
    color: var(--news-search-muted);
  }
  @media (prefers-reduced-motion: reduce) {
    *,
    ::backdrop {
      animation: none !important;
      transition: none !important;
    }
  }
`;
