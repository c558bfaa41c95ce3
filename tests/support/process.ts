import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Spawned {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in stdout+stderr. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

/** Run a TypeScript entry from source (`node --import tsx <entry>`) as a real child process. */
export function spawnTsx(entry: string, args: string[], env: Record<string, string>): Spawned {
  return spawnNode(['--import', 'tsx', entry, ...args], env);
}

/**
 * Run an npm script's command line exactly as package.json spells it, when it is a plain
 * `node …` command (as `start` and `index` are: they run the compiled bundles in dist/).
 */
export function spawnScript(script: string, args: string[], env: Record<string, string>): Spawned {
  const line = scriptCommand(script);
  const [program, ...rest] = line.split(/\s+/);
  // `sh bin/start.sh` sets the heap limit, then execs node in its own place (same pid).
  if (program === 'sh') return spawnNode([...rest, ...args], env, '/bin/sh');
  if (program !== 'node') throw new Error(`npm script "${script}" is not a plain node command: ${line}`);
  return spawnNode([...rest, ...args], env);
}

export function scriptCommand(script: string): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  const line = pkg.scripts[script];
  if (!line) throw new Error(`package.json has no "${script}" script`);
  return line;
}

function spawnNode(args: string[], env: Record<string, string>, program = process.execPath): Spawned {
  const child = spawn(program, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(pattern);
          if (m) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${out}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => setTimeout(() => { if (listeners.has(check)) { listeners.delete(check); clearTimeout(timer); reject(new Error(`process exited; output:\n${out}`)); } }, 50));
        check();
      });
    },
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers kill(0); read its state.
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
