/**
 * @module
 * docs/quality.md: the generated part (run, table, targets, timing, metric definitions, how to run) and a
 * hand-written tail after {@link KEEP_MARKER}, which a rewrite keeps.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeDoc } from '../write-doc.js';
import type { RowSummary } from './accumulate.js';
import type { PassOptions, PassReport } from './phases.js';
import { resultsTable } from './table.js';
import { BENCH_SEEDS } from './scenes.js';

/** Text after this line survives a rewrite. */
export const KEEP_MARKER = '<!-- Hand-written notes below this line are kept when `npm run quality` rewrites the file. -->';

/** Everything the report shows. */
export interface RunFacts {
  modelPath: string;
  sha256: string;
  layer: string;
  layerShape: number[];
  quantization: string;
  inputSize: number;
  options: PassOptions;
  threads: number;
  report: PassReport;
  notes: string[];
  totalSeconds: number;
  date: string;
  command: string;
}

const fmt = (v: number, d: number) => (Number.isFinite(v) ? v.toFixed(d) : v === Infinity ? '∞' : 'n/a');

/** Whether Grad-CAM meets the quality targets (pointing game >= 0.9, ...), as sentences. */
export function targetLines(rows: readonly RowSummary[], tolerance: number): string[] {
  const g = rows.find((r) => r.name === 'gradcam');
  if (!g) return ['Grad-CAM is not in the registry: targets not evaluated.'];
  const pg = g.pointing.mean,
    ratio = g.ratios.median;
  return [
    `Grad-CAM pointing game ${fmt(pg, 3)} (± ${fmt(g.pointing.se, 3)} s.e.; target ≥ 0.9): **${pg >= 0.9 ? 'met' : 'missed'}** ` +
      `(object masks, ${fmt(tolerance, 1)} px tolerance; against bounding boxes ${fmt(g.pointingBox.mean, 3)}, strict ${fmt(g.pointingStrict.mean, 3)}).`,
    `Grad-CAM discriminativeness, median mass ratio ${fmt(ratio, 2)} (target ≥ 3): **${ratio >= 3 ? 'met' : 'missed'}**.`,
  ];
}

/** The console summary: table, targets, notes. */
export function consoleReport(rows: readonly RowSummary[], f: RunFacts): string {
  return [
    resultsTable(rows, f.options.tolerance),
    '',
    ...targetLines(rows, f.options.tolerance),
    ...f.notes.map((n) => `note: ${n}`),
    `accuracy: top-1 ${fmt(f.report.top1, 3)} on single scenes; class in top 2 for ${fmt(f.report.pairTop2, 3)} of pair explanations`,
    `time: singles ${f.report.seconds.singles.toFixed(0)} s, pairs ${f.report.seconds.pairs.toFixed(0)} s, total ${f.totalSeconds.toFixed(0)} s (${f.threads} threads); ` +
      `${f.report.images.explained} images with gradients + ${f.report.images.forward} forward only`,
  ].join('\n');
}

function runSection(f: RunFacts): string {
  const o = f.options;
  return (
    `Model \`${f.modelPath}\` (sha256 \`${f.sha256.slice(0, 16)}…\`, weights ${f.quantization}), layer \`${f.layer}\` ` +
    `[${f.layerShape.join(', ')}], input ${f.inputSize} px. Run on ${f.date} with \`${f.command}\` ` +
    `(${f.threads} onnxruntime-web threads, Node ${process.version}).\n\n` +
    `- ${o.scenes} single-object scenes (seeds ${BENCH_SEEDS.single}+, class i mod 10): pointing game, energy, average drop / increase; ` +
    `deletion / insertion on the first ${Math.min(o.deletionScenes, o.scenes)}; sanity check on the first ${Math.min(o.sanityScenes, o.scenes)}.\n` +
    `- The methods that run the model again per map (scorecam, smoothgradcam++, smoothgrad) on the first ${Math.min(o.modelMethodScenes, o.scenes)} single scenes ` +
    `and the first ${Math.min(o.modelMethodScenes, o.pairs)} pairs only (their deletion / insertion and sanity counts are capped by that too).\n` +
    `- ${o.pairs} two-object scenes (seeds ${BENCH_SEEDS.pair}+), each explained for both of its classes: ${2 * o.pairs} mass ratios per row.\n` +
    `- Model accuracy on these scenes: top-1 ${fmt(f.report.top1, 3)} (single); the explained class is in the top 2 for ${fmt(f.report.pairTop2, 3)} of the pair explanations.\n`
  );
}

