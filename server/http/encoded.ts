import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Request, Response } from 'express';

/** Below this the compression middleware does not compress either (its 1 kB threshold). */
const MIN_BYTES = 1024;
/** The middleware's brotli quality, so a cached body compresses as a fresh one does. */
const BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } };

type Encoding = 'br' | 'gzip';

/**
 * Compressed forms of response bodies that are sent many times (cached search responses), made
 * once per body and encoding: the compression middleware would compress the same bytes again on
 * every cache hit. Keyed weakly by the body, so a form lives exactly as long as its cache entry.
 */
export class EncodedBodies {
  private readonly forms = new WeakMap<Buffer, Partial<Record<Encoding, Buffer>>>();

  /**
   * The body in the best encoding the client accepts (brotli, then gzip — the middleware's
   * preference), with Content-Encoding and Vary set; the body itself when none applies. The
   * compression middleware leaves a response that already has a Content-Encoding alone.
   */
  choose(req: Request, res: Response, body: Buffer): Buffer {
    if (body.length < MIN_BYTES || req.headers['accept-encoding'] === undefined) return body;
    const encoding = (['br', 'gzip'] as const).find((e) => req.acceptsEncodings(e) === e);
    if (!encoding) return body;
    let forms = this.forms.get(body);
    if (!forms) this.forms.set(body, (forms = {}));
    const encoded = (forms[encoding] ??= encoding === 'br' ? brotliCompressSync(body, BROTLI) : gzipSync(body));
    res.vary('Accept-Encoding').set('content-encoding', encoding);
    return encoded;
  }
}
