import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createEngine, type Engine } from '../../core/engine/client.js';

export function testEngine(): { url: string; masterKey: string; pid: number } {
  return inject('engine');
}

export function adminEngine(): Engine {
  const { url, masterKey } = testEngine();
  return createEngine({ url, apiKey: masterKey, timeoutMs: 30_000 });
}

/** Each test file works in its own index, so files can run in parallel on one engine. */
export function uniqueIndexUid(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

export async function deleteIndex(uid: string): Promise<void> {
  await adminEngine().deleteIndex(uid).waitTask({ timeout: 30_000 }).catch(() => undefined);
}