function timingSection(f: RunFacts): string {
  const s = f.report.seconds;
  return (
    `Single-object pass ${s.singles.toFixed(0)} s, pair pass ${s.pairs.toFixed(0)} s, total ${f.totalSeconds.toFixed(0)} s ` +
    `wall time including model loading and the derived models (this machine: 2 shared cores, ${f.threads} threads). ` +
    `The models ran ${f.report.images.explained} images with gradient outputs and ${f.report.images.forward} forward only ` +
    `(${((1000 * (s.singles + s.pairs)) / Math.max(1, f.report.images.explained + f.report.images.forward)).toFixed(1)} ms per image overall, metric code included). ` +
    'Most of it is deletion / insertion (per scene, 2 x (steps - 1) forward passes per distinct map plus 4 shared end points, batched; ' +
    'rows whose maps agree to 1e-6 on a scene share passes) ' +
    'and the methods that run the model again (Score-CAM: 32 masked inputs per map; Smooth Grad-CAM++ and SmoothGrad: 8 noisy copies, ' +
    'with gradients at the layer and at the input respectively).\n'
  );
}

const METRICS = `## What each metric means

All maps are compared as the service renders them: the raw map (after the method's ReLU) min-max scaled
and upsampled with OpenCV-style bilinear interpolation to the input size (src/image \`unitMap\`), values in
[0, 1). Every method explains the object's **true** class (one-hot seed on its raw logit). Metric code:
src/quality (pure functions over maps, masks and a \`forward(batch) => probabilities\` callback).

- **Pointing game** (Zhang et al. 2016): a hit when the map's maximum (first maximum in row-major order;
  a constant map is a miss) lies inside the object's mask, or within the tolerance of it. The paper and
  TorchRay use 15 px on the original PASCAL VOC / COCO images (about 375-500 px on a side); we scale 15 px at
  384 px to the input side (5.0 px at 128 px, under a third of one 16 px CAM cell) and also report the strict
  version (0 px) and the box version (a hit inside the object's bounding box, with the tolerance: how the
  paper scores PASCAL VOC, which has boxes only). The mask version is the headline: it is the stricter one
  for hollow or thin shapes (ring, crescent, cross, star), whose box contains background.
- **Energy in mask** (energy-based pointing game, Wang et al. 2020, Score-CAM): the share of the map's mass
  inside the mask; a map spread uniformly scores the object's area share (median 9 % of the image for single
  objects, 4 % for each object of a pair).
- **Discriminativeness** (two-object scenes): for each scene and each of its two classes, the map's mass on
  the explained object over its mass on the other one. Reported: the **median** ratio over all explanations
  (the headline; for an even count the geometric mean of the two middle values; a mean of ratios would be
  dominated by maps with almost no mass on the other object; undefined ratios, no mass on either object,
  are left out), the geometric mean over finite non-zero
  ratios, and the share of explanations with ratio > 1. A class-blind map scores 1 (the random and
  Gaussian baselines, whose map is the same for both classes).
- **Deletion / insertion AUC** (Petsiuk et al. 2018, RISE): pixels are moved in order of importance
  (ties in a seeded random order) in N equal steps, and the true class's softmax probability is integrated
  over the fraction moved (trapezoid rule, N + 1 points). Deletion replaces pixels with the mean colour
  (0 in the normalised input, RISE's choice); insertion starts from the image blurred with RISE's Gaussian
  (11 taps, sigma 5) and puts the original pixels back. Lower deletion and higher insertion are better.
- **Average drop / increase in confidence** (Chattopadhyay et al. 2018, Grad-CAM++): the image is
  multiplied pixel-wise by the map (black where the map is 0); Y = probability of the class on the image,
  O = on the masked image. Average drop = 100 · mean(max(0, Y - O) / Y) (lower is better); increase =
  100 · share of images with O > Y (higher is better).
- **Sanity check** (Adebayo et al. 2018, model randomisation): a copy of the prepared model with the top
  layer's weights (the Gemm producing the logits) re-drawn from a seeded Gaussian with each row's own
  standard deviation, everything else unchanged (bench/quality/randomize.ts). Reported: the mean Spearman rank
  correlation between the trained and randomised models' maps of the same image (lower = the map depends on
  the learned classifier; near 1 = it does not). Maps that are constant give no correlation and are counted
  as "flat". Gradient-free methods (Eigen-CAM) are expected to stay at 1: they never read the classifier.
- **Pixel-level methods** (rows \`smoothgrad\` and \`guided-gradcam\`, the API's \`method=\` names, and the
  input-gradient baseline, which is \`method=saliency\`): maps at the input's full resolution (no CAM grid,
  no upsampling), computed with the service's own functions (src/pixel-methods, and the batched input
  gradients of src/explain) and scaled to [0, 1) like every other map. They need the image input as
  a layer with its plain and Guided Backprop gradients (prepare --input-gradients); a model without it is
  re-prepared from its source model with the manifest's options and the rows come from that copy (no
  source: the rows are left out, and a note says so).
  - \`smoothgrad\` (Smilkov et al. 2017, SmoothGrad, arXiv:1706.03825): the saliency map averaged over
    n = 8 copies of the image with Gaussian noise of std 0.15 x the input's range (the service's defaults
    and its seeded noise, so the same copies as a request with no n or sigma). Eight input-gradient passes
    per map, so, like Score-CAM and Smooth Grad-CAM++, it is scored on the first model-method scenes and
    pairs only (the last column gives its counts).
  - \`guided-gradcam\` (Selvaraju et al. 2017, Grad-CAM, arXiv:1610.02391, section 3): the \`gradcam\` row's
    map (scaled to [0, 1] and upsampled, as the service does) multiplied pixel-wise with Guided
    Backpropagation (Springenberg et al. 2015, arXiv:1412.6806: dS/dx where every ReLU passes back only
    positive gradients), shown as one map by the maximum over colour channels of the absolute value. The
    guided gradient is one more output of the explanation run, so it is scored on every scene. In the sanity
    check both factors come from the randomised model (the guided backward graph reads the same re-drawn
    weight); Adebayo et al. 2018 found Guided Backprop and Guided Grad-CAM largely insensitive to
    re-drawing the top layers, so this row can be expected to correlate more than Grad-CAM alone.
- **Baselines**: a centred Gaussian (sigma a quarter of the side: a "the object is near the middle"
  prior), a random map (uniform noise on the CAM's grid, seeded by the scene, upsampled like a CAM) and the
  raw input gradient, row \`baseline: input gradient (method=saliency)\` because it is the map the API
  returns for \`method=saliency\` (Simonyan et al. 2014: max over colour channels of |dS/dx|, at full
  resolution), from the same model as the pixel-level methods above. It stays among the baselines as the
  plain gradient the other gradient-based maps are meant to improve on.
`;

