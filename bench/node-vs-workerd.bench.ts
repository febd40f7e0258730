/**
 * @module
 * Self-hosted Node (`npm run serve:node`: @hono/node-server, ORT WASM with one thread per core) against workerd
 * (`wrangler dev`, the production bundle, one thread), on the same requests in one interleaved run; a Node
 * server with one thread is measured too, to separate the threads from the runtime. All servers share a
 * CACHE_SECRET, so the same request must give the same explanation id everywhere, and the same pixels up to
 * the float differences of threaded kernels (checked and reported; the PNG bytes may differ, as workerd's and
 * Node's zlib need not deflate alike).
 *
 * Phases: warm-up; `--rounds` rounds of [explain miss, classify, explain hit] per server in rotating order
 * (sequential: latency); then `--burst` requests at concurrency `--concurrency` per server (throughput).
 *
 * Usage: npm run bench:node [-- --rounds 20 --warmup 25 --size 224 --burst 24 --concurrency 4] [-- --model path/to/prepared.onnx]
 * With --model, that prepared model (manifest beside it, same name, .json) is served by every server (workerd:
 * local MODELS KV; Node: a models directory holding it and the bundled default) and benchmarked instead.
 */
import { decode, encode } from 'fast-png';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { startWranglerDev } from '../test/e2e/wrangler-dev.js';
import { startNodeServerProcess } from '../test/node/node-server.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const ROUNDS = arg('rounds', 20);
const SIZE = arg('size', 224);
const BURST = arg('burst', 24);
const CONCURRENCY = arg('concurrency', 4);
const WARMUP = arg('warmup', 25);
const SECRET = 'bench-node-vs-workerd';
const CORES = availableParallelism();
const MODEL_FILE = (() => {
  const i = process.argv.indexOf('--model');
  return i > 0 ? resolve(process.argv[i + 1]) : undefined;
})();
const MODEL_ID = MODEL_FILE ? basename(MODEL_FILE, '.onnx').replace(/[^a-z0-9._-]/gi, '-') : 'default';
const EXPLAIN = MODEL_FILE ? `/v1/explain?model=${MODEL_ID}` : '/v1/explain';
const CLASSIFY = MODEL_FILE ? `/v1/classify?model=${MODEL_ID}` : '/v1/classify';

/** The model files each kind of server needs for --model. */
function modelSetup(): { wrangler: Record<string, Record<string, string>>; nodeArgs: string[] } {
  if (!MODEL_FILE) return { wrangler: {}, nodeArgs: [] };
  const manifest = MODEL_FILE.replace(/\.onnx$/, '.json');
  const dir = mkdtempSync(join(tmpdir(), 'gradcam-edge-bench-models-'));
  for (const f of ['default.onnx', 'default.json']) symlinkSync(resolve('models', f), join(dir, f));
  symlinkSync(MODEL_FILE, join(dir, `${MODEL_ID}.onnx`));
  symlinkSync(manifest, join(dir, `${MODEL_ID}.json`));
  return { wrangler: { MODELS: { [`${MODEL_ID}.onnx`]: MODEL_FILE, [`${MODEL_ID}.json`]: manifest } }, nodeArgs: ['--models', dir] };
}

/** A distinct smooth test image per seed, PNG. */
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

interface Result {
  ms: number;
  id: string;
  cache: string;
  /** Server-Timing stages (ms). */
  stages: Record<string, number>;
  bytes: Uint8Array;
}

