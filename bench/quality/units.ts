/**
 * @module
 * `npm run quality:units`: checks with known answers for the textual explanations (src/explain/units.ts) on
 * the shipped default model and its dissection (models/default.json `layers[i].units`), on held-out
 * single-object scenes (benchmark seeds from 3_000_000, class i mod 10), Grad-CAM of the predicted class:
 * - per dissected layer: how many units are named, and the concept kinds of the names;
 * - faithfulness of the sentence: on correctly classified scenes, the share whose top-5 named units (the first 5
 *   named units in alpha_k order) include the class's own shape concept (target >= 0.8), also counting the
 *   class's parts (star point, ring hole, arrow head);
 * - ablation: the drop of the class logit when the top-5 units by alpha_k are zeroed at the layer (a copy of the
 *   model with a per-channel mask, unit-ablation.ts) against 5 random units (target: >= 3x);
 * - sanity: with the top layer's weights re-drawn (randomize.ts, as the main benchmark), how often the top-5
 *   units and the sentence change.
 * Writes the section between the `units-quality` markers of docs/quality.md.
 *
 * Usage: npx tsx bench/quality/units.ts [--scenes 100]
 */
import { readFileSync } from 'node:fs';
import { writeDoc } from '../write-doc.js';
import { join } from 'node:path';
import { nodeRunner } from '../../cli/ort-node.js';
import { camMethod } from '../../src/cam/registry.js';
import { computeMaps, type ComputeRequest } from '../../src/explain/compute.js';
import { ModelFeed } from '../../src/explain/model-feed.js';
import { softmax } from '../../src/explain/scores.js';
import { targetSentence, type UnitEvidence } from '../../src/explain/units.js';
import { preprocess, preprocessSpecOf } from '../../src/image/index.js';
import type { Manifest } from '../../src/manifest.js';
import { createRng, renderScene } from '../../src/scenes/index.js';
import { randomizeTopLayer } from './randomize.js';
import { UNIT_MASK, withUnitMask } from './unit-ablation.js';

const ROOT = join(import.meta.dirname, '../..');
const arg = process.argv.indexOf('--scenes');
const SCENES = arg > 0 ? Number(process.argv[arg + 1]) : 100;
const PARTS: Record<string, string> = { 'star point': 'star', 'ring hole': 'ring', 'arrow head': 'arrow' };

const manifest = JSON.parse(readFileSync(join(ROOT, 'models/default.json'), 'utf8')) as Manifest;
const bytes = new Uint8Array(readFileSync(join(ROOT, 'models/default.onnx')));
const layer = manifest.layers.find((l) => l.default)!;
const dissection = layer.units;
if (!dissection) throw new Error('models/default.json has no dissection: run gradcam-edge dissect first');
const channels = dissection.names.length;
const runner = nodeRunner();
const feed = new ModelFeed(await runner.createSession(bytes), manifest);
const randomized = new ModelFeed(await runner.createSession(randomizeTopLayer(bytes, manifest.logits.name, 20181003).bytes), manifest);
const ablation = new ModelFeed(await runner.createSession(withUnitMask(bytes, layer.name, channels)), manifest);
const request: ComputeRequest = {
  method: { kind: 'cam', cam: camMethod('gradcam')! },
  layers: [layer],
  combine: 'mean',
  aug: 'none',
  targets: { classIndex: null, top: 1, counterfactual: false, versus: null },
  n: 8,
  sigma: 0.15,
  units: channels,
};

/** Class logits of `input` with the units of each mask zeroed (one run, one image per mask). */
async function ablatedLogits(input: Float32Array, zeroed: number[][], classIndex: number): Promise<number[]> {
  const n = zeroed.length;
  const images = new Float32Array(n * input.length),
    mask = new Float32Array(n * channels).fill(1);
  zeroed.forEach((units, i) => {
    images.set(input, i * input.length);
    for (const k of units) mask[i * channels + k] = 0;
  });
  const out = await ablation.run(
    {
      [manifest.input.name]: ablation.images(images, n),
      [manifest.seed.name]: ablation.zeroRows(n),
      [UNIT_MASK]: { type: 'float32', dims: [n, channels, 1, 1], data: mask },
    },
    [manifest.logits.name],
  );
  const logits = ablation.floats(out, manifest.logits.name).data;
  return Array.from({ length: n }, (_, i) => logits[i * ablation.classes + classIndex]!);
}

const rng = createRng(777);
let correct = 0,
  ownShape = 0,
  ownShapeOrPart = 0,
  sentenceChanged = 0,
  topChanged = 0;
