/**
 * @module
 * int8 compute (`prepare --quantize int8 --calibrate`) against int8 weights and fp32, in onnxruntime-web
 * (Node, 1 thread): `npx tsx bench/int8-compute.bench.ts [--rounds 15] [--only resnet18,...]`
 * (or `npm run bench -- --only int8`).
 *
 * Models: the default model (models/default-fp32.onnx, with --input-gradients as served; calibrated on 32
 * generated scenes, seeds 3,000,000+; evaluated on 32 others, seeds 3,100,000+), and the torchvision
 * models in build/torchvision/ (random weights, tools/export_torchvision.py; calibrated on 16 generated
 * scenes at 224 px, evaluated on the 4 images of examples/ and 4 further scenes). Per model it prints:
 * - speed: median over interleaved rounds of a classify run (logits) and of an explain top-1 run (in-graph
 *   target, A and G), int8 compute over int8 weights, and int8 weights over fp32;
 * - for the default model, a pixel-level run (input gradients: the float copy of the trunk) over int8 weights;
 * - accuracy against fp32: top-1 agreement, and the Pearson r of the Grad-CAM maps of fp32's top-1 class
 *   (min, mean over the evaluation images);
 * - file size;
 * and, for the default model, accuracy by the number of calibration scenes (1, 4, 16, 64; `--only sweep`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nodeRunner } from '../cli/ort-node.js';
import { prepare, type PrepareOptions } from '../src/prepare/index.js';
import { decodeImage } from '../src/image/decode.js';
import { preprocess } from '../src/image/preprocess/index.js';
import { preprocessSpecOf } from '../src/image/preprocess/from-manifest.js';
import { renderScene, CLASS_LABELS } from '../src/scenes/index.js';
import { camMethod } from '../src/cam/registry.js';
import { ownSeedFeeds } from '../src/explain/model-feed.js';
import type { RgbImage } from '../src/image/types.js';
import type { Manifest } from '../src/manifest.js';
import type { ModelSession, RunTensor } from '../src/runtime/runner.js';
import { mapCorrelation } from '../src/quality/rank-correlation.js';

const ROOT = join(import.meta.dirname, '..');
const runner = nodeRunner();
const { values } = parseArgs({ options: { rounds: { type: 'string' }, only: { type: 'string' } } });
const ROUNDS = Number(values.rounds ?? 15);

interface Variant {
  name: string;
  session: ModelSession;
  manifest: Manifest;
  bytes: number;
}

function scenes(first: number, count: number, size: number): RgbImage[] {
  return Array.from({ length: count }, (_, i) => {
    const s = renderScene({ seed: first + i, size, kind: 'single', classes: [i % CLASS_LABELS.length] });
    return { width: size, height: size, data: s.image };
  });
}

async function examples(): Promise<RgbImage[]> {
  const dir = join(ROOT, 'examples');
  return Promise.all(
    readdirSync(dir)
      .filter((n) => n.endsWith('.png'))
      .sort()
      .map((n) => decodeImage(new Uint8Array(readFileSync(join(dir, n))))),
  );
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function feeds(m: Manifest, image: RunTensor, topK: number): Record<string, RunTensor> {
  const k = Number(m.seed.shape[1]);
  const seed = new Float32Array(2 * k).fill(1, 0, k);
  return {
    ...ownSeedFeeds(m),
    [m.input.name]: image,
    [m.seed.name]: topK > 0 ? { type: 'float32', dims: [2, k], data: seed } : { type: 'float32', dims: [1, k], data: new Float32Array(k) },
    [m.seed.select!.topK]: { type: 'int64', dims: [1], data: BigInt64Array.from([BigInt(topK)]) },
  };
}

function layerOf(m: Manifest) {
  return m.layers.find((l) => l.default)!;
}

async function timeRun(v: Variant, image: RunTensor, kind: 'classify' | 'top1' | 'pixel'): Promise<number> {
  const m = v.manifest;
  const l = layerOf(m);
  const f = feeds(m, image, kind === 'classify' ? 0 : 1);
  const input = m.layers.find((x) => x.input);
  const fetches = kind === 'classify' ? [m.logits.name] : [m.logits.name, l.activation, l.gradient];
  if (kind === 'pixel' && input) {
    f[input.seed!] = f[m.seed.name]!;
    fetches.push(input.gradient);
  }
  const t = performance.now();
  await v.session.run(f, fetches);
  return performance.now() - t;
}

/** Logits and the Grad-CAM map of `cls` (external one-hot seed). */
async function explain(v: Variant, image: RunTensor, cls: number): Promise<{ top: number; map: Float32Array }> {
  const m = v.manifest;
  const l = layerOf(m);
  const k = Number(m.seed.shape[1]);
  const seed = new Float32Array(k);
  seed[cls] = 1;
  const out = await v.session.run({ ...feeds(m, image, 0), [m.seed.name]: { type: 'float32', dims: [1, k], data: seed } }, [
    m.logits.name,
    l.activation,
    l.gradient,
  ]);
  const logits = out[m.logits.name]!.data as Float32Array;
  let top = 0;
  for (let i = 1; i < k; i++) if (logits[i]! > logits[top]!) top = i;
  const [, c, h, w] = out[l.activation]!.dims as number[];
  const map = camMethod('gradcam')!.map({
    activation: out[l.activation]!.data as Float32Array,
    gradient: out[l.gradient]!.data as Float32Array,
    channels: c!,
    height: h!,
    width: w!,
  });
  return { top, map };
}

