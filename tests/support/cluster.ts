import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ChunkDocument } from '../../core/document.js';
import { createEngine, type Engine } from '../../core/engine/client.js';
import type { ClusterConfig } from '../../core/engine/cluster.js';
import { startEmbeddedEngine, type EmbeddedEngine } from '../../core/engine/embedded.js';
import type { ShardTarget } from '../../indexer/shards.js';

/** One real engine of a test cluster; `restart` brings it back on the same port and data. */
export interface TestShard {
  name: string;
  dataDir: string;
  engine: EmbeddedEngine;
  port: number;
}

export async function startShards(names: readonly string[]): Promise<TestShard[]> {
  return Promise.all(
    names.map(async (name) => {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), `news-cluster-${name}-`));
      const engine = await startEmbeddedEngine({ dataDir });
      return { name, dataDir, engine, port: Number(new URL(engine.url).port) };
    }),
  );
}

export async function restartShard(shard: TestShard): Promise<void> {
  shard.engine = await startEmbeddedEngine({ dataDir: shard.dataDir, port: shard.port });
}

export async function stopShards(shards: readonly TestShard[]): Promise<void> {
  await Promise.all(shards.map(async (s) => {
    await s.engine.stop();
    await rm(s.dataDir, { recursive: true, force: true });
  }));
}

export function clusterOf(shards: readonly TestShard[]): ClusterConfig {
  return { shards: shards.map((s) => ({ name: s.name, url: s.engine.url, masterKey: s.engine.masterKey })) };
}

export function shardTargets(shards: readonly TestShard[]): ShardTarget[] {
  return shards.map((s) => ({ name: s.name, engine: createEngine({ url: s.engine.url, apiKey: s.engine.masterKey, timeoutMs: 30_000 }) }));
}

export async function allDocuments(engine: Engine, indexUid: string): Promise<ChunkDocument[]> {
  const page = await engine.index<ChunkDocument>(indexUid).getDocuments({ limit: 10_000 });
  return page.results;
}

const TOPICS = [
  ['зерно', 'пшеница', 'элеватор', 'урожай', 'экспорт'],
  ['метро', 'станция', 'тоннель', 'пассажиры', 'линия'],
  ['хоккей', 'матч', 'вратарь', 'финал', 'шайба'],
  ['снег', 'мороз', 'дороги', 'техника', 'осадки'],
  ['бюджет', 'налоги', 'расходы', 'дефицит', 'министерство'],
  ['больница', 'врачи', 'пациенты', 'лекарства', 'поликлиника'],
];
const PLACES = ['Москва', 'Казань', 'Самара', 'Пермь', 'Омск', 'Томск', 'Тула', 'Курск', 'Сочи', 'Тверь', 'Рязань', 'Калуга'];

/**
 * The hand-written fixtures plus `count` generated articles in a temp folder: each mixes one topic's
 * words in a different order and amount, so queries rank them at many distinct scores.
 */
export async function writeClusterCorpus(count: number): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'news-cluster-corpus-'));
  await cp('tests/fixtures/cluster', dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const words = TOPICS[i % TOPICS.length]!;
    const place = PLACES[i % PLACES.length]!;
    const pick = (k: number) => words[(i + k) % words.length]!;
    const day = String((i % 28) + 1).padStart(2, '0');
    const lines = [
      ` date 2025-03-${day} ${place}`,
      `${place}: ${pick(0)} и ${pick(1)} в новостях номер ${i}`,
      `${place.toUpperCase()}, ${day} мар — Тест. Сообщение ${i} о теме «${pick(0)}»${i % 3 === 0 ? ` и «${pick(2)}»` : ''}.`,
      `Подробности ${i}`,
      `${Array.from({ length: (i % 4) + 1 }, (_, k) => `${pick(k)} ${pick(k + 1)}`).join(', ')} — отмечают в городе ${place}.`,
    ];
    await writeFile(path.join(dir, `gen-${String(i).padStart(3, '0')}.txt`), `${lines.join('\n')}\n`);
  }
  return dir;
}
