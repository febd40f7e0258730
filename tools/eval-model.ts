/**
 * @module
 * Top-1 accuracy of ONNX models on a split of generated scenes, through onnxruntime-web (the runtime the
 * service uses): `npx tsx tools/eval-model.ts [--scenes build/scenes] [--split val] models/default-fp32.onnx models/default.onnx`.
 *
 * The shards are the ones tools/make-scenes.ts writes for training (record: class byte, RGB 128 x 128, and
 * a mask in the val split). Preprocessing is the training script's: RGB / 255, then (x - 0.5) / 0.25, NCHW.
 * A prepared model gets zero seed rows (its backward graphs do no work that changes the logits); it reports
 * top-1 overall and per class, and how often two models agree.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nodeRunner } from '../cli/ort-node.js';
import { ModelFeed } from '../src/explain/model-feed.js';
import type { Manifest } from '../src/manifest.js';
import type { RunTensor } from '../src/runtime/runner.js';
import { toTensor, type TensorSpec } from '../src/image/preprocess/tensor.js';
import { argmax } from '../src/quality/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    scenes: { type: 'string', default: 'build/scenes' },
    split: { type: 'string', default: 'val' },
    batch: { type: 'string', default: '16' },
  },
});
const manifest = JSON.parse(readFileSync(join(values.scenes, 'manifest.json'), 'utf8')) as {
  size: number;
  splits: Record<string, { file: string; count: number }[]>;
};
const size = manifest.size,
  pixels = size * size * 3;
const record = 1 + pixels + (values.split === 'val' ? size * size : 0);
const shards = manifest.splits[values.split];
if (!shards || positionals.length === 0) throw new Error('usage: tsx tools/eval-model.ts [--scenes dir] [--split val|train] model.onnx...');

const labels: number[] = [];
const images: Uint8Array[] = [];
for (const shard of shards) {
  const raw = new Uint8Array(readFileSync(join(values.scenes, shard.file)));
  for (let k = 0; k < shard.count; k++) {
    labels.push(raw[k * record]!);
    images.push(raw.subarray(k * record + 1, k * record + 1 + pixels));
  }
}

/** The training script's normalisation: RGB / 255, then (x - 0.5) / 0.25 (models/MODELS.md). */
const TRAINING_SPEC: TensorSpec = { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], scale: 255, layout: 'NCHW' };

/** uint8 HWC images -> normalised float32 NCHW batch, with the service's own toTensor. */
function tensor(batch: Uint8Array[]): RunTensor {
  const per = pixels,
    data = new Float32Array(batch.length * per);
  batch.forEach((img, n) => data.set(toTensor({ width: size, height: size, data: img }, TRAINING_SPEC), n * per));
  return { type: 'float32', dims: [batch.length, 3, size, size], data };
}

const runner = nodeRunner({ numThreads: 1 });
const predictions: number[][] = [];
for (const file of positionals) {
  const session = await runner.createSession(new Uint8Array(readFileSync(file)));
  let prepared: Manifest | undefined;
  try {
    prepared = JSON.parse(readFileSync(file.replace(/\.onnx$/, '.json'), 'utf8')) as Manifest;
  } catch {
    prepared = undefined;
  }
  const inputName = prepared?.input.name ?? session.inputNames[0]!;
  const logitsName = prepared?.logits.name ?? session.outputNames[0]!;
  const batch = Number(values.batch),
    preds: number[] = [];
  const t0 = performance.now();
  for (let s = 0; s < images.length; s += batch) {
    const chunk = images.slice(s, s + batch);
    const feeds: Record<string, RunTensor> = { [inputName]: tensor(chunk) };
    if (prepared) {
      const k = Number(prepared.seed.shape[1]);
      Object.assign(feeds, {
        [prepared.seed.name]: { type: 'float32', dims: [chunk.length, k], data: new Float32Array(chunk.length * k) },
      });
    }
    const logits = (await (prepared ? new ModelFeed(session, prepared) : session).run(feeds, [logitsName]))[logitsName]!
      .data as Float32Array;
    const k = logits.length / chunk.length;
    for (let n = 0; n < chunk.length; n++) preds.push(argmax({ width: k, height: 1, data: logits.subarray(n * k, (n + 1) * k) }));
  }
  const correct = preds.filter((p, i) => p === labels[i]).length;
  const perClass = Array.from({ length: Math.max(...labels) + 1 }, (_, c) => {
    const idx = labels.map((l, i) => (l === c ? i : -1)).filter((i) => i >= 0);
    return (idx.filter((i) => preds[i] === c).length / Math.max(idx.length, 1)).toFixed(3);
  });
  console.log(
    `${file}: top-1 ${(correct / labels.length).toFixed(4)} on ${labels.length} ${values.split} scenes (${((performance.now() - t0) / 1000).toFixed(1)} s); per class ${perClass.join(' ')}`,
  );
  predictions.push(preds);
  await session.release();
}
for (let m = 1; m < predictions.length; m++) {
  const agree = predictions[m]!.filter((p, i) => p === predictions[0]![i]).length;
  console.log(`${positionals[m]} agrees with ${positionals[0]} on ${agree} of ${labels.length} (${(agree / labels.length).toFixed(4)})`);
}
