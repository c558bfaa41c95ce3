/** `--watch`: re-run when input files change. */
import { watch } from 'chokidar';
import { ARTICLE_EXTENSIONS } from './parse/format.js';

/**
 * `--watch`: call `onChange` after files under `paths` are added, changed or removed. Events are
 * debounced so an editor's save (or a copied folder) triggers one run, and runs never overlap:
 * changes during a run schedule exactly one more.
 */
export function watchInputs(
  paths: readonly string[],
  onChange: (changed: string[]) => Promise<void>,
  debounceMs = 300,
): { ready: Promise<void>; close(): Promise<void> } {
  const watcher = watch([...paths], {
    ignoreInitial: true,
    ignored: (file, stats) => Boolean(stats?.isFile() && !ARTICLE_EXTENSIONS.some((ext) => file.toLowerCase().endsWith(ext))),
    awaitWriteFinish: { stabilityThreshold: 200, pollInterval: 50 },
  });
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const flush = async () => {
    if (running) return;
    const changed = [...pending];
    pending.clear();
    running = onChange(changed).finally(() => {
      running = undefined;
      if (pending.size > 0) schedule();
    });
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void flush(), debounceMs);
  };
  for (const event of ['add', 'change', 'unlink'] as const) {
    watcher.on(event, (file: string) => {
      pending.add(file);
      schedule();
    });
  }
  return {
    // Changes before the initial scan ends are not reported, so callers announce the watch only then.
    ready: new Promise((resolve) => watcher.once('ready', () => resolve())),
    async close() {
      clearTimeout(timer);
      await watcher.close();
      await running;
    },
  };
}
