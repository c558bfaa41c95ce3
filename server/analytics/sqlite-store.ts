/**
 * The embedded analytics store: SQLite in DATA_DIR through `libsql` (better-sqlite3's API, with
 * prebuilt binaries: it installs on a fresh machine without a compiler). WAL, one transaction per
 * flush, upserts that add: a flush lost half-way leaves the previous state, never a partial one.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'libsql';
import { addDays, QUERY_FIELDS, type AnalyticsStore, type Day, type FactKind, type FactRow, type FlushBatch, type QueryRow, type RisingWindow, type StoreRange } from './store.js';

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
`;

export const ANALYTICS_DB_FILE = 'analytics.sqlite';

export class SqliteAnalyticsStore implements AnalyticsStore {
  private readonly db: Database.Database;
  private readonly addBatch: (batch: FlushBatch, today: Day, threshold: number) => void;

  constructor(file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    const upsertQuery = this.db.prepare(
      `INSERT INTO query_days (key, day, ${COLUMN_LIST.join(', ')}) VALUES (?, ?, ${COLUMN_LIST.map(() => '?').join(', ')})
       ON CONFLICT (key, day) DO UPDATE SET ${COLUMN_LIST.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`,
    );
    const upsertSpelling = this.db.prepare('INSERT INTO spellings (key, day, text, n) VALUES (?, ?, ?, ?) ON CONFLICT (key, day, text) DO UPDATE SET n = n + excluded.n');
    const upsertFact = this.db.prepare('INSERT INTO facts (kind, day, key, sub, n) VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, day, key, sub) DO UPDATE SET n = n + excluded.n');
    const promote = this.db.prepare(
      'INSERT OR IGNORE INTO visible (key, since) SELECT key, ? FROM query_days WHERE key = ? AND day >= ? AND day <= ? GROUP BY key HAVING sum(clients) >= ?',
    );
    this.addBatch = this.db.transaction((batch: FlushBatch, today: Day, threshold: number) => {
      const touched = new Set<string>();
      for (const q of batch.queries) {
        upsertQuery.run(q.key, q.day, ...QUERY_FIELDS.map((f) => q.counts[f] ?? 0));
        if (q.counts.clients) touched.add(q.key);
      }
      for (const s of batch.spellings) upsertSpelling.run(s.key, s.day, s.text, s.n);
      for (const f of batch.facts) upsertFact.run(f.kind, f.day, f.key, f.sub, f.n);
      const weekStart = addDays(today, -6);
      for (const key of touched) promote.run(today, key, weekStart, today, threshold);
    });
  }

  async add(batch: FlushBatch, today: Day, threshold: number): Promise<void> {
    this.addBatch(batch, today, threshold);
  }

  async answeredSince(keys: readonly string[], since: Day): Promise<Set<string>> {
    const statement = this.db.prepare('SELECT 1 FROM query_days WHERE key = ? AND day >= ? AND answers > 0 LIMIT 1');
    return new Set(keys.filter((key) => statement.get(key, since) !== undefined));
  }

  /**
   * Visible keys drive the join (CROSS JOIN fixes the order): each is a seek into the primary key
   * (key, day), and the rows come grouped by key. Measured on 5 days × 20,000 queries (10,000
   * visible), loaded machine: 173 ms this way, 485 ms through the day index, 414 ms scanning.
   */
  async queries(range: StoreRange, rising: RisingWindow): Promise<QueryRow[]> {
    const inRange = (column: string) => `sum(CASE WHEN q.day >= :from THEN q.${column} ELSE 0 END)`;
    const sums = QUERY_FIELDS.map((f) => `${inRange(COLUMNS[f])} AS ${f}`).join(', ');
    return this.db
      .prepare(
        `SELECT v.key AS key, ${sums},
           sum(CASE WHEN q.day >= :recent THEN q.searches ELSE 0 END) AS recent,
           sum(CASE WHEN q.day >= :earlier AND q.day < :recent THEN q.searches ELSE 0 END) AS earlier
         FROM visible v CROSS JOIN query_days q ON q.key = v.key AND q.day >= :low AND q.day <= :to GROUP BY v.key`,
      )
      .all({ from: range.from, to: range.to, recent: rising.recentFrom, earlier: rising.earlierFrom, low: range.from < rising.earlierFrom ? range.from : rising.earlierFrom }) as QueryRow[];
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
    const statement = this.db.prepare('SELECT text, sum(n) AS n FROM spellings WHERE key = ? AND day >= ? AND day <= ? GROUP BY text ORDER BY n DESC, text LIMIT 1');
    const out = new Map<string, string>();
    for (const key of keys) {
      const row = statement.get(key, range.from, range.to) as { text: string } | undefined;
      if (row) out.set(key, row.text);
    }
    return out;
  }

  async visible(keys: readonly string[]): Promise<Set<string>> {
    const statement = this.db.prepare('SELECT 1 FROM visible WHERE key = ?');
    return new Set(keys.filter((key) => statement.get(key) !== undefined));
  }

  async prune(keepFrom: Day, hiddenKeepFrom: Day): Promise<void> {
    this.db.transaction(() => {
      for (const table of ['query_days', 'spellings', 'facts']) this.db.prepare(`DELETE FROM ${table} WHERE day < ?`).run(keepFrom);
      for (const table of ['query_days', 'spellings']) {
        this.db.prepare(`DELETE FROM ${table} WHERE day < ? AND key NOT IN (SELECT key FROM visible)`).run(hiddenKeepFrom);
      }
      this.db.prepare("DELETE FROM facts WHERE kind IN ('correction', 'reformulation') AND day < ? AND key NOT IN (SELECT key FROM visible)").run(hiddenKeepFrom);
    })();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
