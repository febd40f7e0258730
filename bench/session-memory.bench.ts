/**
 * @module
 * What a prepared model's explanation costs in WASM memory under different onnxruntime-web session options
 * and fetches, in Node's onnxruntime-web (the engine the Worker runs, one thread). One configuration per
 * process, since WASM memory only grows: the driver below starts a child per configuration, interleaving the
 * models, and prints one table.
 *
 * Each child creates a session and does what a top-1 request does, twice (the second pass shows whether
 * memory keeps growing): a forward run for the logits, then the gradient run for the class with the
 * requested fetches: `layer` (the default layer's A and G: Grad-CAM), `attention` (A, G and every block's
 * attention probabilities and their gradients: method=attention-gradcam), `probabilities` (A, G and the
 * probabilities: rollout). Reported: WASM memory after session creation and after the runs, and the median
 * time of the two model runs.
 *
 * Usage: npx tsx bench/session-memory.bench.ts --model a.onnx [--model b.onnx] [--fetch layer,attention]
 *        [--options default,no-arena,no-mem-pattern,lean] [--rounds 3]
 *
 * onnxruntime-web's memory grows to at least 1.2 x its current size (emscripten's rule), so a reading is a
 * step of that ladder (64.1, 76.9, 92.3, 110.8, 132.9 MiB for a ViT-S): 132.9 means the peak was above 110.8.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import * as ort from 'onnxruntime-web';
import { ownSeedFeeds } from '../src/explain/model-feed.js';
import type { Manifest } from '../src/manifest.js';
import { nodeRunner, wasmMemoryBytes } from '../cli/ort-node.js';

const argValues = (name: string) => process.argv.flatMap((a, i) => (a === `--${name}` ? [process.argv[i + 1]!] : []));
const MB = (n: number) => (n / 2 ** 20).toFixed(1);

/** Session option sets compared. */
const OPTIONS: Record<string, ort.InferenceSession.SessionOptions> = {
  default: {},
  'no-arena': { enableCpuMemArena: false },
  'no-mem-pattern': { enableMemPattern: false },
  lean: { enableCpuMemArena: false, enableMemPattern: false },
  'opt-basic': { graphOptimizationLevel: 'basic' },
  'opt-disabled': { graphOptimizationLevel: 'disabled' },
};

async function child(file: string, fetch: string, optionName: string, rounds: number): Promise<void> {
  nodeRunner(); // configures onnxruntime-web (1 thread) and captures its WASM memory
  const manifest = JSON.parse(readFileSync(file.replace(/\.onnx$/, '.json'), 'utf8')) as Manifest;
  const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(file)), {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    ...OPTIONS[optionName],
  });
  const afterCreate = wasmMemoryBytes();
  const [, c, h, w] = manifest.input.shape as number[];
  const k = Number(manifest.seed.shape[1]);
  const input = new ort.Tensor(
    'float32',
    Float32Array.from({ length: c! * h! * w! }, (_, i) => Math.sin(i / 97)),
    [1, c!, h!, w!],
  );
  const layer = manifest.layers.find((l) => l.default)!;
  const blocks = manifest.attention?.blocks ?? [];
  if (fetch !== 'layer' && blocks.length === 0) throw new Error(`${file} was not prepared with --attention`);
  if (fetch === 'attention' && !blocks[0]!.gradient) throw new Error(`${file} has no attention gradients (--attention gradients)`);
  const extra = fetch === 'layer' ? [] : blocks.flatMap((b) => [b.probabilities, ...(fetch === 'attention' ? [b.gradient!] : [])]);
  const own = Object.fromEntries(
    Object.entries(ownSeedFeeds(manifest)).map(([n, t]) => [n, new ort.Tensor(t.type, t.data as Float32Array, t.dims as number[])]),
  );
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    const zero = new ort.Tensor('float32', new Float32Array(k), [1, k]);
    const out = await session.run({ ...own, [manifest.input.name]: input, [manifest.seed.name]: zero }, [manifest.logits.name]);
    const logits = out[manifest.logits.name]!.data as Float32Array;
    const seed = new Float32Array(k);
    seed[logits.indexOf(Math.max(...logits))] = 1;
    await session.run({ ...own, [manifest.input.name]: input, [manifest.seed.name]: new ort.Tensor('float32', seed, [1, k]) }, [
      layer.activation,
      layer.gradient,
      ...extra,
    ]);
    times.push(performance.now() - start);
  }
  const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  console.log(
    `| ${basename(file, '.onnx')} | ${fetch} (${extra.length} extra outputs) | ${optionName} | ${MB(afterCreate)} | ${MB(wasmMemoryBytes())} | ${median.toFixed(0)} |`,
  );
}

async function driver(): Promise<void> {
  const models = argValues('model');
  const fetches = (argValues('fetch')[0] ?? 'layer,attention').split(',');
  const options = (argValues('options')[0] ?? Object.keys(OPTIONS).join(',')).split(',');
  const rounds = argValues('rounds')[0] ?? '3';
  console.log('| model | fetches | session options | WASM MiB after create | WASM MiB after runs | two runs, median ms |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const option of options)
    for (const fetch of fetches)
      for (const model of models) {
        try {
          process.stdout.write(
            execFileSync('npx', ['tsx', 'bench/session-memory.bench.ts', '--child', model, fetch, option, rounds], {
              encoding: 'utf8',
            }),
          );
        } catch (err) {
          console.log(`| ${basename(model, '.onnx')} | ${fetch} | ${option} | failed: ${String((err as Error).message).split('\n')[0]} |`);
        }
      }
}

const at = process.argv.indexOf('--child');
if (at > 0) {
  const [file, fetch, option, rounds] = process.argv.slice(at + 1);
  await child(file!, fetch!, option!, Number(rounds));
} else {
  await driver();
}
