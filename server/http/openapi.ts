/** The OpenAPI document of the public API (/api/openapi.json). */
import { MAX_QUERY_CHARS, MAX_TAG_CHARS } from '../../core/query-length.js';
import { MAX_LIMIT, MAX_OFFSET } from '../search/validate-request.js';
import { ANALYTICS_HEADER, ANALYTICS_REPORT_MAX_BYTES } from '../../core/analytics-report.js';
import { MAX_LIMIT as REPORT_MAX_LIMIT, REPORT_NAMES } from '../analytics/reports.js';

const segments = { type: 'array', items: { $ref: '#/components/schemas/Segment' } };
const jsonError = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
const error = (description: string) => ({ description, content: jsonError });
const html = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });
const json = (description: string, schema: Record<string, unknown>) => ({ description, content: { 'application/json': { schema } } });

/**
 * What any route can answer before its own code runs (server/app.ts, server/http/errors.ts): a URL
 * over MAX_URL_BYTES (414), headers over Node's cap (431) or too slow (408), both answered by the HTTP server, over the
 * request budget (429: the search budget, or the operational one for /healthz, /readyz, /metrics).
 * Every operation lists them, so the document is the whole set of statuses each can answer.
 */
const common = {
  '408': error('The request headers were not received in time (HEADERS_TIMEOUT_MS / REQUEST_TIMEOUT_MS; answered by the HTTP server).'),
  '414': error('The URL is longer than MAX_URL_BYTES (by default room for any request this document allows).'),
  '429': error('Rate limited; see the Retry-After header.'),
  '431': error('The request headers are too large.'),
};
/** Engine trouble, on the routes that ask the engine. */
const engine = {
  '502': error('The search engine could not answer this request.'),
  '503': error('The search engine is unreachable or too slow.'),
};
const notModified = { '304': { description: 'Not modified (If-None-Match matched the ETag).' } };

/** Each search parameter once; GET takes them as query parameters, POST as JSON body fields. */
const searchFields = {
  q: {
    type: 'string',
    maxLength: MAX_QUERY_CHARS,
    default: '',
    description: `The query; empty lists everything. At most ${MAX_QUERY_CHARS} characters (code points: an emoji is one).`,
  },
  limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 10 },
  offset: { type: 'integer', minimum: 0, maximum: MAX_OFFSET, default: 0 },
  article: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$', description: 'Only sections of this article.' },
  tag: { type: 'string', minLength: 1, maxLength: MAX_TAG_CHARS, description: 'Only articles with this tag (case-insensitive).' },
  from: { type: 'string', format: 'date', description: 'Published on or after this day (YYYY-MM-DD).' },
  to: { type: 'string', format: 'date', description: 'Published on or before this day (YYYY-MM-DD); before `from` matches nothing.' },
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

/** A query string has only text: integers and booleans are read from it (`limit=5`, `exact=1` or `true`). */
const queryParameter = (name: string, schema: object) => ({ name, in: 'query', required: false, schema });

const searchResponses = {
  '200': {
    ...json('Results', { $ref: '#/components/schemas/SearchResponse' }),
    headers: {
      [ANALYTICS_HEADER]: { description: '`1` when the server collects search analytics: the widget may then report final queries (docs/analytics.md).', schema: { type: 'string', enum: ['1'] } },
    },
  },
  '400': error('A parameter is repeated, unknown or invalid (of the wrong type, too long, out of range, ill-formed text); the message names it.'),
  ...common,
  ...engine,
};

const articleId = { name: 'id', in: 'path', required: true, schema: searchFields.article };
/** The admin routes take ADMIN_TOKEN as a bearer token or as HTTP Basic's password (server/http/admin-access.ts). */
const adminSecurity = [{ adminBearer: [] }, { adminBasic: [] }];
const adminErrors = {
  ...common,
  '401': error('No or a wrong token; see the WWW-Authenticate header.'),
  '404': error('The publish hook is not configured (ADMIN_TOKEN unset) or the caller is not in ADMIN_ALLOW.'),
  '405': error('The path does not take this method; see the Allow header.'),
};

/**
 * `{ "url": … }` to fetch, only from the hosts in WEB_ALLOW_HOSTS (the form is off without it).
 * The pattern says which hosts, so every URL the document allows is one the server fetches.
 */
