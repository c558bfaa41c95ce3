import { readFileSync } from 'node:fs';

/**
 * CPU time (user + system, ms) of the calling thread only, or undefined where Linux's
 * /proc/thread-self is missing. process.cpuUsage() counts every thread of the process, so with the
 * parser in a worker it cannot tell the main thread's work from the parser's. readFileSync runs on
 * the calling thread, so /proc/thread-self is that thread. Clock ticks are 10 ms.
 */
function threadCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** This thread's CPU time (ms) where it can be told apart, else the whole process's. */
export function thisThreadCpuMs(): number {
  const own = threadCpuMs();
  if (own !== undefined) return own;
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}
