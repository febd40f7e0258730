/**
 * @module
 * Load test of the explain service in workerd (`wrangler dev`, the production bundle) on localhost, bounded
 * in time and request count: concurrent POST /v1/explain over many distinct images and output variants,
 * so that early requests miss and later ones hit (and concurrent misses of one key race). Every response
 * is checked:
 * - status 200, and the class (X-Explanation-Class, or `class.index` in JSON) equals the top-1 computed
 *   independently in Node (onnxruntime-web's Node build on models/default.onnx, src/image preprocessing);
 * - PNGs decode to the requested size; all responses of one key (hit or miss) have identical bytes.
 * /healthz is polled for the isolate's WASM memory, which must stay steady. Prints throughput, p50/p99
 * (all, hits, misses) and exits non-zero on any failed check.
 *
 * Usage: npm run load -- [--requests 3000] [--seconds 90] [--concurrency 8] [--images 300]
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decode, encode } from 'fast-png';
import { nodeRunner } from '../cli/ort-node.js';
import type { Manifest } from '../src/manifest.js';
import { ModelFeed } from '../src/explain/model-feed.js';
import { decodeImage, preprocess, preprocessSpecOf } from '../src/image/index.js';
import { startWranglerDev } from '../test/e2e/wrangler-dev.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const REQUESTS = arg('requests', 3000);
const SECONDS = arg('seconds', 90);
const CONCURRENCY = arg('concurrency', 8);
const IMAGES = arg('images', 300);

/** Output variants: each image x variant is one cache key. */
const VARIANTS = ['', 'output=heatmap&colormap=viridis&width=96', 'output=json'] as const;

/** A distinct picture per seed (size varies 64..223 px): gradients, a blob and stripes. */
function image(seed: number): { bytes: Uint8Array; width: number; height: number } {
  const width = 64 + ((seed * 53) % 160);
  const height = 64 + ((seed * 29) % 160);
  const data = new Uint8Array(width * height * 3);
  const cx = (seed * 37) % width;
  const cy = (seed * 91) % height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const blob = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * (width / 5) ** 2));
      const i = (y * width + x) * 3;
      data[i] = (x * 255) / width;
      data[i + 1] = 255 * blob;
      data[i + 2] = (((x + y + seed) >> 3) & 1) * 200 + ((seed * 13) & 55);
    }
  }
  return { bytes: encode({ width, height, data, channels: 3, depth: 8 }), width, height };
}

/** Top-1 of each image, computed in Node, independently of the service. */
async function referenceClasses(images: { bytes: Uint8Array }[]): Promise<number[]> {
  const manifest = JSON.parse(readFileSync('models/default.json', 'utf8')) as Manifest;
  const session = await nodeRunner().createSession(new Uint8Array(readFileSync('models/default.onnx')));
  const classes: number[] = [];
  for (const { bytes } of images) {
    const decoded = await decodeImage(bytes, { background: manifest.input.background, maxPixels: 40e6 });
    const logits = await new ModelFeed(session, manifest).logits(preprocess(decoded, preprocessSpecOf(manifest.input)).data);
    classes.push(logits.indexOf(Math.max(...logits)));
  }
  await session.release();
  return classes;
}