async function benchModel(
  _name: string,
  file: string,
  options: PrepareOptions,
  calibration: RgbImage[],
  evaluation: RgbImage[],
): Promise<void> {
  const source = new Uint8Array(readFileSync(file));
  const variants: Variant[] = [];
  for (const [label, extra] of [
    ['fp32', { quantize: 'none' }],
    ['int8 weights', { quantize: 'int8' }],
    ['int8 compute', { quantize: 'int8', calibrate: calibration }],
  ] as const) {
    const t = performance.now();
    const r = await prepare(source, { ...options, ...extra } as PrepareOptions, runner);
    if (label === 'int8 compute')
      console.log(
        `  ${r.report.notes.filter((n) => n.startsWith('int8') || n.includes('float copy')).join(' ')} (prepare ${((performance.now() - t) / 1000).toFixed(1)} s)`,
      );
    variants.push({ name: label, session: await runner.createSession(r.model), manifest: r.manifest, bytes: r.model.byteLength });
  }
  const spec = preprocessSpecOf(variants[0]!.manifest.input);
  const tensors: RunTensor[] = evaluation.map((img) => {
    const p = preprocess(img, spec);
    return { type: 'float32', dims: [...p.dims], data: p.data };
  });
  // Accuracy against fp32.
  const [fp, w8, a8] = variants as [Variant, Variant, Variant];
  const stats = { w8: { agree: 0, r: [] as number[] }, a8: { agree: 0, r: [] as number[] } };
  for (const image of tensors) {
    const ref = await explain(fp, image, 0);
    const refMap = (await explain(fp, image, ref.top)).map;
    for (const [key, v] of [
      ['w8', w8],
      ['a8', a8],
    ] as const) {
      const e = await explain(v, image, ref.top);
      if (e.top === ref.top) stats[key].agree++;
      stats[key].r.push(mapCorrelation(e.map, refMap));
    }
  }
  // Speed, interleaved.
  const kinds: ('classify' | 'top1' | 'pixel')[] = variants[0]!.manifest.layers.some((l) => l.input)
    ? ['classify', 'top1', 'pixel']
    : ['classify', 'top1'];
  const times = new Map<string, number[]>();
  for (const v of variants) for (const k of kinds) await timeRun(v, tensors[0]!, k); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    for (const k of kinds)
      for (const v of variants) {
        const key = `${v.name}/${k}`;
        times.set(key, [...(times.get(key) ?? []), await timeRun(v, tensors[r % tensors.length]!, k)]);
      }
  }
  const ms = (v: string, k: string) => median(times.get(`${v}/${k}`)!);
  const n = tensors.length;
  const fmt = (x: number) => x.toFixed(3);
  console.log(
    `  speed (median ms of ${ROUNDS}): ${kinds.map((k) => `${k}: fp32 ${ms('fp32', k).toFixed(1)}, int8 weights ${ms('int8 weights', k).toFixed(1)}, int8 compute ${ms('int8 compute', k).toFixed(1)}`).join('; ')}`,
  );
  for (const k of kinds)
    console.log(
      `  ${k}: int8 compute / int8 weights = ${fmt(ms('int8 compute', k) / ms('int8 weights', k))}; int8 weights / fp32 = ${fmt(ms('int8 weights', k) / ms('fp32', k))}`,
    );
  for (const [key, label] of [
    ['w8', 'int8 weights'],
    ['a8', 'int8 compute'],
  ] as const) {
    const rs = stats[key].r;
    console.log(
      `  ${label} vs fp32 on ${n} images: top-1 agreement ${stats[key].agree}/${n}, map r min ${fmt(Math.min(...rs))} mean ${fmt(rs.reduce((a, b) => a + b, 0) / n)}`,
    );
  }
  console.log(
    `  size: fp32 ${(fp.bytes / 1e6).toFixed(2)} MB, int8 weights ${(w8.bytes / 1e6).toFixed(2)} MB, int8 compute ${(a8.bytes / 1e6).toFixed(2)} MB`,
  );
  for (const v of variants) await v.session.release();
}

