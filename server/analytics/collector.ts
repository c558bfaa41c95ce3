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
import type { AnswerFacts } from './answer-facts.js';
import { maskNormalized, maskQuery, queryKey } from './query-form.js';
import type { ClientPairs, SharedClients } from './shared-clients.js';
import { answerMember, type SharedAnswers } from './shared-answers.js';
import { addDays, dayOf, type AnalyticsStore, type Day, type FactKind, type FlushBatch, type QueryCounts } from './store.js';

/** A query text is shown or exported only after this many distinct clients within 7 days. */
export const CLIENT_THRESHOLD = 5;
/** Below-threshold rows are deleted after this many days. */
export const HIDDEN_RETENTION_DAYS = 7;
/** Reports are counted only for queries answered this recently. */
const ANSWERED_WITHIN_DAYS = 1;
/** Article ids and corrections remembered per query answered lately, at most (a long paging session's ids beyond it are not checked against). */
const MAX_REMEMBERED_PER_QUERY = 300;
/** Tags known from answers' facets, at most (an index's own tag names; a bound all the same). */
const MAX_KNOWN_TAGS = 20_000;
/** Answer facts waiting to be shared at most, while Redis cannot take them (the newest are kept). */
const MAX_PENDING_SHARED = 200_000;
/**
 * A report for a query this proxy has not seen answered waits this long for another proxy's flush
 * to show the answer in the store: every proxy flushes within ANALYTICS_FLUSH_MS ≤ 10 s
 * (core/config.ts), plus 2 s for that flush itself. Without the wait, a click a moment after an
 * answer, reported to the other proxy before the answering one flushed, was dropped (the shared
 * answered set is written at that same flush, so it does not cover this case).
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
  /** With several proxies (REDIS_URL): the day's distinct clients counted across all of them. */
  sharedClients?: SharedClients;
  /** With several proxies: what each answered lately, so a report reaching another proxy is checked all the same. */
  sharedAnswers?: SharedAnswers;
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
    /** What later reports are checked against: the articles answered and the correction (tags are noted at once, not kept per answer). */
    readonly facts: Pick<AnswerFacts, 'articles' | 'correction'>,
  ) {}
}

/** A query answered lately: when, and the client-checkable facts of its answers. */
interface Answered {
  at: number;
  zeroComplete: boolean;
  /** Article ids of hits answered for it. */
  articles: Set<string>;
  /** Masked corrections answered for it. */
  corrections: Set<string>;
}

interface Bucket {
  counts: QueryCounts;
  spellings: Map<string, { n: number }>;
  /** Hashes of today's distinct clients for this key, up to the threshold (memory only). */
  seen: string[];
  /** With shared clients: hashes first met here in this window, counted at the flush if new to every proxy. */
  fresh: string[];
  /** The last answer sent for the key was complete and empty. */
  lastZeroComplete: boolean;
  /** The answers counted in this window (their facts become "answered lately" at the flush). */
  tallies: Set<Tally>;
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
  private readonly recent = new Map<string, Answered>();
  /** Tags seen in answers' facets lately → when (a reported tag is counted by name only if known). */
  private readonly knownTags = new Map<string, number>();
  /** Answer facts newly remembered here, for the shared set (kept until written). */
  private toShare: string[] = [];
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

  /** The tally of an answer about to be sent (miss path: once per computed answer; its query is already normalized). */
  tally(facts: AnswerFacts): Tally | undefined {
    const text = maskNormalized(facts.q);
    const key = queryKey(text);
    if (key === '') return undefined;
    this.noteTags(facts.tags);
    // Only what reports are checked against is kept: a cached body's tally lives as long as the body.
    const kept: Tally['facts'] = facts.correction === undefined ? { articles: facts.articles } : { articles: facts.articles, correction: facts.correction };
    return new Tally(key, text, facts.total === 0 && facts.complete, facts.complete, kept);
  }

  /** Tags seen in an answer's facets become known (for reports' tag filters); a new one is shared. */
  private noteTags(tags: readonly string[]): void {
    const at = this.now();
    for (const tag of tags) {
      if (!this.knownTags.delete(tag) && this.options.sharedAnswers) this.toShare.push(answerMember('t', '', tag));
      if (this.knownTags.size < MAX_KNOWN_TAGS) this.knownTags.set(tag, at);
    }
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
      await this.shareAnswered(window.day);
      this.waitForPeers(await this.countReports(window, reports));
      await this.admitClients(window);
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
    bucket.tallies.add(tally);
    tally.bucket = bucket;
    tally.spelling = spelling;
    tally.epoch = this.epoch;
  }

