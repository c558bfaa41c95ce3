/**
 * A filter that says "maybe" for every word added to it and "no" for most others (a one-hash
 * Bloom filter), and the hashes of a word's one-edit variants computed without building them.
 *
 * Why: typo look-ups (core/text/typo.ts) build ~700 variants of a 10-letter word and look each up
 * in the vocabulary's Map; nearly all are not words, and building and hashing those strings was
 * ~6 % of a single-word search's CPU under load (issue 28, `npm run bench:api`, single pool). The
 * variant hashes come from prefix and suffix hashes in a few multiplications each, and only a
 * variant the filter may hold is built and looked up: the same candidates, found with a few
 * dozen strings instead of hundreds.
 */

/** Multiplier of the polynomial hash (odd; arithmetic is modulo 2³²). */
const BASE = 0x01000193;
/** Spreads the polynomial hash's low-entropy bits over the slot number (Fibonacci hashing). */
const MIX = 0x9e3779b1;
/** The filter doubles when it holds more than one word per this many bits (false "maybe" ≈ 6 %). */
const BITS_PER_WORD = 16;

/** The polynomial hash of a word's UTF-16 code units: Σ code[i]·BASE^(n−1−i) mod 2³². */
export function wordHash(word: string): number {
  let h = 0;
  for (let i = 0; i < word.length; i++) h = (Math.imul(h, BASE) + word.charCodeAt(i)) | 0;
  return h;
}

/** A growing set of words that may answer "maybe" for words it does not hold, never "no" for one it does. */
export class WordFilter {
  private bits: Int32Array;
  private log2: number;
  private count = 0;

  /** `words()` gives every word added so far: the filter rebuilds from it when it doubles. */
  constructor(private readonly words: () => Iterable<string>, log2 = 16) {
    this.log2 = log2;
    this.bits = new Int32Array(1 << (log2 - 5));
  }

  add(word: string): void {
    if (++this.count * BITS_PER_WORD > this.bits.length * 32) return this.grow();
    this.set(wordHash(word));
  }

  mayHave(hash: number): boolean {
    const slot = Math.imul(hash, MIX) >>> (32 - this.log2);
    return (this.bits[slot >>> 5]! & (1 << (slot & 31))) !== 0;
  }

  private set(hash: number): void {
    const slot = Math.imul(hash, MIX) >>> (32 - this.log2);
    this.bits[slot >>> 5]! |= 1 << (slot & 31);
  }

  private grow(): void {
    this.log2++;
    this.bits = new Int32Array(1 << (this.log2 - 5));
    this.count = 0;
    for (const word of this.words()) {
      this.count++;
      this.set(wordHash(word));
    }
  }
}

/** Hashes of a word's prefixes and suffixes and the powers of BASE, from which its variants' hashes follow. */
interface WordHashes {
  prefix: Int32Array; // prefix[i] = hash(word[0, i))
  suffix: Int32Array; // suffix[i] = hash(word[i, n))
  power: Int32Array; // power[k] = BASE^k
}

function wordHashes(word: string): WordHashes {
  const n = word.length;
  const prefix = new Int32Array(n + 1);
  const suffix = new Int32Array(n + 1);
  const power = new Int32Array(n + 2);
  power[0] = 1;
  for (let k = 1; k <= n + 1; k++) power[k] = Math.imul(power[k - 1]!, BASE);
  for (let i = 0; i < n; i++) prefix[i + 1] = (Math.imul(prefix[i]!, BASE) + word.charCodeAt(i)) | 0;
  for (let i = n - 1; i >= 0; i--) suffix[i] = (Math.imul(word.charCodeAt(i), power[n - 1 - i]!) + suffix[i + 1]!) | 0;
  return { prefix, suffix, power };
}

/** A variant's hash and how to build the variant when it is wanted. */
export type EditVisitor = (hash: number, make: () => string) => void;

/**
 * Calls `visit` for every string one delete or neighbour swap away from `word` (core/text/typo.ts
 * `deletesAndSwaps`, in its order), with its hash: hash(a + b) = hash(a)·BASE^|b| + hash(b).
 */
export function forEachDeleteOrSwapHash(word: string, visit: EditVisitor, hashes: WordHashes = wordHashes(word)): void {
  const { prefix, suffix, power } = hashes;
  const n = word.length;
  for (let i = 0; i < n; i++) {
    visit((Math.imul(prefix[i]!, power[n - i - 1]!) + suffix[i + 1]!) | 0, () => word.slice(0, i) + word.slice(i + 1));
    if (i + 1 < n && word[i] !== word[i + 1]) {
      const swapped = (Math.imul(prefix[i]!, power[n - i]!) + Math.imul(word.charCodeAt(i + 1), power[n - i - 1]!) + Math.imul(word.charCodeAt(i), power[n - i - 2]!) + suffix[i + 2]!) | 0;
      visit(swapped, () => word.slice(0, i) + word[i + 1]! + word[i]! + word.slice(i + 2));
    }
  }
}

/**
 * Calls `visit` for every string one delete, neighbour swap, replacement (by a letter of
 * `alphabet`) or insertion away from `word` — the strings core/text/typo.ts `edits1` builds, with
 * repeats — with its hash.
 */
export function forEachEditHash(word: string, alphabet: string, visit: EditVisitor): void {
  const hashes = wordHashes(word);
  forEachDeleteOrSwapHash(word, visit, hashes);
  const { prefix, suffix, power } = hashes;
  const n = word.length;
  for (let i = 0; i <= n; i++) {
    const inserted = Math.imul(prefix[i]!, power[n - i + 1]!);
    const replaced = i < n ? Math.imul(prefix[i]!, power[n - i]!) : 0;
    for (let l = 0; l < alphabet.length; l++) {
      const letter = alphabet.charCodeAt(l);
      visit((inserted + Math.imul(letter, power[n - i]!) + suffix[i]!) | 0, () => word.slice(0, i) + alphabet[l]! + word.slice(i));
      if (i < n && letter !== word.charCodeAt(i)) {
        visit((replaced + Math.imul(letter, power[n - i - 1]!) + suffix[i + 1]!) | 0, () => word.slice(0, i) + alphabet[l]! + word.slice(i + 1));
      }
    }
  }
}