/** Accuracy of the default model's int8 trunk against fp32 by the number of calibration scenes. */
async function calibrationSweep(): Promise<void> {
  const source = new Uint8Array(readFileSync(join(ROOT, 'models/default-fp32.onnx')));
  const options: PrepareOptions = { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] };
  const fp = await prepare(source, options, runner);
  const ref: Variant = { name: 'fp32', session: await runner.createSession(fp.model), manifest: fp.manifest, bytes: 0 };
  const spec = preprocessSpecOf(fp.manifest.input);
  const tensors: RunTensor[] = scenes(3_100_000, 32, 128).map((img) => {
    const p = preprocess(img, spec);
    return { type: 'float32', dims: [...p.dims], data: p.data };
  });
  const refs = [];
  for (const t of tensors) {
    const top = (await explain(ref, t, 0)).top;
    refs.push({ top, map: (await explain(ref, t, top)).map });
  }
  console.log('\n### default model: calibration set size (scenes, seeds 3,000,000+) -> accuracy on 32 other scenes');
  for (const n of [1, 4, 16, 64]) {
    const r = await prepare(source, { ...options, quantize: 'int8', calibrate: scenes(3_000_000, n, 128) }, runner);
    const v: Variant = { name: `${n}`, session: await runner.createSession(r.model), manifest: r.manifest, bytes: 0 };
    let agree = 0;
    const rs: number[] = [];
    for (const [i, t] of tensors.entries()) {
      const e = await explain(v, t, refs[i]!.top);
      if (e.top === refs[i]!.top) agree++;
      rs.push(mapCorrelation(e.map, refs[i]!.map));
    }
    console.log(
      `  ${String(n).padStart(3)} images: top-1 agreement ${agree}/${tensors.length}, map r min ${Math.min(...rs).toFixed(3)} mean ${(rs.reduce((a, b) => a + b, 0) / rs.length).toFixed(3)}`,
    );
    await v.session.release();
  }
  await ref.session.release();
}

const only = values.only ? new Set(values.only.split(',')) : null;
const want = (n: string) => !only || only.has(n);
console.log(`int8 compute benchmark, onnxruntime-web ${process.version}, 1 thread, ${ROUNDS} interleaved rounds`);
if (want('default')) {
  console.log('\n### default (models/default-fp32.onnx, trained; scenes)');
  const options: PrepareOptions = { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], inputGradients: true };
  await benchModel('default', join(ROOT, 'models/default-fp32.onnx'), options, scenes(3_000_000, 32, 128), scenes(3_100_000, 32, 128));
}
for (const name of ['resnet18', 'resnet50', 'mobilenet_v2']) {
  if (!want(name)) continue;
  const file = join(ROOT, 'build/torchvision', `${name}.onnx`);
  if (!existsSync(file)) {
    console.log(`\n### ${name}: missing ${file} (run nice /usr/bin/python3 tools/export_torchvision.py)`);
    continue;
  }
  console.log(`\n### ${name} (torchvision architecture, RANDOM weights; calibrated on 16 scenes, evaluated on examples/ + 4 scenes)`);
  await benchModel(name, file, { layers: ['layer_default'] }, scenes(3_000_000, 16, 224), [
    ...(await examples()),
    ...scenes(3_200_000, 4, 224),
  ]);
}
if (want('sweep')) await calibrationSweep();
