/**
 * @module
 * Why the first request of a new isolate is slow: the same onnxruntime-web session created and run in fresh
 * Node processes (the V8 of workerd's kind) under three V8 WebAssembly compilation regimes, interleaved:
 * - default: lazy compilation (each function compiled by the Liftoff baseline compiler on its first call),
 *   then dynamic tier-up of hot functions to TurboFan (what workerd does);
 * - `--liftoff-only --no-wasm-tier-up`: baseline code only, never optimised;
 * - `--no-liftoff --no-wasm-lazy-compilation`: every function optimised by TurboFan up front.
 * Prints session creation and the first six runs (one seeded run each) per regime.
 *
 * Usage: npx tsx bench/wasm-tiering.bench.ts [--model build/zoo/resnet18-int8.onnx] [--tries 2] [--eager]
 * (`--eager` adds the up-front TurboFan regime, which compiles all 14 MB of WASM: about a minute.)
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const opt = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const MODEL = opt('model', 'build/zoo/resnet18-int8.onnx');
const TRIES = Number(opt('tries', '2'));
const ROOT = join(import.meta.dirname, '..');

/** The child: import ORT, create a session, run six times; prints one JSON line. */
const CHILD = `
const { readFileSync } = await import('node:fs');
const t0 = performance.now();
const ort = await import(${JSON.stringify(join(ROOT, 'node_modules/onnxruntime-web/dist/ort.wasm.mjs'))});
ort.env.wasm.numThreads = 1; ort.env.wasm.proxy = false; ort.env.logLevel = 'error';
const model = process.argv[1];
const m = JSON.parse(readFileSync(model.replace(/\\.onnx$/, '.json'), 'utf8'));
const bytes = readFileSync(model);
const t1 = performance.now();
const s = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
const create = performance.now() - t1;
const K = m.seed.shape[1];
const x = new ort.Tensor('float32', new Float32Array(3 * 224 * 224).map((_, i) => Math.sin(i)), [1, 3, 224, 224]);
const seed = new Float32Array(K); seed[1] = 1;
const runs = [];
for (let i = 0; i < 6; i++) { const a = performance.now(); await s.run({ [m.input.name]: x, [m.seed.name]: new ort.Tensor('float32', seed, [1, K]) }); runs.push(Math.round(performance.now() - a)); }
console.log(JSON.stringify({ create: Math.round(create), runs }));
`;

const REGIMES: Record<string, string[]> = {
  'default (lazy Liftoff, tier-up)': [],
  'Liftoff only': ['--liftoff-only', '--no-wasm-tier-up'],
  ...(process.argv.includes('--eager') ? { 'TurboFan up front': ['--no-liftoff', '--no-wasm-lazy-compilation'] } : {}),
};

console.log(`onnxruntime-web in Node ${process.version}, one thread, ${MODEL}, ${TRIES} interleaved tries (ms)`);
for (let t = 0; t < TRIES; t++) {
  for (const [name, flags] of Object.entries(REGIMES)) {
    const out = execFileSync(process.execPath, [...flags, '--input-type=module', '-e', CHILD, MODEL], { cwd: ROOT })
      .toString()
      .trim();
    const r = JSON.parse(out.split('\n').pop()!) as { create: number; runs: number[] };
    console.log(`${name.padEnd(34)} create ${String(r.create).padStart(6)}  runs ${r.runs.map((x) => String(x).padStart(5)).join(' ')}`);
  }
}
