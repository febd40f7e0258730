/**
 * @module
 * `npm run bench:methods`: the cost of every CAM method relative to Grad-CAM on the shipped default model,
 * in onnxruntime-web (Node, 1 thread: the engine and thread count of workerd). One sample is the model and
 * CAM stages of an explain request for the top-1 class, as the service computes them (src/explain
 * computeMaps: the request's run, then the method, with its extra batched runs; the CAM step is timed from
 * the end of the first run); each round times Grad-CAM and then each method, interleaved, and the ratio is the median of
 * the per-round ratios. Also prints the WASM memory after each method's first request (memory never
 * shrinks, so growth is attributable to the first method that needed it) and whether a forward-only batch
 * (logits fetched, zero seeds) is cheaper than one that fetches the gradient.
 *
 * Usage: npx tsx bench/methods.bench.ts [--rounds 15] [--model models/default.onnx]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeRunner, wasmMemoryBytes } from '../cli/ort-node.js';
import { camMethod, METHOD_NAMES } from '../src/cam/registry.js';
import type { Manifest } from '../src/manifest.js';
import type { ModelSession } from '../src/runtime/runner.js';
import { computeMaps } from '../src/explain/compute.js';
import { MAX_BATCH, ModelFeed } from '../src/explain/model-feed.js';
import { resolveLayer } from '../src/routes/explain/resolve.js';

const ROOT = join(import.meta.dirname, '..');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const ROUNDS = Number(arg('rounds', '15'));
const MODEL = arg('model', join(ROOT, 'models/default.onnx'));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A smooth deterministic input tensor with a bright blob (the model's normalised input space). */
function inputTensor(manifest: Manifest): Float32Array {
  const [, c, h, w] = manifest.input.shape as [unknown, number, number, number];
  const out = new Float32Array(c * h * w);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const blob = Math.exp(-((x - w / 3) ** 2 + (y - h / 2) ** 2) / (2 * (w / 8) ** 2));
        out[ch * h * w + y * w + x] = ((ch === 0 ? blob : x / w) - manifest.input.mean[ch]) / manifest.input.std[ch];
      }
    }
  }
  return out;
}

async function explainOnce(
  session: ModelSession,
  manifest: Manifest,
  input: Float32Array,
  name: string,
): Promise<{ ms: number; camMs: number; runs: number }> {
  const layer = resolveLayer(manifest, undefined);
  let runs = 0;
  let camStarted = 0;
  const counted: ModelSession = {
    ...session,
    run: async (f, o) => {
      const out = await session.run(f, o);
      if (++runs === 1) camStarted = performance.now();
      return out;
    },
  };
  const started = performance.now();
  await computeMaps(new ModelFeed(counted, manifest), input, {
    method: { kind: 'cam', cam: camMethod(name)! },
    layers: [layer],
    combine: 'mean',
    aug: 'none',
    targets: { classIndex: null, top: 1, counterfactual: false, versus: null },
    n: 8,
    sigma: 0.15,
  });
  const done = performance.now();
  return { ms: done - started, camMs: done - camStarted, runs };
}

async function forwardOnlyCheck(session: ModelSession, manifest: Manifest, input: Float32Array): Promise<string> {
  const layer = resolveLayer(manifest, undefined);
  const images = new Float32Array(MAX_BATCH * input.length);
  for (let i = 0; i < MAX_BATCH; i++) images.set(input, i * input.length);
  const feed = new ModelFeed(session, manifest);
  const access = feed.access(layer, input, 0);
  const times = { logits: [] as number[], gradient: [] as number[] };
  for (let r = 0; r < 5; r++) {
    for (const kind of ['logits', 'gradient'] as const) {
      const t = performance.now();
      await access.run(images, MAX_BATCH, { gradient: kind === 'gradient' });
      times[kind].push(performance.now() - t);
    }
  }
  return `${MAX_BATCH} images in batches of ${feed.batchLimit}: logits only (zero seeds) ${median(times.logits).toFixed(0)} ms, with the gradient ${median(times.gradient).toFixed(0)} ms`;
}

async function main(): Promise<void> {
  const manifest = JSON.parse(readFileSync(MODEL.replace(/\.onnx$/, '.json'), 'utf8')) as Manifest;
  const session = await nodeRunner().createSession(readFileSync(MODEL));
  const input = inputTensor(manifest);
  const layer = resolveLayer(manifest, undefined);
  console.log(`model ${MODEL}, input ${manifest.input.shape.join('x')}, layer ${layer.name} ${layer.shape.join('x')}, ${ROUNDS} rounds\n`);

  const memory: Record<string, number> = {};
  const runs: Record<string, number> = {};
  for (let i = 0; i < 3; i++) await explainOnce(session, manifest, input, 'gradcam');
  for (const name of METHOD_NAMES) {
    const r = await explainOnce(session, manifest, input, name);
    runs[name] = r.runs;
    memory[name] = wasmMemoryBytes();
  }
  const ms: Record<string, number[]> = Object.fromEntries(METHOD_NAMES.map((n) => [n, []]));
  const camMs: Record<string, number[]> = Object.fromEntries(METHOD_NAMES.map((n) => [n, []]));
  const ratios: Record<string, number[]> = Object.fromEntries(METHOD_NAMES.map((n) => [n, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of METHOD_NAMES) {
      const base = await explainOnce(session, manifest, input, 'gradcam');
      const m = await explainOnce(session, manifest, input, name);
      ms[name].push(m.ms);
      camMs[name].push(m.camMs);
      ratios[name].push(m.ms / base.ms);
    }
  }
  console.log(
    '| method | model runs | median ms (model + CAM) | of which CAM step (ms) | x Grad-CAM (median of paired ratios) | WASM memory after first use |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const name of METHOD_NAMES) {
    console.log(
      `| ${name} | ${runs[name]} | ${median(ms[name]).toFixed(1)} | ${median(camMs[name]).toFixed(1)} | ${median(ratios[name]).toFixed(2)} | ${(memory[name] / 2 ** 20).toFixed(0)} MB |`,
    );
  }
  console.log(`\n${await forwardOnlyCheck(session, manifest, input)}`);
  console.log(`WASM memory at the end: ${(wasmMemoryBytes() / 2 ** 20).toFixed(0)} MB`);
  await session.release();
}

await main();
