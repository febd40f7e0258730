/**
 * @module
 * What a dense seed costs for a YOLO-size detection output ([1, 84, 8400]: 2.8 MB of float32 per target),
 * against building the same seed in the graph from a sparse (index, weight) input with ScatterElements
 * into ConstantOfShape zeros, and against the plain forward pass. The model is the YOLOv8-style detector of
 * tools/make_task_fixtures.py at 640 x 640 with 80 classes (`--yolo640 build/tasks/yolo640`), prepared at its
 * default layer (stride 8, 80 x 80). Prints the median of interleaved runs (ratios to the forward) and the
 * WASM memory after one run, each variant in a fresh process (WASM memory never shrinks).
 *
 *   nice /usr/bin/python3 tools/make_task_fixtures.py --yolo640 build/tasks/yolo640
 *   npx tsx bench/task-seed.bench.ts [--rounds 15]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeRunner, wasmMemoryBytes } from '../cli/ort-node.js';
import { prepare } from '../src/prepare/index.js';
import { decodeModel, encodeModel, onnx, DataType } from '../src/onnx/proto.js';
import { makeNode } from '../src/onnx/nodes.js';
import { makeInt64Tensor } from '../src/onnx/tensor.js';
import type { RunTensor } from '../src/runtime/runner.js';
import { idleTargetFeeds } from '../src/explain/model-feed.js';

const ROOT = join(import.meta.dirname, '..');
const SOURCE = join(ROOT, 'build/tasks/yolo640/model.onnx');
const OUT = join(ROOT, 'build/tasks/seed-bench');
const SEED = 'gradcam_seed';
const [FIELDS, ANCHORS] = [84, 8400];
const TARGET = (4 + 23) * ANCHORS + 7961; // one class score at one anchor

/** The prepared model with its dense seed input replaced by index [S, 1] + weight [S, 1] scattered in-graph. */
function sparseVariant(prepared: Uint8Array): Uint8Array {
  const m = decodeModel(prepared);
  const g = m.graph!;
  g.input = g.input.filter((v) => v.name !== SEED);
  const info = (name: string, type: number) =>
    onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: type, shape: { dim: [{ dimParam: 'S' }, { dimValue: 1 }] } } } });
  g.input.push(info('gradcam_seed_index', DataType.INT64), info('gradcam_seed_weight', DataType.FLOAT));
  const c = (name: string, values: number[]) =>
    makeNode('Constant', [], [name], { value: makeInt64Tensor(`${name}_v`, [values.length], values) }, name);
  g.node.unshift(
    makeNode('Shape', ['gradcam_seed_index'], ['sp/shape'], {}, 'sp/shape'),
    c('sp/first', [0]),
    c('sp/size', [FIELDS * ANCHORS]),
    c('sp/dims', [-1, FIELDS, ANCHORS]),
    makeNode('Gather', ['sp/shape', 'sp/first'], ['sp/rows'], { axis: 0 }, 'sp/rows'),
    makeNode('Concat', ['sp/rows', 'sp/size'], ['sp/flat_shape'], { axis: 0 }, 'sp/flat_shape'),
    makeNode('ConstantOfShape', ['sp/flat_shape'], ['sp/zeros'], {}, 'sp/zeros'),
    makeNode('ScatterElements', ['sp/zeros', 'gradcam_seed_index', 'gradcam_seed_weight'], ['sp/flat'], { axis: 1 }, 'sp/scatter'),
    makeNode('Reshape', ['sp/flat', 'sp/dims'], [SEED], {}, 'sp/reshape'),
  );
  return encodeModel(m);
}

function image(): RunTensor {
  const data = new Float32Array(3 * 640 * 640);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.001) * 1.5;
  return { type: 'float32', dims: [1, 3, 640, 640], data };
}

/** The idle feeds of the in-graph task target inputs (build = [0]: the fed seed is used). */
const IDLE = idleTargetFeeds({ task: { build: 'gradcam_task_target', chosenClass: 'gradcam_task_class' } });

