import type { TemplateResult } from 'lit';
import type { SearchHit } from '../../core/api.js';
import type { ArticleGroup } from '../group-hits.js';
import type { Language } from '../i18n.js';
import type { LitTags } from '../lazy/lit-tags.js';
import { renderSegments } from './highlight.js';
import { matchedPhrase, safeHref, withHighlight, withTextFragment } from './links.js';

/** What the result list shows and how its options answer the pointer. */
export interface ResultList {
  groups: readonly ArticleGroup[];
  active: number;
  /** The API's URL: relative result links resolve against it. */
  endpoint: string;
  /** The words to mark on the article page (the corrected query when there was one). */
  words: string;
  language: Language;
  onChoose(event: MouseEvent, hit: SearchHit): void;
  onHover(index: number): void;
}

/**
 * The results' own language: the news are Russian, whatever the page's or the interface's language,
 * so a screen reader on an English page reads them with a Russian voice.
 */
const CONTENT_LANGUAGE = 'ru';

/** One block per article (role=group) holding its sections as options, numbered in keyboard order. */
export function renderGroups(lit: LitTags, list: ResultList): TemplateResult[] {
  const { html, nothing } = lit;
  const base = new URL(list.endpoint, document.baseURI).href;
  let index = 0;
  return list.groups.map((group, g) => {
    const headingId = `article-${g}`;
    return html`<div role="group" part="group" class="group" aria-labelledby=${headingId}>
      <div id=${headingId} class="article" part="article">
        <span class="title" lang=${CONTENT_LANGUAGE}>${group.article.title}</span>
        ${group.article.date ? html`<time datetime=${group.article.date}>${formatDate(group.article.date, list.language)}</time>` : nothing}
      </div>
      ${group.hits.map((hit) => renderOption(lit, list, hit, index++, base))}
    </div>`;
  });
}

function renderOption(lit: LitTags, list: ResultList, hit: SearchHit, i: number, base: string): TemplateResult {
  const { html, nothing } = lit;
  const href = safeHref(hit.url, base);
  const target = href ? withTextFragment(withHighlight(href, base, list.words), matchedPhrase(hit.snippet)) : undefined;
  // The option's name is its section title; the excerpt is its description (read after a pause),
  // so moving through the list is not a 300-character read per step.
  return html`<a
    id="option-${i}"
    role="option"
    lang=${CONTENT_LANGUAGE}
    aria-labelledby="section-${i}"
    aria-describedby="snippet-${i}"
    part="item"
    class="option"
    tabindex="-1"
    aria-selected=${i === list.active ? 'true' : 'false'}
    href=${target ?? nothing}
    @click=${(event: MouseEvent) => list.onChoose(event, hit)}
    @mousemove=${() => list.onHover(i)}
  >
    <span id="section-${i}" class="section" part="section">${renderSegments(lit, hit.titleHighlight.length ? hit.titleHighlight : [{ text: hit.section.title, highlight: false }])}</span>
    <span id="snippet-${i}" class="snippet" part="snippet">${renderSegments(lit, hit.snippet)}</span>
  </a>`;
}

function formatDate(date: string, language: Language): string {
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime())) return date;
  return parsed.toLocaleDateString(language, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}
