const RU = new Intl.PluralRules('ru');

/** Russian plural form: forms are [one, few, many] — «1 результат», «2 результата», «5 результатов». */
export function pluralRu(n: number, [one, few, many]: readonly [string, string, string]): string {
  switch (RU.select(n)) {
    case 'one':
      return one;
    case 'few':
      return few;
    default:
      return many;
  }
}