function feeds(variant: string): Record<string, RunTensor> {
  if (variant === 'forward') return { input: image() };
  return { ...IDLE, ...seedFeeds(variant) };
}

function seedFeeds(variant: string): Record<string, RunTensor> {
  if (variant === 'dense') {
    const seed = new Float32Array(FIELDS * ANCHORS);
    seed[TARGET] = 1;
    return { input: image(), [SEED]: { type: 'float32', dims: [1, FIELDS, ANCHORS], data: seed } };
  }
  return {
    input: image(),
    gradcam_seed_index: { type: 'int64', dims: [1, 1], data: BigInt64Array.of(BigInt(TARGET)) },
    gradcam_seed_weight: { type: 'float32', dims: [1, 1], data: Float32Array.of(1) },
  };
}

const FILES: Record<string, string> = { forward: SOURCE, dense: join(OUT, 'dense.onnx'), sparse: join(OUT, 'sparse.onnx') };
const fetchesOf = (variant: string, layerOutputs: string[]) => (variant === 'forward' ? ['output'] : layerOutputs);

async function memoryChild(variant: string, layerOutputs: string[]): Promise<void> {
  const session = await nodeRunner().createSession(new Uint8Array(readFileSync(FILES[variant]!)));
  await session.run(feeds(variant), fetchesOf(variant, layerOutputs));
  console.log(wasmMemoryBytes());
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--memory') return memoryChild(args[1]!, args.slice(2));
  const rounds = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : 15;
  mkdirSync(OUT, { recursive: true });
  const runner = nodeRunner({ numThreads: 1 });
  const { model, manifest } = await prepare(new Uint8Array(readFileSync(SOURCE)), {}, runner);
  writeFileSync(FILES.dense!, model);
  writeFileSync(FILES.sparse!, sparseVariant(model));
  const layer = manifest.layers.find((l) => l.default)!;
  const layerOutputs = [layer.activation, layer.gradient];
  const sessions = Object.fromEntries(
    await Promise.all(
      Object.entries(FILES).map(async ([k, f]) => [k, await runner.createSession(new Uint8Array(readFileSync(f)))] as const),
    ),
  );
  // Same gradient from both seeds.
  const d = await sessions.dense!.run(feeds('dense'), layerOutputs);
  const s = await sessions.sparse!.run(feeds('sparse'), layerOutputs);
  const gd = d[layer.gradient]!.data as Float32Array,
    gs = s[layer.gradient]!.data as Float32Array;
  let maxDiff = 0;
  for (let i = 0; i < gd.length; i++) maxDiff = Math.max(maxDiff, Math.abs(gd[i]! - gs[i]!));
  const times: Record<string, number[]> = { forward: [], dense: [], sparse: [] };
  for (let r = 0; r < rounds + 1; r++) {
    for (const v of Object.keys(FILES)) {
      const t0 = performance.now();
      await sessions[v]!.run(feeds(v), fetchesOf(v, layerOutputs));
      if (r > 0) times[v]!.push(performance.now() - t0); // round 0 warms up
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const memory = (v: string) =>
    Number(
      execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/task-seed.bench.ts'), '--memory', v, ...layerOutputs], {
        encoding: 'utf8',
        cwd: ROOT,
      })
        .trim()
        .split('\n')
        .pop(),
    );
  console.log(`layer ${layer.name} [${layer.shape.join(', ')}]; dense and sparse G differ by at most ${maxDiff}`);
  console.log('| variant | median ms | x forward | WASM memory after one run (MiB) |');
  console.log('| --- | --- | --- | --- |');
  for (const v of Object.keys(FILES)) {
    console.log(
      `| ${v} | ${median(times[v]!).toFixed(1)} | ${(median(times[v]!) / median(times.forward!)).toFixed(2)} | ${(memory(v) / 2 ** 20).toFixed(1)} |`,
    );
  }
  for (const x of Object.values(sessions)) await x.release();
}

await main();
