/**
 * Segmentation, detection and embedding models through prepare and onnxruntime-web, against PyTorch
 * autograd (test/fixtures/tasks/<name>, written by tools/make_task_fixtures.py): the task and default layer
 * prepare finds, the targets src/tasks builds from the model's own output (segment mask of the default
 * class, the top detection, a direction and a unit), and A, G and the Grad-CAM map at both fixture layers
 * (r >= 0.999 fp32, >= 0.98 int8).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listLayers, prepare } from '../../src/prepare/index.js';
import { nodeRunner } from '../../cli/ort-node.js';
import type { RunTensor } from '../../src/runtime/runner.js';
import { pearson } from '../../src/quality/rank-correlation.js';
import type { Manifest } from '../../src/manifest.js';
import { argmaxClasses, classShares, defaultSegmentClass, segmentTarget } from '../../src/tasks/segment.js';
import { detect, DEFAULT_DETECT_OPTIONS } from '../../src/tasks/detections.js';
import { fieldIndex, type DetectFormat } from '../../src/tasks/detect-format.js';
import { indexTarget, vectorTarget } from '../../src/tasks/embed.js';
import { denseSeed, type SparseTarget } from '../../src/tasks/target.js';
import { ownSeedFeeds } from '../../src/explain/model-feed.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/tasks');
/** The full-width lraspp_mobilenet_v3_large at 224 x 224, when exported (tools/make_task_fixtures.py --full-lraspp build/tasks/lraspp_full; not committed, 12.9 MB). */
const FULL = join(import.meta.dirname, '../../build/tasks');
const dirOf = (name: string) => (name === 'lraspp_full' ? join(FULL, name) : join(FIXTURES, name));
interface Seed {
  kind: string;
  pixels?: number;
  classIndex?: number;
  region?: number[] | null;
  anchor?: number;
  vector?: number[];
  index?: number;
}
interface Fixture {
  task: 'segment' | 'detect' | 'embed';
  input: { name: string; shape: number[]; file: string };
  output: { name: string; shape: number[]; file: string | null };
  seeds: Seed[];
  layers: { tensor: string; role: string; shape: number[]; activation: string; gradients: string[] }[];
}
const f32 = (name: string, file: string) => {
  const b = readFileSync(join(dirOf(name), file));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
const load = (name: string) => JSON.parse(readFileSync(join(dirOf(name), 'fixture.json'), 'utf8')) as Fixture;
const size = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** Grad-CAM before the ReLU: sum_c mean(G_c) A_c, for seed row `row`. */
function camLinear(a: Float32Array, g: Float32Array, [, c, h, w]: number[], row: number): Float64Array {
  const hw = h! * w!;
  const map = new Float64Array(hw);
  for (let ch = 0; ch < c!; ch++) {
    let mean = 0;
    for (let i = 0; i < hw; i++) mean += g[(row * c! + ch) * hw + i]! / hw;
    for (let i = 0; i < hw; i++) map[i]! += mean * a[ch * hw + i]!;
  }
  return map;
}

/** The targets src/tasks builds from the model's own output, one per fixture seed, checked against it. */
function targetsFromOutput(fx: Fixture, m: Manifest, output: Float32Array): SparseTarget[] {
  const task = m.task!;
  if (task.kind === 'segment') {
    const shape = { classes: task.classes, height: task.height, width: task.width };
    const argmax = argmaxClasses(output, shape);
    const c = defaultSegmentClass(classShares(argmax, task.classes), task.background);
    expect(c).toBe(fx.seeds[0]!.classIndex);
    return fx.seeds.map((s) => {
      const r = s.region ? { x0: s.region[0]!, y0: s.region[1]!, x1: s.region[2]!, y1: s.region[3]! } : null;
      return segmentTarget(argmax, shape, s.classIndex!, r, task.width, task.height);
    });
  }
  if (task.kind === 'detect') {
    const format: DetectFormat = { layout: task.layout, classes: task.classes, anchors: task.anchors };
    const [, , h, w] = fx.input.shape;
    const dets = detect(output, format, DEFAULT_DETECT_OPTIONS, {
      region: { x: 0, y: 0, width: w!, height: h! },
      inputWidth: w!,
      inputHeight: h!,
      imageWidth: w!,
      imageHeight: h!,
    });
    expect([dets[0]!.anchor, dets[0]!.classIndex]).toEqual([fx.seeds[0]!.anchor, fx.seeds[0]!.classIndex]);
    const second = fx.seeds[1]!;
    return [
      dets[0]!.target,
      {
        size: output.length,
        indices: Int32Array.of(fieldIndex(format, second.anchor!, 4 + second.classIndex!)),
        weights: Float32Array.of(1),
      },
    ];
  }
  if (task.kind !== 'embed') throw new Error(`unexpected task ${task.kind}`);
  return [vectorTarget(fx.seeds[0]!.vector!, task.dimensions), indexTarget(String(fx.seeds[1]!.index), task.dimensions)];
}

/** The fixture's own seeds (the torch mask / one-hot / direction), dense. */
function fixtureSeeds(fx: Fixture, perRow: number): Float32Array[] {
  return fx.seeds.map((s) => {
    const seed = new Float32Array(perRow);
    if (s.kind === 'vector') seed.set(s.vector!);
    else if (s.kind === 'index') seed[s.index!] = 1;
    else if (s.kind === 'detect') seed[(4 + s.classIndex!) * fx.output.shape[2]! + s.anchor!] = 1; // [4 + C, A]
    return seed;
  });
}

const cases: (readonly [string, 'segment' | 'detect' | 'embed'])[] = [
  ['lraspp', 'segment'],
  ['deeplab', 'segment'],
  ['yolo', 'detect'],
  ['embed', 'embed'],
];
if (existsSync(join(FULL, 'lraspp_full', 'fixture.json'))) cases.push(['lraspp_full', 'segment']);

describe('prepared segmentation, detection and embedding models against PyTorch autograd', () => {
  const runner = nodeRunner();

  it.each(cases)('%s: task %s and the default layer', async (name, kind) => {
    const fx = load(name);
    const bytes = new Uint8Array(readFileSync(join(dirOf(name), 'model.onnx')));
    const listing = await listLayers(bytes, runner, kind === 'embed' ? { task: 'embed' } : {});
    expect(listing.task.kind).toBe(kind);
    expect(listing.logits.name).toBe(fx.output.name);
    expect(listing.layers.filter((l) => l.default).map((l) => l.name)).toEqual([fx.layers.find((l) => l.role === 'default')!.tensor]);
  });

  for (const quantize of ['none', 'int8'] as const) {
    const min = quantize === 'none' ? 0.999 : 0.98;
    it.each(cases)(`%s (%s), ${quantize}: A, G and Grad-CAM at both layers match autograd (r >= ${min})`, async (name, kind) => {
      const fx = load(name);
      const bytes = new Uint8Array(readFileSync(join(dirOf(name), 'model.onnx')));
      const { model, manifest } = await prepare(
        bytes,
        { quantize, layers: fx.layers.map((l) => l.tensor), task: kind === 'embed' ? 'embed' : undefined },
        runner,
      );
      expect(manifest.task?.kind).toBe(kind);
      const perRow = size(fx.output.shape.slice(1));
      expect(manifest.seed.shape.slice(1)).toEqual(fx.output.shape.slice(1));
      const session = await runner.createSession(model);
      try {
        const input: RunTensor = { type: 'float32', dims: fx.input.shape, data: f32(name, fx.input.file) };
        const rows = (seeds: Float32Array[]): RunTensor => {
          const data = new Float32Array(seeds.length * perRow);
          seeds.forEach((s, i) => data.set(s, i * perRow));
          return { type: 'float32', dims: [seeds.length, ...fx.output.shape.slice(1)], data };
        };
        const forward = await session.run(
          { ...ownSeedFeeds(manifest), [fx.input.name]: input, [manifest.seed.name]: rows([new Float32Array(perRow)]) },
          [manifest.logits.name],
        );
        const output = forward[manifest.logits.name]!.data as Float32Array;
        if (fx.output.file) expect(pearson(output, f32(name, fx.output.file))).toBeGreaterThan(quantize === 'none' ? 0.99999 : 0.99);
        const targets = targetsFromOutput(fx, manifest, output).map(denseSeed);
        // src/tasks builds the fixture's seeds (segment masks: the same pixels up to argmax near-ties)
        fixtureSeeds(fx, perRow).forEach((s, i) => {
          if (fx.task !== 'segment') return expect(Array.from(targets[i]!)).toEqual(Array.from(s));
          const pixels = targets[i]!.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0);
          expect(Math.abs(pixels - fx.seeds[i]!.pixels!)).toBeLessThanOrEqual(0.005 * fx.seeds[i]!.pixels!);
        });
        const fetches = manifest.layers.flatMap((l) => [l.activation, l.gradient]);
        const out = await session.run({ ...ownSeedFeeds(manifest), [fx.input.name]: input, [manifest.seed.name]: rows(targets) }, fetches);
        for (const layer of fx.layers) {
          const spec = manifest.layers.find((l) => l.name === layer.tensor)!;
          const a = out[spec.activation]!.data as Float32Array;
          const g = out[spec.gradient]!.data as Float32Array;
          expect(out[spec.gradient]!.dims).toEqual([fx.seeds.length, ...layer.shape.slice(1)]);
          const aRef = f32(name, layer.activation);
          expect(pearson(a, aRef), `${layer.role} A`).toBeGreaterThanOrEqual(min);
          const n = size(layer.shape);
          layer.gradients.forEach((file, row) => {
            const gRef = f32(name, file);
            const gRow = g.subarray(row * n, (row + 1) * n);
            expect(
              gRef.some((v) => v !== 0),
              `${layer.role} G${row} is not all zero`,
            ).toBe(true);
            expect(pearson(gRow, gRef), `${layer.role} G${row}`).toBeGreaterThanOrEqual(min);
            expect(
              pearson(camLinear(a, g, layer.shape, row), camLinear(aRef, gRef, layer.shape, 0)),
              `${layer.role} Grad-CAM ${row}`,
            ).toBeGreaterThanOrEqual(min);
          });
        }
      } finally {
        await session.release();
      }
    });
  }
});
