/**
 * The embedded analytics store's database, synchronous: it runs in a worker thread
 * (sqlite-worker.ts; sqlite-store.ts is the main thread's side). SQLite in DATA_DIR through `libsql` (better-sqlite3's API, with
 * prebuilt binaries: it installs on a fresh machine without a compiler). WAL, one transaction per
 * flush, upserts that add: a flush lost half-way leaves the previous state, never a partial one.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'libsql';
import { addDays, QUERY_FIELDS, segments, weekOf, topsOf, type AnalyticsStore, type Day, type FactKind, type FactRow, type FlushBatch, type QueryRow, type QueryTops, type RisingWindow, type StoreRange } from './store.js';

const COLUMNS: Record<(typeof QUERY_FIELDS)[number], string> = {
  answers: 'answers',
  answersZero: 'answers_zero',
  searches: 'searches',
  searchesZero: 'searches_zero',
  clicks: 'clicks',
  noClicks: 'no_clicks',
  clients: 'clients',
};
const COLUMN_LIST = QUERY_FIELDS.map((f) => COLUMNS[f]);

const SCHEMA = `
CREATE TABLE IF NOT EXISTS query_days (
  key TEXT NOT NULL, day TEXT NOT NULL,
  ${COLUMN_LIST.map((c) => `${c} INTEGER NOT NULL DEFAULT 0`).join(',\n  ')},
  PRIMARY KEY (key, day)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS query_days_day ON query_days (day);
CREATE TABLE IF NOT EXISTS spellings (
  key TEXT NOT NULL, day TEXT NOT NULL, text TEXT NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (key, day, text)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS spellings_day ON spellings (day);
CREATE TABLE IF NOT EXISTS facts (
  kind TEXT NOT NULL, day TEXT NOT NULL, key TEXT NOT NULL, sub TEXT NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (kind, day, key, sub)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS visible (key TEXT PRIMARY KEY, since TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS query_parts (
  part TEXT NOT NULL, key TEXT NOT NULL,
  ${COLUMN_LIST.map((c) => `${c} INTEGER NOT NULL DEFAULT 0`).join(',\n  ')},
  PRIMARY KEY (part, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
`;

/** The Monday of a `day` column's ISO week, in SQL (weekOf() in store.ts). */
const WEEK_OF_DAY = "date(day, '-' || ((CAST(strftime('%w', day) AS INTEGER) + 6) % 7) || ' days')";
/** A JSON array parameter as a set, for `IN`: one statement for any number of keys. */
const LIST = '(SELECT value FROM json_each(?))';

export class SqliteAnalyticsDatabase implements AnalyticsStore {
  private readonly db: Database.Database;
  private readonly addBatch: (batch: FlushBatch, today: Day, threshold: number) => void;

