// pnpm test:mutation [--static] [module[:FROM-TO]…] — Stryker once per module (all when none is named), niced, with
// only that module's tests; prints each module's score (from its incremental file) at the end.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { MODULES } from '../mutation/modules.mjs';

const args = process.argv.slice(2).filter((a) => a !== '--');
// --static: run again every static mutant not killed last time, whether or not the tests changed.
const retestStatic = args.includes('--static');
// module:FROM-TO mutates only those lines of the module (a long run in parts; the incremental
// file keeps the other lines' results).
const parts = args.filter((a) => a !== '--static').map((a) => a.split(':'));
const names = parts.map(([n]) => n);
const lines = Object.fromEntries(parts.filter(([, range]) => range).map(([n, range]) => [n, range]));
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

/**
 * Stryker's incremental mode reuses a survived mutant unless a test that covers it was added. A
 * static mutant (module-level code: a constant, a pattern) is covered by no test in particular, so
 * its "survived" was reused forever, even after a test that kills it was written (TOKEN_PATTERN's
 * anchors, SIGN_UP_WINDOW_SECONDS). When any of the module's test files changed since the last run,
 * its static mutants that were not killed are dropped from the incremental file so they run again.
 */
function forgetStaticSurvivors(name, tests) {
  const file = `mutation/${name}.json`;
  if (!existsSync(file)) return;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const old = report.testFiles ?? {};
  const changed = tests.some((t) => old[t]?.source !== readFileSync(t, 'utf8')) || Object.keys(old).some((t) => !tests.includes(t));
  if (!changed && !retestStatic) return;
  let dropped = 0;
  for (const f of Object.values(report.files)) {
    const kept = f.mutants.filter((m) => !m.static || m.status === 'Killed' || m.status === 'Timeout');
    dropped += f.mutants.length - kept.length;
    f.mutants = kept;
  }
  if (dropped === 0) return;
  writeFileSync(file, JSON.stringify(report, null, 2));
  console.log(`${name}: ${changed ? 'its tests changed' : '--static'}; ${dropped} static mutant(s) not killed last time run again`);
}

let failed = false;
const selected = names.length ? names : Object.keys(MODULES);
for (const name of selected) {
  const tests = MODULES[name].tests.filter((t) => existsSync(t));
  forgetStaticSurvivors(name, tests);
  const run = spawnSync('nice', ['-n', '10', 'npx', 'stryker', 'run', 'stryker.config.mjs'], {
    stdio: 'inherit',
    env: { ...process.env, MUTATION_MODULE: name, MUTATION_TESTS: tests.join(','), MUTATION_LINES: lines[name] ?? '' },
  });
  if (run.status !== 0) failed = true;
}
console.log('\nMutation scores:');
for (const name of selected) console.log(`  ${name.padEnd(20)} ${score(name)}`);
process.exitCode = failed ? 1 : 0;
