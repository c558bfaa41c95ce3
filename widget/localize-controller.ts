import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { fill, formatCount, pickLanguage, resolveStrings, type Language, type Strings } from './i18n.js';

type Host = ReactiveControllerHost & HTMLElement & { strings: Partial<Strings> | undefined };

/**
 * The element's language follows the nearest `lang` attribute (its own, an ancestor's or <html>'s),
 * and re-renders when the page changes it, as Shoelace's LocalizeController does.
 */
export class LocalizeController implements ReactiveController {
  private observer: MutationObserver | undefined;

  constructor(private readonly host: Host) {
    host.addController(this);
  }

  hostConnected(): void {
    this.observer = new MutationObserver(() => this.host.requestUpdate());
    this.observer.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'], subtree: true });
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
  }

  get language(): Language {
    return pickLanguage(this.host.closest('[lang]')?.getAttribute('lang'));
  }

  get strings(): Strings {
    return resolveStrings(this.language, this.host.strings);
  }

  term(key: Exclude<keyof Strings, 'results'>, values: Record<string, string | number> = {}): string {
    return fill(this.strings[key], values);
  }

  count(n: number): string {
    return formatCount(this.language, this.strings.results, n);
  }
}
