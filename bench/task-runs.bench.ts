/**
 * @module
 * What a default task request costs against a forward pass, this tree (in-graph task targets: one run)
 * against a baseline tree (default `main`: a forward run to decode the output, then the seeded run), both
 * through their own engine (explainTaskImage / computeMaps) and prepare, in onnxruntime-web (Node, 1
 * thread), interleaved round by round. The baseline is `git archive <ref> src cli` unpacked under
 * build/bench-baseline/<ref> and imported as is.
 *
 *   npx tsx bench/task-runs.bench.ts [--rounds 20] [--baseline main]   (or npm run bench -- --only taskruns)
 *
 * Models: the segment and detect fixtures (test/fixtures/tasks: lraspp, deeplab, yolo; 64 x 64), the
 * full-size ones when exported (tools/make_task_fixtures.py --full-lraspp build/tasks/lraspp_full,
 * --yolo640 build/tasks/yolo640), and the shipped classifier (models/default, top-1: unchanged). Per
 * model and round: the forward (ModelFeed.output / logits), the baseline's Grad-CAM of the default target
 * (segment: the default class's segment; detect: the top detection; classify: top-1), this tree's, and
 * this tree's on the model prepared without in-graph targets (what an old prepared model costs), and one
 * run with the same target's seed fed as if known beforehand (the floor: forward + backward). Prints
 * medians, and medians of per-round ratios to the forward and of this tree against the baseline.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nodeRunner } from '../cli/ort-node.js';
import { camMethod } from '../src/cam/registry.js';
import { computeMaps, type ComputeRequest } from '../src/explain/compute.js';
import { ModelFeed } from '../src/explain/model-feed.js';
import { explainTaskImage } from '../src/explain/task-explain.js';
import type { Manifest } from '../src/manifest.js';
import type { Target } from '../src/explain/seed-run.js';
import { prepare, type PrepareOptions } from '../src/prepare/index.js';

const ROOT = join(import.meta.dirname, '..');
const { values } = parseArgs({ options: { rounds: { type: 'string' }, baseline: { type: 'string' } } });
const ROUNDS = Number(values.rounds ?? 20);
const REF = values.baseline ?? 'main';
const runner = nodeRunner({ numThreads: 1 });
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The engine functions a tree exports (this one, or the baseline's copy). */
interface Engine {
  prepare: typeof prepare;
  ModelFeed: typeof ModelFeed;
  explainTaskImage: typeof explainTaskImage;
  computeMaps: typeof computeMaps;
  camMethod: typeof camMethod;
}

async function baselineEngine(ref: string): Promise<Engine> {
  const dir = join(ROOT, 'build/bench-baseline', ref.replace(/[^\w.-]/g, '_'));
  if (!existsSync(join(dir, 'src'))) {
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['archive', ref, 'src', 'cli'], { cwd: ROOT, maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
  }
  const at = (p: string) => import(join(dir, p));
  return {
    prepare: (await at('src/prepare/index.ts')).prepare,
    ModelFeed: (await at('src/explain/model-feed.ts')).ModelFeed,
    explainTaskImage: (await at('src/explain/task-explain.ts')).explainTaskImage,
    computeMaps: (await at('src/explain/compute.ts')).computeMaps,
    camMethod: (await at('src/cam/registry.ts')).camMethod,
  };
}

type Variant = 'forward' | 'baseline' | 'candidate' | 'old model' | 'seed known';
type Step = () => Promise<unknown>;

function image(manifest: Manifest): Float32Array {
  const n = manifest.input.shape.slice(1).reduce<number>((a, b) => a * Number(b), 1);
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.001) * 1.5);
}

function gradcam(e: Engine, m: Manifest): ComputeRequest {
  return {
    method: { kind: 'cam', cam: e.camMethod('gradcam')! },
    layers: [m.layers.find((l) => l.default)!],
    combine: 'mean',
    aug: 'none',
    targets: { classIndex: null, top: 1, counterfactual: false, versus: null },
    n: 0,
    sigma: 0,
  };
}

/** A Grad-CAM of the default target (top-1, the default segment, the top detection) on `feed`. */
function explainStep(e: Engine, feed: ModelFeed, input: Float32Array): Step {
  const m = feed.manifest;
  const compute = gradcam(e, m);
  if (!m.task || m.task.kind === 'classify') return () => e.computeMaps(feed, input, compute);
  const { width, height } = feed.inputSize;
  const geometry = {
    region: { x: 0, y: 0, width, height },
    inputWidth: width,
    inputHeight: height,
    imageWidth: width,
    imageHeight: height,
  };
  return () => e.explainTaskImage(feed, input, m.task!, compute, {}, { labels: null, geometry });
}

