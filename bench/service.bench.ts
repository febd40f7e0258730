/**
 * @module
 * Service benchmark in workerd (`wrangler dev`, the production bundle), interleaved in one run:
 * - explain with a cache miss vs forward-only classify of the same image (ratio; target <= 1.3);
 * - the top-1 strategy: one run with identity seeds (S = K) vs a named class (S = 1) vs two runs
 *   (classify then a named class);
 * - cache-hit latency; the first request of a new isolate (cold); WASM memory (must stay < 128 MB).
 * Wall times are measured by the client over localhost; Server-Timing gives the in-worker stages.
 *
 * Usage: npx tsx bench/service.bench.ts [--rounds 30] [--size 224] [--cold 2] [--model path/to/prepared.onnx]
 * With --model, that prepared model (and its manifest beside it, same name, .json) is written to the local
 * MODELS KV namespace first and benchmarked instead of the bundled default.
 */
import { encode } from 'fast-png';
import { basename } from 'node:path';
import { startWranglerDev, type WranglerDev } from '../test/e2e/wrangler-dev.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const ROUNDS = arg('rounds', 30);
const SIZE = arg('size', 224);
const COLD = arg('cold', 2);
const WARMUP = 25;
const MODEL_FILE = (() => {
  const i = process.argv.indexOf('--model');
  return i > 0 ? process.argv[i + 1] : undefined;
})();
const MODEL_ID = MODEL_FILE ? basename(MODEL_FILE, '.onnx').replace(/[^a-z0-9._-]/gi, '-') : 'default';
const DEV_OPTIONS = MODEL_FILE
  ? { kv: { MODELS: { [`${MODEL_ID}.onnx`]: MODEL_FILE, [`${MODEL_ID}.json`]: MODEL_FILE.replace(/\.onnx$/, '.json') } } }
  : {};
const Q = MODEL_FILE ? `model=${MODEL_ID}` : '';
const withModel = (path: string) => (Q ? `${path}${path.includes('?') ? '&' : '?'}${Q}` : path);

/** A distinct natural-ish test image per seed (smooth gradients plus a blob), PNG. */
function image(seed: number): Uint8Array {
  const data = new Uint8Array(SIZE * SIZE * 3);
  const cx = (seed * 37) % SIZE;
  const cy = (seed * 91) % SIZE;
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const blob = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * (SIZE / 6) ** 2));
      const i = (y * SIZE + x) * 3;
      data[i] = (x * 255) / SIZE;
      data[i + 1] = 255 * blob;
      data[i + 2] = ((y * 255) / SIZE + seed * 13) & 255;
    }
  }
  return encode({ width: SIZE, height: SIZE, data, channels: 3, depth: 8 });
}

interface Sample {
  ms: number;
  timing: Record<string, number>;
  headers: Headers;
}

async function post(dev: WranglerDev, path: string, body: Uint8Array): Promise<Sample> {
  const start = performance.now();
  const res = await fetch(`${dev.url}${withModel(path)}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body });
  await res.arrayBuffer();
  const ms = performance.now() - start;
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  const timing: Record<string, number> = {};
  for (const part of (res.headers.get('server-timing') ?? '').split(',')) {
    const m = /([\w-]+);dur=([\d.]+)/.exec(part);
    if (m) timing[m[1]] = Number(m[2]);
  }
  return { ms, timing, headers: res.headers };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x: number) => x.toFixed(1).padStart(8);

async function coldFirstRequest(seed: number): Promise<number> {
  const dev = await startWranglerDev(DEV_OPTIONS);
  try {
    return (await post(dev, '/v1/explain', image(seed))).ms;
  } finally {
    await dev.stop();
  }
}

async function main(): Promise<void> {
  const dev = await startWranglerDev(DEV_OPTIONS);
  const rows: Record<string, number[]> = { miss: [], classify: [], named: [], hit: [], model_miss: [], model_named: [], ratio: [] };
  const cold: number[] = [];
  let memory = 0;
  try {
    cold.push((await post(dev, '/v1/explain', image(100_000))).ms);
    for (let i = 0; i < WARMUP; i++) {
      await post(dev, '/v1/explain', image(200_000 + i));
      await post(dev, '/v1/classify', image(200_000 + i));
    }
    let previous: Uint8Array | undefined;
    for (let r = 0; r < ROUNDS; r++) {
      const img = image(r);
      const order = r % 2 === 0 ? ['miss', 'classify', 'named'] : ['named', 'classify', 'miss'];
      const got: Record<string, Sample> = {};
      for (const kind of order) {
        const path = kind === 'miss' ? '/v1/explain' : kind === 'classify' ? '/v1/classify' : '/v1/explain?class=0';
        got[kind] = await post(dev, path, img);
      }
      if (got.miss.headers.get('x-cache') !== 'miss') throw new Error('expected a cache miss');
      rows.miss.push(got.miss.ms);
      rows.classify.push(got.classify.ms);
      rows.named.push(got.named.ms);
      rows.model_miss.push(got.miss.timing.model ?? NaN);
      rows.model_named.push(got.named.timing.model ?? NaN);
      rows.ratio.push(got.miss.ms / got.classify.ms);
      if (previous) {
        const hit = await post(dev, '/v1/explain', previous);
        if (hit.headers.get('x-cache') === 'hit') rows.hit.push(hit.ms);
      }
      previous = img;
    }
    memory = ((await (await fetch(`${dev.url}/healthz`)).json()) as { wasmMemoryBytes: number }).wasmMemoryBytes;
  } finally {
    await dev.stop();
  }
  for (let i = 0; i < COLD; i++) cold.push(await coldFirstRequest(300_000 + i));

  const mMiss = median(rows.miss);
  const mClassify = median(rows.classify);
  console.log(
    `service benchmark: wrangler dev (workerd), model '${MODEL_ID}', ${SIZE}x${SIZE} PNG in, PNG overlay out, ${ROUNDS} interleaved rounds`,
  );
  console.log('                                    median ms');
  console.log(`explain, cache miss (top-1)        ${fmt(mMiss)}   (model stage ${fmt(median(rows.model_miss))})`);
  console.log(`explain, cache miss (class=0, S=1) ${fmt(median(rows.named))}   (model stage ${fmt(median(rows.model_named))})`);
  console.log(`classify (forward only)            ${fmt(mClassify)}`);
  console.log(`two runs (classify + class=0)      ${fmt(mClassify + median(rows.named))}   (estimate)`);
  console.log(`explain, cache hit                 ${fmt(median(rows.hit))}   (${rows.hit.length} hits)`);
  console.log(`first request of a new isolate     ${cold.map((c) => c.toFixed(0)).join(', ')} ms`);
  console.log(
    `ratio explain miss / classify      median of per-round ratios ${median(rows.ratio).toFixed(2)}, ratio of medians ${(mMiss / mClassify).toFixed(2)} (target <= 1.3)`,
  );
  console.log(`WASM memory                        ${(memory / 1048576).toFixed(1)} MiB (limit 128)`);
  if (memory >= 128 * 1048576) process.exitCode = 1;
}

await main();
