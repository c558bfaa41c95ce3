/** Compressed forms of bodies sent again and again, negotiated as the compression middleware would. */
import { createRequire } from 'node:module';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Request, Response } from 'express';

interface Negotiator {
  encoding(available: string[], preferred: string[]): string | undefined;
}
/**
 * The compression middleware's own negotiator (its version, resolved from its package), asked
 * exactly as the middleware asks it: a cached body must get the encoding a fresh one would.
 */
const requireFromCompression = createRequire(createRequire(import.meta.url).resolve('compression'));
const NegotiatorOfCompression = requireFromCompression('negotiator') as new (req: { headers: Record<string, unknown> }) => Negotiator;
const SUPPORTED = ['br', 'gzip', 'deflate', 'identity'];
const PREFERRED = ['br', 'gzip'];

/** Below this the compression middleware does not compress either (its 1 kB threshold). */
const MIN_BYTES = 1024;
/** The middleware's brotli quality, so a cached body compresses as a fresh one does. */
const BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } };
/** Accept-Encoding values are client-chosen: remember the choice for this many distinct ones. */
const MAX_REMEMBERED_HEADERS = 256;

type Encoding = 'br' | 'gzip';

/** A body ready to send: the bytes, and their Content-Encoding when compressed. */
export interface EncodedBody {
  bytes: Buffer;
  encoding: Encoding | undefined;
}

/**
 * Compressed forms of response bodies that are sent many times (cached search responses), made
 * once per body and encoding: the compression middleware would compress the same bytes again on
 * every cache hit. Keyed weakly by the body, so a form lives exactly as long as its cache entry.
 */
export class EncodedBodies {
  private readonly forms = new WeakMap<Buffer, Partial<Record<Encoding, Buffer>>>();
  /** Accept-Encoding value → the encoding Express's negotiation chose for it (null: neither). */
  private readonly choices = new Map<string, Encoding | null>();

  /**
   * The body in the encoding the compression middleware would choose when that is brotli or gzip,
   * with Content-Encoding and Vary set; the body itself when none applies. The
   * compression middleware leaves a response that already has a Content-Encoding alone.
   */
  choose(req: Request, res: Response, body: Buffer): Buffer {
    if (body.length < MIN_BYTES || req.headers['accept-encoding'] === undefined) return body;
    const encoding = this.negotiate(req, req.headers['accept-encoding']);
    if (!encoding) return body;
    res.vary('Accept-Encoding').set('content-encoding', encoding);
    return this.form(body, encoding);
  }

  /**
   * What choose() would send, for the fast path that has no Express request to negotiate with:
   * known only for Accept-Encoding values choose() has negotiated before, and only when the
   * result is final (a body left uncompressed for a client that accepts neither brotli nor gzip
   * may still be deflated by the compression middleware). undefined = not known here.
   */
  chosen(acceptEncoding: string | undefined, body: Buffer): EncodedBody | undefined {
    if (body.length < MIN_BYTES || acceptEncoding === undefined) return { bytes: body, encoding: undefined };
    const encoding = this.choices.get(acceptEncoding);
    return encoding ? { bytes: this.form(body, encoding), encoding } : undefined;
  }

  private negotiate(req: Request, acceptEncoding: string): Encoding | undefined {
    const known = this.choices.get(acceptEncoding);
    if (known !== undefined) return known ?? undefined;
    const method = new NegotiatorOfCompression(req).encoding(SUPPORTED, PREFERRED);
    // deflate (or none) is left to the middleware, which compresses the uncompressed body itself.
    const encoding = method === 'br' || method === 'gzip' ? method : undefined;
    if (this.choices.size < MAX_REMEMBERED_HEADERS) this.choices.set(acceptEncoding, encoding ?? null);
    return encoding;
  }

  private form(body: Buffer, encoding: Encoding): Buffer {
    let forms = this.forms.get(body);
    if (!forms) this.forms.set(body, (forms = {}));
    return (forms[encoding] ??= encoding === 'br' ? brotliCompressSync(body, BROTLI) : gzipSync(body));
  }
}
