/**
 * The dialog's styles as CSS text (squeezed by scripts/build.ts like the entry's css``); the entry
 * adopts them into the shadow root before the dialog first opens. The open button's styles stay
 * in the entry: the button is on the page from the first render. `css` is only a tag here: this
 * chunk must not import Lit (see lit-tags.ts).
 */
const css = String.raw;

export const styles = css`
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
`;
