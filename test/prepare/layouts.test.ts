/**
 * Vision transformers and channels-last networks through the real prepare compiler and onnxruntime-web,
 * against the PyTorch float64 oracles of tools/make_layout_fixtures.py (test/fixtures/layouts): the default
 * layer is the one the fixture names `layer_default` (ViT/DeiT: the last block's first LayerNorm; Swin:
 * the last stage after the final norm; CNNs: the map before the global pooling, also behind a channels-last
 * input or inside Transpose-wrapped convs), the manifest records the layout, the prepared model's A and G
 * come out in canonical NCHW and match the reshape-transform reference to 1e-4 relative L2, and the
 * service's Grad-CAM maps correlate with the reference maps (r >= 0.999 fp32, >= 0.98 int8, same top-1).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeRunner } from '../../cli/ort-node.js';
import { listLayers, prepare } from '../../src/prepare/index.js';
import { camMethod } from '../../src/cam/registry.js';
import type { LayerSpec, Manifest } from '../../src/manifest.js';
import { relL2 } from '../gradients/support/finite-diff.js';
import { ownSeedFeeds } from '../../src/explain/model-feed.js';
import { pearson } from '../../src/quality/rank-correlation.js';

const ROOT = new URL('../fixtures/layouts/', import.meta.url).pathname;
const runner = nodeRunner();

interface LayoutFixture {
  name: string;
  dir: string;
  input: { name: string; layout: 'NCHW' | 'NHWC'; file: string; shape: number[] };
  logits: { name: string; file: string; shape: number[] };
  top1: number;
  seeds: { file: string; shape: number[] }[];
  layers: {
    tensor: string;
    role: string;
    layout: LayerSpec['layout'];
    shape: number[];
    activation: string;
    gradients: string[];
    gradcam: string[];
  }[];
}

const fixtures: LayoutFixture[] = existsSync(ROOT)
  ? readdirSync(ROOT)
      .filter((d) => existsSync(join(ROOT, d, 'fixture.json')))
      .sort()
      .map((d) => ({ ...JSON.parse(readFileSync(join(ROOT, d, 'fixture.json'), 'utf8')), dir: join(ROOT, d) }))
  : [];

function f32(f: LayoutFixture, file: string): Float32Array {
  const b = readFileSync(join(f.dir, file));
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

const modelBytes = (f: LayoutFixture) => new Uint8Array(readFileSync(join(f.dir, 'model.onnx')));

/** Run a prepared model on the fixture's image with both seeds as S = 2 rows. */
async function runPrepared(f: LayoutFixture, model: Uint8Array, manifest: Manifest) {
  const session = await runner.createSession(model);
  try {
    const k = f.logits.shape[1]!;
    const seeds = f.seeds.map((s) => [...f32(f, s.file)]).flat();
    return await session.run({
      ...ownSeedFeeds(manifest),
      [f.input.name]: { type: 'float32', dims: f.input.shape, data: f32(f, f.input.file) },
      [manifest.seed.name]: { type: 'float32', dims: [2, k], data: Float32Array.from(seeds) },
    });
  } finally {
    await session.release();
  }
}

function gradCam(layer: LayerSpec, a: Float32Array, g: Float32Array): Float32Array {
  const [, channels, height, width] = layer.shape as number[];
  return camMethod('gradcam')!.map({ activation: a, gradient: g, channels: channels!, height: height!, width: width! });
}

describe.runIf(fixtures.length > 0)('layouts: prepare vs PyTorch', () => {
  it.each(fixtures.map((f) => [f.name, f] as const))('%s: default layer and layout', async (_n, f) => {
    const listing = await listLayers(modelBytes(f), runner);
    const def = listing.layers.filter((l) => l.default);
    expect(def.map((l) => l.name)).toEqual(['layer_default']);
    expect(def[0]!.layout).toEqual(f.layers.find((l) => l.role === 'default')!.layout);
    const { manifest } = await prepare(modelBytes(f), { verify: false }, runner);
    expect(manifest.layers.map((l) => [l.name, l.default, l.layout, l.shape])).toEqual([
      ['layer_default', true, f.layers[0]!.layout, ['N', ...f.layers[0]!.shape.slice(1)]],
    ]);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s: logits, canonical A and G, Grad-CAM (fp32)', async (_n, f) => {
    const { model, manifest } = await prepare(modelBytes(f), { layers: f.layers.map((l) => l.tensor) }, runner);
    const out = await runPrepared(f, model, manifest);
    const k = f.logits.shape[1]!;
    const logits = out[manifest.logits.name]!.data as Float32Array;
    expect(relL2(logits.subarray(0, k), f32(f, f.logits.file))).toBeLessThanOrEqual(1e-4);
    f.layers.forEach((ref, li) => {
      const spec = manifest.layers[li]!;
      expect(spec.layout, `${ref.role} layout`).toEqual(ref.layout);
      const a = out[spec.activation]!;
      const g = out[spec.gradient]!;
      // models that fold the batch into another axis run the forward pass per seed row: A has S equal rows
      expect(a.dims.slice(1)).toEqual(ref.shape.slice(1));
      const per = ref.shape.reduce((x, y) => x * y, 1);
      const a0 = (a.data as Float32Array).subarray(0, per);
      expect(relL2(a0, f32(f, ref.activation)), `${ref.role} A`).toBeLessThanOrEqual(1e-4);
      ref.gradients.forEach((file, s) => {
        const gs = (g.data as Float32Array).subarray(s * per, (s + 1) * per);
        expect(relL2(gs, f32(f, file)), `${ref.role} G${s}`).toBeLessThanOrEqual(1e-4);
        const map = gradCam(spec, a0, gs);
        expect(pearson(map, f32(f, ref.gradcam[s]!)), `${ref.role} Grad-CAM seed ${s}`).toBeGreaterThanOrEqual(0.999);
      });
    });
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s: int8 Grad-CAM and top-1', async (_n, f) => {
    const { model, manifest } = await prepare(modelBytes(f), { quantize: 'int8' }, runner);
    const out = await runPrepared(f, model, manifest);
    const k = f.logits.shape[1]!;
    const logits = (out[manifest.logits.name]!.data as Float32Array).subarray(0, k);
    expect(logits.indexOf(Math.max(...logits))).toBe(f.top1);
    const spec = manifest.layers[0]!;
    const per = f.layers[0]!.shape.reduce((x, y) => x * y, 1);
    const a = (out[spec.activation]!.data as Float32Array).subarray(0, per);
    const g = (out[spec.gradient]!.data as Float32Array).subarray(0, per);
    expect(pearson(gradCam(spec, a, g), f32(f, f.layers[0]!.gradcam[0]!))).toBeGreaterThanOrEqual(0.98);
  });
});
