/**
 * @module
 * Benchmark of the prepare tool (plain tsx script): `npx tsx bench/prepare.bench.ts [--quick] [--only name,...]`.
 *
 * For each fixture (test/fixtures/models/<name>/model.onnx) and each full-size torchvision model in
 * build/torchvision/ (resnet18, mobilenet_v2, resnet50; written by tools/export_torchvision.py), at the
 * default layer, it prints:
 * - sizes: prepared int8 file over prepared fp32 file (target <= 0.3);
 * - fidelity of int8 against fp32 on synthetic images: top-1 agreement and the Pearson r of the Grad-CAM
 *   maps ReLU(sum_c mean_ij(G_c) A_c) for fp32's top-1 class (target >= 0.98);
 * - WASM memory after one run, each variant in its own Node process (memory never shrinks);
 * - speed: the prepared model's run (A, G and logits) over the original model's forward, interleaved in
 *   one process, 1 thread, median of alternating runs (target <= 1.15);
 * - how long prepare takes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeRunner, wasmMemoryBytes } from '../cli/ort-node.js';
import { prepare } from '../src/prepare/index.js';
import { ownSeedFeeds } from '../src/explain/model-feed.js';
import type { Manifest } from '../src/manifest.js';
import type { ModelRunner, ModelSession, RunTensor } from '../src/runtime/runner.js';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'build', 'bench-prepare');
const MB = 1024 * 1024;

interface Target {
  name: string;
  file: string;
  images: number;
  speedRuns: number;
}

function targets(quick: boolean): Target[] {
  const fixtures = join(ROOT, 'test/fixtures/models');
  const list: Target[] = existsSync(fixtures)
    ? readdirSync(fixtures)
        .filter((d) => existsSync(join(fixtures, d, 'model.onnx')))
        .map((d) => ({ name: d, file: join(fixtures, d, 'model.onnx'), images: 8, speedRuns: quick ? 5 : 15 }))
    : [];
  for (const name of ['mobilenet_v2', 'resnet18', 'resnet50']) {
    const file = join(ROOT, 'build/torchvision', `${name}.onnx`);
    if (existsSync(file)) list.push({ name, file, images: name === 'resnet50' ? 3 : 5, speedRuns: quick ? 5 : 15 });
    else console.error(`missing ${file}: run nice /usr/bin/python3 tools/export_torchvision.py`);
  }
  return list;
}

/** Smooth synthetic image: a few coloured Gaussian blobs on a gradient, ImageNet-normalised. */
function syntheticImage(shape: readonly (string | number)[], seed: number, m: Manifest): RunTensor {
  const [c, h, w] = [Number(shape[1]), Number(shape[2]), Number(shape[3])];
  let s = seed * 2654435761;
  const rnd = () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) | 0) >>> 0) / 4294967296;
  const blobs = Array.from({ length: 4 }, () => ({ x: rnd() * w, y: rnd() * h, r: (0.08 + 0.2 * rnd()) * w, col: [rnd(), rnd(), rnd()] }));
  const data = new Float32Array(c * h * w);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let v = 0.3 + 0.2 * (x / w) * (ch === 0 ? 1 : -1);
        for (const b of blobs) v += b.col[ch % 3]! * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.r * b.r));
        v = Math.min(1, Math.max(0, v + 0.03 * (rnd() - 0.5)));
        data[(ch * h + y) * w + x] = (v - m.input.mean[ch % 3]!) / m.input.std[ch % 3]!;
      }
    }
  }
  return { type: 'float32', dims: [1, c, h, w], data };
}

function oneHot(classes: number, k: number): RunTensor {
  const data = new Float32Array(classes);
  data[k] = 1;
  return { type: 'float32', dims: [1, classes], data };
}

function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
}

