// Mutation testing of the modules that hold the contract's rules: `pnpm test:mutation [module…]`
// (scripts/mutation.mjs runs Stryker once per module, with only that module's tests).
// Each module keeps its incremental result in mutation/<module>.json (committed), so a re-run
// tests only the mutants whose code or covering tests changed.
import { MODULES } from './mutation/modules.mjs';

const name = process.env.MUTATION_MODULE ?? 'token';
const mod = MODULES[name];
if (!mod) throw new Error(`Unknown MUTATION_MODULE ${name}; one of ${Object.keys(MODULES).join(', ')}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  // vitest.mutation.config.ts runs only MUTATION_TESTS (set by scripts/mutation.mjs).
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  // MUTATION_LINES (FROM-TO, from scripts/mutation.mjs): only those lines this time.
  mutate: [process.env.MUTATION_LINES ? `${mod.mutate}:${process.env.MUTATION_LINES}` : mod.mutate],
  coverageAnalysis: 'perTest',
  // Two cores shared with others: one test process at a time.
  concurrency: 1,
  incremental: true,
  incrementalFile: `mutation/${name}.json`,
  reporters: ['clear-text', 'progress'],
  // In place: the sandbox copy would break tsconfig's extends (../tsconfig.json), and TypeScript 7
  // has no JS API for Stryker to rewrite it. Stryker restores the file when it ends.
  inPlace: true,
  // Vitest does not type-check: leave every other file as it is (by default Stryker writes
  // `// @ts-nocheck` into every file under src/ and test/ for the length of the run).
  disableTypeChecks: false,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  // A module whose tests are quick may set less (mutation/modules.mjs): a mutant that hangs waits this out.
  timeoutMS: mod.timeoutMS ?? 60_000,
  // The first run of every test of a module (export-service's five files, each with a server or
  // its faults) passed Stryker's default 5 minutes on a loaded machine.
  dryRunTimeoutMinutes: 20,
  thresholds: { high: 85, low: 70, break: null },
};
