import type { SearchFilters } from './fetch-results.js';
import type { Strings } from './i18n.js';

/** What the reader chose in the filter controls; each field is a control's `name` and its value. */
export interface FilterState {
  period: string;
  from: string;
  to: string;
  tag: string;
  sort: string;
}

export const NO_FILTERS: FilterState = { period: '', from: '', to: '', tag: '', sort: '' };

/** Date presets (value, label key, days back); `custom` shows two date fields instead. */
export const PERIODS: readonly (readonly [string, Exclude<keyof Strings, 'results'>, number])[] = [
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
