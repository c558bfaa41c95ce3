/**
 * The dialog's styles as CSS text (squeezed by scripts/build.ts like the entry's css``); the entry
 * adopts them into the shadow root before the dialog first opens. The open button's styles stay
 * in the entry: the button is on the page from the first render. `css` is only a tag here: this
 * chunk must not import Lit (see lit-tags.ts).
 */
const css = String.raw;

export const styles = css`
  /* Heights in % of the window, not vh: under a page's CSS zoom vh and px grow with the zoom and
     the dialog would end below the screen; a percentage of the window does not. */
  dialog {
    font-size: var(--news-search-font-size);
    width: min(var(--news-search-dialog-width), calc(100% - 2em));
    max-height: calc(100% - 6em);
    margin: 4em auto auto;
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
  /* The field and the close button share the first row; the results take the whole width below
     (the field's wrapper steps aside with display: contents). */
  .dialog-body {
    display: grid;
    grid-template-columns: minmax(0, 1fr) auto;
    align-items: start;
    gap: 0 0.5em;
    padding: 0 0.8em 0.8em;
  }
  .dialog-body .search {
    display: contents;
  }
  .dialog-body .panel {
    grid-column: 1 / -1;
  }
  /* The dialog itself scrolls (its focusable field keeps it keyboard-scrollable); the field and the
     close button stay in view. */
  .dialog-body input,
  .dialog-body .close {
    grid-row: 1;
    margin-top: 0.8em;
    box-shadow: 0 -0.8em 0 var(--news-search-bg);
    position: sticky;
    top: 0;
    z-index: 1;
  }
  .dialog-body .option {
    scroll-margin-top: 3.5em;
  }
  .close {
    padding: 0.6em 0.8em;
    border: 1px solid var(--news-search-border);
    border-radius: var(--news-search-radius);
    background: transparent;
  }
  /* Narrow screens: the dialog takes the whole screen, like a native search page. */
  @media (max-width: 640px) {
    dialog {
      width: 100%;
      max-width: 100%;
      height: 100%;
      max-height: 100%;
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
`;
