/**
 * Requests generated from an OpenAPI 3.1 document, as schemathesis does: for each operation,
 * positive cases (every parameter and body within its schema, boundaries included) and negative
 * ones (one parameter or field breaking its schema), as fast-check arbitraries.
 *
 * Why hand-written: the one JSON Schema → fast-check library on npm, json-schema-fast-check 0.0.6,
 * depends on fast-check 1 and faker 4 (unmaintained since 2019; ours is fast-check 4), and
 * json-schema-faker makes positive values only, with its own randomness (no seed shared with
 * fast-check, no negative data). The subset of JSON Schema below is what the document uses; a
 * keyword outside it throws, naming the operation and the keyword, so a new route whose schema uses
 * one fails the suite until it is supported here instead of being tested with less than it says.
 */
import fc from 'fast-check';

export type Schema = Record<string, unknown>;
export type Doc = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> }; security?: unknown[] };
export interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required?: boolean;
  schema: Schema;
}
export interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: Schema }> }>;
  security?: unknown[];
}

/** One generated request: where parameters go, and whether it keeps to the schemas. */
export interface Case {
  method: string;
  path: string;
  operation: Operation;
  kind: 'positive' | 'negative';
  /** What a negative case breaks (`limit: above maximum`), for the failure message. */
  violation?: string;
  pathParams: Record<string, string>;
  query: [string, string][];
  /** The JSON body as sent (already text), or undefined for none. */
  body?: string;
}

/** Keywords that only describe (no effect on which values are valid). */
const ANNOTATIONS = new Set(['description', 'default', 'title', 'example', 'examples', 'deprecated', 'readOnly', 'writeOnly']);
const SUPPORTED = new Set([
  ...ANNOTATIONS,
  'type',
  'enum',
  'const',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'items',
  'minItems',
  'maxItems',
  'properties',
  'required',
  'additionalProperties',
  'oneOf',
  'anyOf',
  '$ref',
]);
const FORMATS = new Set(['date', 'date-time', 'uri']);
/** Beyond these, generated texts and lists add cost, not coverage (boundaries are generated separately). */
const TYPICAL_LENGTH = 40;
const TYPICAL_ITEMS = 4;

export class SchemaCases {
  constructor(private readonly doc: Doc) {}

  /** `$ref`s followed, unsupported keywords refused (see the module comment). */
  resolve(schema: Schema, where: string): Schema {
    let s = schema;
    for (let depth = 0; typeof s['$ref'] === 'string'; depth++) {
      const ref = s['$ref'];
      if (depth > 20 || !ref.startsWith('#/')) throw new Error(`${where}: cannot follow $ref ${ref}`);
      s = ref
        .slice(2)
        .split('/')
        .reduce<any>((node, key) => node?.[key.replaceAll('~1', '/').replaceAll('~0', '~')], this.doc) as Schema;
      if (!s) throw new Error(`${where}: $ref ${ref} names nothing`);
    }
    for (const key of Object.keys(s)) {
      if (!SUPPORTED.has(key)) throw new Error(`${where}: schema keyword "${key}" is not supported by tests/support/openapi-cases.ts; add it there`);
    }
    if (typeof s['format'] === 'string' && !FORMATS.has(s['format'])) throw new Error(`${where}: format "${s['format']}" is not supported by tests/support/openapi-cases.ts`);
    return s;
  }

