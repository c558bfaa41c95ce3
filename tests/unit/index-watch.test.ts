/**
 * The index watcher's patience: one slow `/tasks` from an engine busy with a large write must not
 * set the ranking index aside (bench:memory saw searches ranked from engine candidates for up to a
 * minute while nothing had changed); failures lasting STALE_AFTER_MS do.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../core/engine/client.js';
import { createLogger } from '../../core/logger.js';
import { watchIndex } from '../../server/search/index-watch.js';
import { EngineTimeoutError } from '../../core/engine/transport.js';

/** The two calls the watcher makes, answering or failing as the test says (the engine's own behaviour is not under test here). */
function monitorThat(state: { up: boolean; task: number; refused?: boolean }): Engine {
  const fail = () => Promise.reject(state.refused ? new Error('connect ECONNREFUSED 127.0.0.1:7700') : new Error('Request to /tasks has failed', { cause: new EngineTimeoutError(2000) }));
  return {
    index: () => ({ getRawInfo: () => (state.up ? Promise.resolve({ updatedAt: 'u' }) : fail()) }),
    tasks: { getTasks: () => (state.up ? Promise.resolve({ results: [{ uid: state.task }] }) : fail()) },
  } as unknown as Engine;
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await sleep(5);
}

describe('watchIndex', () => {
  it('keeps the last version through failures shorter than staleAfterMs, reports unknown after, and recovers at the first answer', async () => {
    const state = { up: true, task: 1 };
    let clock = 0;
    const versions: (string | undefined)[] = [];
    const watcher = watchIndex(monitorThat(state), 'i', 5, (v) => versions.push(v), createLogger('silent'), 1000, () => clock);
    await watcher.ready;
    expect(versions.at(-1)).toBe('u#1');
    state.up = false;
    clock = 100;
    await sleep(60); // several failed polls within the grace
    expect(versions).not.toContain(undefined);
    clock = 1200;
    await until(() => versions.at(-1) === undefined);
    expect(versions.at(-1)).toBeUndefined();
    expect(versions.filter((v) => v === undefined)).toHaveLength(1);
    state.up = true;
    state.task = 2;
    await until(() => versions.at(-1) === 'u#2');
    expect(versions.at(-1)).toBe('u#2');
    watcher.stop();
  });

  it('an engine that refuses the connection (stopped, restarting) makes the version unknown at once', async () => {
    const state = { up: true, task: 1, refused: true };
    const versions: (string | undefined)[] = [];
    const watcher = watchIndex(monitorThat(state), 'i', 5, (v) => versions.push(v), createLogger('silent'), 60_000);
    await watcher.ready;
    state.up = false;
    await until(() => versions.at(-1) === undefined);
    expect(versions.at(-1)).toBeUndefined();
    watcher.stop();
  });

  it('a first poll that fails is unknown at once (no version to keep)', async () => {
    const versions: (string | undefined)[] = [];
    const watcher = watchIndex(monitorThat({ up: false, task: 1 }), 'i', 1000, (v) => versions.push(v), createLogger('silent'));
    await watcher.ready;
    expect(versions).toEqual([undefined]);
    watcher.stop();
  });
});