async function post(url: string, path: string, body: Uint8Array): Promise<Result> {
  const start = performance.now();
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const ms = performance.now() - start;
  if (!res.ok) throw new Error(`${url}${path}: ${res.status} ${new TextDecoder().decode(bytes)}`);
  const stages = Object.fromEntries(
    [...(res.headers.get('server-timing') ?? '').matchAll(/([\w-]+);dur=([\d.]+)/g)].map((m) => [m[1], Number(m[2])]),
  );
  return { ms, bytes, stages, id: res.headers.get('x-explanation-id') ?? '', cache: res.headers.get('x-cache') ?? '' };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function waitForHit(url: string, body: Uint8Array): Promise<Result> {
  for (let i = 0; ; i++) {
    const r = await post(url, EXPLAIN, body);
    if (r.cache === 'hit' || i >= 20) return r;
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** `count` distinct cache-miss explains at `concurrency`; requests per second. */
async function burst(url: string, seed: number): Promise<number> {
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < BURST) await post(url, EXPLAIN, image(seed + next++));
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return (BURST * 1000) / (performance.now() - start);
}

type Name = 'workerd' | 'node' | 'node-1t';
const STAGES = ['model'] as const;
const KINDS = ['miss', 'classify', 'hit', ...STAGES] as const;

async function main(): Promise<void> {
  const setup = modelSetup();
  const started = await Promise.allSettled([
    startWranglerDev({ vars: { CACHE_SECRET: SECRET }, kv: setup.wrangler }),
    startNodeServerProcess({ env: { CACHE_SECRET: SECRET }, args: setup.nodeArgs }),
    startNodeServerProcess({ env: { CACHE_SECRET: SECRET }, args: ['--threads', '1', ...setup.nodeArgs] }),
  ]);
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
    throw (failed as PromiseRejectedResult).reason;
  }
  const [dev, node, node1] = started.map((s) => (s as PromiseFulfilledResult<{ url: string; stop(): Promise<void> }>).value);
  const servers: Record<Name, string> = { workerd: dev.url, node: node.url, 'node-1t': node1.url };
  const names = Object.keys(servers) as Name[];
  const rows = Object.fromEntries(names.map((n) => [n, Object.fromEntries(KINDS.map((k) => [k, [] as number[]]))])) as Record<
    Name,
    Record<(typeof KINDS)[number], number[]>
  >;
  const throughput = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Name, number[]>;
  let sameId = 0;
  let compared = 0;
  const pixelDiff: Record<'node' | 'node-1t', number> = { node: 0, 'node-1t': 0 };
  try {
    for (let i = 0; i < WARMUP; i++) for (const n of names) await post(servers[n], EXPLAIN, image(900_000 + i));
    for (let r = 0; r < ROUNDS; r++) {
      const body = image(r);
      const order = names.map((_, k) => names[(k + r) % names.length]);
      const misses: Partial<Record<Name, Result>> = {};
      for (const n of order) {
        const miss = await post(servers[n], EXPLAIN, body);
        if (miss.cache !== 'miss') throw new Error(`${n}: expected a miss`);
        misses[n] = miss;
        rows[n].miss.push(miss.ms);
        for (const stage of STAGES) rows[n][stage].push(miss.stages[stage] ?? NaN);
        rows[n].classify.push((await post(servers[n], CLASSIFY, body)).ms);
        rows[n].hit.push((await waitForHit(servers[n], body)).ms);
      }
      for (const n of ['node', 'node-1t'] as const) {
        compared++;
        const [a, b] = [misses.workerd!, misses[n]!];
        if (a.id === b.id) sameId++;
        const [pa, pb] = [decode(a.bytes).data, decode(b.bytes).data];
        for (let i = 0; i < pa.length; i++) pixelDiff[n] = Math.max(pixelDiff[n], Math.abs(pa[i] - pb[i]));
      }
    }
    for (let k = 0; k < 2; k++)
      for (const n of k ? [...names].reverse() : names)
        throughput[n].push(await burst(servers[n], 500_000 + k * 1000 + names.indexOf(n) * 100));
  } finally {
    await Promise.all([dev.stop(), node.stop(), node1.stop()]);
  }

  const m = (n: Name, k: (typeof KINDS)[number]) => median(rows[n][k]);
  const line = (label: string, k: (typeof KINDS)[number]) =>
    `${label.padEnd(28)}${names.map((n) => m(n, k).toFixed(1).padStart(10)).join('')}${(m('node', k) / m('workerd', k)).toFixed(2).padStart(12)}${(m('node-1t', k) / m('workerd', k)).toFixed(2).padStart(12)}`;
  console.log(
    `Node vs workerd: model '${MODEL_ID}', ${SIZE}x${SIZE} PNG in, overlay PNG out, ${ROUNDS} interleaved rounds, ${CORES} cores (node = ${CORES} ORT threads)`,
  );
  console.log(
    `${'median ms'.padEnd(28)}${names.map((n) => n.padStart(10)).join('')}${'node/wkd'.padStart(12)}${'node1t/wkd'.padStart(12)}`,
  );
  console.log(line('explain, cache miss', 'miss'));
  console.log(line('  model stage (Server-Timing)', 'model'));
  console.log(line('classify (forward only)', 'classify'));
  console.log(line('explain, cache hit', 'hit'));
  const tp = (n: Name) => median(throughput[n]);
  console.log(
    `${`throughput, ${CONCURRENCY} clients (req/s)`.padEnd(28)}${names.map((n) => tp(n).toFixed(1).padStart(10)).join('')}${(tp('node') / tp('workerd')).toFixed(2).padStart(12)}${(tp('node-1t') / tp('workerd')).toFixed(2).padStart(12)}`,
  );
  console.log(
    `same explanation id as workerd: ${sameId}/${compared}; largest pixel difference: node ${pixelDiff.node}, node-1t ${pixelDiff['node-1t']} (of 255)`,
  );
  if (sameId !== compared) process.exitCode = 1;
}

await main();
