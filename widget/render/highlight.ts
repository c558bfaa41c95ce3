import { html, type TemplateResult } from 'lit';
import type { Segment } from '../../core/api.js';

/** Segments → text and <mark>; Lit puts interpolated strings in text nodes, never parsed as HTML. */
export function renderSegments(segments: readonly Segment[]): TemplateResult[] {
  return segments.map((s) => (s.highlight ? html`<mark part="mark">${s.text}</mark>` : html`${s.text}`));
}

/** Only http(s) links and same-origin relative paths may become hrefs. */
export function safeHref(url: string, base: string): string | undefined {
  try {
    const parsed = new URL(url, base);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
