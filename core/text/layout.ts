/**
 * Queries typed with the wrong keyboard layout (`ghbdtn` for «привет», ЙЦУКЕН keys pressed while
 * the QWERTY layout was on) and Latin transliterations of Russian words (`moskva`). These
 * functions only propose candidates; whether one is used is decided against the engine
 * (server/search/layout-correction.ts), so a real English word or a brand keeps its own results.
 */

const QWERTY = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`";
const JCUKEN = 'йцукенгшщзхъфывапролджэячсмитьбюё';
const QWERTY_UPPER = 'QWERTYUIOP{}ASDFGHJKL:"ZXCVBNM<>~';
const JCUKEN_UPPER = 'ЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮЁ';

const TO_CYRILLIC = new Map<string, string>();
const TO_LATIN = new Map<string, string>();
for (const [latin, cyrillic] of [
  [QWERTY, JCUKEN],
  [QWERTY_UPPER, JCUKEN_UPPER],
] as const) {
  for (let i = 0; i < latin.length; i++) {
    TO_CYRILLIC.set(latin[i]!, cyrillic[i]!);
    TO_LATIN.set(cyrillic[i]!, latin[i]!);
  }
}

/** Keys pressed on the QWERTY layout, read as ЙЦУКЕН: `cjukfitybt` → `соглашение`. */
export function qwertyToJcuken(text: string): string {
  return [...text].map((c) => TO_CYRILLIC.get(c) ?? c).join('');
}

/** Keys pressed on ЙЦУКЕН, read as QWERTY: `шЗрщту` → `iPhone`. */
export function jcukenToQwerty(text: string): string {
  return [...text].map((c) => TO_LATIN.get(c) ?? c).join('');
}

/** Latin → Cyrillic, longest sequences first (a common mix of GOST and BGN/PCGN spellings). */
const TRANSLIT_RULES: [string, string][] = [
  ['shch', 'щ'], ['sch', 'щ'],
  ['yo', 'ё'], ['yu', 'ю'], ['ya', 'я'], ['ye', 'е'], ['ju', 'ю'], ['ja', 'я'], ['jo', 'ё'],
  ['zh', 'ж'], ['kh', 'х'], ['ts', 'ц'], ['tz', 'ц'], ['ch', 'ч'], ['sh', 'ш'],
  ['a', 'а'], ['b', 'б'], ['v', 'в'], ['w', 'в'], ['g', 'г'], ['d', 'д'], ['e', 'е'], ['z', 'з'], ['i', 'и'],
  ['j', 'й'], ['y', 'ы'], ['k', 'к'], ['l', 'л'], ['m', 'м'], ['n', 'н'], ['o', 'о'], ['p', 'п'], ['r', 'р'],
  ['s', 'с'], ['t', 'т'], ['u', 'у'], ['f', 'ф'], ['h', 'х'], ['c', 'к'], ['q', 'к'], ['x', 'кс'],
  ["'", 'ь'],
];

/** `moskva` → `москва`, `grodnoinvest` → `гродноинвест`; case of the first letter is kept. */
export function transliterateToCyrillic(text: string): string {
  return text.replace(/[A-Za-z']+/g, (word) => {
    const lower = word.toLowerCase();
    let out = '';
    for (let i = 0; i < lower.length; ) {
      const rule = TRANSLIT_RULES.find(([latin]) => lower.startsWith(latin, i))!;
      out += rule[1];
      i += rule[0].length;
    }
    // A word-final "y" after a vowel is "й": -iy → -ий, -yy → -ый, -ay → -ай.
    out = out.replace(/([аеиоуыэюя])ы$/u, '$1й');
    return /^[A-Z]/.test(word) ? out[0]!.toUpperCase() + out.slice(1) : out;
  });
}

export type CorrectionKind = 'layout' | 'translit';

export interface Candidate {
  query: string;
  kind: CorrectionKind;
}

const LATIN_QUERY = /^[A-Za-z\s\d.,;:'"`\[\]{}<>~-]+$/;
const CYRILLIC_QUERY = /^[А-Яа-яЁё\s\d.,;:"-]+$/u;

/**
 * Alternatives worth trying for a query, most likely first. Only whole-query conversions:
 * a query mixing scripts was typed on purpose.
 */
export function correctionCandidates(q: string): Candidate[] {
  const query = q.trim();
  if (query.length < 2) return [];
  const candidates: Candidate[] = [];
  if (LATIN_QUERY.test(query) && /[A-Za-z]/.test(query)) {
    const layout = qwertyToJcuken(query);
    if (isPlausibleRussian(layout)) candidates.push({ query: layout, kind: 'layout' });
    if (/^[A-Za-z\s'-]+$/.test(query)) {
      const translit = transliterateToCyrillic(query);
      if (translit !== layout && isPlausibleRussian(translit)) candidates.push({ query: translit, kind: 'translit' });
    }
  } else if (CYRILLIC_QUERY.test(query) && /[А-Яа-яЁё]/u.test(query)) {
    const latin = jcukenToQwerty(query);
    if (/^[A-Za-z\s\d-]+$/.test(latin) && /[aeiouy]/i.test(latin)) candidates.push({ query: latin, kind: 'layout' });
  }
  return candidates;
}

/** Rejects strings no Russian word looks like, so that random Latin never becomes a query. */
export function isPlausibleRussian(text: string): boolean {
  const words = text.toLowerCase().match(/[а-яё]+/gu);
  if (!words || words.join('').length < 2) return false;
  if (/[^а-яё\s\d-]/u.test(text.toLowerCase().replace(/[.,;:"]/g, ''))) return false;
  return words.every(
    (w) =>
      /[аеёиоуыэюя]/u.test(w) &&
      !/^[ьъы]/u.test(w) &&
      !/[ьъ]{2}|([а-яё])\1\1|[йъь][ьъ]|[бвгджзклмнпрстфхцчшщ]{5}/u.test(w),
  );
}
