/**
 * The filters disclosure (date range, tag, order): part of the lazy panel chunk (panel.ts), so it
 * imports nothing from Lit at run time; Lit's `html` comes in as an argument (see lit-tags.ts).
 */
import type { TemplateResult } from 'lit';
import type { SearchFilters } from '../fetch-results.js';
import type { Strings } from '../i18n.js';
import type { LocalizeController } from '../localize-controller.js';
import type { LitTags } from './lit-tags.js';

/** What the reader chose in the filter controls; each field is a control's `name` and its value. */
export interface FilterState {
  period: string;
  from: string;
  to: string;
  tag: string;
  sort: string;
}

export const NO_FILTERS: FilterState = { period: '', from: '', to: '', tag: '', sort: '' };

type Key = Exclude<keyof Strings, 'results'>;

/** Date presets (value, label key, days back); `custom` shows two date fields instead. */
export const PERIODS: readonly (readonly [string, Key, number])[] = [
  ['', 'anyTime', 0],
  ['day', 'lastDay', 1],
  ['week', 'lastWeek', 7],
  ['month', 'lastMonth', 30],
  ['year', 'lastYear', 365],
  ['custom', 'customDates', 0],
];

/** The API parameters for the reader's choice; dates are UTC days, as the API's `YYYY-MM-DD` bounds are. */
export function toSearchFilters(state: FilterState, exact: boolean, now = Date.now()): SearchFilters {
  const daysBack = PERIODS.find(([value]) => value === state.period)?.[2] ?? 0;
  const custom = state.period === 'custom';
  return {
    exact,
    tag: state.tag,
    from: custom ? state.from : daysBack ? new Date(now - daysBack * 86_400_000).toISOString().slice(0, 10) : '',
    to: custom ? state.to : '',
    sort: state.sort === 'date' ? 'date' : undefined,
  };
}

/** A control changed: the state with that control's `name` set to its value. */
export function changeFilter(state: FilterState | undefined, event: Event): FilterState {
  const { name, value } = event.target as HTMLSelectElement | HTMLInputElement;
  return { ...(state ?? NO_FILTERS), [name]: value };
}

/**
 * Date range, tag and order as native controls in a disclosure, so keyboards and screen readers
 * work as everywhere else. `tagCounts` come from the last answer not narrowed by a tag, so the
 * other tags stay choosable; one `change` listener reads each control's `name`.
 */
export function renderFilters(
  { html, nothing }: LitTags,
  filter: FilterState = NO_FILTERS,
  tagCounts: Record<string, number>,
  t: LocalizeController,
  onChange: (event: Event) => void,
): TemplateResult {
  const tags = Object.entries(tagCounts);
  if (filter.tag && !(filter.tag in tagCounts)) tags.unshift([filter.tag, 0]);
  return html`<details class="filters" part="filters" @change=${onChange}>
    <summary>${t.term('filters')}</summary>
    <label>${t.term('period')}
      <select name="period">${PERIODS.map(([value, key]) => html`<option value=${value} ?selected=${filter.period === value}>${t.term(key)}</option>`)}</select>
    </label>
    ${filter.period === 'custom'
      ? html`<label>${t.term('dateFrom')} <input type="date" name="from" .value=${filter.from} /></label>
          <label>${t.term('dateTo')} <input type="date" name="to" .value=${filter.to} /></label>`
      : nothing}
    <label>${t.term('tag')}
      <select name="tag">
        <option value="">${t.term('anyTag')}</option>
        ${tags.map(([tag, count]) => html`<option value=${tag} ?selected=${filter.tag === tag}>${count ? `${tag} (${count.toLocaleString(t.language)})` : tag}</option>`)}
      </select>
    </label>
    <label>${t.term('sort')}
      <select name="sort">
        <option value="">${t.term('byRelevance')}</option>
        <option value="date" ?selected=${filter.sort === 'date'}>${t.term('byDate')}</option>
      </select>
    </label>
  </details>`;
}
