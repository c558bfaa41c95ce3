import { randomBytes } from 'node:crypto';
/**
 * Search analytics in memory: every answered search (full path, response cache, fast path) and
 * every widget report is counted here, on the request path, without awaiting anything; flush()
 * hands the counts to the store every ≤ 10 s and on shutdown. What is kept is listed in
 * server/analytics/store.ts; nothing identifies a reader (docs/analytics.md).
 */
import type { AnalyticsReport } from '../../core/analytics-report.js';
import type { Logger } from '../../core/logger.js';
import { ClientHasher, type DailyKeySource } from './client-key.js';
import { maskQuery, queryKey } from './query-form.js';
import { addDays, dayOf, type AnalyticsStore, type Day, type FactKind, type FlushBatch, type QueryCounts } from './store.js';

/** A query text is shown or exported only after this many distinct clients within 7 days. */
export const CLIENT_THRESHOLD = 5;
/** Below-threshold rows are deleted after this many days. */
export const HIDDEN_RETENTION_DAYS = 7;
/** Reports are counted only for queries answered this recently. */
const ANSWERED_WITHIN_DAYS = 1;
/**
 * A report for a query this proxy has not seen answered waits this long for another proxy's flush
 * to show the answer in the store: every proxy flushes within ANALYTICS_FLUSH_MS ≤ 10 s
 * (core/config.ts), plus 2 s for that flush itself. Without the wait, a click a moment after an
 * answer, reported to the other proxy before the answering one flushed, was dropped.
 */
const PEER_FLUSH_WAIT_MS = 12_000;
/** Reports waiting for the next flush at most (a flood is dropped, not buffered without bound). */
const MAX_PENDING_REPORTS = 100_000;
/** And at most this many characters of report text waiting (~32 MB as UTF-16): a flood of long reports cannot grow the heap. */
const MAX_PENDING_CHARS = 16_000_000;

export interface AnalyticsOptions {
  flushMs: number;
  retentionDays: number;
  log: Logger;
  keys: DailyKeySource;
  now?: () => number;
}

/** One answer's facts, computed once when the answer is made; hits of the same bytes reuse it. */
export class Tally {
  epoch = -1;
  bucket: Bucket | undefined;
  spelling: { n: number } | undefined;
  constructor(
    readonly key: string,
    readonly text: string,
    readonly zero: boolean,
    readonly complete: boolean,
  ) {}
}

interface Bucket {
  counts: QueryCounts;
  spellings: Map<string, { n: number }>;
  /** Hashes of today's distinct clients for this key, up to the threshold (memory only). */
  seen: string[];
  /** Of those, the ones first seen in this window: counted at its flush, with the other proxies' (DailyKeySource.newClients). */
  fresh: string[];
  /** The last answer sent for the key was complete and empty. */
  lastZeroComplete: boolean;
}

interface Window {
  day: Day;
  buckets: Map<string, Bucket>;
  facts: Map<string, number>;
}

type Client = () => string | undefined;

/** A widget report waiting for a flush: the client as a keyed hash, when it came, its text size (the cap). */
interface PendingReport {
  report: AnalyticsReport;
  client: string | undefined;
  at: number;
  chars: number;
}

const SEP = '\u001f';

export class SearchAnalytics {
  private epoch = 0;
  private window: Window;
  private pending: PendingReport[] = [];
  private pendingChars = 0;
  /** The day this process hashes with a key of its own (the shared one could not be read). */
  private fallbackDay: Day | undefined;
  private readonly hasher = new ClientHasher();
  private readonly byBody = new WeakMap<Buffer, Tally>();
  /** Today's distinct clients per key (the threshold's count), kept across flushes. */
  private daySeen = new Map<string, string[]>();
  /** Keys answered lately → when, and whether that answer was complete and empty. */
  private readonly recent = new Map<string, { at: number; zeroComplete: boolean }>();
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private keyDay: Day | undefined;

  constructor(
    readonly store: AnalyticsStore,
    private readonly options: AnalyticsOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.window = this.newWindow();
  }

  /** Takes the day's client key and starts the flush timer. */
  async start(): Promise<void> {
    await this.refreshKey();
    this.prune();
    this.timer = setInterval(() => void this.flush(), this.options.flushMs);
    this.timer.unref();
  }

  /** The facts of an answer about to be sent (miss path: once per computed answer). */
  tally(q: string, total: number, complete: boolean): Tally | undefined {
    const text = maskQuery(q);
    const key = queryKey(text);
    return key === '' ? undefined : new Tally(key, text, total === 0 && complete, complete);
  }

  /** The tally of an answer's bytes (cached bodies are sent again as the same Buffer). */
  remember(body: Buffer, tally: Tally): void {
    this.byBody.set(body, tally);
  }

