/**
 * `npm test` runs each reliability scenario in its short form; `npm run test:reliability` sets
 * RELIABILITY=full for the real durations and sizes and writes docs/RELIABILITY.md.
 */
export const FULL = process.env['RELIABILITY'] === 'full';

export function pick<T>(short: T, full: T): T {
  return FULL ? full : short;
}