  /** Values valid against `schema`, with its boundaries (longest, shortest, smallest, largest) often. */
  valid(schema: Schema, where: string): fc.Arbitrary<unknown> {
    const s = this.resolve(schema, where);
    if ('const' in s) return fc.constant(s['const']);
    if (Array.isArray(s['enum'])) return fc.constantFrom(...(s['enum'] as unknown[]));
    for (const key of ['oneOf', 'anyOf'] as const) {
      if (Array.isArray(s[key])) return fc.oneof(...(s[key] as Schema[]).map((branch, i) => this.valid(branch, `${where}.${key}[${i}]`)));
    }
    const types = typesOf(s);
    if (types.length > 1) return fc.oneof(...types.map((type) => this.valid({ ...s, type }, where)));
    switch (types[0]) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
      case 'number': {
        const min = num(s['minimum']) ?? -1e6;
        const max = num(s['maximum']) ?? 1e6;
        const any = types[0] === 'integer' ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
        return fc.oneof({ arbitrary: any, weight: 4 }, { arbitrary: fc.constantFrom(min, max), weight: 1 });
      }
      case 'string':
        return this.validString(s);
      case 'array': {
        const items = s['items'] ? this.valid(s['items'] as Schema, `${where}.items`) : fc.jsonValue();
        const minLength = num(s['minItems']) ?? 0;
        return fc.array(items, { minLength, maxLength: Math.min(num(s['maxItems']) ?? TYPICAL_ITEMS, Math.max(minLength, TYPICAL_ITEMS)) });
      }
      case 'object': {
        const properties = (s['properties'] ?? {}) as Record<string, Schema>;
        const model = Object.fromEntries(Object.entries(properties).map(([name, p]) => [name, this.valid(p, `${where}.${name}`)]));
        return fc.record(model, { requiredKeys: ((s['required'] as string[] | undefined) ?? []).filter((k) => k in properties) });
      }
      default:
        return fc.jsonValue();
    }
  }

  private validString(s: Schema): fc.Arbitrary<string> {
    const minLength = num(s['minLength']) ?? 0;
    const maxLength = num(s['maxLength']);
    const within = (text: string) => codePoints(text) >= minLength && (maxLength === undefined || codePoints(text) <= maxLength);
    if (s['format'] === 'date') return fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    if (s['format'] === 'date-time') return fc.date({ min: new Date('1970-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
    if (s['format'] === 'uri') return fc.webUrl();
    if (typeof s['pattern'] === 'string') return fc.stringMatching(new RegExp(s['pattern'], 'u')).filter(within);
    const typical = fc.string({ unit: 'binary', minLength, maxLength: Math.max(minLength, Math.min(maxLength ?? TYPICAL_LENGTH, TYPICAL_LENGTH)) });
    const words = fc.array(fc.constantFrom('соглашение', 'Минск', 'клуб', 'завод', 'матч', 'и', 'в'), { minLength: 1, maxLength: 6 }).map((w) => w.join(' ')).filter(within);
    const longest = maxLength ?? 1000; // an unbounded text still gets a long paste now and then
    // The widest characters in UTF-8 (4 bytes, 12 percent-encoded, two UTF-16 units), and 3-byte ones.
    const boundaries = fc.constantFrom('😀'.repeat(longest), '“'.repeat(longest), 'я'.repeat(longest), 'a'.repeat(Math.max(minLength, 1))).filter(within);
    return fc.oneof({ arbitrary: typical, weight: 5 }, { arbitrary: words, weight: 3 }, { arbitrary: boundaries, weight: 1 });
  }

  /**
   * The value of `schema` that takes the most bytes, where there is one to name: the longest text
   * of the widest characters (4 bytes in UTF-8, 12 percent-encoded or JSON-escaped), the largest
   * number; an object of its properties' widest. Undefined for patterns, formats, enums and others.
   */
  widest(schema: Schema, where: string): unknown {
    const s = this.resolve(schema, where);
    const [type] = typesOf(s);
    if ('const' in s || s['enum'] || s['pattern'] || s['format'] || typesOf(s).length !== 1) return undefined;
    if (type === 'string' && typeof s['maxLength'] === 'number') return '😀'.repeat(s['maxLength']);
    if ((type === 'integer' || type === 'number') && typeof s['maximum'] === 'number') return s['maximum'];
    if (type === 'object') {
      const props = Object.entries((s['properties'] ?? {}) as Record<string, Schema>).map(([name, p]) => [name, this.widest(p, `${where}.${name}`)] as const);
      const widest = Object.fromEntries(props.filter(([, v]) => v !== undefined));
      return Object.keys(widest).length > 0 ? widest : undefined;
    }
    return undefined;
  }

  /**
   * Values that break `schema` in one way each, labelled; `asText` for query and path parameters,
   * where every value is text (so a type is broken by text that is not a number, not by a JSON type).
   */
  invalid(schema: Schema, where: string, asText: boolean): [string, fc.Arbitrary<unknown>][] {
    const s = this.resolve(schema, where);
    const out: [string, fc.Arbitrary<unknown>][] = [];
    const types = typesOf(s);
    const wrongTypes: Record<string, unknown[]> = asText
      ? { integer: ['x', '1.5', '1e1', ''], number: ['x', ''], boolean: ['maybe', '2', ''] }
      : { string: [5, true, null, ['a'], { a: 1 }], integer: ['5', 1.5, true, null], number: ['5', true, null], boolean: ['true', 1, null], object: [[], 'x', 1, null], array: [{}, 'x', null] };
    if (types.length === 1 && !('const' in s) && !Array.isArray(s['enum'])) {
      const wrong = wrongTypes[types[0]!];
      if (wrong) out.push([`not ${types[0]}`, fc.constantFrom(...wrong)]);
    }
    if (Array.isArray(s['enum'])) out.push(['not in enum', fc.string({ minLength: 1, maxLength: 10 }).filter((v) => !(s['enum'] as unknown[]).includes(v))]);
    const min = num(s['minimum']);
    const max = num(s['maximum']);
    const show = (n: number) => (asText ? String(n) : n);
    if (min !== undefined) out.push(['below minimum', fc.integer({ min: min - 1000, max: min - 1 }).map(show)]);
    if (max !== undefined) out.push(['above maximum', fc.integer({ min: max + 1, max: max + 1000 }).map(show)]);
    const minLength = num(s['minLength']);
    const maxLength = num(s['maxLength']);
    if (minLength !== undefined && minLength > 0) out.push(['shorter than minLength', fc.string({ unit: 'binary', maxLength: minLength - 1 })]);
    if (maxLength !== undefined) out.push(['longer than maxLength', fc.constantFrom('я', '😀', 'a').map((c) => c.repeat(maxLength + 1))]);
    if (typeof s['pattern'] === 'string') {
      const re = new RegExp(s['pattern'], 'u');
      out.push(['not matching pattern', fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).filter((v) => !re.test(v))]);
    }
    if (s['format'] === 'date') out.push(['not a date', fc.constantFrom('2025-02-30', '2025-13-01', '2025-1-1', 'yesterday', '20250101')]);
    if (types[0] === 'object' && s['additionalProperties'] === false) {
      const known = Object.keys((s['properties'] ?? {}) as object);
      out.push(['unknown property', fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !known.includes(k) && k !== '__proto__').map((k) => ({ [k]: 1 }))]);
    }
    if (types[0] === 'object') {
      for (const name of (s['required'] as string[] | undefined) ?? []) out.push([`without required ${name}`, fc.constant({})]);
      // One field broken at a time, the others valid.
      for (const [name, p] of Object.entries((s['properties'] ?? {}) as Record<string, Schema>)) {
        for (const [label, arb] of this.invalid(p, `${where}.${name}`, false)) {
          out.push([`${name}: ${label}`, fc.tuple(this.valid(s, where), arb).map(([base, bad]) => ({ ...(base as object), [name]: bad }))]);
        }
      }
    }
    return out;
  }
}

