import { css } from 'lit';

export const styles = css`
  :host {
    --news-search-font: system-ui, sans-serif;
    --news-search-text: #1a1a1a;
    --news-search-muted: #5b5b5b;
    --news-search-bg: #ffffff;
    --news-search-border: #c8c8c8;
    --news-search-accent: #0b57d0;
    --news-search-mark-bg: #fff1a8;
    --news-search-radius: 8px;
    display: block;
    font-family: var(--news-search-font);
    color: var(--news-search-text);
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
  input:focus-visible {
    outline: 2px solid var(--news-search-accent);
    outline-offset: 1px;
  }
  ul {
    list-style: none;
    margin: 0.4rem 0 0;
    padding: 0;
    border: 1px solid var(--news-search-border);
    border-radius: var(--news-search-radius);
    background: var(--news-search-bg);
  }
  li a {
    display: block;
    padding: 0.6rem 0.8rem;
    color: inherit;
    text-decoration: none;
  }
  li[aria-selected='true'] a,
  li a:hover {
    background: color-mix(in srgb, var(--news-search-accent) 10%, transparent);
  }
  .article {
    font-size: 0.85rem;
    color: var(--news-search-muted);
  }
  .section {
    font-weight: 600;
  }
  .snippet {
    font-size: 0.9rem;
  }
  mark {
    background: var(--news-search-mark-bg);
    color: inherit;
  }
  .status {
    font-size: 0.9rem;
    color: var(--news-search-muted);
    margin: 0.4rem 0 0;
  }
`;