  /** A cached body sent again (response cache or fast path): counted if its answer was. */
  answeredBytes(body: Buffer, client: Client): Tally | undefined {
    const tally = this.byBody.get(body);
    if (tally) this.answered(tally, client);
    return tally;
  }

  /** One answer sent. The hot path: a few field increments, a hash only for a client not yet counted. */
  answered(tally: Tally, client: Client): void {
    if (tally.epoch !== this.epoch) this.attach(tally);
    const bucket = tally.bucket!;
    bucket.counts.answers++;
    if (tally.zero) bucket.counts.answersZero++;
    bucket.lastZeroComplete = tally.zero;
    tally.spelling!.n++;
    if (bucket.seen.length < CLIENT_THRESHOLD) this.countClient(bucket, client());
  }

  /** A final search from the no-JavaScript page (there is no widget to report it). */
  pageSearch(tally: Tally): void {
    if (tally.epoch !== this.epoch) this.attach(tally);
    tally.bucket!.counts.searches++;
    if (tally.zero) tally.bucket!.counts.searchesZero++;
    this.fact('total', 'searches', '', 1);
    if (tally.zero) this.fact('total', 'zero', '', 1);
  }

  /** A widget report, validated; counted at the next flush if its query was answered lately. */
  report(report: AnalyticsReport, client: string | undefined): void {
    const chars = report.q.length + (report.prev?.length ?? 0) + (report.correction?.to.length ?? 0) + (report.filters?.tag?.length ?? 0) + (report.click?.id.length ?? 0);
    if (this.pending.length >= MAX_PENDING_REPORTS || this.pendingChars + chars > MAX_PENDING_CHARS) return;
    this.pendingChars += chars;
    this.pending.push({ report, client: client === undefined ? undefined : this.hasher.hash(client), at: this.now(), chars });
  }

