/** HTML escaping and highlight segments for the server-rendered pages. */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Segments → escaped HTML with <mark> around highlighted runs. */
export function segmentsHtml(segments: readonly { text: string; highlight: boolean }[]): string {
  return segments.map((s) => (s.highlight ? `<mark>${escapeHtml(s.text)}</mark>` : escapeHtml(s.text))).join('');
}
