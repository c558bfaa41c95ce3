/**
 * UI strings: Russian by default, English for `lang="en"` (a lazy chunk), each overridable by the page. Counted
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
  /** Why the query was corrected, after the `corrected` notice in brackets (the API's `correctionKind`). */
  layoutReason: string;
  translitReason: string;
  typoReason: string;
  splitReason: string;
}

export type Language = 'ru' | 'en';

/**
 * Russian, minus the strings of anything shown only once a search started (they come with the
 * panel chunk, widget/lazy/panel.ts, which the widget awaits before rendering such a state).
 */
const ru: Partial<Strings> = {
  placeholder: 'Поиск по новостям',
  label: 'Поиск по новостям',
  listLabel: 'Результаты поиска',
  openButton: 'Поиск',
  closeButton: 'Закрыть',
  dialogLabel: 'Поиск по новостям',
  tooShort: '',
};

/**
 * The built-in strings known so far: Russian is in the entry; English (widget/lazy/english.ts) and
 * the panel's strings arrive with their chunks (widget/chunks.ts), and the widget does not render
 * a part before its strings are here.
 */
const BUILT_IN: Record<Language, Partial<Strings>> = { ru, en: {} };

/** A chunk's strings join the built-in ones. */
export function addStrings(language: Language, strings: Partial<Strings>): void {
  Object.assign(BUILT_IN[language], strings);
}

/** `en`, `en-GB` → en; anything else (including no language at all) → ru, the product's language. */
export function pickLanguage(lang: string | null | undefined): Language {
  return lang?.toLowerCase().startsWith('en') ? 'en' : 'ru';
}

/** Built-in strings for `language` with the page's overrides on top; unknown keys are ignored. */
export function resolveStrings(language: Language, overrides: Partial<Strings> | undefined): Strings {
  const merged = { ...BUILT_IN.ru, ...BUILT_IN[language] } as Strings;
  for (const key of Object.keys(merged) as (keyof Strings)[]) {
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
