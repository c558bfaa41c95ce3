import { LitElement, adoptStyles, html, nothing, supportsAdoptingStyleSheets, type PropertyDeclarations } from 'lit';
import { ANALYTICS_REPORT_PATH } from '../core/analytics-report.js';
import type { SearchHit, SearchResponse } from '../core/api.js';
import { chunkStyles, loadAnalytics, loadEnglish, loadPanel, loadModal, loaded } from './chunks.js';
import { ComboboxController } from './combobox-controller.js';
import type { SearchFilters } from './fetch-results.js';
import { groupByArticle, type ArticleGroup } from './group-hits.js';
import type { Strings } from './i18n.js';
import type { SearchAnalytics } from './lazy/analytics.js';
import type { FilterState } from './lazy/filters.js';
import type { LitTags } from './lazy/lit-tags.js';
import type { ModalController } from './lazy/modal.js';
import { LocalizeController } from './localize-controller.js';
import { styles } from './news-search.styles.js';
import { loadQuery, saveQuery } from './persist.js';
import { SearchController } from './search-controller.js';

/** `detail` of `news-search:results`. */
export interface ResultsDetail {
  query: string;
  total: number;
  hits: SearchHit[];
}

/**
 * `<news-search endpoint="https://host/api/search">`: section-level search for news, as you type.
 *
 * @attr endpoint - URL of the search API (default `/api/search`); relative result links resolve against it
 * @attr mode - `inline` (results under the field, default) or `modal` (a button; `/` and Ctrl/Cmd+K open a dialog)
 * @attr in-flow - inline mode: results take their place in the page and push what follows, instead of overlaying it
 * @attr debounce - milliseconds to wait after the last keystroke (default 120; 0 searches on every keystroke)
 * @attr min-length - queries shorter than this are not sent (default 2)
 * @attr page-size - results per page; "show more" asks for this many more, up to the API's 50 (default 10)
 * @attr persist - keep the query across page reloads (sessionStorage); off unless present
 * @attr theme - `light` or `dark` forces a colour scheme; otherwise `prefers-color-scheme` decides
 * @attr lang - `en` for English UI strings; Russian otherwise (the nearest `lang` on the page counts)
 * @attr strings - JSON overriding any UI string, e.g. `{"placeholder":"Найти","results":{"one":"{count} раздел","few":"{count} раздела","many":"{count} разделов","other":"{count} раздела"}}`
 * @attr placeholder - the field's placeholder (shortcut for the `placeholder` string)
 * @attr analytics - `off`: never report searches, even to a server that collects (docs/widget.md, Analytics)
 *
 * @fires news-search:select - a result was chosen; `detail` is the hit (SearchHit). Cancel it to stop navigation.
 * @fires news-search:results - results arrived; `detail` is `{ query, total, hits }`
 *
 * @method search(q) - set the query and search now
 * @method clear() - empty the field and the results
 * @method open() - modal: open the dialog; inline: focus the field
 * @method close() - modal: close the dialog; inline: collapse the results
 *
 * @csspart input - the search field
 * @csspart list - the result list (role=listbox)
 * @csspart group - one article's block in the list
 * @csspart article - an article's title and date
 * @csspart item - one result (a section, role=option)
 * @csspart section - a result's section title
 * @csspart snippet - a result's text excerpt
 * @csspart mark - a highlighted match
 * @csspart status - the result count / empty / error line
 * @csspart button - the modal mode's open button
 * @csspart dialog - the modal dialog
 * @csspart more - the "show more" button
 * @csspart corrected - the «results for the corrected query» notice
 * @csspart exact - its button that searches exactly what was typed
 * @csspart filters - the filters disclosure (date range, tag, order)
 *
 * @cssprop --news-search-font - font family
 * @cssprop --news-search-font-size - the widget's base size (default 16px); every size is relative to it, not to the page's rem
 * @cssprop --news-search-text - text colour
 * @cssprop --news-search-muted - secondary text (dates, counts, hints)
 * @cssprop --news-search-bg - field, list and dialog background
 * @cssprop --news-search-border - borders
 * @cssprop --news-search-accent - focus ring, active result, buttons
 * @cssprop --news-search-active-bg - background of the active result
 * @cssprop --news-search-mark-bg - background of highlighted matches
 * @cssprop --news-search-mark-text - text colour of highlighted matches
 * @cssprop --news-search-radius - corner radius
 * @cssprop --news-search-list-max-height - inline mode: cap the result panel's height (default: the room left to the window's bottom)
 * @cssprop --news-search-dialog-width - modal mode: dialog width on wide screens
 * @cssprop --news-search-backdrop - modal mode: backdrop colour
 */