  constructor(file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    // Report queries read every visible query's daily rows: pages from memory, not a pread each.
    this.db.pragma('cache_size = -32768');
    this.db.pragma('mmap_size = 268435456');
    this.db.exec(SCHEMA);
    const upsertQuery = this.db.prepare(
      `INSERT INTO query_days (key, day, ${COLUMN_LIST.join(', ')}) VALUES (?, ?, ${COLUMN_LIST.map(() => '?').join(', ')})
       ON CONFLICT (key, day) DO UPDATE SET ${COLUMN_LIST.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`,
    );
    const upsertSpelling = this.db.prepare('INSERT INTO spellings (key, day, text, n) VALUES (?, ?, ?, ?) ON CONFLICT (key, day, text) DO UPDATE SET n = n + excluded.n');
    const upsertFact = this.db.prepare('INSERT INTO facts (kind, day, key, sub, n) VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, day, key, sub) DO UPDATE SET n = n + excluded.n');
    // The reports' rows: visible queries only, per day ('d' + day) and per ISO week ('w' + its
    // Monday), so that a range is a few contiguous runs of the primary key. Filled from the daily
    // rows when a query becomes visible, then added to at every flush, in the same transaction.
    const upsertPart = this.db.prepare(
      `INSERT INTO query_parts (part, key, ${COLUMN_LIST.join(', ')}) VALUES (?, ?, ${COLUMN_LIST.map(() => '?').join(', ')})
       ON CONFLICT (part, key) DO UPDATE SET ${COLUMN_LIST.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`,
    );
    const promote = this.db.prepare(
      'INSERT OR IGNORE INTO visible (key, since) SELECT key, ? FROM query_days WHERE key = ? AND day >= ? AND day <= ? AND clients >= ? LIMIT 1',
    );
    const backfillDays = this.db.prepare(`INSERT OR REPLACE INTO query_parts (part, key, ${COLUMN_LIST.join(', ')}) SELECT 'd' || day, key, ${COLUMN_LIST.join(', ')} FROM query_days WHERE key = ?`);
    const backfillWeeks = this.db.prepare(
      `INSERT OR REPLACE INTO query_parts (part, key, ${COLUMN_LIST.join(', ')})
       SELECT 'w' || ${WEEK_OF_DAY}, key, ${COLUMN_LIST.map((c) => `sum(${c})`).join(', ')} FROM query_days WHERE key = ? GROUP BY 1`,
    );
    const backfill = (key: string) => {
      backfillDays.run(key);
      backfillWeeks.run(key);
    };
    this.addBatch = this.db.transaction((batch: FlushBatch, today: Day, threshold: number) => {
      const touched = new Set<string>();
      const visible = this.visibleAmong(batch.queries.map((q) => q.key));
      for (const q of batch.queries) {
        const counts = QUERY_FIELDS.map((f) => q.counts[f] ?? 0);
        upsertQuery.run(q.key, q.day, ...counts);
        if (visible.has(q.key)) {
          upsertPart.run(`d${q.day}`, q.key, ...counts);
          upsertPart.run(`w${weekOf(q.day)}`, q.key, ...counts);
        }
        if (q.counts.clients) touched.add(q.key);
      }
      for (const s of batch.spellings) upsertSpelling.run(s.key, s.day, s.text, s.n);
      for (const f of batch.facts) upsertFact.run(f.kind, f.day, f.key, f.sub, f.n);
      const weekStart = addDays(today, -6);
      for (const key of touched) if (promote.run(today, key, weekStart, today, threshold).changes > 0) backfill(key);
    });
    // A database from before the rollups: fill them once for the queries already visible.
    if (this.db.prepare("SELECT 1 FROM meta WHERE name = 'parts'").get() === undefined) {
      this.db.transaction(() => {
        for (const { key } of this.db.prepare('SELECT key FROM visible').all() as { key: string }[]) backfill(key);
        this.db.prepare("INSERT INTO meta (name, value) VALUES ('parts', '1')").run();
      })();
    }
  }

  async add(batch: FlushBatch, today: Day, threshold: number): Promise<void> {
    this.addBatch(batch, today, threshold);
  }

  async answeredSince(keys: readonly string[], since: Day): Promise<Set<string>> {
    const rows = this.db.prepare(`SELECT DISTINCT key FROM query_days WHERE key IN ${LIST} AND day >= ? AND answers > 0`).all(JSON.stringify(keys), since) as { key: string }[];
    return new Set(rows.map((r) => r.key));
  }

  /**
   * One pass over the visible queries' rows of the range and the rising window together: whole
   * ISO weeks from the weekly rows (a 30-day range is ~5 rows per query, not 30), the days at the
   * ends and around the window's cuts from the daily ones, each part a contiguous run of the primary
   * key. Each part lies wholly on one side of every cut, so comparing its first day with the cuts
   * says which sums it goes to.
   */
  async queries(range: StoreRange, rising: RisingWindow, limit: number): Promise<QueryTops> {
    const low = range.from < rising.earlierFrom ? range.from : rising.earlierFrom;
    const { weeks, days } = segments({ from: low, to: range.to }, [range.from, rising.earlierFrom, rising.recentFrom], this.wholeFrom());
    const parts = [...weeks.map((w) => `w${w}`), ...days.map((d) => `d${d}`)];
    const since = (cut: string) => `substr(part, 2) >= :${cut}`;
    const sums = QUERY_FIELDS.map((f) => `sum(CASE WHEN ${since('from')} THEN ${COLUMNS[f]} ELSE 0 END) AS ${f}`).join(', ');
    const rows = this.db
      .prepare(
        `SELECT key, ${sums},
           sum(CASE WHEN ${since('recent')} THEN searches ELSE 0 END) AS recent,
           sum(CASE WHEN ${since('earlier')} AND NOT ${since('recent')} THEN searches ELSE 0 END) AS earlier
         FROM query_parts WHERE part IN (SELECT value FROM json_each(:parts)) GROUP BY key`,
      )
      .all({ from: range.from, recent: rising.recentFrom, earlier: rising.earlierFrom, parts: JSON.stringify(parts) }) as QueryRow[];
    return topsOf(rows, limit);
  }

