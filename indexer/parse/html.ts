/** HTML article → ParsedArticle. */
import { parse } from 'parse5';
import type { DefaultTreeAdapterMap } from 'parse5';
import { cleanText } from '../../core/text/normalize.js';
import { InputError } from '../../core/errors.js';
import { extractBodyMetadata, isoDate, stringField, tagList, type Block } from './body.js';
import type { ParsedArticle } from './types.js';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

/** Page furniture, never article text. */
const DROPPED = new Set(['nav', 'script', 'style', 'aside', 'noscript', 'template', 'iframe', 'svg', 'form', 'button', 'header', 'footer', 'figure', 'head']);
/** Elements whose text is one block of its own. */
const BLOCKS = new Set(['p', 'li', 'blockquote', 'pre', 'dd', 'dt', 'td', 'th', 'figcaption', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const SECTION_HEADINGS = new Set(['h2', 'h3']);

/**
 * An article page parsed with parse5 (the WHATWG algorithm browsers use, so broken markup reads
 * as a browser would show it). Title from og:title or the first <h1> (else <title>), date from
 * <time datetime> or article:published_time/date meta, url from the canonical link or og:url,
 * sections from <h2>/<h3>. The text comes from <article> or <main> when the page has one.
 */
export function parseHtml(html: string, origin: string): ParsedArticle {
  try {
    return parseHtmlDocument(html, origin);
  } catch (error) {
    // The tree walks recurse; a hostile page nested thousands deep overflows the stack.
    if (error instanceof RangeError) throw new InputError(origin, 'HTML nested too deeply to read (an HTML bomb?)');
    throw error;
  }
}

function parseHtmlDocument(html: string, origin: string): ParsedArticle {
  const document = parse(cleanText(html));
  const meta = metaTags(document);
  const root = findFirst(document, (el) => el.tagName === 'article') ?? findFirst(document, (el) => el.tagName === 'main') ?? findFirst(document, (el) => el.tagName === 'body') ?? document;
  const h1 = findFirst(root, (el) => el.tagName === 'h1');
  const title =
    stringField(meta.get('og:title')) ??
    (h1 ? stringField(textOf(h1)) : undefined) ??
    stringField(textOf(findFirst(document, (el) => el.tagName === 'title')));
  if (!title) throw new InputError(origin, 'no title (og:title, <h1> or <title>)');

  const blocks = collectBlocks(root).filter((b) => !(b.tag === 'h1' && b.text === title));
  const body = extractBodyMetadata(blocks.map((b): Block => ({ text: b.text, heading: SECTION_HEADINGS.has(b.tag) })));
  if (body.paragraphs.length === body.headingIndexes.length) throw new InputError(origin, 'the page has a title but no article text');
  const time = findFirst(root, (el) => el.tagName === 'time' && attr(el, 'datetime') !== undefined) ?? findFirst(document, (el) => el.tagName === 'time' && attr(el, 'datetime') !== undefined);
  const canonical = findFirst(document, (el) => el.tagName === 'link' && attr(el, 'rel')?.toLowerCase() === 'canonical');
  return {
    title,
    url: stringField(canonical ? attr(canonical, 'href') : undefined) ?? stringField(meta.get('og:url')),
    slug: undefined,
    date: isoDate(meta.get('article:published_time')) ?? isoDate(time ? attr(time, 'datetime') : undefined) ?? isoDate(meta.get('date')),
    tags: tagList(meta.get('article:tag') ?? meta.get('keywords')),
    place: body.place,
    agency: body.agency,
    source: body.source,
    summary: stringField(meta.get('description') ?? meta.get('og:description')),
    paragraphs: body.paragraphs,
    headingIndexes: body.headingIndexes,
  };
}

/** <meta name|property=… content=…>; repeated article:tag values are joined with commas. */
function metaTags(document: Node): Map<string, string> {
  const out = new Map<string, string>();
  walk(document, (el) => {
    if (el.tagName !== 'meta') return;
    const key = (attr(el, 'property') ?? attr(el, 'name') ?? attr(el, 'itemprop'))?.toLowerCase();
    const content = attr(el, 'content');
    if (!key || content === undefined) return;
    out.set(key, out.has(key) && key === 'article:tag' ? `${out.get(key)},${content}` : content);
  });
  return out;
}

interface HtmlBlock {
  tag: string;
  text: string;
}

/** Text blocks in document order; loose text between blocks (a bare <div>) forms a block too. */
function collectBlocks(root: Node): HtmlBlock[] {
  const blocks: HtmlBlock[] = [];
  let loose = '';
  const flushLoose = () => {
    const text = normalize(loose);
    if (text) blocks.push({ tag: 'p', text });
    loose = '';
  };
  const visit = (node: Node) => {
    if (node.nodeName === '#text') {
      loose += (node as DefaultTreeAdapterMap['textNode']).value;
      return;
    }
    if (!('tagName' in node)) return;
    const el = node as Element;
    if (DROPPED.has(el.tagName)) return;
    if (BLOCKS.has(el.tagName)) {
      flushLoose();
      const text = normalize(textOf(el));
      if (text) blocks.push({ tag: el.tagName, text });
      return;
    }
    if (el.tagName === 'br' || el.tagName === 'div' || el.tagName === 'section') flushLoose();
    for (const child of childrenOf(el)) visit(child);
    if (el.tagName === 'div' || el.tagName === 'section') flushLoose();
  };
  for (const child of childrenOf(root)) visit(child);
  flushLoose();
  return blocks;
}

function textOf(node: Node | undefined): string {
  if (!node) return '';
  if (node.nodeName === '#text') return (node as DefaultTreeAdapterMap['textNode']).value;
  if ('tagName' in node && DROPPED.has((node as Element).tagName) && (node as Element).tagName !== 'head') return '';
  return childrenOf(node).map(textOf).join((node as Element).tagName === 'br' ? '\n' : '');
}

function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function childrenOf(node: Node): Node[] {
  const n = node as Element;
  if (n.tagName === 'template') return [];
  return 'childNodes' in n ? (n.childNodes as Node[]) : [];
}

function attr(el: Element, name: string): string | undefined {
  return el.attrs.find((a) => a.name === name)?.value;
}

function walk(node: Node, visit: (el: Element) => void): void {
  if ('tagName' in node) visit(node as Element);
  for (const child of childrenOf(node)) walk(child, visit);
}

function findFirst(node: Node, match: (el: Element) => boolean): Element | undefined {
  if ('tagName' in node && match(node as Element)) return node as Element;
  for (const child of childrenOf(node)) {
    const found = findFirst(child, match);
    if (found) return found;
  }
  return undefined;
}
