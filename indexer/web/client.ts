/**
 * The indexer's HTTP client for sites: one User-Agent naming the project, robots.txt obeyed
 * (robots-parser), a queue per host (p-queue: concurrency and a pause between starts, raised to
 * the site's Crawl-delay), a timeout over headers and body, a size cap, redirects followed by
 * hand up to a limit (fetch's own `follow` neither counts hops per host queue nor checks robots
 * for each hop), conditional requests (ETag / Last-Modified). Every failure is an InputError naming
 * the URL, so the run reports it and goes on.
 */
import PQueue from 'p-queue';
import robotsParserModule from 'robots-parser';
import type { WebFetchConfig } from '../../core/config.js';
import { hostAllowed } from '../../core/url.js';
import { InputError } from '../../core/errors.js';

export const USER_AGENT_TOKEN = 'news-search';
export const USER_AGENT = `${USER_AGENT_TOKEN}-indexer/0.1 (+https://github.com/news-search; section-level search for news sites)`;

export interface Validators {
  etag?: string | undefined;
  lastModified?: string | undefined;
}

export type FetchResult =
  | { status: 'notModified'; url: string; headers: Headers }
  | { status: 'ok'; url: string; headers: Headers; bytes: Buffer };

interface Robots {
  isDisallowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
}
// The package is CommonJS (module.exports = function); its typings describe an ES default export.
const robotsParser = robotsParserModule as unknown as (url: string, text: string) => Robots;

export class WebClient {
  /** Requests sent (robots.txt, feeds, sitemaps, pages, each redirect hop): the tests' and the benchmark's count. */
  requests = 0;
  private readonly queues = new Map<string, PQueue>();
  private readonly robots = new Map<string, Promise<Robots | undefined>>();

  constructor(private readonly config: WebFetchConfig) {}

  get maxBytes(): number {
    return this.config.maxBytes;
  }

  /** GET `url`, following redirects; 304 when the validators still hold. Throws InputError(url, reason). */
  async get(url: string, validators: Validators = {}): Promise<FetchResult> {
    const seen = new Set<string>();
    let current = url;
    for (let hop = 0; ; hop++) {
      if (seen.has(current)) throw new InputError(url, `redirect loop (${current} again)`);
      seen.add(current);
      if (this.config.allowedHosts && !hostAllowed(this.config.allowedHosts, new URL(current))) {
        throw new InputError(url, `${new URL(current).host} is not among WEB_ALLOW_HOSTS (${this.config.allowedHosts.join(', ')})`);
      }
      await this.checkRobots(current, url);
      const response = await this.send(current, url, validators);
      if (response.status >= 300 && response.status < 400 && response.status !== 304) {
        const location = response.headers.get('location');
        await response.body?.cancel();
        if (!location) throw new InputError(url, `HTTP ${response.status} without a Location header`);
        if (hop >= this.config.maxRedirects) throw new InputError(url, `more than ${this.config.maxRedirects} redirects`);
        current = new URL(location, current).href;
        continue;
      }
      if (response.status === 304) {
        await response.body?.cancel();
        return { status: 'notModified', url: current, headers: response.headers };
      }
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new InputError(url, `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
      }
      return { status: 'ok', url: current, headers: response.headers, bytes: await this.body(response, url) };
    }
  }

  private queueFor(url: string): PQueue {
    const host = new URL(url).host;
    let queue = this.queues.get(host);
    if (!queue) {
      const { hostConcurrency, hostDelayMs } = this.config;
      queue = new PQueue(hostDelayMs > 0 ? { concurrency: hostConcurrency, interval: hostDelayMs, intervalCap: hostConcurrency } : { concurrency: hostConcurrency });
      this.queues.set(host, queue);
    }
    return queue;
  }

  private async send(url: string, asked: string, validators: Validators): Promise<Response> {
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: '*/*' };
    if (validators.etag) headers['if-none-match'] = validators.etag;
    if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
    return this.queueFor(url).add(async () => {
      this.requests++;
      try {
        return await fetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(this.config.timeoutMs) });
      } catch (error) {
        throw new InputError(asked, fetchFailure(error, this.config.timeoutMs));
      }
    }) as Promise<Response>;
  }

  /** The body, read until the size cap (a Content-Length over it is refused before reading). */
  private async body(response: Response, url: string): Promise<Buffer> {
    const limit = this.config.maxBytes;
    const tooBig = () => new InputError(url, `larger than the ${Math.round(limit / 1024)} KB limit (WEB_MAX_BYTES)`);
    if (Number(response.headers.get('content-length') ?? 0) > limit) {
      await response.body?.cancel();
      throw tooBig();
    }
    const parts: Buffer[] = [];
    let size = 0;
    try {
      for await (const part of (response.body ?? []) as unknown as AsyncIterable<Uint8Array>) {
        size += part.length;
        if (size > limit) throw tooBig();
        parts.push(Buffer.from(part));
      }
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(url, fetchFailure(error, this.config.timeoutMs));
    }
    return Buffer.concat(parts);
  }

  /** robots.txt of the URL's origin, read once per run; missing or unreadable = everything allowed. */
  private async checkRobots(url: string, asked: string): Promise<void> {
    const origin = new URL(url).origin;
    let robots = this.robots.get(origin);
    if (!robots) {
      robots = this.readRobots(origin);
      this.robots.set(origin, robots);
    }
    const rules = await robots;
    if (rules && rules.isDisallowed(url, USER_AGENT_TOKEN)) throw new InputError(asked, `disallowed by ${origin}/robots.txt`);
  }

  private async readRobots(origin: string): Promise<Robots | undefined> {
    const url = `${origin}/robots.txt`;
    try {
      const response = await this.send(url, url, {});
      if (response.status !== 200) {
        await response.body?.cancel();
        return undefined;
      }
      const rules = robotsParser(url, (await this.body(response, url)).toString('utf8'));
      const delay = rules.getCrawlDelay(USER_AGENT_TOKEN);
      if (delay !== undefined && delay * 1000 > this.config.hostDelayMs) {
        this.queues.set(new URL(origin).host, new PQueue({ concurrency: 1, interval: Math.min(delay, 60) * 1000, intervalCap: 1 }));
      }
      return rules;
    } catch {
      return undefined;
    }
  }
}

function fetchFailure(error: unknown, timeoutMs: number): string {
  const name = (error as Error).name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no complete answer within ${timeoutMs} ms (WEB_TIMEOUT_MS)`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ? `fetch failed (${cause.code})` : `fetch failed (${(error as Error).message})`;
}
