import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteIndex, testEngine, uniqueIndexUid } from '../support/engine.js';
import { FULL, pick } from './support/mode.js';
import { recordScenario } from './support/report.js';
import { rssBytes, startServerProcess, type ServerProcess } from './support/system.js';

/** A mix a news reader types: single words, inflected forms, prefixes, phrases, misses. */
const QUERIES = [
  'соглашение', 'соглашения', 'партнер', 'партнёр', 'Гродноинвест', 'Смоленская область', 'инвестиц',
  'Брест', 'делегация', 'экспорт товаров', 'промышленной кооперации', 'СЭЗ', 'сотрудничество', 'Беларусь',
  'масштаб', 'Минск', 'zzzz', 'поставки зерна', 'элеватор', 'логистика',
];

const DURATION_S = pick(12, 300);
const WARMUP_S = pick(3, 30);
const CONNECTIONS = 32;

const uid = uniqueIndexUid('soak');
let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({ engineUrl: testEngine().url, masterKey: testEngine().masterKey, indexUid: uid, articlesDir: 'tests/fixtures', extra: { LOG_LEVEL: 'warn', RATE_LIMIT: '0' } });
});
afterAll(async () => {
  await server?.stop();
  await deleteIndex(uid);
});

function load(seconds: number): Promise<autocannon.Result> {
  let i = 0;
  return autocannon({
    url: server.url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({ ...req, path: `/api/search?q=${encodeURIComponent(QUERIES[i++ % QUERIES.length]!)}&limit=10` }),
      },
    ],
  });
}

describe(`soak: ${DURATION_S} s of mixed queries at concurrency ${CONNECTIONS}`, () => {
  it('answers every request without error and keeps its memory', async () => {
    await load(WARMUP_S);
    const rssAfterWarmup = rssBytes(server.pid);
    const engineRssBefore = rssBytes(testEngine().pid);
    const result = await load(DURATION_S);
    const rssAtEnd = rssBytes(server.pid);
    const growth = (rssAtEnd - rssAfterWarmup) / rssAfterWarmup;
    const engineGrowth = (rssBytes(testEngine().pid) - engineRssBefore) / engineRssBefore;
    const errors = result.errors + result.timeouts + result.non2xx;
    recordScenario({
      scenario: '4. Soak',
      load: `${DURATION_S} s, ${CONNECTIONS} connections, ${Math.round(result.requests.average)} req/s`,
      faults: 'none',
      inputs: result.requests.total,
      documentsLost: 0,
      errors,
      passed: errors === 0 && (!FULL || growth < 0.1),
      notes: `server RSS ${(rssAfterWarmup / 2 ** 20).toFixed(0)} → ${(rssAtEnd / 2 ** 20).toFixed(0)} MiB (${(growth * 100).toFixed(1)}%), engine RSS change ${(engineGrowth * 100).toFixed(1)}%, p99 ${result.latency.p99} ms`,
    });
    expect(result.requests.total).toBeGreaterThan(0);
    expect({ errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx }).toEqual({ errors: 0, timeouts: 0, non2xx: 0 });
    // A few seconds are too short for V8's heap to settle, so the short run only records memory.
    if (FULL) expect(growth).toBeLessThan(0.1);
  });
});