function pageByUrl(hosts: readonly string[]): object {
  const host = (h: string) => (h.startsWith('.') ? `([a-z0-9-]+\\.)*${escapeRegExp(h.slice(1))}` : escapeRegExp(h)) + (/:\d+$/.test(h) ? '' : '(:[0-9]{1,5})?');
  return {
    type: 'object',
    required: ['url'],
    additionalProperties: false,
    properties: {
      url: {
        type: 'string',
        format: 'uri',
        pattern: `^https?://(${hosts.map(host).join('|')})(/|$)`,
        description: `An article page to fetch (robots.txt, size and time limits apply), on ${hosts.join(', ')} (WEB_ALLOW_HOSTS).`,
      },
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `from`, `to`, `limit` of the analytics reports (server/analytics/reports.ts). */
const reportParameters = [
  { name: 'from', in: 'query', required: false, schema: { type: 'string', format: 'date' }, description: 'First day (UTC), default 29 days before `to`.' },
  { name: 'to', in: 'query', required: false, schema: { type: 'string', format: 'date' }, description: 'Last day (UTC), default today.' },
  { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: REPORT_MAX_LIMIT }, description: 'Rows per table.' },
];
/** The public contract as OpenAPI 3.1; `pageUrlHosts`: WEB_ALLOW_HOSTS, which turns on the publish hook's `{ url }` form. */
export function openApiDocument(options: { pageUrlHosts?: readonly string[] | undefined } = {}): Record<string, unknown> {
  const pageUrlHosts = options.pageUrlHosts;
  return {
    openapi: '3.1.0',
    info: {
      title: 'news-search API',
      version: '1.0.0',
      description:
        'Section-level search over Russian news. Errors are always `{ error: { code, message } }` (the no-JS results page answers its 400 as a page). Lengths are in characters (code points). A method a path does not take gets 405 with `Allow`; OPTIONS (CORS preflight) is answered on every path.',
    },
    paths: {
      '/api/search': {
        get: {
          operationId: 'search',
          summary: 'Search sections (or articles)',
          description: 'Parameters as a query string: integers and booleans as text (`limit=5`, `exact=1` or `exact=true`); an unknown or repeated parameter is refused (400).',
          parameters: Object.entries(searchFields).map(([name, schema]) => queryParameter(name, schema)),
          responses: searchResponses,
        },
        post: {
          operationId: 'searchPost',
          summary: 'Search with the parameters as a JSON body',
          description: 'The same parameters as GET, typed: `{"limit": "5"}` is refused (400 naming `limit`), `{"limit": 5}` is taken.',
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: { type: 'object', additionalProperties: false, properties: searchFields } },
            },
          },
          responses: {
            ...searchResponses,
            '400': error('The body is not a JSON object, or a field is unknown or invalid (of the wrong JSON type, too long, out of range); the message names it.'),
            '413': error('The request body is larger than MAX_BODY_BYTES (by default room for any body this document allows).'),
            '415': error('The body is not JSON (Content-Type), or not in UTF-8.'),
          },
        },
      },
      '/api/articles/{id}': {
        get: {
          operationId: 'getArticle',
          summary: 'An article with its sections',
          parameters: [articleId],
          responses: {
            '200': json('The article', { $ref: '#/components/schemas/Article' }),
            ...notModified,
            '400': error('Malformed id; the message names it.'),
            '404': error('No such article.'),
            ...common,
            ...engine,
          },
        },
      },
      '/articles/{id}': {
        get: {
          operationId: 'articlePage',
          summary: 'A readable HTML page of the article, one anchor per section',
          parameters: [
            articleId,
            queryParameter('highlight', {
              type: 'string',
              description: `Words to mark in the text (the results page links with the query). Lenient: a longer one is cut to ${MAX_QUERY_CHARS} characters at a word; other parameters are ignored. Given twice: 400.`,
            }),
          ],
          responses: {
            '200': html('The article page'),
            ...notModified,
            '400': error('Malformed id, or `highlight` given twice or ill-formed text (a lone surrogate); the message names it.'),
            '404': error('No such article.'),
            ...common,
            ...engine,
          },
        },
      },
      '/search': {
        get: {
          operationId: 'resultsPage',
          summary: "Server-rendered results page (the widget form's target without JavaScript)",
          description:
            'For readers, so lenient where the API is strict: a longer `q` is cut at a word (as the widget does) rather than refused, and parameters it does not know (`utm_…`, `limit`) are ignored. A known parameter with an invalid value, or given twice, gets the page with the reason (400).',
          parameters: [
            queryParameter('q', { type: 'string', default: '', description: `The query; cut to ${MAX_QUERY_CHARS} characters at a word when longer. Empty: the search form alone.` }),
            ...(['offset', 'exact', 'tag', 'from', 'to', 'sort'] as const).map((name) => queryParameter(name, searchFields[name])),
          ],
          responses: {
            '200': html('The results page'),
            '400': html('The results page naming the bad parameter and why'),
            ...common,
            ...engine,
          },
        },
      },
      '/api/openapi.json': {
        get: {
          operationId: 'openapi',
          summary: 'This document',
          responses: { '200': json('OpenAPI 3.1', { type: 'object', required: ['openapi', 'paths'] }), ...common },
        },
      },
      '/widget.js': {
        get: {
          operationId: 'widget',
          summary: 'The <news-search> widget (an ES module; its lazy chunks load from /widget-chunks/)',
          responses: { '200': { description: 'JavaScript', content: { 'text/javascript': { schema: { type: 'string' } } } }, ...notModified, ...common },
        },
      },
      '/': {
        get: {
          operationId: 'demoPage',
          summary: 'Demo page embedding the widget',
          responses: { '200': html('The demo page'), ...notModified, ...common },
        },
      },
      '/healthz': {
        get: {
          operationId: 'health',
          summary: 'The process is alive',
          responses: {
            '200': json('OK', { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } }),
            ...common,
          },
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
            '415': error('The body is not in UTF-8.'),
            ...common,
          },
        },
      },
      '/api/analytics/{report}': {
        get: {
          operationId: 'analyticsExport',
          summary: 'One analytics report table as JSON or CSV (admin: ADMIN_TOKEN or ANALYTICS_TOKEN, Bearer or Basic)',
          description: 'Only queries searched by at least 5 different clients within 7 days appear. CSV is UTF-8 with a BOM; cells starting with = + - @ are prefixed with an apostrophe.',
          security: adminSecurity,
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
            '401': error('The admin token is missing or wrong; see the WWW-Authenticate header.'),
            '404': error('No such report, or analytics or its token is not configured.'),
            ...common,
          },
        },
      },
      '/admin/search': {
        get: {
          operationId: 'analyticsDashboard',
          summary: 'The editors\' search analytics dashboard, server-rendered HTML with SVG charts (admin)',
          security: adminSecurity,
          parameters: reportParameters,
          responses: {
            '200': { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } },
            '400': error('A parameter is invalid; the message names it.'),
            '401': error('The admin token is missing or wrong; see the WWW-Authenticate header.'),
            '404': error('Analytics or its token is not configured.'),
            ...common,
          },
        },
      },
      '/readyz': {
        get: {
          operationId: 'ready',
          summary: 'The engine answers and the index exists',
          responses: {
            '200': json('Ready (over several engines: while at least one is, `degraded` when not all are)', {
              type: 'object',
              required: ['status'],
              properties: {
                status: { enum: ['ready', 'degraded'] },
                shards: { $ref: '#/components/schemas/ShardStates' },
                indexing: { enum: ['running', 'failed'], description: 'Start-up indexing of ARTICLES_DIR in the background: the index served meanwhile is whole (keep the server in the load balancer).' },
                details: { type: 'string' },
                ranking: {
                  type: 'object',
                  description: 'The in-process ranking index (over its memory budget, searches are ranked from engine candidates; `reason` names need, budget and the setting)',
                  required: ['state', 'chunks', 'needBytes', 'budgetBytes'],
                  properties: {
                    state: { type: 'string', enum: ['serving', 'building', 'over_budget', 'stale'] },
                    chunks: { type: 'integer' },
                    needBytes: { type: 'integer' },
                    budgetBytes: { type: 'integer' },
                    reason: { type: 'string' },
                  },
                },
              },
            }),
            '503': json('Not ready: the error says why (`index_missing`, `engine_unavailable`, `engine_restarting`)', {
              allOf: [{ $ref: '#/components/schemas/Error' }, { type: 'object', properties: { shards: { $ref: '#/components/schemas/ShardStates' } } }],
            }),
            ...common,
          },
        },
      },
      '/metrics': {
        get: {
          operationId: 'metrics',
          summary: 'Prometheus metrics (only for the addresses in METRICS_ALLOW)',
          responses: {
            '200': { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } },
            '404': error('Not for this address (the same answer as an unknown path).'),
            ...common,
          },
        },
      },
      '/api/admin/articles': {
        post: {
          operationId: 'publishArticle',
          summary: 'Publish hook: index an article (the indexer\'s JSON format) or fetch a page by URL',
          description:
            'The article goes through the indexer (validation, sections, change log, lease: it waits while another run writes) and is searchable and ranked when the 2xx is sent. Needs ADMIN_TOKEN; while it is unset the path answers 404.',
          security: adminSecurity,
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: pageUrlHosts ? { oneOf: [{ $ref: '#/components/schemas/ArticleInput' }, pageByUrl(pageUrlHosts)] } : { $ref: '#/components/schemas/ArticleInput' },
              },
            },
          },
          responses: {
            '200': { description: 'Updated, or unchanged', content: { 'application/json': { schema: { $ref: '#/components/schemas/Published' } } } },
            '201': { description: 'Added', content: { 'application/json': { schema: { $ref: '#/components/schemas/Published' } } } },
            ...adminErrors,
            '400': error('Not valid JSON, not an object, a field missing or invalid, or the page could not be fetched or read; the message says which and why.'),
            '413': error('The request body is larger than 8 MB.'),
            '415': error('The body is not JSON (Content-Type), or not in UTF-8.'),
            '503': error('The engine could not take the article; try again shortly.'),
          },
        },
      },
      '/api/admin/articles/{id}': {
        delete: {
          operationId: 'deleteArticle',
          summary: 'Publish hook: remove an article; gone from search when the 204 is sent',
          security: adminSecurity,
          parameters: [{ name: 'id', in: 'path', required: true, schema: searchFields.article }],
          responses: {
            '204': { description: 'Removed' },
            ...adminErrors,
            '400': error('Malformed id.'),
            '404': error('No such article (or the publish hook is not configured).'),
            '503': error('The engine is unreachable; try again shortly.'),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        adminBearer: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN (or ANALYTICS_TOKEN for the reports) as the bearer token.' },
        adminBasic: { type: 'http', scheme: 'basic', description: 'Any user name, ADMIN_TOKEN (or ANALYTICS_TOKEN for the reports) as the password.' },
      },
      schemas: {
        ArticleInput: {
          type: 'object',
          required: ['title', 'content'],
          description: 'One article as the indexer reads JSON: `content` is plain text, one paragraph per line; a short line without final punctuation between paragraphs is read as a section heading. The id comes from `id`/`slug`, else `url`, else the text.',
          properties: {
            title: { type: 'string', minLength: 1 },
            content: { type: 'string', minLength: 1 },
            url: { type: ['string', 'null'] },
            id: { type: ['string', 'integer', 'null'] },
            slug: { type: ['string', 'null'] },
            date: { type: ['string', 'null'], description: 'YYYY-MM-DD…' },
            summary: { type: ['string', 'null'] },
            tags: { oneOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }, { type: 'null' }] },
            keywords: { oneOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }, { type: 'null' }] },
            source: { type: ['string', 'null'] },
            place: { type: ['string', 'null'] },
            agency: { type: ['string', 'null'] },
          },
        },
        Published: {
          type: 'object',
          required: ['id', 'change', 'chunks'],
          properties: { id: { type: 'string' }, change: { type: 'string', enum: ['added', 'updated', 'unchanged'] }, chunks: { type: 'integer', minimum: 1 } },
        },
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
            prevMissed: { type: 'string', enum: ['zero', 'no-click'], description: 'How `prev` missed (ignored without `prev`). A reformulation is counted only with both and a click.' },
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
        ShardStates: {
          type: 'object',
          description: 'Each shard by name: `ready`, `index_missing` or `unavailable`.',
          additionalProperties: { enum: ['ready', 'index_missing', 'unavailable'] },
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