/** Every positive and negative case for one operation (numbers per kind), seeded. */
export function operationCases(cases: SchemaCases, method: string, path: string, op: Operation, counts: { positive: number; negative: number }, seed: number): Case[] {
  const where = `${method.toUpperCase()} ${path}`;
  const params = op.parameters ?? [];
  for (const p of params) if (p.in !== 'query' && p.in !== 'path') throw new Error(`${where}: ${p.in} parameters are not supported by tests/support/openapi-cases.ts`);
  const bodySchema = op.requestBody?.content['application/json']?.schema;
  if (op.requestBody && !bodySchema) throw new Error(`${where}: only application/json request bodies are supported by tests/support/openapi-cases.ts`);
  const paramArbs = Object.fromEntries(params.map((p) => [p.name, cases.valid(p.schema, `${where} ${p.name}`)]));
  const required = params.filter((p) => p.required || p.in === 'path').map((p) => p.name);
  const optional = params.filter((p) => !required.includes(p.name)).map((p) => p.name);
  // Each optional parameter in about a quarter of the cases: with all of them at once, filters would leave nothing to find.
  const someParams = fc
    .tuple(fc.record(paramArbs, { requiredKeys: required }), fc.subarray(optional))
    .map(([values, kept]) => Object.fromEntries(Object.entries(values).filter(([name]) => required.includes(name) || kept.includes(name))));
  const valid = fc.record(
    {
      params: someParams,
      body: bodySchema ? cases.valid(bodySchema, `${where} body`) : fc.constant(undefined),
    },
    { requiredKeys: ['params', 'body'] },
  );
  const make = (kind: Case['kind'], values: Record<string, unknown>, body: unknown, violation?: string): Case => {
    const byName = new Map(params.map((p) => [p.name, p]));
    const pathParams: Record<string, string> = {};
    const query: [string, string][] = [];
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) continue;
      if (byName.get(name)?.in === 'path') pathParams[name] = String(value);
      else if (Array.isArray(value)) for (const v of value) query.push([name, String(v)]);
      else query.push([name, String(value)]);
    }
    return { method: method.toUpperCase(), path, operation: op, kind, violation, pathParams, query, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
  };
  const positive = fc.sample(valid, { numRuns: counts.positive, seed }).map((v) => make('positive', v.params, v.body));
  // As schemathesis' coverage phase: one request with every parameter (or body field) at its widest
  // at once, the largest URL or body the document allows, which the size limits must carry.
  if (positive.length > 0) {
    const widestParams = Object.fromEntries(params.map((p) => [p.name, cases.widest(p.schema, `${where} ${p.name}`)]).filter(([, v]) => v !== undefined));
    const widestBody = bodySchema === undefined ? undefined : cases.widest(bodySchema, `${where} body`);
    const [base] = fc.sample(valid, { numRuns: 1, seed });
    if (Object.keys(widestParams).length > 0 || widestBody !== undefined) {
      positive.push(make('positive', { ...base!.params, ...widestParams }, widestBody === undefined ? base!.body : overlay(base!.body, widestBody)));
    }
  }
  const breakers: fc.Arbitrary<Case>[] = [];
  for (const p of params) {
    // A query parameter given twice is an array where the schema says one value (none here is an array).
    const twice: [string, fc.Arbitrary<unknown>][] = p.in === 'query' && cases.resolve(p.schema, where)['type'] !== 'array' ? [['given twice', fc.array(cases.valid(p.schema, `${where} ${p.name}`), { minLength: 2, maxLength: 2 })]] : [];
    for (const [label, arb] of [...cases.invalid(p.schema, `${where} ${p.name}`, true), ...twice]) {
      breakers.push(fc.tuple(valid, arb).map(([v, bad]) => make('negative', { ...v.params, [p.name]: bad }, v.body, `${p.name}: ${label}`)));
    }
  }
  if (bodySchema) {
    for (const [label, arb] of cases.invalid(bodySchema, `${where} body`, false)) {
      breakers.push(fc.tuple(valid, arb).map(([v, bad]) => make('negative', v.params, bad, `body ${label}`)));
    }
    if (op.requestBody?.required) breakers.push(valid.map((v) => ({ ...make('negative', v.params, undefined, 'body: missing'), body: '' })));
  }
  // Every way of breaking the schema in turn, so each is tried about equally often.
  const negative = breakers.length === 0 ? [] : breakers.flatMap((b, i) => fc.sample(b, { numRuns: Math.ceil(counts.negative / breakers.length), seed: seed + i + 1 }));
  return [...positive, ...negative];
}

function typesOf(s: Schema): string[] {
  const t = s['type'];
  if (Array.isArray(t)) return t as string[];
  if (typeof t === 'string') return [t];
  if (s['properties']) return ['object'];
  return [];
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** `top` over `base`, objects merged field by field: a widest nested object keeps the base's required fields it has no widest value for. */
function overlay(base: unknown, top: unknown): unknown {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(base) || !isObject(top)) return top;
  const merged: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(top)) merged[k] = k in base ? overlay(base[k], v) : v;
  return merged;
}
