/**
 * @module
 * `npx tsx bench/layouts.bench.ts --model build/prepared/vit_s_16.int8.onnx [--model ...] [--rounds 8]`: large
 * prepared models (vision transformers, channels-last CNNs) explained in workerd (`wrangler dev`, the
 * production bundle, one thread). One `wrangler dev` per model, with the model in its local MODELS KV; after a
 * warm-up, each round explains one fresh image (a cache miss) with the shipped default model and then with
 * the measured model, so the ratio is paired. Reports the median latency of both, the ratio, the Server-Timing
 * `model` stage, and the isolate's WASM memory (GET /healthz) after the run (the default model's session is
 * in it too: about 10 MB).
 *
 * A model over 25 MiB cannot be one value of the MODELS KV namespace (KV's value limit): such a model is
 * measured in Node's onnxruntime-web instead (the same WASM engine, one thread): the two model runs of a top-1
 * explanation of a 1000-class model (forward-only for the class, then one seed row), and the WASM memory.
 *
 * `--node` measures every model that way (WASM memory only grows: give one model per process to compare).
 * With a model prepared with `--attention`, the gradient run also fetches every block's probabilities and
 * gradients, as method=attention-gradcam does.
 *
 * `--method <name>` explains the measured model with that method (default gradcam; e.g. rollout or
 * attention-gradcam for a model prepared with `--attention`); the default model always runs Grad-CAM.
 * A bundled model (`--model models/scenes-vit.onnx`) is served from the Worker's assets under its own id.
 *
 * Build the models first: tools/export_transformers.py, then `gradcam-edge prepare <model> --quantize int8`.
 */
import { encode } from 'fast-png';
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { startWranglerDev } from '../test/e2e/wrangler-dev.js';
import { nodeRunner, wasmMemoryBytes } from '../cli/ort-node.js';
import type { Manifest } from '../src/manifest.js';
import { ownSeedFeeds } from '../src/explain/model-feed.js';

const KV_VALUE_LIMIT = 25 * 2 ** 20;

const argValues = (name: string) => process.argv.flatMap((a, i) => (a === `--${name}` ? [process.argv[i + 1]!] : []));
const ROUNDS = Number(argValues('rounds')[0] ?? 8);
const METHOD = argValues('method')[0] ?? 'gradcam';
const SIZE = 224;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A distinct smooth PNG per seed. */
function image(seed: number): Uint8Array {
  const data = new Uint8Array(SIZE * SIZE * 3);
  const [cx, cy] = [(seed * 37) % SIZE, (seed * 91) % SIZE];
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const i = (y * SIZE + x) * 3;
      data[i] = (x * 255) / SIZE;
      data[i + 1] = 255 * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * (SIZE / 6) ** 2));
      data[i + 2] = ((y * 255) / SIZE + seed * 13) & 255;
    }
  }
  return encode({ width: SIZE, height: SIZE, data, channels: 3, depth: 8 });
}

