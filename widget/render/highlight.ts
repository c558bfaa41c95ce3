import { html, type TemplateResult } from 'lit';
import type { Segment } from '../../core/api.js';

/** Segments → text and <mark>; Lit puts interpolated strings in text nodes, never parsed as HTML. */
export function renderSegments(segments: readonly Segment[]): TemplateResult[] {
  return segments.map((s) => (s.highlight ? html`<mark part="mark">${s.text}</mark>` : html`${s.text}`));
}
