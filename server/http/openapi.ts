/** The OpenAPI document of the public API (/api/openapi.json). */
import { MAX_QUERY_CHARS } from '../../core/query-length.js';
import { MAX_LIMIT, MAX_OFFSET } from '../search/validate-request.js';
import { ANALYTICS_REPORT_MAX_BYTES } from '../../core/analytics-report.js';
import { MAX_LIMIT as REPORT_MAX_LIMIT, REPORT_NAMES } from '../analytics/reports.js';

const segments = { type: 'array', items: { $ref: '#/components/schemas/Segment' } };
const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/** Each search parameter once; GET takes them as query parameters, POST as JSON body fields. */
const searchFields = {
  q: { type: 'string', maxLength: MAX_QUERY_CHARS, default: '', description: 'The query; empty lists everything.' },
  limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 10 },
  offset: { type: 'integer', minimum: 0, maximum: MAX_OFFSET, default: 0 },
  article: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$', description: 'Only sections of this article.' },
  tag: { type: 'string', minLength: 1, maxLength: 200, description: 'Only articles with this tag (case-insensitive).' },
  from: { type: 'string', format: 'date', description: 'Published on or after this day (YYYY-MM-DD).' },
  to: { type: 'string', format: 'date', description: 'Published on or before this day (YYYY-MM-DD).' },
  sort: { type: 'string', enum: ['relevance', 'date'], default: 'relevance', description: '`date`: newest first.' },
  group: {
    type: 'string',
    enum: ['section', 'article'],
    default: 'section',
    description: '`article`: one hit per article, listing its best sections in `sections`.',
  },
  exact: {
    type: 'boolean',
    default: false,
    description: 'Search exactly what was typed; otherwise a query typed in the wrong keyboard layout or in Latin transliteration that finds (almost) nothing is searched converted, mistyped words also match the words they are one or two slips from, two words typed without the space are split, and `correctedQuery` says so.',
  },
} as const;

const searchResponses = {
  '200': { description: 'Results', content: { 'application/json': { schema: { $ref: '#/components/schemas/SearchResponse' } } } },
  '400': error('A parameter is missing, repeated, unknown or invalid; the message names it.'),
  '413': error('The request body is too large.'),
  '414': error('The URL is too long.'),
  '429': error('Rate limited; see the Retry-After header.'),
  '503': error('The engine is unreachable or too slow.'),
};

/** `from`, `to`, `limit` of the analytics reports (server/analytics/reports.ts). */
const reportParameters = [
  { name: 'from', in: 'query', required: false, schema: { type: 'string', format: 'date' }, description: 'First day (UTC), default 29 days before `to`.' },
  { name: 'to', in: 'query', required: false, schema: { type: 'string', format: 'date' }, description: 'Last day (UTC), default today.' },
  { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: REPORT_MAX_LIMIT }, description: 'Rows per table.' },
];

