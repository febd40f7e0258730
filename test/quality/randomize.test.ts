/**
 * The sanity check's randomised copy (bench/quality/randomize.ts) on the prepared mobilenet_v2 fixture, fp32
 * and int8: only the classifier's weight changes, deterministically per seed, with each row's spread kept;
 * and the prepared gradient graph follows the edit. Oracle: after global average pooling and a Gemm,
 * dS/dA_c,ij = W_kc / (h w) for the one-hot seed of class k, so G must be the new weight row, spread evenly.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeRunner } from '../../cli/ort-node.js';
import { prepare } from '../../src/prepare/index.js';
import { decodeModel, type TensorProto } from '../../src/onnx/proto.js';
import { floatValues, intValues } from '../../src/onnx/tensor.js';
import { randomizeTopLayer } from '../../bench/quality/randomize.js';
import { ownSeedFeeds } from '../../src/explain/model-feed.js';

const SOURCE = new Uint8Array(readFileSync(join(__dirname, '../fixtures/models/mobilenet_v2/model.onnx')));
const runner = nodeRunner();

function initializers(bytes: Uint8Array): Map<string, TensorProto> {
  return new Map(decodeModel(bytes).graph!.initializer.map((t) => [t.name, t]));
}

/** The dequantized (or float) weight of the Gemm that outputs the logits, K x C. */
function classifierWeight(bytes: Uint8Array): { values: Float64Array; rows: number; name: string } {
  const graph = decodeModel(bytes).graph!;
  const gemm = graph.node.find((n) => n.output.includes('logits'))!;
  const init = (name: string) => graph.initializer.find((t) => t.name === name);
  const deq = graph.node.find((n) => n.output.includes(gemm.input[1]!) && n.opType === 'DequantizeLinear');
  if (!deq) {
    const w = init(gemm.input[1]!)!;
    return { values: Float64Array.from(floatValues(w)), rows: Number(w.dims[0]), name: w.name };
  }
  const q = init(deq.input[0]!)!,
    scale = floatValues(init(deq.input[1]!)!),
    zero = intValues(init(deq.input[2]!)!);
  const rows = Number(q.dims[0]),
    cols = Number(q.dims[1]),
    ints = intValues(q);
  return {
    values: Float64Array.from(ints, (v, i) => (v - zero[Math.floor(i / cols)]!) * scale[Math.floor(i / cols)]!),
    rows,
    name: q.name,
  };
}

function rowStd(values: Float64Array, rows: number): number[] {
  const cols = values.length / rows;
  return Array.from({ length: rows }, (_, r) => {
    const row = values.subarray(r * cols, (r + 1) * cols),
      m = row.reduce((a, b) => a + b, 0) / cols;
    return Math.sqrt(row.reduce((a, b) => a + (b - m) ** 2, 0) / cols);
  });
}

describe.each([['none'], ['int8']] as const)('randomizeTopLayer, weights %s', (quantize) => {
  it("re-draws only the classifier weight, per seed, keeping each row's spread; the gradient graph follows", async () => {
    const { model, manifest } = await prepare(SOURCE, { quantize }, runner);
    const rnd = randomizeTopLayer(model, manifest.logits.name, 7);
    expect(randomizeTopLayer(model, manifest.logits.name, 7).bytes).toEqual(rnd.bytes);
    expect(randomizeTopLayer(model, manifest.logits.name, 8).bytes).not.toEqual(rnd.bytes);

    const before = initializers(model),
      after = initializers(rnd.bytes),
      w = classifierWeight(rnd.bytes);
    for (const [name, t] of before) {
      if (name === w.name) expect(after.get(name)!.rawData).not.toEqual(t.rawData);
      else expect(after.get(name), name).toEqual(t);
    }
    const oldStd = rowStd(classifierWeight(model).values, w.rows),
      newStd = rowStd(w.values, w.rows);
    oldStd.forEach((s, r) => expect(Math.abs(newStd[r]! - s) / s, `row ${r}`).toBeLessThan(0.35));

    const layer = manifest.layers[0]!,
      [, c, h, wd] = layer.shape.map(Number);
    const input = new Float32Array(readFileSync(join(__dirname, '../fixtures/models/mobilenet_v2/input.bin')).buffer.slice(0));
    const k = 3,
      seed = new Float32Array(w.rows);
    seed[k] = 1;
    const run = async (bytes: Uint8Array) => {
      const s = await runner.createSession(bytes);
      const out = await s.run({
        ...ownSeedFeeds(manifest),
        [manifest.input.name]: { type: 'float32', dims: [1, 3, 64, 64], data: input },
        [manifest.seed.name]: { type: 'float32', dims: [1, w.rows], data: seed },
      });
      await s.release();
      return { a: out[layer.activation]!.data as Float32Array, g: out[layer.gradient]!.data as Float32Array };
    };
    const [orig, rand] = [await run(model), await run(rnd.bytes)];
    expect(rand.a).toEqual(orig.a);
    const plane = h! * wd!,
      cols = w.values.length / w.rows;
    expect(cols).toBe(c);
    for (let ch = 0; ch < c!; ch++) {
      const expected = w.values[k * cols + ch]! / plane;
      for (let p = 0; p < plane; p++) expect(Math.abs(rand.g[ch * plane + p]! - expected)).toBeLessThan(1e-6 + 1e-5 * Math.abs(expected));
    }
  });
});
