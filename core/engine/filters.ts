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

export function oneOf(attribute: string, values: readonly string[]): string {
  return `${attribute} IN [${values.map(quoteFilterValue).join(', ')}]`;
}

/** String comparison (the engine compares folded strings, in code-point order). */
export function atLeast(attribute: string, value: string): string {
  return `${attribute} >= ${quoteFilterValue(value)}`;
}

/** Numeric comparison; only finite integers can be written, so nothing else can reach the filter. */
export function compare(attribute: string, operator: '>=' | '<=', value: number): string {
  if (!Number.isSafeInteger(value)) throw new TypeError(`filter bound for ${attribute} must be an integer`);
  return `${attribute} ${operator} ${value}`;
}