interface Result {
  ms: number;
  cache: string;
  failure?: string;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

function summary(name: string, results: Result[]): string {
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  return `${name.padEnd(6)} n=${String(ms.length).padStart(5)}  p50 ${percentile(ms, 50).toFixed(1).padStart(6)} ms  p99 ${percentile(ms, 99).toFixed(1).padStart(6)} ms  max ${percentile(ms, 100).toFixed(1).padStart(6)} ms`;
}

async function main(): Promise<void> {
  const images = Array.from({ length: IMAGES }, (_, i) => image(i + 1));
  const expectedClass = await referenceClasses(images);
  const dev = await startWranglerDev();
  const digests = new Map<string, string>();
  const results: Result[] = [];
  const memory: number[] = [];
  try {
    const poll = setInterval(() => {
      fetch(`${dev.url}/healthz`)
        .then((r) => r.json())
        .then(
          (h) => memory.push((h as { wasmMemoryBytes: number }).wasmMemoryBytes),
          () => undefined,
        );
    }, 1000);
    let next = 0;
    let rng = 12345;
    const random = () => (rng = (rng * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const deadline = Date.now() + SECONDS * 1000;
    const started = performance.now();
    const one = async (): Promise<Result> => {
      const i = Math.floor(random() * IMAGES);
      const v = Math.floor(random() * VARIANTS.length);
      const t0 = performance.now();
      const res = await fetch(`${dev.url}/v1/explain?${VARIANTS[v]}`, {
        method: 'POST',
        headers: { 'content-type': 'image/png' },
        body: images[i].bytes,
      });
      const body = new Uint8Array(await res.arrayBuffer());
      const ms = performance.now() - t0;
      const cache = res.headers.get('x-cache') ?? '?';
      const fail = (why: string): Result => ({ ms, cache, failure: `image ${i} variant ${v}: ${why}` });
      if (res.status !== 200) return fail(`status ${res.status} ${new TextDecoder().decode(body).slice(0, 200)}`);
      const json = VARIANTS[v] === 'output=json';
      const cls = json
        ? (JSON.parse(new TextDecoder().decode(body)) as { class: { index: number } }).class.index
        : Number(res.headers.get('x-explanation-class'));
      if (cls !== expectedClass[i]) return fail(`class ${cls}, expected ${expectedClass[i]}`);
      if (!json) {
        const png = decode(body);
        const want = v === 1 ? [96, Math.round((96 * images[i].height) / images[i].width)] : [images[i].width, images[i].height];
        if (png.width !== want[0] || png.height !== want[1]) return fail(`PNG ${png.width}x${png.height}, expected ${want.join('x')}`);
      }
      // JSON bodies carry per-request timings; compare the rest
      const digest = createHash('sha256')
        .update(json ? JSON.stringify({ ...JSON.parse(new TextDecoder().decode(body)), timings: null }) : body)
        .digest('hex');
      const key = `${i}/${v}`;
      const seen = digests.get(key);
      if (seen && seen !== digest) return fail('bytes differ from an earlier response of the same key');
      digests.set(key, digest);
      return { ms, cache };
    };
    const worker = async () => {
      while (next < REQUESTS && Date.now() < deadline) {
        next++;
        results.push(await one().catch((err: unknown) => ({ ms: NaN, cache: '?', failure: String(err) })));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - started) / 1000;
    clearInterval(poll);
    const failures = results.filter((r) => r.failure);
    const mib = (b: number) => (b / 2 ** 20).toFixed(1);
    const third = Math.max(1, Math.floor(memory.length / 3));
    const early = Math.max(...memory.slice(0, third));
    const late = Math.max(...memory.slice(-third));
    console.log(
      `load: ${results.length} requests in ${seconds.toFixed(1)} s, concurrency ${CONCURRENCY}, ${IMAGES} images x ${VARIANTS.length} variants`,
    );
    console.log(`throughput ${(results.length / seconds).toFixed(1)} req/s; failed checks ${failures.length}`);
    console.log(summary('all', results));
    console.log(
      summary(
        'hits',
        results.filter((r) => r.cache === 'hit'),
      ),
    );
    console.log(
      summary(
        'misses',
        results.filter((r) => r.cache === 'miss'),
      ),
    );
    console.log(
      `WASM memory: first third max ${mib(early)} MiB, last third max ${mib(late)} MiB, overall max ${mib(Math.max(...memory))} MiB (${memory.length} samples)`,
    );
    for (const f of failures.slice(0, 10)) console.log(`FAILED ${f.failure}`);
    const steady = late <= early * 1.1 + (4 << 20);
    if (!steady) console.log('FAILED memory grew');
    process.exitCode = failures.length || !steady || results.length === 0 ? 1 : 0;
  } finally {
    await dev.stop();
  }
}

await main();