async function steps(name: string, source: Uint8Array, options: PrepareOptions, base: Engine): Promise<Record<Variant, Step>> {
  const here: Engine = { prepare, ModelFeed, explainTaskImage, computeMaps, camMethod };
  const feedOf = async (e: Engine, extra: PrepareOptions) => {
    const { model, manifest } = await e.prepare(source, { ...options, ...extra }, runner);
    return new e.ModelFeed(await runner.createSession(model), manifest);
  };
  const candidate = await feedOf(here, {});
  const baseline = await feedOf(base, {});
  const old = await feedOf(here, { targetSelection: false });
  const input = image(candidate.manifest);
  const task = candidate.manifest.task?.kind ?? 'classify';
  console.error(`${name}: ${task}, seed.task ${candidate.manifest.seed.task ? 'yes' : 'no'}`);
  // the floor: one run with the same target's seed fed, as if it were known before the run
  const explained = (await explainStep(here, candidate, input)()) as { explained: { target: Target }[] };
  const known = { ...gradcam(here, candidate.manifest), targets: [explained.explained[0]!.target] };
  return {
    forward: () => (task === 'classify' ? candidate.logits(input) : candidate.output(input)),
    baseline: explainStep(base, baseline, input),
    candidate: explainStep(here, candidate, input),
    'old model': explainStep(here, old, input),
    'seed known': () => computeMaps(candidate, input, known),
  };
}

async function main(): Promise<void> {
  const base = await baselineEngine(REF);
  const models: [string, string, PrepareOptions][] = [
    ['lraspp (segment, 64 px)', 'test/fixtures/tasks/lraspp/model.onnx', {}],
    ['deeplab (segment, 64 px)', 'test/fixtures/tasks/deeplab/model.onnx', {}],
    ['yolo (detect, 64 px)', 'test/fixtures/tasks/yolo/model.onnx', {}],
    ['lraspp_mobilenet_v3_large (segment, 224 px)', 'build/tasks/lraspp_full/model.onnx', {}],
    ['yolo640 (detect, [84, 8400])', 'build/tasks/yolo640/model.onnx', {}],
    ['default (classify, K = 10, top-1)', 'models/default-fp32.onnx', { quantize: 'int8', inputGradients: true }],
  ];
  const rows: { name: string; steps: Record<Variant, Step> }[] = [];
  for (const [name, file, options] of models) {
    if (!existsSync(join(ROOT, file))) {
      console.error(`${name}: ${file} not found, skipped`);
      continue;
    }
    rows.push({ name, steps: await steps(name, new Uint8Array(readFileSync(join(ROOT, file))), options, base) });
  }
  const variants: Variant[] = ['forward', 'baseline', 'candidate', 'old model', 'seed known'];
  const times = rows.map(() => Object.fromEntries(variants.map((v) => [v, [] as number[]])) as Record<Variant, number[]>);
  for (let r = 0; r <= ROUNDS; r++) {
    for (const [i, row] of rows.entries()) {
      // rotate the order each round so no variant always runs right after another
      for (let j = 0; j < variants.length; j++) {
        const v = variants[(j + r) % variants.length]!;
        const t0 = performance.now();
        await row.steps[v]();
        if (r > 0) times[i]![v].push(performance.now() - t0); // round 0 warms up
      }
    }
  }
  console.log(`Medians of ${ROUNDS} interleaved rounds, onnxruntime-web in Node, 1 thread; baseline = ${REF}.`);
  console.log('Ratios are medians of per-round ratios (robust to the machine load drifting between rounds).');
  console.log(
    '| model | forward ms | baseline explain ms | x forward | this explain ms | x forward | old model x forward | seed known x forward | this / baseline |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [i, row] of rows.entries()) {
    const t = times[i]!;
    const ratio = (a: Variant, b: Variant) => median(t[a].map((v, r) => v / t[b][r]!)).toFixed(2);
    const ms = (v: Variant) => median(t[v]).toFixed(1);
    console.log(
      `| ${row.name} | ${ms('forward')} | ${ms('baseline')} | ${ratio('baseline', 'forward')} | ${ms('candidate')} | ${ratio('candidate', 'forward')} | ${ratio('old model', 'forward')} | ${ratio('seed known', 'forward')} | ${ratio('candidate', 'baseline')} |`,
    );
  }
}

await main();
