/**
 * The explain pipeline's model step on a model prepared by `gradcam-edge prepare`, in onnxruntime-web (Node):
 * the top-1 class found from one run with identity seeds, and the Grad-CAM map of that class compared with
 * the numpy reference computed from PyTorch autograd (test/fixtures/cam/mobilenet_v2.default.seed0.json).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeRunner } from '../../cli/ort-node.js';
import { camMethod, METHOD_NAMES } from '../../src/cam/registry.js';
import type { Manifest } from '../../src/manifest.js';
import { serialSession } from '../../src/models/serial-session.js';
import { runForExplanation, runLogits } from '../../src/routes/explain/model-run.js';

const FIXTURES = join(__dirname, '../fixtures');

function f32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

describe('model run for an explanation (prepared mobilenet_v2 fixture)', async () => {
  const manifest = JSON.parse(readFileSync(join(FIXTURES, 'prepared/mobilenet_v2.json'), 'utf8')) as Manifest;
  const session = serialSession(await nodeRunner().createSession(readFileSync(join(FIXTURES, 'prepared/mobilenet_v2.onnx'))));
  const input = f32(join(FIXTURES, 'models/mobilenet_v2/input.bin'));
  const reference = JSON.parse(readFileSync(join(FIXTURES, 'cam/mobilenet_v2.default.seed0.json'), 'utf8'));
  const fixture = JSON.parse(readFileSync(join(FIXTURES, 'models/mobilenet_v2/fixture.json'), 'utf8'));
  const layer = manifest.layers.find((l) => l.default)!;

  it('finds the top-1 class in one run and matches the PyTorch Grad-CAM map', async () => {
    const run = await runForExplanation(session, manifest, layer, input, null);
    expect(run.runs).toBe(1);
    expect(run.classIndex).toBe(fixture.top1);
    const logits = f32(join(FIXTURES, 'models/mobilenet_v2/logits.bin'));
    for (let k = 0; k < logits.length; k++) expect(run.logits[k]).toBeCloseTo(logits[k], 4);
    const map = camMethod('gradcam')!.map(run);
    const expected: number[] = reference.methods.gradcam.map;
    const scale = Math.max(...expected.map(Math.abs));
    expected.forEach((v, i) => expect(Math.abs(map[i] - v) / scale).toBeLessThan(1e-3));
  });

  it.each(METHOD_NAMES.filter((m) => !camMethod(m)!.needsModel).map((m) => [m]))('%s on the prepared model\'s A and G matches the numpy reference from PyTorch\'s (1e-5)', async (name) => {
    const run = await runForExplanation(session, manifest, layer, input, fixture.top1);
    const map = camMethod(name)!.map(run);
    const expected: number[] = reference.methods[name].map;
    const scale = Math.max(...expected.map(Math.abs));
    const worst = Math.max(...expected.map((v, i) => Math.abs(map[i] - v) / scale));
    expect(worst).toBeLessThan(1e-5); // measured worst: 9e-7 (eigengradcam)
  });

  it('gives the same gradient for a named class (one seed row) as the identity-seed row', async () => {
    const all = await runForExplanation(session, manifest, layer, input, null);
    const one = await runForExplanation(session, manifest, layer, input, all.classIndex);
    expect(one.runs).toBe(1);
    const scale = Math.max(...one.gradient.map(Math.abs));
    one.gradient.forEach((v, i) => expect(Math.abs(v - all.gradient[i]) / scale).toBeLessThan(1e-5));
  });

  it('returns the logits of a forward pass with a zero seed', async () => {
    const logits = await runLogits(session, manifest, input);
    expect(logits.indexOf(Math.max(...logits))).toBe(fixture.top1);
  });
});