  private bucket(key: string): Bucket {
    let bucket = this.window.buckets.get(key);
    if (!bucket) {
      let seen = this.daySeen.get(key);
      if (!seen) this.daySeen.set(key, (seen = []));
      bucket = { counts: { answers: 0, answersZero: 0, searches: 0, searchesZero: 0, clicks: 0, noClicks: 0, clients: 0 }, spellings: new Map(), seen, fresh: [], lastZeroComplete: false, tallies: new Set() };
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
    if (this.options.sharedClients) bucket.fresh.push(hash);
    else bucket.counts.clients++;
  }

  /** Shared clients: the hashes this process met first become counts only where they are new to the day's shared set. */
  private async admitClients(window: Window): Promise<void> {
    const shared = this.options.sharedClients;
    if (!shared) return;
    const pairs: ClientPairs = [...window.buckets].flatMap(([key, bucket]) => bucket.fresh.map((hash) => [key, hash] as const));
    if (pairs.length === 0) return;
    const counted = await shared.admit(window.day, pairs, CLIENT_THRESHOLD);
    // Admitted pairs are in the shared set now: from here on they travel as counts (a failed store write merges those back).
    for (const [key, bucket] of window.buckets) {
      bucket.counts.clients += counted.get(key) ?? 0;
      bucket.fresh = [];
    }
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
      const had = this.recent.get(key);
      const entry: Answered = { at, zeroComplete: bucket.lastZeroComplete, articles: had?.articles ?? new Set(), corrections: had?.corrections ?? new Set() };
      const share = (member: string) => void (this.options.sharedAnswers && this.toShare.push(member));
      for (const { facts } of bucket.tallies) {
        for (const article of facts.articles) {
          if (entry.articles.size >= MAX_REMEMBERED_PER_QUERY || entry.articles.has(article)) continue;
          entry.articles.add(article);
          share(answerMember('a', key, article));
        }
        const correction = facts.correction === undefined ? undefined : maskNormalized(facts.correction);
        if (correction !== undefined && entry.corrections.size < MAX_REMEMBERED_PER_QUERY && !entry.corrections.has(correction)) {
          entry.corrections.add(correction);
          share(answerMember('c', key, correction));
        }
      }
      // Re-inserted, not updated in place: the map stays in answer-time order, so the trim below can stop at the first recent one.
      this.recent.delete(key);
      this.recent.set(key, entry);
    }
    const oldest = at - ANSWERED_WITHIN_DAYS * 86_400_000;
    trimOlder(this.recent, (seen) => seen.at < oldest);
    trimOlder(this.knownTags, (seenAt) => seenAt < oldest);
  }

  /**
   * Writes the facts remembered since the last flush to the shared set. A failure does not fail
   * the flush (the counts do not depend on it): the facts wait for the next one, up to a bound.
   */
  private async shareAnswered(day: Day): Promise<void> {
    if (!this.options.sharedAnswers || this.toShare.length === 0) return;
    try {
      await this.options.sharedAnswers.add(day, this.toShare);
      this.toShare = [];
    } catch (error) {
      if (this.toShare.length > MAX_PENDING_SHARED) this.toShare = this.toShare.slice(-MAX_PENDING_SHARED);
      this.options.log.warn({ err: error }, 'search analytics: sharing what this proxy answered failed; retried at the next flush');
    }
  }

  /**
   * The texts a report claims the server answered (its click's article, its correction, its tag),
   * each with whether this process knows so itself; the others are asked of the shared set.
   */
  private claimsOf(report: AnalyticsReport, key: string): Claims {
    const answered = this.recent.get(key);
    const claims: Claims = {};
    if (report.click) {
      const article = articleOf(report.click.id);
      claims.article = { value: article, member: answerMember('a', key, article), local: answered?.articles.has(article) ?? false };
    }
    if (report.correction) {
      const corrected = maskQuery(report.correction.to);
      claims.correction = { value: corrected, member: answerMember('c', key, corrected), local: answered?.corrections.has(corrected) ?? false };
    }
    const tag = report.filters?.tag;
    if (tag !== undefined) claims.tag = { value: tag, member: answerMember('t', '', tag), local: this.knownTags.has(tag) };
    return claims;
  }