/** Grad-CAM map ReLU(sum_c mean_ij(G_c) A_c) of one image. */
function gradCam(a: RunTensor, g: RunTensor): Float32Array {
  const [, c, h, w] = a.dims as number[];
  const hw = h! * w!;
  const A = a.data as Float32Array;
  const G = g.data as Float32Array;
  const map = new Float32Array(hw);
  for (let ch = 0; ch < c!; ch++) {
    let mean = 0;
    for (let i = 0; i < hw; i++) mean += G[ch * hw + i]!;
    mean /= hw;
    for (let i = 0; i < hw; i++) map[i]! += mean * A[ch * hw + i]!;
  }
  return map.map((v) => Math.max(0, v));
}

function pearson(x: Float32Array, y: Float32Array): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0,
    sxx = 0,
    syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx === 0 && syy === 0 ? 1 : sxy / Math.sqrt(sxx * syy);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Prepared {
  bytes: Uint8Array;
  manifest: Manifest;
  seconds: number;
  file: string;
}

async function prepareBoth(t: Target, runner: ModelRunner): Promise<{ fp32: Prepared; int8: Prepared }> {
  const source = new Uint8Array(readFileSync(t.file));
  const run = async (quantize: 'none' | 'int8'): Promise<Prepared> => {
    const r = await prepare(source, { quantize, verify: false }, runner);
    const file = join(OUT, `${t.name}.${quantize}.onnx`);
    writeFileSync(file, r.model);
    return { bytes: r.model, manifest: r.manifest, seconds: r.report.timings.total / 1000, file };
  };
  return { fp32: await run('none'), int8: await run('int8') };
}

async function fidelity(t: Target, fp32: ModelSession, int8: ModelSession, m: Manifest) {
  const layer = m.layers.find((l) => l.default)!;
  const classes = m.seed.shape[1];
  let agree = 0;
  const rs: number[] = [];
  for (let i = 0; i < t.images; i++) {
    const image = syntheticImage(m.input.shape, 1000 + i, m);
    const probe = await fp32.run({ ...ownSeedFeeds(m), [m.input.name]: image, [m.seed.name]: oneHot(classes, 0) }, [m.logits.name]);
    const top = argmax(probe[m.logits.name]!.data as Float32Array);
    const feeds = { ...ownSeedFeeds(m), [m.input.name]: image, [m.seed.name]: oneHot(classes, top) };
    const fetch = [m.logits.name, layer.activation, layer.gradient];
    const [a, b] = [await fp32.run(feeds, fetch), await int8.run(feeds, fetch)];
    if (argmax(b[m.logits.name]!.data as Float32Array) === top) agree++;
    rs.push(pearson(gradCam(a[layer.activation]!, a[layer.gradient]!), gradCam(b[layer.activation]!, b[layer.gradient]!)));
  }
  return { agreement: agree / t.images, minR: Math.min(...rs), meanR: rs.reduce((x, y) => x + y, 0) / rs.length };
}

/** Median run times (ms) of the original forward and the prepared fp32/int8 runs, interleaved. */
async function speed(t: Target, sessions: { original: ModelSession; fp32: ModelSession; int8: ModelSession }, m: Manifest) {
  const layer = m.layers.find((l) => l.default)!;
  const image = syntheticImage(m.input.shape, 7, m);
  const seed = oneHot(m.seed.shape[1], 0);
  const origOutputs = sessions.original.outputNames;
  const jobs: [keyof typeof sessions, () => Promise<unknown>][] = [
    ['original', () => sessions.original.run({ [m.input.name]: image }, origOutputs)],
    [
      'fp32',
      () =>
        sessions.fp32.run({ ...ownSeedFeeds(m), [m.input.name]: image, [m.seed.name]: seed }, [
          m.logits.name,
          layer.activation,
          layer.gradient,
        ]),
    ],
    [
      'int8',
      () =>
        sessions.int8.run({ ...ownSeedFeeds(m), [m.input.name]: image, [m.seed.name]: seed }, [
          m.logits.name,
          layer.activation,
          layer.gradient,
        ]),
    ],
  ];
  for (const [, job] of jobs) {
    await job();
    await job();
  }
  const times: Record<string, number[]> = { original: [], fp32: [], int8: [] };
  for (let i = 0; i < t.speedRuns; i++) {
    for (let j = 0; j < jobs.length; j++) {
      const [name, job] = jobs[(i + j) % jobs.length]!;
      const t0 = performance.now();
      await job();
      times[name]!.push(performance.now() - t0);
    }
  }
  return { original: median(times.original!), fp32: median(times.fp32!), int8: median(times.int8!) };
}

