/**
 * How to start a worker thread whose entry is a module next to the caller: `name.js` in the
 * bundle (dist/), `name.ts` from source (tsx, vitest). Node 20 does not carry the parent's
 * --import loader hooks into a worker, so from source the worker first registers tsx's loader
 * itself, then imports the entry.
 */
export function workerEntry(callerUrl: string, name: string): [string | URL, { eval?: boolean }] {
  const entry = new URL(`./${name}${callerUrl.endsWith('.ts') ? '.ts' : '.js'}`, callerUrl);
  if (!entry.pathname.endsWith('.ts')) return [entry, {}];
  const tsx = import.meta.resolve('tsx/esm/api');
  return [`import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`, { eval: true }];
}