  /**
   * Reports into the window being flushed (counted on its day); returns those whose query is not
   * known answered yet but may still be flushed by another proxy; the rest are dropped.
   */
  private async countReports(window: Window, reports: readonly PendingReport[]): Promise<PendingReport[]> {
    if (reports.length === 0) return [];
    const keys = reports.map(({ report }) => queryKey(maskQuery(report.q)));
    // A reformulation's first query must have been answered lately too (its text is the client's).
    const prevKeys = reports.map(({ report }) => (report.click && report.prevMissed && report.prev !== undefined ? queryKey(maskQuery(report.prev)) : ''));
    const unknown = [...new Set([...keys, ...prevKeys].filter((key) => key !== '' && !this.recent.has(key)))];
    const answeredElsewhere = unknown.length > 0 ? await this.store.answeredSince(unknown, addDays(window.day, -ANSWERED_WITHIN_DAYS)) : new Set<string>();
    const claims = reports.map(({ report }, i) => this.claimsOf(report, keys[i]!));
    const ask = this.options.sharedAnswers ? [...new Set(claims.flatMap((c) => Object.values(c).filter((claim) => !claim.local).map((claim) => claim.member)))] : [];
    const sharedKnown = ask.length > 0 ? await this.options.sharedAnswers!.has([window.day, addDays(window.day, -ANSWERED_WITHIN_DAYS)], ask) : new Set<string>();
    const verified = (claim: Claim | undefined): string | undefined => (claim && (claim.local || sharedKnown.has(claim.member)) ? claim.value : undefined);
    const current = this.window;
    const waiting: PendingReport[] = [];
    const stillAwaited = this.now() - PEER_FLUSH_WAIT_MS;
    this.window = window;
    try {
      reports.forEach((pending, i) => {
        const { report, client } = pending;
        const key = keys[i]!;
        const answered = (k: string) => k !== '' && (this.recent.has(k) || answeredElsewhere.has(k));
        if (!answered(key)) {
          if (key !== '' && pending.at >= stillAwaited) waiting.push(pending);
          return;
        }
        const c = claims[i]!;
        this.countReport(report, client, key, answered(prevKeys[i]!) ? prevKeys[i] : undefined, { article: verified(c.article), correction: verified(c.correction), tag: verified(c.tag) });
      });
    } finally {
      this.window = current;
    }
    return waiting;
  }

  /** Reports back in the queue for the next flush, ahead of newer ones, within the same caps. */
  private waitForPeers(waiting: PendingReport[]): void {
    const kept = waiting.slice(0, Math.max(0, MAX_PENDING_REPORTS - this.pending.length));
    this.pending = [...kept, ...this.pending];
    for (const p of kept) this.pendingChars += p.chars;
  }

  /** The spelling shown comes from the server's answers only: a report's own text (same stems, any punctuation or stop words) is never kept. */
  private countReport(report: AnalyticsReport, client: string | undefined, key: string, from: string | undefined, verified: { article?: string | undefined; correction?: string | undefined; tag?: string | undefined }): void {
    const bucket = this.bucket(key);
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
      // Only an article the server answered for this query (a client cannot make up a most-opened article).
      if (verified.article !== undefined) this.fact('article', verified.article, '', 1);
      // A reformulation: the widget said its previous final query found nothing or was not clicked, and this one was clicked.
      if (from !== undefined && from !== key) this.fact('reformulation', from, key, 1);
    } else if (report.total > 0) {
      counts.noClicks++;
      this.fact('total', 'noClicks', '', 1);
    }
    if (report.more > 0) this.fact('total', 'more', '', report.more);
    // Only the correction the server answered for this query (its text is the server's, not the client's).
    if (verified.correction !== undefined) this.fact('correction', key, `${report.correction!.rejected ? 'rejected' : 'accepted'}${SEP}${verified.correction}`, 1);
    for (const [name, value] of Object.entries(report.filters ?? {})) {
      if (value === undefined) continue;
      // Orders and groupings are enums; a tag is counted only when it is one of the index's own (seen in answers' facets), else dropped; dates and article ids only as "used".
      if (name === 'tag' && verified.tag === undefined) continue;
      this.fact('filter', name, name === 'tag' || name === 'sort' || name === 'group' ? String(value) : '', 1);
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
      into.fresh.push(...bucket.fresh);
      for (const field of Object.keys(bucket.counts) as (keyof QueryCounts)[]) into.counts[field] += bucket.counts[field];
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

/** A text a report claims the server answered: its value as counted, its shared-set member, and whether this process knows it. */
interface Claim {
  value: string;
  member: string;
  local: boolean;
}
interface Claims {
  article?: Claim;
  correction?: Claim;
  tag?: Claim;
}

/** Deletes the oldest entries of an insertion-ordered map while `old` holds. */
function trimOlder<K, V>(map: Map<K, V>, old: (value: V) => boolean): void {
  for (const [key, value] of map) {
    if (!old(value)) break;
    map.delete(key);
  }
}

/** Click positions as the histogram shows them. */
export function positionBucket(position: number): string {
  return position <= 10 ? String(position) : position <= 20 ? '11-20' : '21+';
}

/** Hit ids are `<article id>-<section index>-<passage>` (indexer/chunks.ts); the article is what is counted. */
function articleOf(hitId: string): string {
  return hitId.replace(/-\d+-\d+$/, '').slice(0, 200);
}
