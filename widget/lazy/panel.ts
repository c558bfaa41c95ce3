/**
 * Lazy chunk: the result panel's rendering (grouped results with highlights and deep links, the
 * filters, the «results for the corrected query» notice), its Russian strings and its styles. The
 * entry fetches it when the reader focuses or points at the widget (or a search starts) and renders
 * no results before it is here (widget/chunks.ts), so the first results come with it. Like every
 * chunk it imports nothing from Lit or the entry at run time (see lit-tags.ts).
 */
import { CORRECTION_REASONS_RU } from '../../core/api.js';
import type { TemplateResult } from 'lit';
import type { Strings } from '../i18n.js';
import type { LocalizeController } from '../localize-controller.js';
import type { LitTags } from './lit-tags.js';

export { changeFilter, renderFilters, toSearchFilters } from './filters.js';
export { renderGroups } from '../render/results.js';
export { OverlayController } from './overlay.js';
export { styles } from './panel.styles.js';

/** The panel's strings in Russian (the English ones come with the English chunk). */
export const ru: Partial<Strings> = {
  loading: 'Ищем…',
  empty: 'Ничего не найдено по запросу «{query}»',
  emptyHint: 'Проверьте написание или попробуйте другие слова.',
  error: 'Поиск временно недоступен.',
  retry: 'Повторить',
  showMore: 'Показать ещё',
  results: { one: '{count} результат', few: '{count} результата', many: '{count} результатов', other: '{count} результата' },
  corrected: 'Показаны результаты по запросу «{query}»',
  searchExact: 'Искать «{query}»',
  filters: 'Фильтры',
  period: 'Период',
  anyTime: 'За всё время',
  lastDay: 'За сутки',
  lastWeek: 'За неделю',
  lastMonth: 'За месяц',
  lastYear: 'За год',
  customDates: 'Свои даты',
  dateFrom: 'С',
  dateTo: 'По',
  tag: 'Рубрика',
  anyTag: 'Все рубрики',
  sort: 'Порядок',
  byRelevance: 'По релевантности',
  byDate: 'Сначала новые',
  // As the no-JavaScript results page words them.
  layoutReason: CORRECTION_REASONS_RU.layout,
  translitReason: CORRECTION_REASONS_RU.translit,
  typoReason: CORRECTION_REASONS_RU.typo,
  splitReason: CORRECTION_REASONS_RU.split,
};

/** «Показаны результаты по запросу «…» (why)» and the one-click way back to exactly what was typed. */
export function renderCorrection({ html }: LitTags, notice: string, typed: string, t: LocalizeController, onExact: () => void): TemplateResult {
  return html`<p class="corrected" part="corrected">
    ${notice}
    <button class="exact" part="exact" type="button" @click=${onExact}>${t.term('searchExact', { query: typed })}</button>
  </p>`;
}
