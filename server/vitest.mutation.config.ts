import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// Stryker's test run: only the tests of the module under mutation (MUTATION_TESTS, comma-separated).
// Replaces the include list (mergeConfig would append to it).
const tests = (process.env.MUTATION_TESTS ?? '').split(',').filter(Boolean);
if (tests.length === 0) throw new Error('MUTATION_TESTS is empty: run through pnpm test:mutation');

export default defineConfig({ ...base, test: { ...base.test, include: tests, maxWorkers: 1 } });
