/**
 * The container's memory limit (cgroup v2 `memory.max`, else v1 `memory.limit_in_bytes`), read
 * once at start-up as bin/start.sh reads it for the heap limit. Undefined without a real limit:
 * `max`, unreadable, or a v1 "no limit" figure at or above the machine's memory.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

const FILES = ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes'];

export function containerMemoryLimit(files: readonly string[] = FILES, machineBytes = os.totalmem()): number | undefined {
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8').trim();
    } catch {
      continue;
    }
    if (!/^\d+$/.test(text)) return undefined; // `max`
    const bytes = Number(text);
    return bytes >= machineBytes ? undefined : bytes;
  }
  return undefined;
}
