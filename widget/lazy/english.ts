/**
 * Lazy chunk: the English UI strings, the panel's included. Fetched only by widgets on an English page
 * (the nearest `lang` is `en…`); the widget waits for it before rendering, so no Russian flashes.
 */
import type { Strings } from '../i18n.js';

export const en: Strings = {
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
  layoutReason: 'typed in another keyboard layout',
  translitReason: 'typed in Latin letters',
  typoReason: 'typos corrected',
  splitReason: 'run-together words split',
};
