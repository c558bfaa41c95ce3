/**
 * Filter expressions from validated values. A value is always a double-quoted literal with
 * backslashes escaped first, then quotes (meilisearch-facts §8); raw input is never pasted.
 */
export function quoteFilterValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function equals(attribute: string, value: string): string {
  return `${attribute} = ${quoteFilterValue(value)}`;
}
