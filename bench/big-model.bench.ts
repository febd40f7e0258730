/**
 * @module
 * A prepared model larger than one KV value (e.g. torchvision swin_t int8, 29.6 MB) served from workerd
 * (`wrangler dev`, the production bundle, one thread), stored in parts as the upload route stores it
 * (src/models/parts.ts). Each try starts a fresh `wrangler dev`:
 * - `kv` tries: the index, parts and manifest are written to the local MODELS KV first; the first explain
 *   is the cold start (parts read and assembled, sha256 checked, session created, first runs);
 * - `upload` tries (with `--upload`): an empty MODELS namespace, the model PUT with its manifest through
 *   the admin route (checked and run once in the Worker, stored in parts), then the first explain.
 * Then `--rounds` paired rounds explain a fresh image with the shipped default model and with the big
 * model (top-1 Grad-CAM, 224x224 PNG). Reported: latencies and their paired ratio, the Server-Timing stages,
 * the isolate's WASM memory (GET /healthz) and the workerd process's resident memory (VmRSS before the
 * big model is first used, VmHWM after: the peak, which includes workerd itself and the default model).
 *
 * Usage: npx tsx bench/big-model.bench.ts --model build/prepared/swin_t.int8.onnx [--rounds 6] [--tries 2] [--upload]
 *        [--optimization basic]
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { DEFAULT_PART_BYTES, splitModel } from '../src/models/parts.js';
import { startWranglerDev, type WranglerDev } from '../test/e2e/wrangler-dev.js';
import { benchImage, median, type Sample } from './service-client.js';

const opt = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const FILE = resolve(opt('model', ''));
const ROUNDS = Number(opt('rounds', '6'));
const TRIES = Number(opt('tries', '2'));
const UPLOAD = process.argv.includes('--upload');
/** ORT_GRAPH_OPTIMIZATION of the Worker (all, extended, basic, disabled); unset: the service's default (all). */
const OPTIMIZATION = opt('optimization', '');
const ID = basename(FILE, '.onnx').replace(/[^a-z0-9._-]/gi, '-');
const ADMIN = 'bench-admin-key';
let stalls = 0;
const MB = (n: number) => (n / 2 ** 20).toFixed(1);

/** workerd processes started from this checkout (their cwd), by pid. */
function workerdPids(): Set<number> {
  const pids = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'workerd' && readlinkSync(`/proc/${entry}/cwd`) === process.cwd())
        pids.add(Number(entry));
    } catch {
      // gone, or not ours
    }
  }
  return pids;
}

function status(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

/**
 * POST a fresh image (with the admin key: uploads need ADMIN_KEYS, and then explain needs a key too). wrangler
 * dev's proxy sometimes restarts the Worker or holds a request after a long synchronous model load (its
 * inspector gets no answer meanwhile; a new connection is served at once): such a request is abandoned after
 * `timeoutMs`, retried, and counted in `stalls`.
 */
async function post(dev: WranglerDev, path: string, seed: number, attempt = 0): Promise<Sample> {
  try {
    return await postOnce(dev, path, seed);
  } catch (err) {
    if (attempt >= 2 || !/restarted|timeout|aborted/i.test(String(err))) throw err;
    stalls++;
    return post(dev, path, seed, attempt + 1);
  }
}

async function postOnce(dev: WranglerDev, path: string, seed: number): Promise<Sample> {
  const start = performance.now();
  const headers = { 'content-type': 'image/png', authorization: `Bearer ${ADMIN}` };
  const res = await fetch(`${dev.url}${path}`, {
    method: 'POST',
    headers,
    body: benchImage(seed, 224),
    signal: AbortSignal.timeout(180_000),
  });
  const body = await res.arrayBuffer();
  const ms = performance.now() - start;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${new TextDecoder().decode(body).slice(0, 400)}`);
  const bytes = body.byteLength;
  const timing: Record<string, number> = {};
  for (const m of (res.headers.get('server-timing') ?? '').matchAll(/([\w-]+);dur=([\d.]+)/g)) timing[m[1]!] = Number(m[2]);
  return { ms, timing, headers: res.headers, bytes };
}

async function wasm(dev: WranglerDev, attempt = 0): Promise<number> {
  try {
    const res = await fetch(`${dev.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
    return ((await res.json()) as { wasmMemoryBytes: number }).wasmMemoryBytes;
  } catch (err) {
    if (attempt >= 5) throw err;
    stalls++;
    return wasm(dev, attempt + 1);
  }
}

/** The index, the parts and the manifest as local KV entries (key -> file). */
async function partsInKv(dir: string): Promise<Record<string, string>> {
  const { index, parts } = await splitModel(new Uint8Array(readFileSync(FILE)), `versions/${ID}/1.onnx`, DEFAULT_PART_BYTES);
  const files: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    files[index.parts[i]!.key] = join(dir, `part${i}`);
    writeFileSync(files[index.parts[i]!.key]!, part);
  }
  files[`${ID}.onnx`] = join(dir, 'index.json');
  writeFileSync(files[`${ID}.onnx`]!, JSON.stringify(index));
  files[`${ID}.json`] = FILE.replace(/\.onnx$/, '.json');
  console.log(`${ID}: ${MB(index.bytes)} MiB in ${parts.length} parts of at most ${MB(DEFAULT_PART_BYTES)} MiB`);
  return files;
}

