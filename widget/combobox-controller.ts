import type { ReactiveControllerHost } from 'lit';

/** What the combobox's keys act on. */
export interface ComboboxHost extends ReactiveControllerHost {
  mode: 'inline' | 'modal';
  /** How many options are listed (in keyboard order). */
  readonly optionCount: number;
  /** Open the option at `index` (Enter). */
  chooseOption(index: number): void;
  /** Enter with no active option: search now, without waiting for the debounce. */
  submit(): void;
  close(): void;
  clear(): void;
}

/**
 * The field and its list as an APG combobox: ↑/↓ move through the options (wrapping), Home/End
 * jump once the reader is in the list, Enter opens the active option, Escape collapses the list,
 * then clears the field. The active option is `aria-activedescendant`; focus stays in the field.
 */
export class ComboboxController {
  /** Index of the active option; -1 = none. */
  active = -1;
  /** The list is hidden although there are results (Escape, a click elsewhere). */
  collapsed = false;

  // Needs no lifecycle hooks: the host renders from `active` and `collapsed` and asks for an update on each change.
  constructor(private readonly host: ComboboxHost) {}

  /** A new query, or the list opened again: nothing active, the list shown. */
  reset(): void {
    this.active = -1;
    this.collapsed = false;
    this.host.requestUpdate();
  }

  activate(index: number): void {
    // Called on every mousemove over an option: an unchanged index must not re-render the list.
    if (index === this.active) return;
    this.active = index;
    this.host.requestUpdate();
  }

  collapse(): void {
    this.active = -1;
    this.collapsed = true;
    this.host.requestUpdate();
  }

  readonly onKeyDown = (event: KeyboardEvent): void => {
    // Keys pressed while an IME is composing belong to the IME, not to us.
    if (event.isComposing) return;
    const listed = this.host.optionCount;
    const count = this.collapsed ? 0 : listed;
    switch (event.key) {
      case 'ArrowDown':
        // ↓ on collapsed results opens them again (the APG combobox behaviour).
        if (this.collapsed && listed) {
          this.collapsed = false;
          this.activate(0);
          break;
        }
        if (!count) return;
        this.activate((this.active + 1) % count);
        break;
      case 'ArrowUp':
        if (!count) return;
        this.activate(this.active <= 0 ? count - 1 : this.active - 1);
        break;
      // Home/End move the caret in the field until the reader has stepped into the list.
      case 'Home':
        if (!count || this.active < 0) return;
        this.activate(0);
        break;
      case 'End':
        if (!count || this.active < 0) return;
        this.activate(count - 1);
        break;
      case 'Enter':
        if (this.active >= 0 && this.active < listed && !this.collapsed) this.host.chooseOption(this.active);
        else this.host.submit();
        break;
      case 'Escape':
        if (this.host.mode === 'modal' || count) this.host.close();
        else this.host.clear();
        break;
      default:
        return;
    }
    event.preventDefault();
  };
}