const HOW_TO_RUN = `## How to run

\`\`\`sh
npm run quality                      # 500 + 500 scenes, writes docs/quality.md and prints the table
npm run quality -- --quick           # 100 + 100 scenes, prints only
npm run quality -- --model build/q.onnx --out /tmp/q.md --threads 1   # another prepared model
\`\`\`
Options: --scenes, --pairs, --deletion-scenes, --sanity-scenes, --model-method-scenes, --steps, --tolerance,
--threads, --source (the fp32 model for the pixel-level rows when the prepared model has no input
gradients), --out; \`--help\` lists them.
`;

/** What the report's title names: "the default model" for models/default.onnx, else the model's file. */
export function reportSubject(modelPath: string): string {
  return /(^|\/)default\.onnx$/.test(modelPath) ? 'the default model' : `\`${modelPath}\``;
}

/** The whole file (keeping the hand-written tail of an existing one). */
export function qualityMarkdown(rows: readonly RowSummary[], f: RunFacts, existingPath?: string): string {
  const previous = existingPath && existsSync(existingPath) ? readFileSync(existingPath, 'utf8') : '';
  const at = previous.indexOf(KEEP_MARKER);
  const tail = at >= 0 ? previous.slice(at + KEEP_MARKER.length) : '\n';
  const notes = f.notes.length ? `\nNotes:\n${f.notes.map((n) => `- ${n}`).join('\n')}\n` : '';
  return `# Explanation quality of ${reportSubject(f.modelPath)}

Generated by \`npm run quality\` (bench/quality/run.ts); everything above the marker at the end is
rewritten on each run. Scenes come from src/scenes with known object masks (seeds disjoint from training
and validation), so each metric has a right answer by construction.

## Run

${runSection(f)}
## Results

${resultsTable(rows, f.options.tolerance)}

${targetLines(rows, f.options.tolerance)
  .map((l) => `- ${l}`)
  .join('\n')}
${notes}
## Timing

${timingSection(f)}
${METRICS}
${HOW_TO_RUN}
${KEEP_MARKER}${tail}`;
}

/** Writes the report. */
export function writeQualityMarkdown(path: string, rows: readonly RowSummary[], f: RunFacts): void {
  writeDoc(path, qualityMarkdown(rows, f, path));
}