/** The public contract as OpenAPI 3.1, served at /api/openapi.json (validated in the tests). */
export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'news-search API',
      version: '1.0.0',
      description: 'Section-level search over Russian news. Errors are always `{ error: { code, message } }`.',
    },
    paths: {
      '/api/search': {
        get: {
          operationId: 'search',
          summary: 'Search sections (or articles)',
          parameters: Object.entries(searchFields).map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
          responses: searchResponses,
        },
        post: {
          operationId: 'searchPost',
          summary: 'Search with the parameters as a JSON body',
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: { type: 'object', additionalProperties: false, properties: searchFields } },
            },
          },
          responses: searchResponses,
        },
      },
      '/api/articles/{id}': {
        get: {
          operationId: 'getArticle',
          summary: 'An article with its sections',
          parameters: [{ name: 'id', in: 'path', required: true, schema: searchFields.article }],
          responses: {
            '200': { description: 'The article', content: { 'application/json': { schema: { $ref: '#/components/schemas/Article' } } } },
            '400': error('Malformed id.'),
            '404': error('No such article.'),
            '503': error('The engine is unreachable.'),
          },
        },
      },
      '/articles/{id}': {
        get: {
          operationId: 'articlePage',
          summary: 'A readable HTML page of the article, one anchor per section',
          parameters: [{ name: 'id', in: 'path', required: true, schema: searchFields.article }],
          responses: { '200': { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } }, '404': error('No such article.') },
        },
      },
      '/search': {
        get: {
          operationId: 'resultsPage',
          summary: 'Server-rendered results page (the widget form\'s target without JavaScript)',
          parameters: [
            { name: 'q', in: 'query', schema: searchFields.q },
            { name: 'offset', in: 'query', schema: searchFields.offset },
            { name: 'exact', in: 'query', schema: searchFields.exact },
          ],
          responses: { '200': { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } }, '400': { description: 'HTML page naming the bad parameter' } },
        },
      },
      '/api/analytics/events': {
        post: {
          operationId: 'analyticsReport',
          summary: 'One widget report per final query (search analytics; docs/analytics.md)',
          description: 'Sent as text/plain (no CORS preflight), credentials omitted. 204 whether or not it is counted: a report for a query the server did not answer in the last day is dropped.',
          requestBody: { required: true, content: { 'text/plain': { schema: { $ref: '#/components/schemas/AnalyticsReport' } }, 'application/json': { schema: { $ref: '#/components/schemas/AnalyticsReport' } } } },
          responses: {
            '204': { description: 'Received' },
            '400': error('The body is not a valid report; the message names the field.'),
            '404': error('Search analytics is off (ANALYTICS=off).'),
            '413': error(`The body is larger than ${ANALYTICS_REPORT_MAX_BYTES} bytes.`),
            '429': error('Rate limited; see the Retry-After header.'),
          },
        },
      },
      '/api/analytics/{report}': {
        get: {
          operationId: 'analyticsExport',
          summary: 'One analytics report table as JSON or CSV (admin: ADMIN_TOKEN or ANALYTICS_TOKEN, Bearer or Basic)',
          description: 'Only queries searched by at least 5 different clients within 7 days appear. CSV is UTF-8 with a BOM; cells starting with = + - @ are prefixed with an apostrophe.',
          security: [{ bearer: [] }, { basic: [] }],
          parameters: [
            { name: 'report', in: 'path', required: true, schema: { type: 'string', pattern: `^(${REPORT_NAMES.join('|')})\\.(json|csv)$` } },
            ...reportParameters,
          ],
          responses: {
            '200': {
              description: 'The table',
              content: {
                'application/json': { schema: { $ref: '#/components/schemas/AnalyticsTable' } },
                'text/csv': { schema: { type: 'string' } },
              },
            },
            '400': error('A parameter is invalid; the message names it.'),
            '401': error('The admin token is missing or wrong.'),
            '404': error('No such report, or analytics or its token is not configured.'),
            '429': error('Rate limited; see the Retry-After header.'),
          },
        },
      },
      '/admin/search': {
        get: {
          operationId: 'analyticsDashboard',
          summary: 'The editors\' search analytics dashboard, server-rendered HTML with SVG charts (admin)',
          security: [{ bearer: [] }, { basic: [] }],
          parameters: reportParameters,
          responses: {
            '200': { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } },
            '400': error('A parameter is invalid; the message names it.'),
            '401': error('The admin token is missing or wrong.'),
            '404': error('Analytics or its token is not configured.'),
            '429': error('Rate limited; see the Retry-After header.'),
          },
        },
      },
      '/healthz': { get: { operationId: 'health', summary: 'The process is alive', responses: { '200': { description: 'OK' } } } },
      '/readyz': {
        get: {
          operationId: 'ready',
          summary: 'The engine answers and the index exists',
          responses: { '200': { description: 'Ready' }, '503': error('Not ready') },
        },
      },
      '/metrics': { get: { operationId: 'metrics', summary: 'Prometheus metrics', responses: { '200': { description: 'text/plain; version=0.0.4' } } } },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, basic: { type: 'http', scheme: 'basic' } },
      schemas: {
        AnalyticsReport: {
          type: 'object',
          additionalProperties: false,
          required: ['v', 'q', 'total', 'more', 'end'],
          properties: {
            v: { type: 'integer', enum: [1] },
            q: { type: 'string', maxLength: MAX_QUERY_CHARS },
            filters: {
              type: 'object',
              additionalProperties: false,
              properties: {
                tag: { type: 'string', maxLength: 200 },
                from: { type: 'string', maxLength: 10 },
                to: { type: 'string', maxLength: 10 },
                sort: { type: 'string', enum: ['relevance', 'date'] },
                group: { type: 'string', enum: ['section', 'article'] },
                article: { type: 'string', maxLength: 400 },
              },
            },
            total: { type: 'integer', minimum: 0, maximum: 1e9 },
            correction: { type: 'object', additionalProperties: false, required: ['to', 'rejected'], properties: { to: { type: 'string', maxLength: MAX_QUERY_CHARS }, rejected: { type: 'boolean' } } },
            click: { type: 'object', additionalProperties: false, required: ['position', 'id'], properties: { position: { type: 'integer', minimum: 1, maximum: 1050 }, id: { type: 'string', maxLength: 600 } } },
            more: { type: 'integer', minimum: 0, maximum: 1000 },
            prev: { type: 'string', maxLength: MAX_QUERY_CHARS },
            end: { type: 'string', enum: ['click', 'idle', 'leave'] },
          },
        },
        AnalyticsTable: {
          type: 'object',
          required: ['report', 'from', 'to', 'limit', 'rows'],
          properties: {
            report: { type: 'string', enum: [...REPORT_NAMES] },
            from: { type: 'string', format: 'date' },
            to: { type: 'string', format: 'date' },
            limit: { type: 'integer' },
            rows: { type: 'array', items: { type: 'object', additionalProperties: { type: ['string', 'number'] } } },
          },
        },
        Segment: {
          type: 'object',
          required: ['text', 'highlight'],
          properties: { text: { type: 'string' }, highlight: { type: 'boolean' } },
          description: 'A run of plain text (never HTML); `highlight` marks matched words.',
        },
        Section: {
          type: 'object',
          required: ['title', 'index', 'anchor', 'url', 'snippet', 'titleHighlight'],
          properties: {
            title: { type: 'string' },
            index: { type: 'integer' },
            anchor: { type: 'string' },
            url: { type: 'string' },
            snippet: segments,
            titleHighlight: segments,
          },
        },
        Hit: {
          type: 'object',
          required: ['id', 'article', 'section', 'url', 'snippet', 'titleHighlight'],
          properties: {
            id: { type: 'string' },
            article: {
              type: 'object',
              required: ['id', 'title', 'url', 'date', 'tags'],
              properties: {
                id: { type: 'string' },
                title: { type: 'string' },
                url: { type: 'string' },
                date: { type: ['string', 'null'], format: 'date' },
                tags: { type: 'array', items: { type: 'string' } },
              },
            },
            section: {
              type: 'object',
              required: ['title', 'index', 'anchor'],
              properties: { title: { type: 'string' }, index: { type: 'integer' }, anchor: { type: 'string' } },
            },
            url: { type: 'string', description: 'Article url + #anchor' },
            snippet: segments,
            titleHighlight: segments,
            sections: { type: 'array', items: { $ref: '#/components/schemas/Section' }, description: 'group=article only: best sections, best first.' },
          },
        },
        SearchResponse: {
          type: 'object',
          required: ['query', 'total', 'limit', 'offset', 'processingTimeMs', 'hits', 'facets'],
          properties: {
            query: { type: 'string' },
            total: { type: 'integer' },
            limit: { type: 'integer' },
            offset: { type: 'integer' },
            processingTimeMs: { type: 'integer' },
            correctedQuery: { type: 'string', description: 'Present when the hits are for this correction of `query` (e.g. `ghbdtn` → «привет», «исследоавния» → «исследования», «германмладший» → «герман младший»); repeat with `exact=true` for the typed query.' },
            correctionKind: { type: 'string', enum: ['layout', 'translit', 'typo', 'split'], description: 'With `correctedQuery`: keyboard layout, transliteration, mistyped words, or words typed without the space.' },
            partial: { type: 'boolean', enum: [true], description: 'Present only when the archive is spread over several engines and some did not answer: hits, total and facets cover the others only.' },
            failedShards: { type: 'array', items: { type: 'string' }, description: 'With `partial`: names of the shards that did not answer.' },
            hits: { type: 'array', items: { $ref: '#/components/schemas/Hit' } },
            facets: {
              type: 'object',
              required: ['tags', 'years'],
              properties: {
                tags: { type: 'object', additionalProperties: { type: 'integer' } },
                years: { type: 'object', additionalProperties: { type: 'integer' } },
              },
            },
          },
        },
        Article: {
          type: 'object',
          required: ['id', 'title', 'url', 'date', 'tags', 'sections'],
          properties: {
            id: { type: 'string' },
            title: { type: 'string' },
            url: { type: 'string' },
            date: { type: ['string', 'null'] },
            tags: { type: 'array', items: { type: 'string' } },
            sections: {
              type: 'array',
              items: {
                type: 'object',
                required: ['title', 'index', 'anchor', 'text'],
                properties: { title: { type: 'string' }, index: { type: 'integer' }, anchor: { type: 'string' }, text: { type: 'string' } },
              },
            },
          },
        },
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
          },
        },
      },
    },
  };
}
