/**
 * @module
 * Explain top-1 against classify, with and without in-graph target selection, through the engine's own
 * functions in onnxruntime-web (Node, 1 thread): `npx tsx bench/targets.bench.ts [--rounds 20]`
 * (or `npm run bench -- --only targets`).
 *
 * Models, each prepared twice from the same source (with and without `seed.select`), int8 weights:
 * the default model (K = 10, with input gradients, as served) and torchvision resnet18 (K = 1000, random
 * weights, build/torchvision/resnet18.onnx from tools/export_torchvision.py), plus resnet18 with
 * `--calibrate` (int8 compute). Interleaved per round: classify (runLogits: the forward), explain top-1
 * (runTargets + the Grad-CAM map) with in-graph selection, and the same without it (K > 16: a forward to
 * find the class, then a seeded run; K <= 16: one run with K identity seed rows), and classify on the
 * model without selection (what selection costs when unused). Prints medians and ratios.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nodeRunner } from '../cli/ort-node.js';
import { prepare, type PrepareOptions } from '../src/prepare/index.js';
import { ModelFeed } from '../src/explain/model-feed.js';
import { runTargets } from '../src/explain/seed-run.js';
import { camMethod } from '../src/cam/registry.js';
import { preprocess } from '../src/image/preprocess/index.js';
import { preprocessSpecOf } from '../src/image/preprocess/from-manifest.js';
import { renderScene } from '../src/scenes/index.js';

const ROOT = join(import.meta.dirname, '..');
const runner = nodeRunner();
const { values } = parseArgs({ options: { rounds: { type: 'string' } } });
const ROUNDS = Number(values.rounds ?? 20);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function load(source: Uint8Array, options: PrepareOptions): Promise<ModelFeed> {
  const { model, manifest } = await prepare(source, options, runner);
  return new ModelFeed(await runner.createSession(model), manifest);
}

async function explainTop1(m: ModelFeed, input: Float32Array): Promise<void> {
  const layer = m.manifest.layers.find((l) => l.default)!;
  const r = await runTargets(m, input, { layers: [layer] }, { classIndex: null, top: 1, counterfactual: false, versus: null });
  const t = r.layers.get(layer.name)!;
  camMethod('gradcam')!.map({
    activation: t.activation,
    gradient: t.gradients[0]!,
    channels: t.channels,
    height: t.height,
    width: t.width,
  });
}

async function bench(name: string, file: string, options: PrepareOptions, size: number): Promise<void> {
  const source = new Uint8Array(readFileSync(file));
  const withSel = await load(source, options);
  const without = await load(source, { ...options, targetSelection: false });
  const scene = renderScene({ seed: 3_300_000, size, kind: 'single', classes: [3] });
  const input = preprocess({ width: size, height: size, data: scene.image }, preprocessSpecOf(withSel.manifest.input)).data;
  const cases: [string, () => Promise<unknown>][] = [
    ['classify', () => withSel.logits(input)],
    ['explain top-1, in-graph target', () => explainTop1(withSel, input)],
    ['explain top-1, without selection', () => explainTop1(without, input)],
    ['classify, model without selection', () => without.logits(input)],
  ];
  for (const [, f] of cases) for (let i = 0; i < 2; i++) await f();
  const times = cases.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, [, f]] of cases.entries()) {
      const t = performance.now();
      await f();
      times[i]!.push(performance.now() - t);
    }
  }
  const ms = times.map(median);
  const k = Number(withSel.manifest.seed.shape[1]);
  console.log(`\n### ${name} (K = ${k})`);
  cases.forEach(([label], i) => console.log(`  ${label.padEnd(36)} ${ms[i]!.toFixed(1).padStart(8)} ms`));
  console.log(`  explain top-1 / classify: in-graph ${(ms[1]! / ms[0]!).toFixed(3)}, without selection ${(ms[2]! / ms[0]!).toFixed(3)}`);
  console.log(`  classify with selection / without: ${(ms[0]! / ms[3]!).toFixed(3)}`);
}

console.log(`targets benchmark: onnxruntime-web, Node ${process.version}, 1 thread, median of ${ROUNDS} interleaved rounds`);
await bench(
  'default model',
  join(ROOT, 'models/default-fp32.onnx'),
  { quantize: 'int8', inputGradients: true, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
  128,
);
const r18 = join(ROOT, 'build/torchvision/resnet18.onnx');
if (existsSync(r18)) {
  await bench('resnet18, int8 weights (random weights)', r18, { quantize: 'int8', layers: ['layer_default'] }, 224);
  const calibration = Array.from({ length: 16 }, (_, i) => ({
    width: 224,
    height: 224,
    data: renderScene({ seed: 3_000_000 + i, size: 224, kind: 'single', classes: [i % 10] }).image,
  }));
  await bench(
    'resnet18, int8 compute (random weights, 16 calibration scenes)',
    r18,
    { quantize: 'int8', layers: ['layer_default'], calibrate: calibration },
    224,
  );
} else console.log(`\nmissing ${r18}: run nice /usr/bin/python3 tools/export_torchvision.py`);
