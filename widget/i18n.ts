/**
 * UI strings: Russian by default, English for `lang="en"`, each overridable by the page. Counted
 * phrases are objects keyed by `Intl.PluralRules` categories, so overrides can be given as JSON and
 * Russian gets its three forms right (1 результат, 2 результата, 5 результатов, 21 результат).
 */

export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

export interface Strings {
  placeholder: string;
  label: string;
  listLabel: string;
  openButton: string;
  closeButton: string;
  dialogLabel: string;
  loading: string;
  /** `{query}` is replaced by the query. */
  empty: string;
  emptyHint: string;
  error: string;
  retry: string;
  showMore: string;
  /** `{count}` is replaced by the number of matching sections. */
  results: PluralForms;
  tooShort: string;
  /** `{query}` is the corrected query the results are for. */
  corrected: string;
  /** `{query}` is what the reader typed: the way back to searching exactly that. */
  searchExact: string;
  filters: string;
  period: string;
  anyTime: string;
  lastDay: string;
  lastWeek: string;
  lastMonth: string;
  lastYear: string;
  customDates: string;
  dateFrom: string;
  dateTo: string;
  tag: string;
  anyTag: string;
  sort: string;
  byRelevance: string;
  byDate: string;
}

export type Language = 'ru' | 'en';

const ru: Strings = {
  placeholder: 'Поиск по новостям',
  label: 'Поиск по новостям',
  listLabel: 'Результаты поиска',
  openButton: 'Поиск',
  closeButton: 'Закрыть',
  dialogLabel: 'Поиск по новостям',
  loading: 'Ищем…',
  empty: 'Ничего не найдено по запросу «{query}»',
  emptyHint: 'Проверьте написание или попробуйте другие слова.',
  error: 'Поиск временно недоступен.',
  retry: 'Повторить',
  showMore: 'Показать ещё',
  results: { one: '{count} результат', few: '{count} результата', many: '{count} результатов', other: '{count} результата' },
  tooShort: '',
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
};

const en: Strings = {
  placeholder: 'Search the news',
  label: 'Search the news',
  listLabel: 'Search results',
  openButton: 'Search',
  closeButton: 'Close',
  dialogLabel: 'Search the news',
  loading: 'Searching…',
  empty: 'Nothing found for “{query}”',
  emptyHint: 'Check the spelling or try other words.',
  error: 'Search is unavailable right now.',
  retry: 'Try again',
  showMore: 'Show more',
  results: { one: '{count} result', other: '{count} results' },
  tooShort: '',
  corrected: 'Showing results for “{query}”',
  searchExact: 'Search for “{query}”',
  filters: 'Filters',
  period: 'Date',
  anyTime: 'Any time',
  lastDay: 'Past day',
  lastWeek: 'Past week',
  lastMonth: 'Past month',
  lastYear: 'Past year',
  customDates: 'Custom dates',
  dateFrom: 'From',
  dateTo: 'To',
  tag: 'Topic',
  anyTag: 'All topics',
  sort: 'Order',
  byRelevance: 'Most relevant',
  byDate: 'Newest first',
};

const BUILT_IN: Record<Language, Strings> = { ru, en };

/** `en`, `en-GB` → en; anything else (including no language at all) → ru, the product's language. */
export function pickLanguage(lang: string | null | undefined): Language {
  return lang?.toLowerCase().startsWith('en') ? 'en' : 'ru';
}

/** Built-in strings for `language` with the page's overrides on top; unknown keys are ignored. */
export function resolveStrings(language: Language, overrides: Partial<Strings> | undefined): Strings {
  const base = BUILT_IN[language];
  const merged: Strings = { ...base };
  for (const key of Object.keys(base) as (keyof Strings)[]) {
    const value = overrides?.[key];
    if (key === 'results') {
      if (value && typeof value === 'object' && typeof (value as PluralForms).other === 'string') merged.results = value as PluralForms;
    } else if (typeof value === 'string') {
      (merged as unknown as Record<string, string>)[key] = value;
    }
  }
  return merged;
}

/** Replace `{name}` placeholders; the result is plain text and is rendered as a text node. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

const pluralRules = new Map<Language, Intl.PluralRules>();

/** «21 результат», «5 результатов»: the form chosen by the language's plural rules. */
export function formatCount(language: Language, forms: PluralForms, count: number): string {
  let rules = pluralRules.get(language);
  if (!rules) pluralRules.set(language, (rules = new Intl.PluralRules(language)));
  const template = forms[rules.select(count)] ?? forms.other;
  return fill(template, { count: count.toLocaleString(language) });
}