/** WASM memory after creating a session and running once, in a fresh process. */
function memoryOf(file: string, manifestFile: string, kind: 'original' | 'prepared'): number {
  const script = join(ROOT, 'bench/prepare.bench.ts');
  const out = execFileSync(process.execPath, ['--import', 'tsx', script, '--memory', file, manifestFile, kind], {
    encoding: 'utf8',
    cwd: ROOT,
  });
  return Number(out.trim().split('\n').pop());
}

async function memoryChild(file: string, manifestFile: string, kind: string): Promise<void> {
  const session = await nodeRunner().createSession(new Uint8Array(readFileSync(file)));
  const m = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
  const feeds: Record<string, RunTensor> = { [m.input.name]: syntheticImage(m.input.shape, 3, m) };
  if (kind === 'prepared') Object.assign(feeds, ownSeedFeeds(m), { [m.seed.name]: oneHot(m.seed.shape[1], 0) });
  await session.run(feeds);
  console.log(wasmMemoryBytes());
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--memory') return memoryChild(args[1]!, args[2]!, args[3]!);
  const quick = args.includes('--quick');
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1]!.split(',') : null;
  mkdirSync(OUT, { recursive: true });
  const runner = nodeRunner({ numThreads: 1 });
  const rows: string[][] = [];
  for (const t of targets(quick).filter((x) => !only || only.includes(x.name))) {
    const { fp32, int8 } = await prepareBoth(t, runner);
    const m = fp32.manifest;
    const manifestFile = join(OUT, `${t.name}.json`);
    writeFileSync(manifestFile, JSON.stringify(m));
    const sessions = {
      original: await runner.createSession(new Uint8Array(readFileSync(t.file))),
      fp32: await runner.createSession(fp32.bytes),
      int8: await runner.createSession(int8.bytes),
    };
    const fid = await fidelity(t, sessions.fp32, sessions.int8, m);
    const sp = await speed(t, sessions, m);
    for (const s of Object.values(sessions)) await s.release();
    const mem = {
      original: memoryOf(t.file, manifestFile, 'original'),
      fp32: memoryOf(fp32.file, manifestFile, 'prepared'),
      int8: memoryOf(int8.file, manifestFile, 'prepared'),
    };
    const layer = m.layers.find((l) => l.default)!;
    rows.push([
      t.name,
      `${layer.shape.slice(1).join('x')}`,
      (fp32.bytes.length / MB).toFixed(2),
      (int8.bytes.length / MB).toFixed(2),
      (int8.bytes.length / fp32.bytes.length).toFixed(3),
      `${Math.round(fid.agreement * t.images)}/${t.images}`,
      fid.minR.toFixed(4),
      fid.meanR.toFixed(4),
      (mem.original / MB).toFixed(1),
      (mem.fp32 / MB).toFixed(1),
      (mem.int8 / MB).toFixed(1),
      sp.original.toFixed(1),
      (sp.fp32 / sp.original).toFixed(3),
      (sp.int8 / sp.original).toFixed(3),
      fp32.seconds.toFixed(2),
      int8.seconds.toFixed(2),
    ]);
    console.error(`done ${t.name}`);
  }
  printTable(rows);
}

function printTable(rows: string[][]): void {
  const header = [
    'model',
    'layer CxHxW',
    'fp32 MB',
    'int8 MB',
    'int8/fp32',
    'top1 agree',
    'min r',
    'mean r',
    'mem orig MB',
    'mem fp32 MB',
    'mem int8 MB',
    'fwd ms',
    'prep/fwd fp32',
    'prep/fwd int8',
    'prepare s fp32',
    'prepare s int8',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  for (const r of rows) console.log(line(r));
  console.log('\nfile sizes are the prepared models; memory = WASM memory after one run (own process, 1 thread);');
  console.log('prep/fwd = median prepared run (logits, A, G) over median original forward, interleaved, 1 thread.');
}

await main();
