/**
 * @module
 * `npx tsx bench/explain-options.bench.ts`: the cost of the explain options (targets, layers, augmentation, metrics, pixel-level methods) relative to a plain
 * Grad-CAM request, on the default model in onnxruntime-web (Node, 1 thread, as in workerd). One sample is
 * the model-and-map stage of a request (the engine's explainImage, with the metrics stage for metrics=); each round times
 * Grad-CAM and then each case, interleaved, and the ratio is the median of the per-round ratios.
 *
 * The model: --model <prepared.onnx> (its manifest beside it), or by default models/default.onnx when it
 * has input gradients, else models/default-fp32.onnx prepared in memory with the flags of
 * tools/make_default_model.sh (int8, --input-gradients).
 *
 * Usage: npx tsx bench/explain-options.bench.ts [--rounds 15] [--model models/default.onnx [--manifest m.json]]
 *        [--only top,saliency] (cases whose label contains one of these)
 * Cases the model cannot run (pixel-level methods without input gradients) are reported and skipped.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeRunner } from '../cli/ort-node.js';
import type { Manifest } from '../src/manifest.js';
import { prepare } from '../src/prepare/index.js';
import type { ModelSession } from '../src/runtime/runner.js';
import { explainImage } from '../src/explain/explain.js';
import { ModelFeed } from '../src/explain/model-feed.js';
import { planRequest } from '../src/routes/explain/request-plan.js';
import { ExplainOptionsSchema } from '../src/routes/explain/options.js';

const ROOT = join(import.meta.dirname, '..');
const arg = (name: string, fallback: string | undefined) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const ROUNDS = Number(arg('rounds', '15'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The cases: a label and the explain query (as the API takes it). */
const CASES: [string, Record<string, string>][] = [
  ['gradcam top=1 (baseline)', {}],
  ['gradcam class=c', { class: '0' }],
  ['gradcam top=5', { top: '5' }],
  ['gradcam counterfactual', { counterfactual: 'true' }],
  ['gradcam versus', { class: '0', versus: '1' }],
  ['gradcam aug=flip', { aug: 'flip' }],
  ['saliency', { method: 'saliency' }],
  ['saliency top=5', { method: 'saliency', top: '5' }],
  ['guided-gradcam', { method: 'guided-gradcam' }],
  ['smoothgrad n=8', { method: 'smoothgrad', n: '8' }],
  ['smoothgrad n=16', { method: 'smoothgrad', n: '16' }],
  ['gradcam metrics=drop,increase', { metrics: 'drop,increase' }],
  ['gradcam metrics=deletion', { metrics: 'deletion' }],
  ['gradcam metrics=insertion', { metrics: 'insertion' }],
  ['gradcam metrics=all four', { metrics: 'drop,increase,deletion,insertion' }],
];

async function loadModel(runner: ReturnType<typeof nodeRunner>): Promise<{ bytes: Uint8Array; manifest: Manifest; note: string }> {
  const path = arg('model', undefined) ?? join(ROOT, 'models/default.onnx');
  const manifest = JSON.parse(readFileSync(arg('manifest', undefined) ?? path.replace(/\.onnx$/, '.json'), 'utf8')) as Manifest;
  if (manifest.layers.some((l) => l.input) || arg('model', undefined)) return { bytes: readFileSync(path), manifest, note: path };
  const source = readFileSync(join(ROOT, 'models/default-fp32.onnx'));
  const labels = JSON.parse(readFileSync(join(ROOT, 'models/default.labels.json'), 'utf8')) as string[];
  const r = await prepare(
    source,
    { quantize: 'int8', labels, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], inputGradients: true },
    runner,
  );
  return { bytes: r.model, manifest: r.manifest, note: 'models/default-fp32.onnx prepared in memory (int8, --input-gradients)' };
}

/** A smooth deterministic input with a bright blob, in the model's normalised input space. */
function inputTensor(manifest: Manifest): Float32Array {
  const [, c, h, w] = manifest.input.shape as [unknown, number, number, number];
  const out = new Float32Array(c * h * w);
  for (let ch = 0; ch < c; ch++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const blob = Math.exp(-((x - w / 3) ** 2 + (y - h / 2) ** 2) / (2 * (w / 8) ** 2));
        out[ch * h * w + y * w + x] = ((ch === 0 ? blob : x / w) - manifest.input.mean[ch]!) / manifest.input.std[ch]!;
      }
  return out;
}

async function sample(
  session: ModelSession,
  manifest: Manifest,
  input: Float32Array,
  query: Record<string, string>,
): Promise<{ ms: number; runs: number }> {
  let runs = 0;
  const counted: ModelSession = { ...session, run: (f, o) => (runs++, session.run(f, o)) };
  const opts = ExplainOptionsSchema.parse({ output: 'json', ...query });
  const [, , h, w] = manifest.input.shape as number[];
  const plan = planRequest(manifest, '', opts, { width: w!, height: h! }, 4096);
  const t = performance.now();
  await explainImage(new ModelFeed(counted, manifest), input, { compute: plan.compute, metrics: plan.metrics });
  return { ms: performance.now() - t, runs };
}

async function main(): Promise<void> {
  const runner = nodeRunner();
  const { bytes, manifest, note } = await loadModel(runner);
  const session = await runner.createSession(bytes);
  const input = inputTensor(manifest);
  const only = arg('only', undefined)?.split(',');
  const cases = CASES.filter(([label, query], i) => {
    if (i > 0 && only && !only.some((o) => label.includes(o))) return false;
    try {
      const [, , h, w] = manifest.input.shape as number[];
      planRequest(manifest, '', ExplainOptionsSchema.parse({ output: 'json', ...query }), { width: w!, height: h! }, 4096);
      return true;
    } catch (err) {
      console.log(`skipped ${label}: ${(err as Error).message}`);
      return false;
    }
  });
  const times = CASES.map(() => [] as number[]);
  const ratios = CASES.map(() => [] as number[]);
  const runs = CASES.map(() => 0);
  for (let r = -2; r < ROUNDS; r++) {
    const base = await sample(session, manifest, input, {});
    for (const [i, [label, query]] of CASES.entries()) {
      if (!cases.some(([l]) => l === label)) continue;
      const s = i === 0 ? base : await sample(session, manifest, input, query);
      runs[i] = s.runs;
      if (r < 0) continue; // warm-up
      times[i]!.push(s.ms);
      ratios[i]!.push(s.ms / base.ms);
    }
  }
  console.log(
    `explain options, ${note}: ${ROUNDS} rounds (median ms of the model-and-map stage; ratio = median of per-round ratios to Grad-CAM top=1)\n`,
  );
  console.log('| case | model runs | median ms | x Grad-CAM |');
  console.log('| --- | --- | --- | --- |');
  CASES.forEach(
    ([label], i) =>
      times[i]!.length > 0 && console.log(`| ${label} | ${runs[i]} | ${median(times[i]!).toFixed(1)} | ${median(ratios[i]!).toFixed(2)} |`),
  );
  await session.release();
}

await main();
