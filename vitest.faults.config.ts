import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/** `npm run test:faults`: the slow crash tests (kill -9 of the indexer and of the engine). */
export default defineConfig({ ...base, test: { ...base.test, include: ['tests/**/*.faults.ts'] } });
