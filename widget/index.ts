import { NewsSearch } from './news-search.js';

if (!customElements.get('news-search')) customElements.define('news-search', NewsSearch);

export { NewsSearch };