  /** Writes what was counted since the last flush; one flush at a time, never thrown. */
  flush(): Promise<void> {
    this.flushing ??= this.flushOnce().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Final flush (after HTTP drained), waiting at most `timeoutMs` for the store. */
  async stop(timeoutMs = 5_000): Promise<void> {
    clearInterval(this.timer);
    // Not unref'd: a store that never answers must not let the process end before the timeout does.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    // A flush in progress took its window; another takes what came after it.
    await Promise.race([(this.flushing ?? Promise.resolve()).then(() => this.flush()), timeout]);
    await Promise.race([this.store.close(), timeout]).catch(() => {});
    clearTimeout(timer);
  }

  private async flushOnce(): Promise<void> {
    const window = this.window;
    const reports = this.pending;
    this.window = this.newWindow();
    this.pending = [];
    this.pendingChars = 0;
    this.epoch++;
    try {
      await this.refreshKey();
      if (window.day !== this.window.day) this.prune();
      this.rememberAnswered(window);
      this.waitForPeers(await this.countReports(window, reports));
      await this.countClients(window);
      const batch = batchOf(window);
      if (batch.queries.length + batch.facts.length + batch.spellings.length === 0) return;
      await this.store.add(batch, window.day, CLIENT_THRESHOLD);
    } catch (error) {
      this.options.log.error({ err: error }, 'search analytics: flush failed; these counts are kept for the next one');
      this.mergeBack(window);
    }
  }

  private newWindow(): Window {
    const day = dayOf(this.now());
    if (this.window && day !== this.window.day) this.daySeen = new Map();
    return { day, buckets: new Map(), facts: new Map() };
  }

  /**
   * The day's shared key; while it cannot be had (Redis down), this process's own random key is
   * used (retried at every flush): clients are then told apart per proxy, and one that is hashed
   * under both keys that day counts twice.
   */
  private async refreshKey(): Promise<void> {
    const day = dayOf(this.now());
    if (day === this.keyDay) return;
    try {
      const key = await Promise.race([
        this.options.keys.keyFor(day),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2_000).unref()),
      ]);
      this.hasher.setKey(key);
      this.keyDay = day;
    } catch (error) {
      // A new day without the shared key: never go on hashing with yesterday's (today's hashes would link to it).
      if (this.fallbackDay !== day) {
        this.hasher.setKey(randomBytes(32));
        this.fallbackDay = day;
      }
      this.options.log.warn({ err: error }, 'search analytics: the shared client key could not be read; using this process\'s own for now');
    }
  }

  /** Retention, in the background: the request path and start-up never wait for it. */
  private prune(): void {
    const today = dayOf(this.now());
    this.store.prune(addDays(today, -this.options.retentionDays), addDays(today, -HIDDEN_RETENTION_DAYS)).catch((error: unknown) => {
      this.options.log.error({ err: error }, 'search analytics: pruning old rows failed; retried tomorrow');
    });
  }

  private attach(tally: Tally): void {
    const bucket = this.bucket(tally.key);
    let spelling = bucket.spellings.get(tally.text);
    if (!spelling) bucket.spellings.set(tally.text, (spelling = { n: 0 }));
    tally.bucket = bucket;
    tally.spelling = spelling;
    tally.epoch = this.epoch;
  }

  private bucket(key: string): Bucket {
    let bucket = this.window.buckets.get(key);
    if (!bucket) {
      let seen = this.daySeen.get(key);
      if (!seen) this.daySeen.set(key, (seen = []));
      bucket = { counts: { answers: 0, answersZero: 0, searches: 0, searchesZero: 0, clicks: 0, noClicks: 0, clients: 0 }, spellings: new Map(), seen, fresh: [], lastZeroComplete: false };
      this.window.buckets.set(key, bucket);
    }
    return bucket;
  }

  private countClient(bucket: Bucket, address: string | undefined): void {
    if (address === undefined) return;
    this.countHash(bucket, this.hasher.hash(address));
  }

  private countHash(bucket: Bucket, hash: string | undefined): void {
    if (hash === undefined || bucket.seen.length >= CLIENT_THRESHOLD || bucket.seen.includes(hash)) return;
    bucket.seen.push(hash);
    bucket.fresh.push(hash);
  }

  private fact(kind: FactKind, key: string, sub: string, n: number): void {
    const name = kind + SEP + key + SEP + sub;
    this.window.facts.set(name, (this.window.facts.get(name) ?? 0) + n);
  }

  /** Answers of a flushed window become "answered lately" for reports that arrive after it. */
  private rememberAnswered(window: Window): void {
    const at = this.now();
    for (const [key, bucket] of window.buckets) {
      if (bucket.counts.answers === 0) continue;
      // Re-inserted, not updated in place: the map stays in answer-time order, so the trim below can stop at the first recent one.
      this.recent.delete(key);
      this.recent.set(key, { at, zeroComplete: bucket.lastZeroComplete });
    }
    const oldest = at - ANSWERED_WITHIN_DAYS * 86_400_000;
    for (const [key, seen] of this.recent) {
      if (seen.at >= oldest) break;
      this.recent.delete(key);
    }
  }

  /**
   * Reports into the window being flushed (counted on its day); returns those whose query is not
   * known answered yet but may still be flushed by another proxy; the rest are dropped.
   */
  private async countReports(window: Window, reports: readonly PendingReport[]): Promise<PendingReport[]> {
    if (reports.length === 0) return [];
    const forms = reports.map(({ report }) => {
      const text = maskQuery(report.q);
      return { text, key: queryKey(text) };
    });
    const unknown = [...new Set(forms.map((f) => f.key).filter((key) => key !== '' && !this.recent.has(key)))];
    const answeredElsewhere = unknown.length > 0 ? await this.store.answeredSince(unknown, addDays(window.day, -ANSWERED_WITHIN_DAYS)) : new Set<string>();
    const current = this.window;
    const waiting: PendingReport[] = [];
    const stillAwaited = this.now() - PEER_FLUSH_WAIT_MS;
    this.window = window;
    try {
      reports.forEach((pending, i) => {
        const { text, key } = forms[i]!;
        if (key === '') return;
        if (this.recent.has(key) || answeredElsewhere.has(key)) this.countReport(pending.report, pending.client, key, text);
        else if (pending.at >= stillAwaited) waiting.push(pending);
      });
    } finally {
      this.window = current;
    }
    return waiting;
  }

  /**
   * The window's newly seen clients per key, counted once across proxies: each proxy knows only the
   * clients it served, so a reader whose searches reach two proxies would otherwise count twice.
   * Without an answer from the shared set within 2 s, this proxy's own count is used.
   */
  private async countClients(window: Window): Promise<void> {
    const fresh = new Map([...window.buckets].filter(([, b]) => b.fresh.length > 0).map(([key, b]) => [key, b.fresh]));
    if (fresh.size === 0) return;
    let counted: Map<string, number>;
    try {
      counted = await Promise.race([
        this.options.keys.newClients(window.day, fresh),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2_000).unref()),
      ]);
    } catch (error) {
      this.options.log.warn({ err: error }, "search analytics: the shared distinct-client count could not be updated; this proxy's own count is used");
      counted = new Map([...fresh].map(([key, hashes]) => [key, hashes.length]));
    }
    for (const [key, hashes] of fresh) {
      const bucket = window.buckets.get(key)!;
      bucket.counts.clients += counted.get(key) ?? 0;
      hashes.length = 0;
    }
  }

  /** Reports back in the queue for the next flush, ahead of newer ones, within the same caps. */
  private waitForPeers(waiting: PendingReport[]): void {
    const kept = waiting.slice(0, Math.max(0, MAX_PENDING_REPORTS - this.pending.length));
    this.pending = [...kept, ...this.pending];
    for (const p of kept) this.pendingChars += p.chars;
  }

  private countReport(report: AnalyticsReport, client: string | undefined, key: string, text: string): void {
    const bucket = this.bucket(key);
    const spelling = bucket.spellings.get(text);
    if (spelling) spelling.n++;
    else bucket.spellings.set(text, { n: 1 });
    this.countHash(bucket, client);
    const counts = bucket.counts;
    counts.searches++;
    this.fact('total', 'searches', '', 1);
    // An empty answer counts only when the server's own answer was complete (no failed shard).
    const zero = report.total === 0 && (this.recent.get(key)?.zeroComplete ?? true);
    if (zero) {
      counts.searchesZero++;
      this.fact('total', 'zero', '', 1);
    }
    if (report.click) {
      counts.clicks++;
      this.fact('total', 'clicks', '', 1);
      this.fact('position', positionBucket(report.click.position), '', 1);
      this.fact('article', articleOf(report.click.id), '', 1);
      if (report.prev !== undefined) {
        const from = queryKey(maskQuery(report.prev));
        if (from !== '' && from !== key) this.fact('reformulation', from, key, 1);
      }
    } else if (report.total > 0) {
      counts.noClicks++;
      this.fact('total', 'noClicks', '', 1);
    }
    if (report.more > 0) this.fact('total', 'more', '', report.more);
    if (report.correction) this.fact('correction', key, `${report.correction.rejected ? 'rejected' : 'accepted'}${SEP}${maskQuery(report.correction.to)}`, 1);
    for (const [name, value] of Object.entries(report.filters ?? {})) {
      if (value === undefined) continue;
      // Values that are not personal: tags and orders are the site's own words; dates and article ids are only counted as "used".
      this.fact('filter', name, name === 'tag' || name === 'sort' || name === 'group' ? String(value).slice(0, 100) : '', 1);
    }
  }

  /** A failed flush's counts go back into the current window (added, so nothing counted twice). */
  private mergeBack(window: Window): void {
    const current = this.window;
    if (current.day !== window.day) {
      this.options.log.warn({ day: window.day }, 'search analytics: a failed flush of a past day is dropped');
      return;
    }
    for (const [key, bucket] of window.buckets) {
      const into = this.bucket(key);
      for (const field of Object.keys(bucket.counts) as (keyof QueryCounts)[]) into.counts[field] += bucket.counts[field];
      into.fresh.push(...bucket.fresh);
      for (const [text, s] of bucket.spellings) {
        const spelling = into.spellings.get(text);
        if (spelling) spelling.n += s.n;
        else into.spellings.set(text, { n: s.n });
      }
    }
    for (const [name, n] of window.facts) current.facts.set(name, (current.facts.get(name) ?? 0) + n);
    this.epoch++;
  }
}

