/**
 * @module
 * The explanation-quality benchmark (`npm run quality`): runs the shipped prepared model through
 * onnxruntime-web on held-out generated scenes with known masks and scores every CAM method of the registry,
 * the pixel-level methods (smoothgrad, guided-gradcam; saliency as the input-gradient baseline) and the
 * baselines on localisation, class-discriminativeness, faithfulness (deletion / insertion, average
 * drop / increase) and a weight-randomisation sanity check; prints the table and writes docs/quality.md.
 */
import { readFileSync } from 'node:fs';
import { nodeRunner } from '../../cli/ort-node.js';
import type { Manifest } from '../../src/manifest.js';
import type { ModelRunner } from '../../src/runtime/runner.js';
import { Rows } from './accumulate.js';
import { inputGradientCopy } from './derived.js';
import { parseQualityArgs, type QualityOptions } from './options.js';
import { countImages, pairPass, singlePass, type Models, type PassOptions, type PassReport } from './phases.js';
import { PreparedModel } from './prepared-model.js';
import { randomizeTopLayer } from './randomize.js';
import { consoleReport, writeQualityMarkdown } from './report.js';

/** Seed of the randomised top layer. */
const RANDOM_LAYER_SEED = 20181003;

function readManifest(modelPath: string): Manifest {
  return JSON.parse(readFileSync(modelPath.replace(/\.onnx$/, '.json'), 'utf8')) as Manifest;
}

/** Notes on which pixel-level rows the saliency model can give. */
function pixelNotes(model: PreparedModel, notes: string[]): void {
  if (!model.hasGuided) notes.push('guided-gradcam skipped: the input layer has no guided gradient (prepare with --input-gradients)');
}

/** The trained and randomised models, and the input-gradient pair when one can be had. */
async function loadModels(runner: ModelRunner, o: QualityOptions, notes: string[]): Promise<Models> {
  const manifest = readManifest(o.model),
    bytes = new Uint8Array(readFileSync(o.model));
  const randomize = (b: Uint8Array, m: Manifest) => {
    const r = randomizeTopLayer(b, m.logits.name, RANDOM_LAYER_SEED);
    return { bytes: r.bytes, note: r.note };
  };
  const trained = await PreparedModel.load(runner, bytes, manifest, o.batch);
  const rnd = randomize(bytes, manifest);
  notes.push(`sanity check: ${rnd.note}`);
  const randomized = await PreparedModel.load(runner, rnd.bytes, manifest, o.batch);
  if (trained.inputLayer) {
    pixelNotes(trained, notes);
    return { trained, randomized, saliency: { trained, randomized } };
  }
  const derived = await inputGradientCopy(o.model, manifest, runner, o.source);
  if (!('bytes' in derived)) {
    notes.push(
      `pixel-level rows (saliency baseline, smoothgrad, guided-gradcam) skipped: the model has no input layer and ${derived.note}`,
    );
    return { trained, randomized };
  }
  notes.push(
    `pixel-level rows (saliency baseline, smoothgrad, guided-gradcam): the model has no input layer; ${derived.note}; ` +
      "guided-gradcam multiplies the shipped model's Grad-CAM map with the copy's guided gradient",
  );
  const salRnd = randomize(derived.bytes, derived.manifest);
  const saliency = {
    trained: await PreparedModel.load(runner, derived.bytes, derived.manifest, o.batch),
    randomized: await PreparedModel.load(runner, salRnd.bytes, derived.manifest, o.batch),
  };
  pixelNotes(saliency.trained, notes);
  return { trained, randomized, saliency };
}

/** Grad-CAM's pointing game split by whether the model classified the scene correctly. */
function pointingByCorrectness(hits: readonly number[], correct: readonly boolean[]): string[] {
  if (hits.length !== correct.length || hits.length === 0) return [];
  const split = (want: boolean) => {
    const h = hits.filter((_, i) => correct[i] === want);
    return `${h.length ? (h.reduce((a, b) => a + b, 0) / h.length).toFixed(3) : 'n/a'} on the ${h.length} ${want ? 'correctly' : 'wrongly'} classified`;
  };
  return [`Grad-CAM pointing game ${split(true)} scenes, ${split(false)} ones`];
}

/** Grad-CAM's pointing game per class (single scene i has class i mod K). */
function pointingByClass(hits: readonly number[], labels: readonly string[], k: number): string[] {
  if (hits.length < k) return [];
  const parts = Array.from({ length: k }, (_, c) => {
    const h = hits.filter((_, i) => i % k === c);
    return `${labels[c] ?? c} ${(h.reduce((a, b) => a + b, 0) / h.length).toFixed(2)}`;
  });
  return [`Grad-CAM pointing game by class: ${parts.join(', ')}`];
}

async function main(): Promise<void> {
  const started = performance.now();
  const o = parseQualityArgs(process.argv.slice(2));
  const runner = nodeRunner({ numThreads: o.threads });
  const notes: string[] = [];
  const models = await loadModels(runner, o, notes);
  const manifest = models.trained.manifest,
    size = Number(manifest.input.shape[2]);
  const pass: PassOptions = { ...o, tolerance: o.tolerance ?? (15 * size) / 384 };
  const report: PassReport = {
    top1: NaN,
    correct: [],
    pairTop2: NaN,
    failures: new Map(),
    seconds: { singles: 0, pairs: 0 },
    images: { explained: 0, forward: 0 },
  };
  const rows = new Rows();
  console.error(
    `quality: ${o.scenes} scenes, ${o.pairs} pairs, ${o.deletionScenes} with deletion/insertion (${o.steps} steps), ${o.sanityScenes} sanity, ${o.threads} threads`,
  );
  await singlePass(models, rows, pass, report);
  console.error(`quality: singles done in ${report.seconds.singles.toFixed(0)} s`);
  await pairPass(models, rows, pass, report);
  report.images = countImages(models);
  for (const [name, message] of report.failures) notes.push(`method ${name} failed and is left out: ${message}`);
  const summaries = rows.summaries();
  notes.push(...pointingByCorrectness(rows.find('gradcam')?.pointing ?? [], report.correct));
  notes.push(...pointingByClass(rows.find('gradcam')?.pointing ?? [], manifest.labels ?? [], models.trained.classes));
  const facts = {
    modelPath: o.model,
    sha256: manifest.sha256,
    layer: models.trained.layer.name,
    layerShape: models.trained.layerShape,
    quantization: manifest.quantization.weights,
    inputSize: size,
    options: pass,
    threads: o.threads,
    report,
    notes,
    totalSeconds: (performance.now() - started) / 1000,
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    command: ['npm run quality', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
  };
  console.log(consoleReport(summaries, facts));
  if (o.out) {
    writeQualityMarkdown(o.out, summaries, facts);
    console.error(`quality: wrote ${o.out}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
