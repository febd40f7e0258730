/**
 * @module
 * `npm run bench`: runs the project's benchmarks one after another, each in its own process (WASM memory
 * never shrinks, so mixing them in one process would skew memory figures), and prints their reports.
 * Each benchmark interleaves its candidate with its baseline inside one run and reports ratios, so the
 * figures stay comparable on a noisy machine.
 *
 * Usage: npm run bench [-- --quick] [-- --only image,prepare,service,fixedcosts,zoo]
 * `--quick` passes the benchmarks' own short modes where they have one (fewer rounds or models).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

interface Bench {
  name: string;
  file: string;
  args: string[];
  quickArgs: string[];
}

const ROOT = join(import.meta.dirname, '..');

/** Every benchmark, cheapest first. A file that does not exist (yet) is reported and skipped. */
const BENCHES: Bench[] = [
  { name: 'image', file: 'bench/image.bench.ts', args: [], quickArgs: [] },
  { name: 'prepare', file: 'bench/prepare.bench.ts', args: [], quickArgs: ['--quick'] },
  { name: 'service', file: 'bench/service.bench.ts', args: [], quickArgs: ['--rounds', '10', '--cold', '1'] },
  { name: 'methods', file: 'bench/methods.bench.ts', args: [], quickArgs: [] },
  { name: 'options', file: 'bench/explain-options.bench.ts', args: [], quickArgs: ['--rounds', '3'] },
  { name: 'node', file: 'bench/node-vs-workerd.bench.ts', args: [], quickArgs: [] },
  { name: 'targets', file: 'bench/targets.bench.ts', args: [], quickArgs: ['--rounds', '5'] },
  { name: 'taskruns', file: 'bench/task-runs.bench.ts', args: [], quickArgs: ['--rounds', '5'] },
  { name: 'int8', file: 'bench/int8-compute.bench.ts', args: [], quickArgs: ['--rounds', '5'] },
  { name: 'fixedcosts', file: 'bench/fixed-costs.bench.ts', args: [], quickArgs: ['--rounds', '8'] },
  { name: 'zoo', file: 'bench/zoo.bench.ts', args: [], quickArgs: ['--quick'] },
];

function selected(argv: string[]): Bench[] {
  const i = argv.indexOf('--only');
  if (i < 0) return BENCHES;
  const names = new Set((argv[i + 1] ?? '').split(','));
  const unknown = [...names].filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length) throw new Error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`);
  return BENCHES.filter((b) => names.has(b.name));
}

function main(): number {
  const quick = process.argv.includes('--quick');
  let failed = 0;
  for (const bench of selected(process.argv)) {
    if (!existsSync(join(ROOT, bench.file))) {
      console.log(`\n## ${bench.name}: ${bench.file} not present, skipped`);
      continue;
    }
    console.log(`\n## ${bench.name} (${bench.file})\n`);
    const started = Date.now();
    const args = ['tsx', bench.file, ...(quick ? bench.quickArgs : bench.args)];
    const result = spawnSync('npx', args, { cwd: ROOT, stdio: 'inherit' });
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    if (result.status !== 0) {
      failed++;
      console.log(`\n${bench.name}: FAILED (exit ${result.status}) after ${seconds} s`);
    } else {
      console.log(`\n${bench.name}: done in ${seconds} s`);
    }
  }
  return failed ? 1 : 0;
}

process.exitCode = main();
