/**
 * @module
 * `npm run bench:units`: what the units and the sentence add to an explanation on the shipped default model
 * (onnxruntime-web in Node, 1 thread). Each round runs the engine's computeMaps for one scene with units=0
 * and with units=5 (+ the sentence), interleaved in alternating order; reports the median per-round
 * difference and ratio, and separately the median time of the added work alone (channel weights, top-k,
 * shares, sentence) measured on the run's own A and G.
 *
 * Usage: npx tsx bench/units.bench.ts [--rounds 30]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeRunner } from '../cli/ort-node.js';
import { camMethod } from '../src/cam/registry.js';
import { computeMaps, type ComputeRequest } from '../src/explain/compute.js';
import { ModelFeed } from '../src/explain/model-feed.js';
import { softmax } from '../src/explain/scores.js';
import { runTargets } from '../src/explain/seed-run.js';
import { targetSentence, topUnits } from '../src/explain/units.js';
import { preprocess, preprocessSpecOf } from '../src/image/index.js';
import type { Manifest } from '../src/manifest.js';
import { renderScene } from '../src/scenes/index.js';

const ROOT = join(import.meta.dirname, '..');
const i = process.argv.indexOf('--rounds');
const ROUNDS = i > 0 ? Number(process.argv[i + 1]) : 30;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const manifest = JSON.parse(readFileSync(join(ROOT, 'models/default.json'), 'utf8')) as Manifest;
const session = await nodeRunner().createSession(new Uint8Array(readFileSync(join(ROOT, 'models/default.onnx'))));
const feed = new ModelFeed(session, manifest);
const scene = renderScene({ seed: 3_000_003, size: 128, classes: [3] });
const input = preprocess({ width: 128, height: 128, data: scene.image }, preprocessSpecOf(manifest.input)).data;
const layer = manifest.layers.find((l) => l.default)!;
const request = (units: number): ComputeRequest => ({
  method: { kind: 'cam', cam: camMethod('gradcam')! },
  layers: [layer],
  combine: 'mean',
  aug: 'none',
  targets: { classIndex: null, top: 1, counterfactual: false, versus: null },
  n: 8,
  sigma: 0.15,
  units,
});

async function timed(units: number): Promise<number> {
  const t0 = performance.now();
  const c = await computeMaps(feed, input, request(units));
  if (units) targetSentence(manifest, request(units), c.explained[0]!, softmax(c.logits));
  return performance.now() - t0;
}

await timed(0);
await timed(5);
const diffs: number[] = [],
  ratios: number[] = [],
  base: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 ? [5, 0] : [0, 5];
  const t: Record<number, number> = {};
  for (const u of order) t[u] = await timed(u);
  diffs.push(t[5]! - t[0]!);
  ratios.push(t[5]! / t[0]!);
  base.push(t[0]!);
}

const run = await runTargets(feed, input, { layers: [layer] }, request(5).targets);
const a = run.layers.get(layer.name)!;
const cam = { activation: a.activation, gradient: a.gradients[0], channels: a.channels, height: a.height, width: a.width };
const map = camMethod('gradcam')!.map(cam);
const alone: number[] = [];
for (let r = 0; r < 200; r++) {
  const t0 = performance.now();
  const units = topUnits(cam, camMethod('gradcam')!.unitWeights(cam)!, map, layer.units, 5);
  targetSentence(manifest, request(5), { target: run.targets[0]!, map: { width: 8, height: 8, data: map }, units }, softmax(run.logits));
  alone.push(performance.now() - t0);
}
const sentence = targetSentence(manifest, request(5), (await computeMaps(feed, input, request(5))).explained[0]!, softmax(run.logits));
console.log(
  `rounds ${ROUNDS}: explanation ${median(base).toFixed(1)} ms; with units=5 + text: median difference ${median(diffs).toFixed(2)} ms, ratio ${median(ratios).toFixed(3)}`,
);
console.log(`the added work alone (weights, top-5, shares, sentence): median ${(median(alone) * 1000).toFixed(0)} us over 200 runs`);
console.log(sentence);
await session.release();
