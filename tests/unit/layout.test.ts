import { describe, expect, it } from 'vitest';
import {
  correctionCandidates,
  isPlausibleRussian,
  jcukenToQwerty,
  qwertyToJcuken,
  transliterateToCyrillic,
} from '../../core/text/layout.js';

// Typed with the QWERTY layout on while meaning ЙЦУКЕН keys.
const WRONG_LAYOUT: [string, string][] = [
  ['ghbdtn', 'привет'],
  ['cjukfitybt', 'соглашение'],
  ['Vjcrdf', 'Москва'],
  ['vbycr', 'минск'],
  ['<htcn', 'Брест'],
  ['uhjlyj', 'гродно'],
  ['Uhjlyjbydtcn', 'Гродноинвест'],
  ['gfhnyth', 'партнер'],
  ['gfhny`h', 'партнёр'],
  [',tkfhecm', 'беларусь'],
  ['cvjktycr', 'смоленск'],
  ['bydtcnbwbb', 'инвестиции'],
  ['ghjtrns', 'проекты'],
  ['yjdjcnb', 'новости'],
  ['ghtpbltyn', 'президент'],
  ['ghfdbntkmcndj', 'правительство'],
  ["'rjyjvbrf", 'экономика'],
  ['dj;lm', 'вождь'],
  ['[jrrtq', 'хоккей'],
  ['athhf', 'ферра'],
  ['ltktufwbz', 'делегация'],
  ['cjnhelybxtcndj', 'сотрудничество'],
  ['rjhgjhfwbz', 'корпорация'],
  ['ahfywbz', 'франция'],
  ['rbnfq', 'китай'],
  ['cif', 'сша'],
  ['dsgecr', 'выпуск'],
  ['ljkkfh', 'доллар'],
  ['ytanm', 'нефть'],
  ['ujcelfhcndj', 'государство'],
  ['ptvkz', 'земля'],
  ['j,hfpjdfybt', 'образование'],
  ['pljhjdmt', 'здоровье'],
  ['dfrwbyf', 'вакцина'],
  ['gjujlf', 'погода'],
  ['cgjhn', 'спорт'],
  ['abyfyc', 'финанс'],
  ['ceg', 'суп'],
  ['Ctdfcnjgjkm', 'Севастополь'],
  ['Rhsv', 'Крым'],
];

// Latin transliterations of Russian words.
const TRANSLIT: [string, string][] = [
  ['moskva', 'москва'],
  ['belarus', 'беларус'],
  ['grodnoinvest', 'гродноинвест'],
  ['Minsk', 'Минск'],
  ['smolensk', 'смоленск'],
  ['brest', 'брест'],
  ['sotrudnichestvo', 'сотрудничество'],
  ['soglashenie', 'соглашение'],
  ['zhurnalist', 'журналист'],
  ['khimiya', 'химия'],
  ['shchuka', 'щука'],
  ['yabloko', 'яблоко'],
  ['yula', 'юла'],
  ['tsentr', 'центр'],
  ['Putin', 'Путин'],
  ['novosti', 'новости'],
  ['ekonomika', 'економика'],
  ['Krasnodar', 'Краснодар'],
  ['Nikolay', 'Николай'],
  ['Dmitriy', 'Дмитрий'],
  ['noviy', 'новий'],
];

describe('qwertyToJcuken', () => {
  it.each(WRONG_LAYOUT)('%s → %s', (typed, want) => {
    expect(qwertyToJcuken(typed)).toBe(want);
  });
  it('round-trips with jcukenToQwerty', () => {
    for (const [typed] of WRONG_LAYOUT) expect(jcukenToQwerty(qwertyToJcuken(typed))).toBe(typed);
    expect(jcukenToQwerty('шЗрщту')).toBe('iPhone');
  });
});

describe('transliterateToCyrillic', () => {
  it.each(TRANSLIT)('%s → %s', (typed, want) => {
    expect(transliterateToCyrillic(typed)).toBe(want);
  });
});

describe('correctionCandidates', () => {
  it('offers the layout conversion first, then transliteration', () => {
    expect(correctionCandidates('cjukfitybt')[0]).toEqual({ query: 'соглашение', kind: 'layout' });
    expect(correctionCandidates('moskva')).toContainEqual({ query: 'москва', kind: 'translit' });
    expect(correctionCandidates('Vjcrdf')[0]).toEqual({ query: 'Москва', kind: 'layout' });
  });
  it('offers nothing for mixed scripts, digits only, or one letter', () => {
    expect(correctionCandidates('iPhone 15 Про')).toEqual([]);
    expect(correctionCandidates('2024')).toEqual([]);
    expect(correctionCandidates('x')).toEqual([]);
  });
  it('does not turn random Latin into implausible Russian', () => {
    // "www" → "ццц", "nbsp" → "тисз"-like consonant runs are rejected.
    expect(correctionCandidates('www').map((c) => c.kind)).not.toContain('layout');
    expect(isPlausibleRussian('ццц')).toBe(false);
    expect(isPlausibleRussian('ьфыв')).toBe(false);
    expect(isPlausibleRussian('привет мир')).toBe(true);
  });
});