function batchOf(window: Window): FlushBatch {
  const batch: FlushBatch = { queries: [], spellings: [], facts: [] };
  let answers = 0;
  let answersZero = 0;
  for (const [key, bucket] of window.buckets) {
    batch.queries.push({ day: window.day, key, counts: bucket.counts });
    answers += bucket.counts.answers;
    answersZero += bucket.counts.answersZero;
    for (const [text, { n }] of bucket.spellings) if (n > 0) batch.spellings.push({ day: window.day, key, text, n });
  }
  if (answers > 0) batch.facts.push({ day: window.day, kind: 'total', key: 'answers', sub: '', n: answers });
  if (answersZero > 0) batch.facts.push({ day: window.day, kind: 'total', key: 'answersZero', sub: '', n: answersZero });
  for (const [name, n] of window.facts) {
    const first = name.indexOf(SEP);
    const second = name.indexOf(SEP, first + 1);
    const kind = name.slice(0, first) as FactKind;
    const key = name.slice(first + 1, second);
    const sub = name.slice(second + 1);
    batch.facts.push({ day: window.day, kind, key, sub, n });
  }
  return batch;
}

/** Click positions as the histogram shows them. */
export function positionBucket(position: number): string {
  return position <= 10 ? String(position) : position <= 20 ? '11-20' : '21+';
}

/** Hit ids are `<article id>-<section index>-<passage>` (indexer/chunks.ts); the article is what is counted. */
function articleOf(hitId: string): string {
  return hitId.replace(/-\d+-\d+$/, '').slice(0, 200);
}
