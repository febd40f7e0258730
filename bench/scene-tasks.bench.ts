/**
 * @module
 * Latency and memory of explaining the bundled scene detector and segmenter (models/scenes-detector,
 * models/scenes-segmenter) in onnxruntime-web WASM (Node, 1 thread), on a held-out multi-object scene:
 * the source model's plain forward (`<id>-fp32.onnx`, the baseline), the prepared int8 model's forward (the
 * output only, empty seed), and one explanation through the service's task path (src/explain/task-explain.ts:
 * forward, target from the output, gradient run, Grad-CAM) with the default target (detector: box 0;
 * segmenter: the largest class). Rounds interleave the three; medians and ratios to the baseline are printed,
 * and the WASM memory after one explanation, measured in a fresh process per model (WASM memory never shrinks).
 *
 *   npx tsx bench/scene-tasks.bench.ts [--rounds 30]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeRunner, wasmMemoryBytes } from '../cli/ort-node.js';
import { camMethod } from '../src/cam/registry.js';
import { ModelFeed } from '../src/explain/model-feed.js';
import { explainTaskImage } from '../src/explain/task-explain.js';
import { preprocess, preprocessSpecOf } from '../src/image/index.js';
import type { Manifest } from '../src/manifest.js';
import { renderScene } from '../src/scenes/index.js';

const ROOT = join(import.meta.dirname, '..');
const MODELS = ['scenes-detector', 'scenes-segmenter'];
const SIZE = 128;

async function loaded(id: string) {
  const runner = nodeRunner({ numThreads: 1 });
  const manifest = JSON.parse(readFileSync(join(ROOT, `models/${id}.json`), 'utf8')) as Manifest;
  const feed = new ModelFeed(await runner.createSession(new Uint8Array(readFileSync(join(ROOT, `models/${id}.onnx`)))), manifest);
  const scene = renderScene({ seed: 7_000_002, size: SIZE, kind: 'multi' });
  const input = preprocess({ width: SIZE, height: SIZE, data: scene.image }, preprocessSpecOf(manifest.input)).data;
  const layer = manifest.layers.find((l) => l.default)!;
  const geometry = {
    region: { x: 0, y: 0, width: SIZE, height: SIZE },
    inputWidth: SIZE,
    inputHeight: SIZE,
    imageWidth: SIZE,
    imageHeight: SIZE,
  };
  const compute = {
    method: { kind: 'cam' as const, cam: camMethod('gradcam')! },
    layers: [layer],
    combine: 'mean' as const,
    aug: 'none' as const,
    targets: [],
    n: 8,
    sigma: 0.15,
  };
  const explain = () => explainTaskImage(feed, input, manifest.task!, compute, {}, { labels: manifest.labels, geometry });
  return { runner, manifest, feed, input, explain, layer };
}

async function memoryChild(id: string): Promise<void> {
  const m = await loaded(id);
  await m.explain();
  console.log(wasmMemoryBytes());
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--memory') return memoryChild(args[1]!);
  const rounds = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : 30;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    `| model | layer | source fp32 forward ms | prepared int8 forward ms (x) | explanation ms (x) | runs | WASM memory after one explanation (MiB) |`,
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const id of MODELS) {
    const m = await loaded(id);
    const source = await m.runner.createSession(new Uint8Array(readFileSync(join(ROOT, `models/${id}-fp32.onnx`))));
    const image = { type: 'float32' as const, dims: [1, 3, SIZE, SIZE], data: m.input };
    const variants: Record<string, () => Promise<unknown>> = {
      source: () => source.run({ [m.manifest.input.name]: image }, [m.manifest.logits.name]),
      forward: () => m.feed.output(m.input),
      explain: () => m.explain(),
    };
    const times: Record<string, number[]> = { source: [], forward: [], explain: [] };
    let runs = 0;
    for (let r = 0; r < rounds + 1; r++) {
      for (const [k, f] of Object.entries(variants)) {
        const t0 = performance.now();
        const out = await f();
        if (k === 'explain') runs = (out as { runs: number }).runs;
        if (r > 0) times[k]!.push(performance.now() - t0); // round 0 warms up
      }
    }
    await source.release();
    const mem = Number(
      execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/scene-tasks.bench.ts'), '--memory', id], {
        encoding: 'utf8',
        cwd: ROOT,
      })
        .trim()
        .split('\n')
        .pop(),
    );
    const base = median(times.source!);
    const cell = (k: string) => `${median(times[k]!).toFixed(2)} (${(median(times[k]!) / base).toFixed(2)}x)`;
    console.log(
      `| ${id} | [${m.layer.shape.slice(1).join(', ')}] | ${base.toFixed(2)} | ${cell('forward')} | ${cell('explain')} | ${runs} | ${(mem / 2 ** 20).toFixed(1)} |`,
    );
  }
}

await main();
