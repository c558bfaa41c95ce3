import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { SearchHit } from '../core/api.js';
import { renderSegments, safeHref } from './render/highlight.js';
import { SearchController } from './search-controller.js';
import { styles } from './news-search.styles.js';

/**
 * `<news-search endpoint="https://host/api/search">`: section-level search for news.
 *
 * @fires news-search:select - a result was chosen; detail is the hit
 * @csspart input - the search field
 * @csspart list - the result list
 * @csspart item - one result
 * @csspart mark - a highlighted match
 * @cssprop --news-search-accent - focus and selection colour
 */
export class NewsSearch extends LitElement {
  static override styles = styles;

  /** URL of the search API. */
  @property() endpoint = '/api/search';
  /** Milliseconds to wait after the last keystroke. */
  @property({ type: Number, attribute: 'debounce' }) debounce = 120;
  /** Queries shorter than this are not sent. */
  @property({ type: Number, attribute: 'min-length' }) minLength = 2;
  @property() placeholder = 'Поиск по новостям';

  @state() private active = -1;
  @state() private query = '';

  private readonly search = new SearchController(this, () => ({
    endpoint: this.endpoint,
    debounceMs: this.debounce,
    minLength: this.minLength,
    limit: 10,
  }));

  override render() {
    const hits = this.search.status === 'idle' ? [] : (this.search.response?.hits ?? []);
    const expanded = hits.length > 0;
    return html`
      <input
        part="input"
        type="search"
        role="combobox"
        aria-label=${this.placeholder}
        aria-autocomplete="list"
        aria-controls="results"
        aria-expanded=${expanded ? 'true' : 'false'}
        aria-activedescendant=${this.active >= 0 ? `result-${this.active}` : nothing}
        placeholder=${this.placeholder}
        autocomplete="off"
        .value=${this.query}
        @input=${this.handleInput}
        @keydown=${this.handleKeyDown}
      />
      <ul id="results" role="listbox" part="list" aria-label="Результаты" ?hidden=${!expanded}>
        ${hits.map((hit, i) => this.renderHit(hit, i))}
      </ul>
      <p class="status" role="status" aria-live="polite">${this.statusText()}</p>
    `;
  }

  private renderHit(hit: SearchHit, i: number) {
    const href = safeHref(hit.url, document.baseURI);
    return html`<li id="result-${i}" role="option" part="item" aria-selected=${i === this.active ? 'true' : 'false'}>
      <a href=${href ?? nothing} tabindex="-1" @click=${() => this.select(hit)}>
        <div class="article">${hit.article.title}${hit.article.date ? html` · ${hit.article.date}` : nothing}</div>
        <div class="section" part="section">${renderSegments(hit.titleHighlight)}</div>
        <div class="snippet">${renderSegments(hit.snippet)}</div>
      </a>
    </li>`;
  }

  private statusText(): string {
    switch (this.search.status) {
      case 'loading':
        return 'Ищем…';
      case 'error':
        return `Поиск недоступен: ${this.search.error ?? ''}`;
      case 'done':
        return this.search.response?.hits.length ? `Найдено: ${this.search.response.total}` : `Ничего не найдено по запросу «${this.query}»`;
      default:
        return '';
    }
  }

  private handleInput(event: Event): void {
    this.query = (event.target as HTMLInputElement).value;
    this.active = -1;
    this.search.input(this.query);
  }

  private handleKeyDown(event: KeyboardEvent): void {
    // Keys pressed while an IME is composing belong to the IME, not to us.
    if (event.isComposing) return;
    const count = this.search.response?.hits.length ?? 0;
    if (event.key === 'ArrowDown' && count) {
      this.active = (this.active + 1) % count;
      event.preventDefault();
    } else if (event.key === 'ArrowUp' && count) {
      this.active = (this.active - 1 + count) % count;
      event.preventDefault();
    } else if (event.key === 'Enter' && this.active >= 0) {
      const hit = this.search.response?.hits[this.active];
      if (hit) this.select(hit, true);
    } else if (event.key === 'Escape') {
      this.active = -1;
      this.search.cancel();
      this.search.status = 'idle';
      this.requestUpdate();
    }
  }

  private select(hit: SearchHit, navigate = false): void {
    const proceed = this.dispatchEvent(new CustomEvent('news-search:select', { detail: hit, bubbles: true, composed: true, cancelable: true }));
    const href = safeHref(hit.url, document.baseURI);
    if (navigate && proceed && href) window.location.assign(href);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'news-search': NewsSearch;
  }
}