export class NewsSearch extends LitElement {
  static override styles = styles;

  // Declared as a static map rather than with decorators: the decorator runtime and one
  // __decorate call per field cost 0.53 KB gzipped of the widget's budget (esbuild metafile).
  static override properties: PropertyDeclarations = {
    endpoint: {},
    mode: { reflect: true, useDefault: true },
    debounce: { type: Number },
    minLength: { type: Number, attribute: 'min-length' },
    pageSize: { type: Number, attribute: 'page-size' },
    persist: { type: Boolean },
    theme: { reflect: true, useDefault: true },
    placeholder: {},
    analytics: {},
    strings: { converter: { fromAttribute: parseStrings } },
    value: { state: true },
    exact: { state: true },
    filter: { state: true },
  };

  endpoint = '/api/search';
  mode: 'inline' | 'modal' = 'inline';
  debounce = 120;
  minLength = 2;
  pageSize = 10;
  persist = false;
  theme: 'auto' | 'light' | 'dark' = 'auto';
  placeholder: string | undefined;
  analytics: string | undefined;
  strings: Partial<Strings> | undefined;

  private value = '';
  /** The reader asked for exactly what they typed (no layout/transliteration correction). */
  private exact = false;
  /** Undefined until the reader touches a filter control (rendered once the panel chunk is here). */
  private filter: FilterState | undefined;
  /** Tag counts from the last answer not narrowed by a tag, so the other tags stay choosable. */
  private tagCounts: Record<string, number> = {};
  /** Derived before each render: the groups on screen, and the options in keyboard order. */
  private groups: ArticleGroup[] = [];
  private options: SearchHit[] = [];

  private readonly localize = new LocalizeController(this);
  private readonly searcher = new SearchController(
    this,
    () => ({
      endpoint: this.endpoint,
      debounceMs: this.debounce,
      minLength: this.minLength,
      pageSize: this.pageSize,
      filters: this.filter && loaded.panel ? loaded.panel.toSearchFilters(this.filter, this.exact) : { exact: this.exact },
    }),
    (response) => this.handleResults(response),
  );
  private readonly combobox = new ComboboxController(this);
  /** Search analytics, from its lazy chunk (undefined until an answer said the server collects). */
  private tracker: SearchAnalytics | undefined;
  /** Modal mode's dialog behaviour, from its lazy chunk (undefined until the first open). */
  private modal: ModalController | undefined;
  /** How many of the lazy chunks' styles this widget's shadow root has adopted. */
  private adoptedChunkStyles = 0;
  /** Inline results over the page, kept in the window (from the panel chunk). */
  private overlay: unknown;
  /** Answers so far: the live region's text alternates a trailing space so an equal count is announced again. */
  private answers = 0;

  get optionCount(): number {
    return this.options.length;
  }

