/**
 * The prepare library on the PyTorch fixtures (tools/make_fixtures.py): the default layer equals the one
 * the fixture marks with role "default", and int8 prepared models stay close to PyTorch's float64
 * reference (logits, and the Grad-CAM map from A and G for the fixture's seeds). The fp32 gradients
 * themselves are checked against the same references by the gradient compiler's own tests.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listLayers, prepare } from '../../src/prepare/index.js';
import { nodeRunner } from '../../cli/ort-node.js';
import type { RunTensor } from '../../src/runtime/runner.js';
import { decodeModel } from '../../src/onnx/proto.js';
import { ownSeedFeeds } from '../../src/explain/model-feed.js';

const ROOT = join(import.meta.dirname, '../fixtures/models');
const names = existsSync(ROOT)
  ? readdirSync(ROOT)
      .filter((d) => existsSync(join(ROOT, d, 'fixture.json')))
      .sort()
  : [];

interface FixtureFile {
  file: string;
  shape: number[];
  kind?: string;
}
interface Fixture {
  input: { name: string } & FixtureFile;
  logits: { name: string } & FixtureFile;
  seeds: FixtureFile[];
  layers: { tensor: string; role: string; shape: number[]; activation: string; gradients: string[] }[];
}

const load = (name: string) => JSON.parse(readFileSync(join(ROOT, name, 'fixture.json'), 'utf8')) as Fixture;
const f32 = (name: string, file: string) => {
  const b = readFileSync(join(ROOT, name, file));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

/** Grad-CAM map ReLU(sum_c mean_ij(G_c) A_c) for the first image/seed row (without the ReLU when `linear`). */
function gradCam(a: Float32Array, g: Float32Array, [c, h, w]: number[], linear = false): Float64Array {
  const hw = h! * w!;
  const map = new Float64Array(hw);
  for (let ch = 0; ch < c!; ch++) {
    let mean = 0;
    for (let i = 0; i < hw; i++) mean += g[ch * hw + i]!;
    for (let i = 0; i < hw; i++) map[i]! += (mean / hw) * a[ch * hw + i]!;
  }
  return linear ? map : map.map((v) => Math.max(0, v));
}

function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0,
    my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]! / n;
    my += y[i]! / n;
  }
  let sxy = 0,
    sxx = 0,
    syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx === 0 && syy === 0 ? 1 : sxy / Math.sqrt(sxx * syy);
}

describe.skipIf(names.length === 0)('prepare on the PyTorch fixtures', () => {
  const runner = nodeRunner();

  it.each(names)("%s: the default layer is the fixture's default", async (name) => {
    const fx = load(name);
    const { layers } = await listLayers(new Uint8Array(readFileSync(join(ROOT, name, 'model.onnx'))), runner);
    const expected = fx.layers.find((l) => l.role === 'default')!.tensor;
    expect(layers.filter((l) => l.default).map((l) => l.name)).toEqual([expected]);
    for (const l of fx.layers) expect(layers.map((c) => c.name)).toContain(l.tensor);
  });

  it.each(names)('%s: the int8 prepared model stays close to the float64 reference', async (name) => {
    const fx = load(name);
    const source = new Uint8Array(readFileSync(join(ROOT, name, 'model.onnx')));
    const { model, manifest, report } = await prepare(source, { quantize: 'int8', layers: fx.layers.map((l) => l.tensor) }, runner);
    // Tiny fixtures keep many small weights in fp32; the <= 0.3 size target is checked on full-size models (bench).
    expect(report.sizes.prepared).toBeLessThan(report.sizes.source);
    expect(report.quantization!.quantized.length).toBeGreaterThan(0);
    // The backward graph reuses the (dequantized) weights: the only fp32 constants prepare adds are
    // per-channel vectors (quantization scales, BatchNormalization factors) or tiny, never weight copies.
    const before = new Set(decodeModel(source).graph!.initializer.map((t) => t.name));
    for (const t of decodeModel(model).graph!.initializer) {
      const dims = t.dims.map(Number);
      const n = dims.reduce((a, d) => a * d, 1);
      if (t.dataType === 1 && !before.has(t.name)) expect(n, t.name).toBeLessThanOrEqual(Math.max(64, ...dims));
    }
    const session = await runner.createSession(model);
    const rs: string[] = [];
    const input: RunTensor = { type: 'float32', dims: fx.input.shape, data: f32(name, fx.input.file) };
    const refLogits = f32(name, fx.logits.file);
    for (let s = 0; s < fx.seeds.length; s++) {
      const seed: RunTensor = { type: 'float32', dims: fx.seeds[s]!.shape, data: f32(name, fx.seeds[s]!.file) };
      const out = await session.run({ ...ownSeedFeeds(manifest), [manifest.input.name]: input, [manifest.seed.name]: seed });
      const logits = out[manifest.logits.name]!.data as Float32Array;
      const scale = Math.max(...Array.from(refLogits, Math.abs));
      logits.forEach((v, i) => expect(Math.abs(v - refLogits[i]!)).toBeLessThan(0.1 * scale));
      for (const [i, l] of fx.layers.entries()) {
        const spec = manifest.layers[i]!;
        const chw = l.shape.slice(1);
        // Seed 0 is the top-1 one-hot seed: compare Grad-CAM maps. Seed 1 is a dense random seed whose
        // ReLU'd map is often empty, so compare the linear map sum_c w_c A_c there.
        const linear = fx.seeds[s]!.kind !== 'onehot-top1';
        const ref = gradCam(f32(name, l.activation), f32(name, l.gradients[s]!), chw, linear);
        const got = gradCam(out[spec.activation]!.data as Float32Array, out[spec.gradient]!.data as Float32Array, chw, linear);
        const r = pearson(got, ref);
        rs.push(`${name} ${l.role} seed${s}: ${r.toFixed(4)}`);
        // >= 0.98 at the default layer (the product's target); shallow "mid" layers see the quantization
        // noise of every layer above them in G, so they get a looser bound.
        expect(r, `${l.role} seed ${s}`).toBeGreaterThan(l.role === 'default' ? 0.98 : 0.95);
      }
    }
    await session.release();
    if (process.env.SHOW_R) console.log(rs.join('\n'));
  });
});
