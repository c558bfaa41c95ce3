/**
 * A copy of a string that holds no reference to the text it was cut from.
 *
 * V8 makes a substring of 13 or more characters (from match, split, slice) a "slice" that keeps
 * the whole parent string alive. A long word kept as a key in a long-lived table (the stem memo,
 * the ranking index's terms and surface words) would otherwise keep the whole chunk text or
 * `stems` field it first came from (measured with bench:scale at 1×: see docs/scale.md).
 * Shorter substrings are copies already.
 */
const SLICE_MIN_LENGTH = 13;

export function detachString(value: string): string {
  return value.length < SLICE_MIN_LENGTH ? value : (JSON.parse(JSON.stringify(value)) as string);
}