  /** Searches may be reported: the page did not set `analytics="off"`, the reader has no Global Privacy Control. */
  get reporting(): boolean {
    return this.analytics !== 'off' && !(navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('keydown', this.onShortcut);
    // The reader is about to use the widget: fetch the lazy parts now, so they are here before the
    // first results (and the first open of the dialog) need them.
    this.addEventListener('focusin', this.prefetch);
    this.addEventListener('pointerenter', this.prefetch);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('keydown', this.onShortcut);
  }

  /**
   * Render only once the lazy parts this render shows are here: the English strings on an English
   * page, the result panel (results, filters, correction notice) with the first answer. Prefetched
   * on focus or hover, they are already here and no update waits; a chunk that failed to load is
   * not waited for again (chunks.ts). Modal mode fetches its dialog as soon as it renders.
   */
  protected override scheduleUpdate(): void | Promise<unknown> {
    if (this.mode === 'modal') void loadModal();
    const waits: Promise<void>[] = [];
    if (!loaded.english && this.localize.language === 'en') waits.push(loadEnglish());
    if (!loaded.panel && this.searcher.status !== 'idle') waits.push(loadPanel());
    if (!waits.length) return this.updateWithChunkStyles();
    return Promise.all(waits).then(() => this.updateWithChunkStyles());
  }

  protected override firstUpdated(): void {
    const saved = this.persist ? loadQuery(this.storageKey) : '';
    if (saved) void this.search(saved);
  }

  protected override willUpdate(): void {
    const response = this.searcher.status === 'idle' ? undefined : this.searcher.response;
    this.groups = groupByArticle(response?.hits ?? []);
    this.options = this.groups.flatMap((g) => g.hits);
    if (this.combobox.active >= this.options.length) this.combobox.active = -1;
  }

  protected override updated(): void {
    const { active } = this.combobox;
    if (active >= 0) this.renderRoot.querySelector(`#option-${active}`)?.scrollIntoView({ block: 'nearest' });
  }

  // ---- public methods ----------------------------------------------------------------------

  /** Set the query and search now (no debounce). */
  search(q: string): Promise<void> {
    void loadPanel();
    this.value = q;
    this.exact = false;
    this.combobox.reset();
    this.remember(q);
    return this.searcher.search(q);
  }

  /** Empty the field and the results. */
  clear(): void {
    this.value = '';
    this.combobox.activate(-1);
    this.remember('');
    this.searcher.reset();
    this.tracker?.leave();
  }

  /** Modal mode: open the dialog and focus the field. Inline mode: focus the field and show the results. */
  async open(): Promise<void> {
    this.combobox.reset();
    if (this.mode === 'modal') {
      await loadModal();
      this.modal ??= loaded.modal && new loaded.modal.ModalController(this);
      return this.modal?.open();
    }
    await this.updateComplete;
    this.focusField();
  }

  /** Modal mode: close the dialog and give focus back. Inline mode: collapse the results. */
  close(): void {
    if (this.mode === 'modal') {
      this.combobox.active = -1;
      this.modal?.close();
    } else {
      this.combobox.collapse();
    }
  }

  // ---- for the controllers -----------------------------------------------------------------

  focusField(select = false): void {
    const input = this.renderRoot.querySelector('input');
    input?.focus();
    if (select) input?.select();
  }

  chooseOption(index: number): void {
    const hit = this.options[index];
    if (hit) this.choose(hit, true);
  }

  submit(): void {
    void this.search(this.value);
  }

  // ---- rendering ---------------------------------------------------------------------------

  override render() {
    if (this.mode !== 'modal') return this.renderSearch();
    const t = this.localize;
    const modal = this.modal;
    return html`
      <button part="button" class="open" type="button" aria-haspopup="dialog" aria-keyshortcuts="/ Control+K Meta+K" @click=${() => void this.open()}>
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><circle cx="10.5" cy="10.5" r="6.5" /><path d="m15.5 15.5 5 5" /></svg>
        <span>${t.term('openButton')}</span>
        <kbd aria-hidden="true">/</kbd>
      </button>
      <dialog part="dialog" aria-label=${t.term('dialogLabel')} @close=${this.handleDialogClose} @cancel=${modal?.onCancel} @click=${modal?.onBackdropClick} @keydown=${modal?.onKeyDown}>
        ${modal?.isOpen
          ? html`<div class="dialog-body">
              ${this.renderSearch()}
              <button class="close" type="button" @click=${() => this.close()}>${t.term('closeButton')}</button>
            </div>`
          : nothing}
      </dialog>
    `;
  }

  private renderSearch() {
    const t = this.localize;
    const status = this.searcher.status;
    const { active, collapsed } = this.combobox;
    const expanded = this.options.length > 0 && !collapsed;
    const label = this.placeholder ?? t.term('placeholder');
    return html`
      <div class="search">
        <input
          part="input"
          type="search"
          role="combobox"
          aria-label=${t.term('label')}
          aria-autocomplete="list"
          aria-haspopup="listbox"
          aria-controls="listbox"
          aria-expanded=${expanded ? 'true' : 'false'}
          aria-activedescendant=${expanded && active >= 0 ? `option-${active}` : nothing}
          aria-describedby="status"
          placeholder=${label}
          autocomplete="off"
          spellcheck="false"
          enterkeyhint="search"
          .value=${this.value}
          @input=${this.handleInput}
          @keydown=${this.combobox.onKeyDown}
        />
        <div class="panel" ?hidden=${collapsed || status === 'idle'}>
          ${loaded.panel ? loaded.panel.renderFilters(LIT, this.filter, this.tagCounts, t, this.handleFilterChange) : nothing}
          <p class="status" part="status" aria-hidden="true">${this.statusText()}</p>
          ${this.renderCorrection()}
          ${status === 'loading' && this.searcher.slow ? html`<div class="loading" aria-hidden="true">${t.term('loading')}</div>` : nothing}
          ${status === 'done' && !this.options.length ? html`<p class="hint">${t.term('emptyHint')}</p>` : nothing}
          ${status === 'error' && this.searcher.canRetry ? html`<button class="retry" type="button" @click=${this.handleRetry}>${t.term('retry')}</button>` : nothing}
          <div id="listbox" role="listbox" part="list" aria-label=${t.term('listLabel')} aria-busy=${status === 'loading' && this.searcher.slow ? 'true' : 'false'} ?hidden=${!expanded}>
            ${loaded.panel?.renderGroups(LIT, {
              groups: this.groups,
              active,
              endpoint: this.endpoint,
              words: this.searcher.response?.correctedQuery ?? this.searcher.query,
              language: t.language,
              onChoose: (event, hit) => {
                if (!this.choose(hit, false)) event.preventDefault();
              },
              onHover: (i) => this.combobox.activate(i),
            })}
          </div>
          ${this.searcher.canShowMore ? html`<button class="more" part="more" type="button" @click=${this.handleShowMore}>${t.term('showMore')}</button>` : nothing}
        </div>
        <div id="status" class="visually-hidden" role="status" aria-live="polite">${this.statusText()} ${this.correctionText()}${this.answers % 2 ? '\u00a0' : ''}</div>
      </div>
    `;
  }

  /** «Показаны результаты по запросу «соглашение»» and the one-click way back to what was typed. */
  private renderCorrection() {
    const text = this.correctionText();
    return text && loaded.panel ? loaded.panel.renderCorrection(LIT, text, this.searcher.query, this.localize, this.handleSearchExact) : nothing;
  }

  /** «Показаны результаты по запросу «…» (why)», the reason worded as on the no-JavaScript page. */
  private correctionText(): string {
    const response = this.searcher.status === 'done' ? this.searcher.response : undefined;
    if (!response?.correctedQuery) return '';
    const t = this.localize;
    // A kind this widget does not know yet (a newer server) just goes without a reason.
    const reason = response.correctionKind && (t.strings[`${response.correctionKind}Reason`] as string | undefined);
    return t.term('corrected', { query: response.correctedQuery }) + (reason ? ` (${reason})` : '');
  }

  private statusText(): string {
    const t = this.localize;
    switch (this.searcher.status) {
      case 'done': {
        const total = this.searcher.response?.total ?? 0;
        return total ? t.count(total) : t.term('empty', { query: this.searcher.query });
      }
      case 'error':
        return t.term('error');
      case 'loading':
        // Keep announcing the previous answer while the next one loads, so the region doesn't flicker.
        return this.searcher.response ? t.count(this.searcher.response.total) : '';
      default:
        return '';
    }
  }

  // ---- handlers ----------------------------------------------------------------------------

  private handleInput(event: Event): void {
    this.value = (event.target as HTMLInputElement).value;
    this.exact = false;
    this.combobox.reset();
    this.remember(this.value);
    this.searcher.input(this.value);
  }

  private handleRetry(): void {
    void this.searcher.retry();
    this.focusField();
  }

  private readonly handleSearchExact = (): void => {
    this.exact = true;
    void this.searcher.search(this.value);
    this.focusField();
  };

  /** A filter changed: search again with it; the new count reaches the live region. */
  private handleFilterChange = (event: Event): void => {
    if (!loaded.panel) return;
    this.filter = loaded.panel.changeFilter(this.filter, event);
    if (this.searcher.status !== 'idle') void this.searcher.search(this.value);
  };

  private async handleShowMore(): Promise<void> {
    this.tracker?.more();
    await this.searcher.showMore();
    await this.updateComplete;
    // The button is gone once everything is shown; focus must not fall back to <body>.
    if (!this.searcher.canShowMore) this.focusField();
  }

  private handleResults(response: SearchResponse): void {
    this.answers++;
    if (!this.filter?.tag) this.tagCounts = response.facets?.tags ?? {};
    const { query, attempt, collects } = this.searcher;
    const detail: ResultsDetail = { query, total: response.total, hits: response.hits };
    this.dispatchEvent(new CustomEvent('news-search:results', { detail, bubbles: true, composed: true }));
    if (collects && this.reporting) void this.track(query, attempt!.filters, response);
  }

  /** Hands an answer to search analytics, whose chunk comes with the first one (a chunk that failed to load: nothing). */
  private async track(query: string, filters: SearchFilters, response: SearchResponse): Promise<void> {
    await loadAnalytics();
    this.tracker ??= loaded.analytics && new loaded.analytics.SearchAnalytics(this, ANALYTICS_REPORT_PATH);
    this.tracker?.shown(query, filters, response);
  }

  private handleDialogClose(): void {
    this.combobox.active = -1;
    this.modal?.onClose();
    this.tracker?.leave();
  }

  /** `/` and Ctrl/Cmd+K open the dialog from anywhere on the page, except `/` typed into a field. */
  private readonly onShortcut = (event: KeyboardEvent): void => {
    if (this.mode !== 'modal' || event.defaultPrevented || event.isComposing) return;
    const commandK = (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k';
    const slash = event.key === '/' && !event.ctrlKey && !event.metaKey && !event.altKey && !isEditable(event.composedPath()[0]);
    if (!commandK && !slash) return;
    event.preventDefault();
    if (this.modal?.isOpen) this.focusField();
    else void this.open();
  };

  private readonly prefetch = (): void => {
    void loadPanel();
    if (this.mode === 'modal') void loadModal();
  };

  // ---- helpers -----------------------------------------------------------------------------

  /** Adopt the styles of chunks loaded since the last update (another widget may have loaded them), then update. */
  private updateWithChunkStyles(): void {
    const fresh = chunkStyles.slice(this.adoptedChunkStyles);
    const root = this.renderRoot;
    if (fresh.length && root instanceof ShadowRoot) {
      if (supportsAdoptingStyleSheets) root.adoptedStyleSheets = [...root.adoptedStyleSheets, ...fresh.map((s) => s.styleSheet!)];
      else adoptStyles(root, fresh);
    }
    this.adoptedChunkStyles = chunkStyles.length;
    if (loaded.panel) this.overlay ??= new loaded.panel.OverlayController(this);
    super.scheduleUpdate();
  }

  /** Fire `news-search:select`; navigate if asked and the page did not cancel. Returns whether to proceed. */
  private choose(hit: SearchHit, navigate: boolean): boolean {
    const index = this.options.indexOf(hit);
    this.tracker?.chosen(index + 1, hit.id);
    const proceed = this.dispatchEvent(new CustomEvent('news-search:select', { detail: hit, bubbles: true, composed: true, cancelable: true }));
    const href = this.renderRoot.querySelector<HTMLAnchorElement>(`#option-${index}`)?.href;
    // A page that handles the choice itself (client-side routing) expects the dialog out of the way.
    if (this.mode === 'modal') this.close();
    if (navigate && proceed && href) window.location.assign(href);
    return proceed;
  }

  private get storageKey(): string {
    return `news-search:${this.id || this.endpoint}`;
  }

  private remember(q: string): void {
    if (this.persist) saveQuery(this.storageKey, q);
  }
}

/** What the lazy chunks' templates take from Lit (see lazy/lit-tags.ts). */
const LIT: LitTags = { html, nothing };

function isEditable(target: EventTarget | undefined): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

/** The `strings` attribute is JSON; a typo there must not break the widget, only be reported. */
function parseStrings(value: string | null): Partial<Strings> | undefined {
  if (!value) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Partial<Strings>;
  } catch {
    // Reported below.
  }
  console.warn('<news-search>: the `strings` attribute must be a JSON object; using the built-in strings.');
  return undefined;
}

declare global {
  interface HTMLElementTagNameMap {
    'news-search': NewsSearch;
  }
  interface GlobalEventHandlersEventMap {
    'news-search:select': CustomEvent<SearchHit>;
    'news-search:results': CustomEvent<ResultsDetail>;
  }
}
