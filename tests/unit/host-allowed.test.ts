import { describe, expect, it } from 'vitest';
import { hostAllowed } from '../../core/url.js';

describe('hostAllowed (WEB_ALLOW_HOSTS)', () => {
  const allowed = ['site.example', '.news.example', 'cms.example:8080', '[::1]'];
  const ok = (url: string) => hostAllowed(allowed, new URL(url));

  it('takes a host on any port, a subdomain pattern, a host with its port only', () => {
    expect(ok('https://site.example/a')).toBe(true);
    expect(ok('http://SITE.example:81/a')).toBe(true);
    expect(ok('https://news.example/')).toBe(true);
    expect(ok('https://www.news.example/')).toBe(true);
    expect(ok('http://cms.example:8080/x')).toBe(true);
    expect(ok('http://[::1]:3000/x')).toBe(true);
  });

  it('refuses look-alikes, other ports and other hosts', () => {
    expect(ok('https://site.example.evil.test/')).toBe(false);
    expect(ok('https://evilnews.example/')).toBe(false);
    expect(ok('http://cms.example/x')).toBe(false);
    expect(ok('http://cms.example:8081/x')).toBe(false);
    expect(ok('http://127.0.0.1/')).toBe(false);
    expect(ok('http://user@site.example.evil.test/')).toBe(false);
  });
});
