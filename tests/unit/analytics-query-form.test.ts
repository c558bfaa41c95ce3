import { describe, expect, it } from 'vitest';
import { maskQuery, queryKey } from '../../server/analytics/query-form.js';

describe('analytics query form', () => {
  it.each([
    ['звонок +7 (912) 345-67-89', 'звонок [phone]'],
    ['8-912-345-67-89 адрес', '[phone] адрес'],
    ['пишите ivan.petrov@mail.ru', 'пишите [email]'],
    ['ссылка https://example.com/a?b=1 тут', 'ссылка [url] тут'],
    ['сайт lenta.ru/news', 'сайт [url]'],
    ['код 123456', 'код [digits]'],
    ['выборы 2024', 'выборы 2024'],
  ])('masks %s', (q, masked) => {
    expect(maskQuery(q)).toBe(masked);
  });

  it('groups case, ё/е and word forms together', () => {
    const key = queryKey(maskQuery('Путин'));
    for (const q of ['путина', 'ПУТИНУ', ' путин ']) expect(queryKey(maskQuery(q))).toBe(key);
    expect(queryKey(maskQuery('Ёлка'))).toBe(queryKey(maskQuery('елки')));
    expect(queryKey(maskQuery('путин визит'))).not.toBe(key);
  });
});

describe('analytics query key', () => {
  it('is the search\'s own stems (stop words left out), placeholders kept', async () => {
    const { stems } = await import('../../core/text/stem.js');
    expect(queryKey(maskQuery('Визит в Москву'))).toBe(queryKey(maskQuery('визит москвы')));
    expect(queryKey(maskQuery('Визит в Москву'))).toBe(stems('Визит в Москву').join(' '));
    expect(queryKey(maskQuery('звонок +7 (912) 345-67-89 и письмо'))).toBe(`${stems('звонок').join(' ')} [phone] ${stems('письмо').join(' ')}`);
    // Only stop words: still a query of its own (its folded words), not dropped.
    expect(queryKey(maskQuery('И'))).toBe('и');
  });
});
