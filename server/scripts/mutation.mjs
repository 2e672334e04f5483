// pnpm test:mutation [module…] — Stryker once per module (all when none is named), niced, with
// only that module's tests; prints each module's score (from its incremental file) at the end.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { MODULES } from '../mutation/modules.mjs';

const names = process.argv.slice(2).filter((a) => a !== '--');
for (const n of names) if (!MODULES[n]) throw new Error(`Unknown module ${n}; one of ${Object.keys(MODULES).join(', ')}`);

/** Killed (or timed out) ÷ (those + survived + not covered), as Stryker counts its score. */
function score(name) {
  const file = `mutation/${name}.json`;
  if (!existsSync(file)) return 'not run';
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const count = {};
  for (const f of Object.values(report.files)) for (const m of f.mutants) count[m.status] = (count[m.status] ?? 0) + 1;
  const detected = (count.Killed ?? 0) + (count.Timeout ?? 0);
  const pct = ((100 * detected) / (detected + (count.Survived ?? 0) + (count.NoCoverage ?? 0))).toFixed(2);
  return `${pct} % (${detected} killed, ${count.Survived ?? 0} survived, ${count.NoCoverage ?? 0} not covered)`;
}

let failed = false;
const selected = names.length ? names : Object.keys(MODULES);
for (const name of selected) {
  const tests = MODULES[name].tests.filter((t) => existsSync(t));
  const run = spawnSync('nice', ['-n', '10', 'npx', 'stryker', 'run', 'stryker.config.mjs'], {
    stdio: 'inherit',
    env: { ...process.env, MUTATION_MODULE: name, MUTATION_TESTS: tests.join(',') },
  });
  if (run.status !== 0) failed = true;
}
console.log('\nMutation scores:');
for (const name of selected) console.log(`  ${name.padEnd(20)} ${score(name)}`);
process.exitCode = failed ? 1 : 0;
