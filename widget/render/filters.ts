import { html, nothing, type TemplateResult } from 'lit';
import { PERIODS, type FilterState } from '../filters.js';
import type { LocalizeController } from '../localize-controller.js';

/**
 * Date range, tag and order as native controls in a disclosure, so keyboards and screen readers
 * work as everywhere else. `tagCounts` come from the last answer not narrowed by a tag, so the
 * other tags stay choosable; one `change` listener reads each control's `name`.
 */
export function renderFilters(filter: FilterState, tagCounts: Record<string, number>, t: LocalizeController, onChange: (event: Event) => void): TemplateResult {
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
