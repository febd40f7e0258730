/**
 * The CAM methods that run the model again (Score-CAM, Smooth Grad-CAM++) on the prepared fixtures in
 * onnxruntime-web (Node), against PyTorch float64 references written by tools/cam_model_reference.py
 * (test/fixtures/cam/model). Two checks per method and case: the combination step on the reference's own
 * numbers (PyTorch A, masked-input scores, noisy-copy gradients), and the whole method through the engine's
 * path (src/explain computeMaps: the request's run, then the method's batched runs; onnxruntime's float32
 * against PyTorch's float64; measured worst 3e-7), all within 1e-5 relative to the map's maximum.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeRunner } from '../../cli/ort-node.js';
import { relu, weightedSum } from '../../src/cam/base.js';
import { gaussianNoise, NOISE_SEED } from '../../src/cam/noise.js';
import { camMethod } from '../../src/cam/registry.js';
import { scoreWeights, topChannels } from '../../src/cam/score-cam.js';
import { smoothPlusPlusCam } from '../../src/cam/smooth-grad-cam-plus-plus.js';
import type { Manifest } from '../../src/manifest.js';
import type { ModelSession } from '../../src/runtime/runner.js';
import { computeMaps } from '../../src/explain/compute.js';
import { ModelFeed } from '../../src/explain/model-feed.js';

const DIR = join(__dirname, '../fixtures/cam/model');

interface ModelReference {
  case: string;
  model: string;
  layer: string;
  input: string;
  class: number;
  shape: [number, number, number];
  activation: string;
  gradients: { file: string; shape: number[] };
  noise: { seed: number; first: number[] };
  methods: {
    scorecam: { channels: number[]; scores: number[]; weights: number[]; map: number[] };
    'smoothgradcam++': { n: number; sigma: number; map: number[] };
  };
}

function f32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function close(actual: ArrayLike<number>, expected: number[], tolerance: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  const scale = Math.max(1e-12, ...expected.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / scale);
  expect(worst, what).toBeLessThan(tolerance);
}

/** Counts session runs. */
function counting(session: ModelSession): ModelSession & { runs: number } {
  const counted = {
    ...session,
    runs: 0,
    run: (feeds: Parameters<ModelSession['run']>[0], fetches?: readonly string[]) => (counted.runs++, session.run(feeds, fetches)),
  };
  return counted;
}

const MODEL_CASES: ModelReference[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as ModelReference);

describe.each(MODEL_CASES.map((c) => [c.case, c]))('model-run CAM methods on %s', async (_name, ref) => {
  const manifest = JSON.parse(readFileSync(join(DIR, `${ref.model}.json`), 'utf8')) as Manifest;
  const session = counting(await nodeRunner().createSession(readFileSync(join(DIR, `${ref.model}.onnx`))));
  const layer = manifest.layers.find((l) => l.name === ref.layer)!;
  const input = f32(join(DIR, ref.input));
  const [channels, height, width] = ref.shape;
  const torchA = { activation: f32(join(DIR, ref.activation)), channels, height, width };
  const feed = new ModelFeed(session, manifest);
  const explain = (method: string, classIndex: number | null, params = {}) =>
    computeMaps(feed, input, {
      method: { kind: 'cam', cam: camMethod(method)!.withParams(params) },
      layers: [layer],
      combine: 'mean',
      aug: 'none',
      targets: { classIndex, top: 1, counterfactual: false, versus: null },
      n: 8,
      sigma: 0.15,
    });

  it('explains the same top-1 class as PyTorch', async () => {
    expect((await explain('gradcam', null)).explained[0].target.classIndex).toBe(ref.class);
  });

  it('Score-CAM: channel choice and softmax weights from the reference scores (1e-5)', () => {
    const s = ref.methods.scorecam;
    expect(topChannels(torchA, 32)).toEqual(s.channels);
    const weights = scoreWeights(s.scores, s.channels, channels);
    close(weights, s.weights, 1e-5, 'weights');
    close(relu(weightedSum(torchA, weights)), s.map, 1e-5, 'map');
  });

  it('Score-CAM through batched forward passes of the prepared model (1e-5)', async () => {
    const before = session.runs;
    const map = (await explain('scorecam', ref.class)).explained[0].map.data;
    const batch = typeof manifest.input.shape[0] === 'number' ? 1 : 16;
    expect(session.runs - before, 'the request run, then the masked inputs in batches').toBe(
      1 + Math.ceil(ref.methods.scorecam.channels.length / batch),
    );
    close(map, ref.methods.scorecam.map, 1e-5, 'map');
  });

  it('noise: the generator matches the Python re-implementation', () => {
    expect(ref.noise.seed).toBe(NOISE_SEED);
    close(gaussianNoise(8, NOISE_SEED), ref.noise.first, 1e-14, 'noise');
  });

  it('Smooth Grad-CAM++: combination of the reference gradients (1e-5)', () => {
    const s = ref.methods['smoothgradcam++'];
    close(relu(smoothPlusPlusCam(torchA, f32(join(DIR, ref.gradients.file)), s.n)), s.map, 1e-5, 'map');
  });

  it('Smooth Grad-CAM++ through one batch of noisy copies (1e-5)', async () => {
    const s = ref.methods['smoothgradcam++'];
    const before = session.runs;
    const map = (await explain('smoothgradcam++', ref.class, { n: s.n, sigma: s.sigma })).explained[0].map.data;
    expect(session.runs - before, 'the request run, then the noisy copies in batches').toBe(
      1 + (typeof manifest.input.shape[0] === 'number' ? s.n : 1),
    );
    close(map, s.map, 1e-5, 'map');
  });
});
