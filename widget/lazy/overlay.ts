/**
 * Inline results as a popup (part of the panel chunk, so widget.js stays small: nothing here is
 * needed before the first results). The panel is positioned over the page under the field
 * (lazy/panel.styles.ts), so it never moves the page's own content, and this controller keeps it
 * inside the window: its height is capped at the room left between the field and the bottom of
 * the window, measured when the results open and again on scroll and resize. As in the APG
 * combobox, the list collapses when focus leaves the widget (Tab away) or the reader presses
 * anywhere outside it; a press in the field opens it again.
 * Like every chunk it imports nothing from Lit at run time (see lit-tags.ts).
 */
import type { ReactiveController, ReactiveElement } from 'lit';

/** What the overlay needs from its element. */
export interface OverlayHost extends ReactiveElement {
  mode: 'inline' | 'modal';
  /** Inline: collapse the results. */
  close(): void;
  /** Inline: show the results again and focus the field. */
  open(): Promise<void>;
}

/** Space kept free around the panel, the least height it gets when the field sits low in the window, its least width. */
const GAP_PX = 8;
const MIN_PX = 120;
const MIN_WIDTH_PX = 320;

export class OverlayController implements ReactiveController {
  /** The panel was visible after the last update (it is measured only when it opens). */
  private shown = false;

  constructor(private readonly host: OverlayHost) {
    host.addController(this);
  }

  hostConnected(): void {
    // Capture: a scroll of any container that holds the widget moves the field in the window.
    window.addEventListener('scroll', this.fit, { capture: true, passive: true });
    window.addEventListener('resize', this.fit, { passive: true });
    this.host.addEventListener('focusout', this.onFocusOut);
    document.addEventListener('pointerdown', this.onPointerDown, true);
  }

  hostDisconnected(): void {
    window.removeEventListener('scroll', this.fit, { capture: true });
    window.removeEventListener('resize', this.fit);
    this.host.removeEventListener('focusout', this.onFocusOut);
    document.removeEventListener('pointerdown', this.onPointerDown, true);
    this.shown = false;
  }

  hostUpdated(): void {
    const panel = this.panel;
    const shown = !!panel && !panel.hidden;
    // Measuring forces a layout: done when the panel opens, not on every keystroke's render.
    if (shown && !this.shown) this.fit();
    this.shown = shown;
  }

  /**
   * Cap the panel's height at the room between its top and the bottom of the window; give it at
   * least MIN_WIDTH_PX (a header's field is often narrower than a readable result), moved left as
   * far as needed to stay inside the window.
   */
  readonly fit = (): void => {
    const panel = this.panel;
    const field = panel?.parentElement?.getBoundingClientRect();
    if (!panel || !field || panel.hidden || this.host.mode !== 'inline' || this.host.hasAttribute('in-flow')) return;
    const room = Math.max(MIN_PX, window.innerHeight - panel.getBoundingClientRect().top - GAP_PX);
    const width = Math.min(Math.max(field.width, MIN_WIDTH_PX), window.innerWidth - 2 * GAP_PX);
    const left = Math.max(GAP_PX - field.left, Math.min(0, window.innerWidth - GAP_PX - field.left - width));
    // Under a page's CSS zoom, lengths set on the panel are multiplied by its zoom; the window's are not.
    const zoom = (panel as HTMLElement & { currentCSSZoom?: number }).currentCSSZoom ?? 1;
    panel.style.setProperty('--ns-room', `${room / zoom}px`);
    panel.style.setProperty('--ns-width', `${width / zoom}px`);
    panel.style.setProperty('--ns-left', `${left / zoom}px`);
  };

  /** Focus moved to an element outside the widget (a move inside is retargeted to the host itself). */
  private readonly onFocusOut = (event: FocusEvent): void => {
    const to = event.relatedTarget;
    if (to instanceof Node && !this.host.contains(to)) this.dismiss();
  };

  private readonly onPointerDown = (event: PointerEvent): void => {
    if (this.host.mode !== 'inline') return;
    const path = event.composedPath();
    if (!path.includes(this.host)) this.dismiss();
    else if (this.panel?.hidden && (path[0] as Element).getAttribute?.('role') === 'combobox') void this.host.open();
  };

  private dismiss(): void {
    if (this.host.mode === 'inline' && this.panel?.hidden === false) this.host.close();
  }

  private get panel(): HTMLElement | null {
    return this.host.renderRoot.querySelector<HTMLElement>('.panel');
  }
}
