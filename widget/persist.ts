/**
 * The query kept across reloads, only for pages that ask for it (`persist`). sessionStorage so it
 * lives as long as the tab; storage can throw (privacy modes, sandboxed frames), and then we simply
 * don't remember.
 */
export function loadQuery(key: string): string {
  try {
    return sessionStorage.getItem(key) ?? '';
  } catch {
    return '';
  }
}

export function saveQuery(key: string, query: string): void {
  try {
    if (query) sessionStorage.setItem(key, query);
    else sessionStorage.removeItem(key);
  } catch {
    // Not remembering is the documented fallback.
  }
}