async function upload(dev: WranglerDev): Promise<string> {
  const form = new FormData();
  form.set('model', new Blob([readFileSync(FILE)]), `${ID}.onnx`);
  form.set('manifest', readFileSync(FILE.replace(/\.onnx$/, '.json'), 'utf8'));
  const start = performance.now();
  const res = await fetch(`${dev.url}/v1/models/${ID}`, { method: 'PUT', headers: { authorization: `Bearer ${ADMIN}` }, body: form });
  const body = await res.text();
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${body.slice(0, 400)}`);
  return `upload ${(performance.now() - start).toFixed(0)} ms`;
}

async function tryOnce(t: number, kv: Record<string, string>): Promise<void> {
  const before = workerdPids();
  const adminHash = createHash('sha256').update(ADMIN).digest('hex');
  const dev = await startWranglerDev({
    kv: UPLOAD ? undefined : { MODELS: kv },
    vars: { ADMIN_KEYS: adminHash, ...(OPTIMIZATION ? { ORT_GRAPH_OPTIMIZATION: OPTIMIZATION } : {}) },
    timeoutMs: 180_000,
  });
  stalls = 0;
  try {
    // wrangler dev runs two workerd processes (its proxy and the Worker): the Worker's is the one that grows
    const pids = [...workerdPids()].filter((p) => !before.has(p));
    if (pids.length === 0) throw new Error('no workerd process of this checkout found');
    const rssAtStart = new Map(pids.map((p) => [p, status(p, 'VmRSS')]));
    const uploaded = UPLOAD ? `${await upload(dev)}, ` : '';
    // the big model is the isolate's first: its memory alone, then with the default model's session beside it
    const cold = await post(dev, `/v1/explain?model=${ID}`, t * 1000 + 1);
    const wasmAlone = await wasm(dev);
    const pid = pids.reduce((a, b) => (status(a, 'VmRSS') >= status(b, 'VmRSS') ? a : b));
    const peakAlone = status(pid, 'VmHWM');
    const coldLine = `first explain ${cold.ms.toFixed(0)} ms (load ${cold.timing.load?.toFixed(0)}, model ${cold.timing.model?.toFixed(0)})`;
    const [base, own, stage] = [[], [], []] as number[][];
    for (let r = 0; r < ROUNDS; r++) {
      base.push((await post(dev, '/v1/explain', t * 1000 + 10 + 2 * r)).ms);
      const s = await post(dev, `/v1/explain?model=${ID}`, t * 1000 + 11 + 2 * r);
      own.push(s.ms);
      stage.push(s.timing.model ?? NaN);
    }
    const ratios = own.map((m, i) => m / base[i]!);
    console.log(
      `try ${t + 1} (${UPLOAD ? 'uploaded' : 'parts in KV'}${OPTIMIZATION ? `, ORT_GRAPH_OPTIMIZATION=${OPTIMIZATION}` : ''}): ${uploaded}${coldLine}; settled ${median(own).toFixed(0)} ms (model ${median(stage).toFixed(0)}), default ${median(base).toFixed(0)} ms, x${median(ratios).toFixed(1)} paired; ` +
        `WASM ${MB(wasmAlone)} MiB with the big model alone, ${MB(await wasm(dev))} MiB with the default model too; ` +
        `workerd RSS ${MB(rssAtStart.get(pid)!)} MiB at start, peak ${MB(peakAlone)} MiB after the first explain, ${MB(status(pid, 'VmHWM'))} MiB at the end` +
        (stalls ? `; ${stalls} request(s) held or restarted by wrangler dev, retried` : ''),
    );
  } catch (err) {
    console.error(`wrangler dev said:\n${dev.output().slice(-3000)}`);
    throw err;
  } finally {
    await dev.stop();
  }
}

if (!FILE.endsWith('.onnx')) throw new Error('give --model <prepared.onnx> (its manifest beside it)');
const dir = mkdtempSync(join(tmpdir(), 'gradcam-edge-parts-'));
try {
  const kv = await partsInKv(dir);
  for (let t = 0; t < TRIES; t++) await tryOnce(t, kv);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
