/**
 * express-rate-limit's count, key and headers for the fast path's hits (fast-hits.ts), which never
 * reach the library's middleware. The reason is fast-hits.ts's measurement (proxy CPU per cached
 * hit 433 → 129 µs, `npm run bench:api`, docs/api.md); this file adds one MemoryStore increment per
 * hit. tests/unit/rate-limit-counter.test.ts compares it with the real middleware.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ipKeyGenerator, type Store } from 'express-rate-limit';
import proxyAddr from 'proxy-addr';

/** Express's compiled `trust proxy` setting (`app.get('trust proxy fn')`). */
export type TrustProxy = (address: string, hop: number) => boolean;

/** Partition keys are a hash of the client key; clients come back, so each is hashed once. */
const MAX_REMEMBERED_KEYS = 10_000;

/**
 * rateLimitPolicy() (express-rate-limit 8, `standardHeaders: 'draft-8'`) for a request Express
 * never sees — the fast path's cache hits: the same store, the same key (the client IP as
 * `req.ip` computes it under `trust proxy`, IPv6 grouped by /56 as the library's default
 * keyGenerator does), the same `RateLimit` and `RateLimit-Policy` headers. A request over the
 * limit is not answered here: its count is given back and Express answers it (and counts it),
 * so the 429 is the library's own. tests/integration/fast-hits.test.ts compares both paths.
 */
export class RateLimitCounter {
  private readonly name: string;
  private readonly windowSeconds: number;
  private readonly partitionKeys = new Map<string, string>();

  constructor(
    private readonly store: Store,
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly trust: TrustProxy,
  ) {
    this.name = `${limit}-in-${duration(windowMs)}`;
    this.windowSeconds = Math.ceil(windowMs / 1000);
  }

  /** Counts the request and gives the headers to answer with; undefined = over the limit, nothing counted. */
  async consume(req: IncomingMessage): Promise<[string, string][] | undefined> {
    const key = ipKeyGenerator(proxyAddr(req, this.trust));
    const { totalHits, resetTime } = await this.store.increment(key);
    if (totalHits > this.limit) {
      await this.store.decrement(key);
      return undefined;
    }
    const resetSeconds = resetTime ? Math.max(0, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : this.windowSeconds;
    return [
      ['RateLimit', `"${this.name}"; r=${Math.max(this.limit - totalHits, 0)}; t=${resetSeconds}`],
      ['RateLimit-Policy', `"${this.name}"; q=${this.limit}; w=${this.windowSeconds}; pk=:${this.partitionKey(key)}:`],
    ];
  }

  private partitionKey(key: string): string {
    let partition = this.partitionKeys.get(key);
    if (partition === undefined) {
      if (this.partitionKeys.size >= MAX_REMEMBERED_KEYS) this.partitionKeys.clear();
      const hex = createHash('sha256').update(key).digest('hex').slice(0, 12);
      this.partitionKeys.set(key, (partition = Buffer.from(hex).toString('base64')));
    }
    return partition;
  }
}

/** The library's policy name for a window: `300-in-1min`, `10-in-30sec`, `5-in-2hrs`. */
function duration(windowMs: number): string {
  const seconds = windowMs / 1000;
  const minutes = seconds / 60;
  const hours = minutes / 60;
  const days = hours / 24;
  if (seconds < 60) return `${seconds}sec`;
  if (minutes < 60) return `${minutes}min`;
  if (hours < 24) return `${hours}hr${hours > 1 ? 's' : ''}`;
  return `${days}day${days > 1 ? 's' : ''}`;
}
