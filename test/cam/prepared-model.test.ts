/**
 * The engine (src/explain, the path the service takes) on a model prepared by `gradcam-edge prepare`, in
 * onnxruntime-web (Node): the top-1 class found from one run with identity seeds, and the maps of the CAM
 * methods compared with the numpy reference computed from PyTorch autograd
 * (test/fixtures/cam/mobilenet_v2.default.seed0.json).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeRunner } from '../../cli/ort-node.js';
import { camMethod, METHOD_NAMES } from '../../src/cam/registry.js';
import { computeMaps } from '../../src/explain/compute.js';
import { ModelFeed } from '../../src/explain/model-feed.js';
import { runTargets } from '../../src/explain/seed-run.js';
import type { Manifest } from '../../src/manifest.js';
import { serialSession } from '../../src/models/serial-session.js';

const FIXTURES = join(__dirname, '../fixtures');

function f32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

describe('model run for an explanation (prepared mobilenet_v2 fixture)', async () => {
  const manifest = JSON.parse(readFileSync(join(FIXTURES, 'prepared/mobilenet_v2.json'), 'utf8')) as Manifest;
  const feed = new ModelFeed(
    serialSession(await nodeRunner().createSession(readFileSync(join(FIXTURES, 'prepared/mobilenet_v2.onnx')))),
    manifest,
  );
  const input = f32(join(FIXTURES, 'models/mobilenet_v2/input.bin'));
  const reference = JSON.parse(readFileSync(join(FIXTURES, 'cam/mobilenet_v2.default.seed0.json'), 'utf8'));
  const fixture = JSON.parse(readFileSync(join(FIXTURES, 'models/mobilenet_v2/fixture.json'), 'utf8'));
  const layer = manifest.layers.find((l) => l.default)!;
  const explain = (method: string, classIndex: number | null) =>
    computeMaps(feed, input, {
      method: { kind: 'cam', cam: camMethod(method)! },
      layers: [layer],
      combine: 'mean',
      aug: 'none',
      targets: { classIndex, top: 1, counterfactual: false, versus: null },
      n: 8,
      sigma: 0.15,
    });

  it('finds the top-1 class in one run and matches the PyTorch Grad-CAM map', async () => {
    const run = await explain('gradcam', null);
    expect(run.runs).toBe(1);
    expect(run.explained[0].target.classIndex).toBe(fixture.top1);
    const logits = f32(join(FIXTURES, 'models/mobilenet_v2/logits.bin'));
    for (let k = 0; k < logits.length; k++) expect(run.logits[k]).toBeCloseTo(logits[k], 4);
    const map = run.explained[0].map.data;
    const expected: number[] = reference.methods.gradcam.map;
    const scale = Math.max(...expected.map(Math.abs));
    expected.forEach((v, i) => expect(Math.abs(map[i] - v) / scale).toBeLessThan(1e-3));
  });

  it.each(METHOD_NAMES.filter((m) => !camMethod(m)!.needsModel).map((m) => [m]))(
    "%s on the prepared model's A and G matches the numpy reference from PyTorch's (1e-5)",
    async (name) => {
      const map = (await explain(name, fixture.top1)).explained[0].map.data;
      const expected: number[] = reference.methods[name].map;
      const scale = Math.max(...expected.map(Math.abs));
      const worst = Math.max(...expected.map((v, i) => Math.abs(map[i] - v) / scale));
      expect(worst).toBeLessThan(1e-5); // measured worst: 9e-7 (eigengradcam)
    },
  );

  it('gives the same gradient for a named class (one seed row) as the identity-seed row', async () => {
    const top1 = { classIndex: null, top: 1, counterfactual: false, versus: null };
    const all = await runTargets(feed, input, { layers: [layer] }, top1);
    const one = await runTargets(feed, input, { layers: [layer] }, { ...top1, classIndex: all.targets[0].classIndex });
    expect(one.runs).toBe(1);
    const [a, b] = [all, one].map((r) => r.layers.get(layer.name)!.gradients[0]);
    const scale = Math.max(...b.map(Math.abs));
    const worst = Math.max(...b.map((v, i) => Math.abs(v - a[i]) / scale));
    expect(worst).toBeLessThan(1e-5);
  });

  it('returns the logits of a forward pass with a zero seed', async () => {
    const logits = await feed.logits(input);
    expect(logits.indexOf(Math.max(...logits))).toBe(fixture.top1);
  });
});
