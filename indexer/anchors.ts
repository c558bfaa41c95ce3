/**
 * Section anchors: readable for Cyrillic (we keep the letters instead of transliterating, since
 * browsers show `#россия-ключевой-партнер` as is), stable for the same title, unique per article.
 */
const MAX_ANCHOR_LENGTH = 64;

export function slugify(title: string): string {
  const slug = title
    .normalize('NFC')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return cutAtHyphen(slug, MAX_ANCHOR_LENGTH) || 'section';
}

/** Returns anchors in the same order as the titles, suffixing repeats with -2, -3, … */
export function uniqueAnchors(titles: readonly string[], reserved: readonly string[] = []): string[] {
  const used = new Set(reserved);
  return titles.map((title) => {
    const base = slugify(title);
    let anchor = base;
    for (let n = 2; used.has(anchor); n++) anchor = `${base}-${n}`;
    used.add(anchor);
    return anchor;
  });
}

function cutAtHyphen(slug: string, max: number): string {
  if (slug.length <= max) return slug;
  const cut = slug.slice(0, max);
  const lastHyphen = cut.lastIndexOf('-');
  return lastHyphen > max / 2 ? cut.slice(0, lastHyphen) : cut;
}
