/**
 * Lazy chunk: modal mode's dialog behaviour and styles. The entry renders the open button and
 * listens for the `/` and Ctrl/Cmd+K shortcuts itself; it fetches this chunk as soon as a widget in
 * modal mode connects (and on focus or hover), and `open()` waits for it, so no first open is lost.
 */
import type { ReactiveElement } from 'lit';

export { styles } from './modal.styles.js';

/** What modal mode needs from its element. */
export interface ModalHost extends ReactiveElement {
  mode: 'inline' | 'modal';
  /** Focus the search field (inside the dialog in modal mode); `select` also selects its text. */
  focusField(select?: boolean): void;
  /** The element's own close(): collapses its state, then closes the dialog. */
  close(): void;
}

/**
 * Modal mode as the APG dialog pattern: a button opens a <dialog>; `/` and Ctrl/Cmd+K open it from
 * anywhere on the page except while typing elsewhere (the entry's shortcut listener); Tab stays
 * inside; Escape, the close button or a click on the backdrop close it, and focus goes back to
 * where it was.
 */
export class ModalController {
  /** Whether the dialog is open (its content is rendered only then). */
  isOpen = false;
  private returnFocusTo: HTMLElement | null = null;

  // No lifecycle hooks: the host re-renders from `isOpen`, and the shortcuts live in the entry.
  constructor(private readonly host: ModalHost) {}

  async open(): Promise<void> {
    if (this.isOpen) return;
    this.returnFocusTo = deepActiveElement();
    this.isOpen = true;
    this.host.requestUpdate();
    await this.host.updateComplete;
    this.dialog?.showModal();
    this.host.focusField(true);
  }

  close(): void {
    if (this.dialog?.open) this.dialog.close();
  }

  /** The dialog's `close` event (whatever closed it): hand focus back. */
  readonly onClose = (): void => {
    this.isOpen = false;
    this.host.requestUpdate();
    const target = this.returnFocusTo?.isConnected ? this.returnFocusTo : this.host.renderRoot.querySelector<HTMLElement>('button.open');
    target?.focus();
    this.returnFocusTo = null;
  };

  /** Our Escape handling closes the dialog; the native cancel would skip it on some keyboards. */
  readonly onCancel = (event: Event): void => {
    event.preventDefault();
    this.host.close();
  };

  /** The dialog's content fills it, so a click whose target is the dialog itself is on the backdrop. */
  readonly onBackdropClick = (event: MouseEvent): void => {
    if (event.target === this.dialog) this.host.close();
  };

  /** Keep Tab and Shift+Tab inside the dialog while it is open. */
  readonly onKeyDown = (event: KeyboardEvent): void => {
    const dialog = this.dialog;
    if (event.key !== 'Tab' || !dialog) return;
    const focusable = [...dialog.querySelectorAll<HTMLElement>('input, button, select, summary')].filter((el) => el.offsetParent !== null);
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) return;
    const current = this.host.shadowRoot?.activeElement;
    if (event.shiftKey && current === first) {
      last.focus();
      event.preventDefault();
    } else if (!event.shiftKey && current === last) {
      first.focus();
      event.preventDefault();
    }
  };

  private get dialog(): HTMLDialogElement | null {
    return this.host.renderRoot.querySelector('dialog');
  }
}

/** The focused element, looking inside shadow roots (the page may itself be built of components). */
function deepActiveElement(): HTMLElement | null {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el instanceof HTMLElement ? el : null;
}