  async daily(range: StoreRange): Promise<{ day: Day; key: string; n: number }[]> {
    return this.db.prepare("SELECT day, key, sum(n) AS n FROM facts WHERE kind = 'total' AND day >= ? AND day <= ? GROUP BY day, key ORDER BY day").all(range.from, range.to) as {
      day: Day;
      key: string;
      n: number;
    }[];
  }

  async facts(kind: FactKind, range: StoreRange): Promise<FactRow[]> {
    return this.db.prepare('SELECT key, sub, sum(n) AS n FROM facts WHERE kind = ? AND day >= ? AND day <= ? GROUP BY key, sub').all(kind, range.from, range.to) as FactRow[];
  }

  async spellings(keys: readonly string[], range: StoreRange): Promise<Map<string, string>> {
    const rows = this.db
      .prepare(`SELECT key, text, sum(n) AS n FROM spellings WHERE key IN ${LIST} AND day >= ? AND day <= ? GROUP BY key, text`)
      .all(JSON.stringify(keys), range.from, range.to) as { key: string; text: string; n: number }[];
    const best = new Map<string, { text: string; n: number }>();
    for (const row of rows) {
      const current = best.get(row.key);
      if (!current || row.n > current.n || (row.n === current.n && row.text < current.text)) best.set(row.key, row);
    }
    return new Map([...best].map(([key, { text }]) => [key, text]));
  }

  async visible(keys: readonly string[]): Promise<Set<string>> {
    return this.visibleAmong(keys);
  }

  private visibleAmong(keys: readonly string[]): Set<string> {
    const rows = this.db.prepare(`SELECT key FROM visible WHERE key IN ${LIST}`).all(JSON.stringify(keys)) as { key: string }[];
    return new Set(rows.map((r) => r.key));
  }

  /** Weeks starting on or after this day have all their days (pruning took none): read whole. */
  private wholeFrom(): Day {
    return (this.db.prepare("SELECT value FROM meta WHERE name = 'pruned_before'").get() as { value: string } | undefined)?.value ?? '';
  }

  async prune(keepFrom: Day, hiddenKeepFrom: Day): Promise<void> {
    this.db.transaction(() => {
      for (const table of ['query_days', 'spellings', 'facts']) this.db.prepare(`DELETE FROM ${table} WHERE day < ?`).run(keepFrom);
      for (const table of ['query_days', 'spellings']) {
        this.db.prepare(`DELETE FROM ${table} WHERE day < ? AND key NOT IN (SELECT key FROM visible)`).run(hiddenKeepFrom);
      }
      this.db.prepare("DELETE FROM facts WHERE kind IN ('correction', 'reformulation') AND day < ? AND key NOT IN (SELECT key FROM visible)").run(hiddenKeepFrom);
      // A visible query none of whose days is left is forgotten (and shown again only if it reaches
      // the threshold again): visible markers do not pile up for ever.
      this.db.prepare('DELETE FROM visible WHERE key NOT IN (SELECT key FROM query_days)').run();
      this.db.prepare('DELETE FROM query_parts WHERE key NOT IN (SELECT key FROM visible)').run();
      // A week some of whose days are gone is read day by day from now on; one wholly gone, deleted.
      this.db.prepare("DELETE FROM query_parts WHERE part < 'd' || ?").run(keepFrom);
      this.db.prepare("DELETE FROM query_parts WHERE part >= 'w' AND part <= 'w' || ?").run(addDays(keepFrom, -7));
      this.db.prepare("INSERT INTO meta (name, value) VALUES ('pruned_before', ?) ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)").run(keepFrom);
    })();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
