import { describe, expect, it } from 'vitest';
import { matchedPhrase, safeHref, withTextFragment } from '../../../widget/render/links.js';

const API = 'https://news.example/api/search';

describe('result links', () => {
  it('allows http(s) and resolves relative urls against the API, not the embedding page', () => {
    expect(safeHref('/articles/a#lead', API)).toBe('https://news.example/articles/a#lead');
    expect(safeHref('https://other.example/x', API)).toBe('https://other.example/x');
    expect(safeHref('http://other.example/x', API)).toBe('http://other.example/x');
  });

  it('refuses every other scheme, however it is spelled', () => {
    for (const url of ['javascript:alert(1)', ' JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'data:text/html,x', 'vbscript:x', 'file:///etc/passwd', 'blob:https://a/b']) {
      expect(safeHref(url, API), url).toBeUndefined();
    }
    expect(safeHref('http://[bad', API)).toBeUndefined();
  });

  it('adds a text fragment for the first matched phrase, escaping the directive syntax', () => {
    expect(withTextFragment('https://n.example/a#lead', 'соглашение')).toBe(`https://n.example/a#lead:~:text=${encodeURIComponent('соглашение')}`);
    expect(withTextFragment('https://n.example/a', 'a-b, c&d')).toBe('https://n.example/a#:~:text=a%2Db%2C%20c%26d');
    expect(withTextFragment('https://n.example/a#x', undefined)).toBe('https://n.example/a#x');
  });

  it('takes the phrase from the first highlighted segment', () => {
    expect(matchedPhrase([{ text: 'о ', highlight: false }, { text: ' паром ', highlight: true }, { text: 'паромы', highlight: true }])).toBe('паром');
    expect(matchedPhrase([{ text: 'нет', highlight: false }])).toBeUndefined();
  });
});
