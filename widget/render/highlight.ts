import type { TemplateResult } from 'lit';
import type { Segment } from '../../core/api.js';
import type { LitTags } from '../lazy/lit-tags.js';

/** Segments → text and <mark>; Lit puts interpolated strings in text nodes, never parsed as HTML. */
export function renderSegments({ html }: LitTags, segments: readonly Segment[]): TemplateResult[] {
  return segments.map((s) => (s.highlight ? html`<mark part="mark">${s.text}</mark>` : html`${s.text}`));
}
