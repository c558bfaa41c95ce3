/** CPU time of this thread and process, for the indexer's own-work figures. */
import { readFileSync } from 'node:fs';

/**
 * utime + stime (ms) from a Linux /proc stat file (`/proc/<pid>/stat`, `/proc/thread-self/stat`),
 * or undefined where it cannot be read. Clock ticks are 10 ms.
 */
export function procStatCpuMs(statPath: string): number | undefined {
  try {
    const stat = readFileSync(statPath, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * This thread's CPU time (ms) where it can be told apart, else the whole process's.
 * process.cpuUsage() counts every thread, so with the parser in a worker it cannot tell the main
 * thread's work from the parser's; readFileSync runs on the calling thread, so /proc/thread-self
 * is that thread.
 */
export function thisThreadCpuMs(): number {
  const own = procStatCpuMs('/proc/thread-self/stat');
  if (own !== undefined) return own;
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}