async function explain(url: string, model: string | null, seed: number): Promise<{ ms: number; model: number }> {
  const start = performance.now();
  const res = await fetch(`${url}/v1/explain${model ? `?model=${model}&method=${METHOD}` : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'image/png' },
    body: image(seed),
  });
  const body = await res.arrayBuffer();
  const ms = performance.now() - start;
  if (!res.ok) throw new Error(`${model}: ${res.status} ${new TextDecoder().decode(body).slice(0, 400)}`);
  const stage = /model;dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '');
  return { ms, model: stage ? Number(stage[1]) : NaN };
}

/** A warm-up request, retried when wrangler restarts the worker (it may, right after start). */
async function warm(url: string, model: string | null, seed: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await explain(url, model, seed);
      return;
    } catch (err) {
      if (attempt >= 3 || !/restarted/.test(String(err))) throw err;
    }
  }
}

async function measure(file: string, seed0: number): Promise<string> {
  const id = basename(file, '.onnx').replace(/[^a-z0-9._-]/gi, '-');
  const dev = await startWranglerDev({
    kv: { MODELS: { [`${id}.onnx`]: file, [`${id}.json`]: file.replace(/\.onnx$/, '.json') } },
    timeoutMs: 180_000,
  });
  try {
    for (let i = 0; i < 2; i++) {
      await warm(dev.url, null, seed0 + 100 + i);
      await warm(dev.url, id, seed0 + 200 + i);
    }
    const base: number[] = [];
    const own: number[] = [];
    const stage: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      base.push((await explain(dev.url, null, seed0 + 2 * r)).ms);
      const m = await explain(dev.url, id, seed0 + 2 * r + 1);
      own.push(m.ms);
      stage.push(m.model);
    }
    const health = (await (await fetch(`${dev.url}/healthz`)).json()) as { wasmMemoryBytes: number };
    const ratios = own.map((m, i) => m / base[i]!);
    return `| ${id} | ${(statSync(file).size / 2 ** 20).toFixed(1)} | ${median(own).toFixed(0)} | ${median(stage).toFixed(0)} | ${median(base).toFixed(0)} | ${median(ratios).toFixed(1)} | ${(health.wasmMemoryBytes / 2 ** 20).toFixed(0)} |`;
  } finally {
    await dev.stop();
  }
}

/** The model runs of a top-1 explanation in Node's onnxruntime-web (for models too big for KV). */
async function measureInNode(file: string): Promise<string> {
  const manifest = JSON.parse(readFileSync(file.replace(/\.onnx$/, '.json'), 'utf8')) as Manifest;
  const session = await nodeRunner().createSession(new Uint8Array(readFileSync(file)));
  const [, c, h, w] = manifest.input.shape as number[];
  const k = Number(manifest.seed.shape[1]);
  const input = {
    type: 'float32' as const,
    dims: [1, c!, h!, w!],
    data: Float32Array.from({ length: c! * h! * w! }, (_, i) => Math.sin(i / 97)),
  };
  const layer = manifest.layers.find((l) => l.default)!;
  const attention = manifest.attention?.blocks.flatMap((b) => [b.probabilities, ...(b.gradient ? [b.gradient] : [])]) ?? [];
  const once = async () => {
    const start = performance.now();
    const out = await session.run(
      {
        ...ownSeedFeeds(manifest),
        [manifest.input.name]: input,
        [manifest.seed.name]: { type: 'float32', dims: [1, k], data: new Float32Array(k) },
      },
      [manifest.logits.name],
    );
    const logits = out[manifest.logits.name]!.data as Float32Array;
    const seed = new Float32Array(k);
    seed[logits.indexOf(Math.max(...logits))] = 1;
    await session.run({ [manifest.input.name]: input, [manifest.seed.name]: { type: 'float32', dims: [1, k], data: seed } }, [
      layer.activation,
      layer.gradient,
      ...attention,
    ]);
    return performance.now() - start;
  };
  await once();
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) times.push(await once());
  await session.release();
  return `| ${basename(file, '.onnx')} (Node${attention.length > 0 ? ', with the attention outputs' : ''}) | ${(statSync(file).size / 2 ** 20).toFixed(1)} | - | ${median(times).toFixed(0)} | - | - | ${(wasmMemoryBytes() / 2 ** 20).toFixed(0)} |`;
}

async function main(): Promise<void> {
  const models = argValues('model').map((m) => resolve(m));
  if (models.length === 0) throw new Error('give --model <prepared.onnx> (repeatable)');
  console.log(`${ROUNDS} paired rounds per model, ${SIZE}x${SIZE} PNG, method ${METHOD} (default model: gradcam), top-1\n`);
  console.log(
    '| model | prepared MB | explain ms (median) | of which model stage | default model ms | x default (paired) | WASM memory MB |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  const inNode = process.argv.includes('--node');
  for (const [i, m] of models.entries())
    console.log(inNode || statSync(m).size > KV_VALUE_LIMIT ? await measureInNode(m) : await measure(m, 1000 * (i + 1)));
}

await main();
