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
    --news-search-text: #1a1a1a;
    --news-search-muted: #595959;
    --news-search-bg: #ffffff;
    --news-search-border: #c4c4c4;
    --news-search-accent: #0b57d0;
    --news-search-active-bg: #e8f0fe;
    --news-search-mark-bg: #fff1a8;
    --news-search-mark-text: inherit;
    --news-search-radius: 8px;
    --news-search-dialog-width: 40rem;
    --news-search-backdrop: rgb(0 0 0 / 0.45);
    display: block;
    font-family: var(--news-search-font);
    color: var(--news-search-text);
    line-height: 1.4;
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
    padding: 0.6rem 0.8rem;
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
  button {
    font: inherit;
    color: inherit;
    cursor: pointer;
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
  .filters input,
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
  .open {
    display: inline-flex;
    align-items: center;
    gap: 0.5rem;
    padding: 0.5rem 0.8rem;
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
    font-size: 0.8em;
    padding: 0 0.4em;
    border: 1px solid var(--news-search-border);
    border-radius: 4px;
    color: var(--news-search-muted);
  }
  dialog {
    width: min(var(--news-search-dialog-width), calc(100vw - 2rem));
    max-height: calc(100vh - 6rem);
    margin: 4rem auto auto;
    padding: 0;
    border: 1px solid var(--news-search-border);
    border-radius: var(--news-search-radius);
    background: var(--news-search-bg);
    color: var(--news-search-text);
    box-shadow: 0 12px 40px rgb(0 0 0 / 0.3);
    overflow-y: auto;
    overscroll-behavior: contain;
  }
  dialog[open] {
    animation: appear 140ms ease-out;
  }
  dialog::backdrop {
    background: var(--news-search-backdrop);
  }
  .dialog-body {
    display: flex;
    align-items: flex-start;
    gap: 0.5rem;
    padding: 0 0.8rem 0.8rem;
  }
  .dialog-body input,
  .dialog-body .close {
    margin-top: 0.8rem;
    box-shadow: 0 -0.8rem 0 var(--news-search-bg);
  }
  .dialog-body .search {
    flex: 1;
    min-width: 0;
  }
  /* The dialog itself scrolls (its focusable field keeps it keyboard-scrollable); the field and the
     close button stay in view. */
  .dialog-body input,
  .dialog-body .close {
    position: sticky;
    top: 0;
    z-index: 1;
  }
  .dialog-body .option {
    scroll-margin-top: 3.5rem;
  }
  .close {
    padding: 0.6rem 0.8rem;
    border: 1px solid var(--news-search-border);
    border-radius: var(--news-search-radius);
    background: transparent;
  }
  /* Narrow screens: the dialog takes the whole screen, like a native search page. */
  @media (max-width: 640px) {
    dialog {
      width: 100vw;
      max-width: 100vw;
      height: 100dvh;
      max-height: 100dvh;
      margin: 0;
      border: 0;
      border-radius: 0;
    }
  }
  @keyframes appear {
    from {
      opacity: 0;
      transform: translateY(-8px);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    *,
    ::backdrop {
      animation: none !important;
      transition: none !important;
    }
  }
`;
