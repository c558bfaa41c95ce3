import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/** `npm run test:faults`: the slow crash tests (kill -9 of the indexer and of the engine). */
export default mergeConfig(base, defineConfig({ test: { include: ['tests/**/*.faults.ts'] } }));