const drops = { top: [] as number[], random: [] as number[] };
const started = performance.now();
for (let i = 0; i < SCENES; i++) {
  const classIndex = i % 10;
  const scene = renderScene({ seed: 3_000_000 + i, size: 128, classes: [classIndex] });
  const input = preprocess({ width: 128, height: 128, data: scene.image }, preprocessSpecOf(manifest.input)).data;
  const c = await computeMaps(feed, input, request);
  const explained = c.explained[0]!;
  if (explained.target.classIndex !== classIndex) continue;
  correct++;
  const ranked = explained.units as UnitEvidence[];
  const named = ranked
    .filter((u) => u.name !== null)
    .slice(0, 5)
    .map((u) => u.name!);
  const label = manifest.labels![classIndex]!;
  if (named.includes(label)) ownShape++;
  if (named.some((n) => n === label || PARTS[n] === label)) ownShapeOrPart++;
  const top5 = ranked.slice(0, 5).map((u) => u.index);
  const random5: number[] = [];
  while (random5.length < 5) {
    const k = rng.int(channels);
    if (!random5.includes(k)) random5.push(k);
  }
  const [base, top, random] = await ablatedLogits(input, [[], top5, random5], classIndex);
  drops.top.push(base! - top!);
  drops.random.push(base! - random!);
  const r = await computeMaps(randomized, input, { ...request, targets: { ...request.targets, classIndex } });
  const rTop5 = (r.explained[0]!.units ?? []).slice(0, 5).map((u) => u.index);
  if (rTop5.join() !== top5.join()) topChanged++;
  const five = { ...request, units: 5 };
  const sentence = (e: typeof explained, logits: Float32Array) =>
    targetSentence(manifest, five, { ...e, units: e.units?.slice(0, 5) }, softmax(logits));
  if (sentence(explained, c.logits).replace(/\(\d+%\)/, '') !== sentence(r.explained[0]!, r.logits).replace(/\(\d+%\)/, ''))
    sentenceChanged++;
}
const seconds = (performance.now() - started) / 1000;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

const kinds = new Map<string, number>();
for (const n of dissection.names)
  if (n !== null) kinds.set(dissection.kinds[n] ?? 'other', (kinds.get(dissection.kinds[n] ?? 'other') ?? 0) + 1);
const namedCount = dissection.names.filter((n) => n !== null).length;
const ratio = mean(drops.top) / mean(drops.random);
const lines = [
  '<!-- units-quality:start (written by npm run quality:units) -->',
  '## Unit names and sentences (`npm run quality:units`)',
  '',
  `Default model, its dissection \`${dissection.source}\` (${dissection.date.slice(0, 10)}), Grad-CAM of the predicted class on ${SCENES} held-out single-object scenes (seeds 3000000..${3_000_000 + SCENES - 1}, ${SCENES / 10} per class), ${correct} classified correctly; ${seconds.toFixed(0)} s.`,
  '',
  '| layer | units | named | shape | part | texture | colour | clutter |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  `| \`${layer.name}\` | ${channels} | ${namedCount} | ${['shape', 'part', 'texture', 'colour', 'clutter'].map((k) => kinds.get(k) ?? 0).join(' | ')} |`,
  '',
  '(Only the default layer is prepared, so only it is dissected. It is the last feature layer before the classifier, so its units are shape detectors: no unit is named after a texture, colour or clutter concept.)',
  '',
  '| check | result | target |',
  '| --- | --- | --- |',
  `| top-5 named units include the class's own shape | ${(ownShape / correct).toFixed(3)} (${ownShape}/${correct}) | >= 0.8 |`,
  `| ... or one of its parts (star point, ring hole, arrow head) | ${(ownShapeOrPart / correct).toFixed(3)} | |`,
  `| class-logit drop, top-5 units zeroed | ${mean(drops.top).toFixed(3)} (mean) | |`,
  `| class-logit drop, 5 random units zeroed | ${mean(drops.random).toFixed(3)} (mean) | |`,
  `| ratio | ${ratio.toFixed(1)}x | >= 3x |`,
  `| top layer randomised: top-5 units changed | ${(topChanged / correct).toFixed(3)} | all |`,
  `| top layer randomised: sentence changed (ignoring the probability) | ${(sentenceChanged / correct).toFixed(3)} | all |`,
  '',
  'How: Grad-CAM of the predicted class; units ranked by alpha_k (src/explain/units.ts). "Top-5 named units" are the first five named units in that order (the sentence names at most these). Ablation: a copy of the model multiplies the layer by a per-channel mask input (bench/quality/unit-ablation.ts), one run per scene with no units, the top 5 and 5 random units (seeded) zeroed; test/quality/unit-ablation.test.ts checks that zeroing unit k lowers the class logit by exactly alpha_k sum(A_k), as the GAP + linear head implies. Sanity: the top layer re-drawn as in the main benchmark\'s sanity check (seed 20181003), same class explained.',
  '<!-- units-quality:end -->',
];
console.log(lines.join('\n'));
const docPath = join(ROOT, 'docs/quality.md');
const doc = readFileSync(docPath, 'utf8');
const start = doc.indexOf('<!-- units-quality:start'),
  end = doc.indexOf('<!-- units-quality:end -->');
const section = lines.join('\n');
writeDoc(
  docPath,
  start >= 0 && end > start
    ? doc.slice(0, start) + section + doc.slice(end + '<!-- units-quality:end -->'.length)
    : `${doc.trimEnd()}\n\n${section}\n`,
);
