/** The progress line on stderr (a bar on a terminal, a plain line otherwise). */
import cliProgress from 'cli-progress';
import type { Progress } from './run.js';

export interface ProgressReporter {
  update(progress: Progress): void;
  stop(): void;
}

/**
 * A bar on a terminal; on a pipe or in CI, a plain line at most every `plainEveryMs` (and one
 * per finished file), so logs stay readable.
 */
export function createProgressReporter(stream: NodeJS.WriteStream, plainEveryMs = 1000): ProgressReporter {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: 'indexing [{bar}] {value}/{total} files | {articles} articles | {chunksSent} chunks sent',
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        if (!started) {
          bar.start(p.filesTotal, 0, { articles: 0, chunksSent: 0 });
          started = true;
        }
        // Feeds and sitemaps add inputs as their listings are read.
        if (p.filesTotal !== bar.getTotal()) bar.setTotal(p.filesTotal);
        bar.update(p.files, { articles: p.articles, chunksSent: p.chunksSent });
      },
      stop: () => started && bar.stop(),
    };
  }
  let lastAt = 0;
  let lastFiles = 0;
  return {
    update(p) {
      const now = Date.now();
      if (p.files === lastFiles && now - lastAt < plainEveryMs) return;
      lastAt = now;
      lastFiles = p.files;
      stream.write(`progress: ${p.files}/${p.filesTotal} files, ${p.articles} articles, ${p.chunksSent} chunks sent\n`);
    },
    stop() {},
  };
}
