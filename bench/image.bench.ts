/**
 * @module
 * Micro benchmark of the image code (Node, one thread): decode a 1024x768 JPEG and PNG, preprocess to
 * 160x160 and 224x224, render a 1024x768 overlay, encode PNGs, and compare PNG row filters on a
 * 512x512 overlay (size and time) with fast-png's encoder as a baseline. Prints medians in ms.
 *
 * Run: npx tsx bench/image.bench.ts
 */
import { encode as encodeFastPng } from 'fast-png';
import jpeg from 'jpeg-js';
import { decodeImage } from '../src/image/decode.js';
import { encodePng } from '../src/image/png-encode.js';
import type { FilterStrategy } from '../src/image/png/row-filters.js';
import { preprocess } from '../src/image/preprocess/index.js';
import { renderCam } from '../src/image/render/index.js';
import type { FloatMap, RgbImage } from '../src/image/types.js';

const RUNS = 15;
const WARMUP = 3;
const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } as const;

/** Median wall time of `fn` in ms. */
async function median(fn: () => unknown): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** A photo-like test picture: gradients, soft shapes and mild sensor noise (deterministic). */
function syntheticPhoto(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  let seed = 12345;
  const noise = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24) / 32 - 4;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x / width;
      const v = y / height;
      const blob = Math.exp(-((u - 0.6) ** 2 + (v - 0.4) ** 2) * 20);
      const stripes = 0.5 + 0.5 * Math.sin(u * 40 + v * 10);
      const o = (y * width + x) * 3;
      data[o] = Math.min(255, Math.max(0, 60 + 150 * u + 40 * blob + noise()));
      data[o + 1] = Math.min(255, Math.max(0, 50 + 120 * v * stripes + 60 * blob + noise()));
      data[o + 2] = Math.min(255, Math.max(0, 90 + 80 * (1 - u) * (1 - v) + noise()));
    }
  }
  return { width, height, data };
}

/** Median ms of each function, measured round-robin so machine noise hits all of them alike. */
async function interleavedMedians(fns: Record<string, () => unknown>): Promise<Record<string, number>> {
  const names = Object.keys(fns);
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < WARMUP + RUNS; i++) {
    for (const name of names) {
      const start = performance.now();
      await fns[name]();
      if (i >= WARMUP) times[name].push(performance.now() - start);
    }
  }
  return Object.fromEntries(names.map((n) => [n, times[n].sort((a, b) => a - b)[Math.floor(RUNS / 2)]]));
}

function camMap(): FloatMap {
  const data = new Float32Array(49);
  for (let i = 0; i < 49; i++) data[i] = Math.max(0, Math.sin(i * 0.7) + Math.cos(i * 0.3));
  return { width: 7, height: 7, data };
}

function row(label: string, ms: number, extra = ''): void {
  console.log(`${label.padEnd(44)} ${ms.toFixed(2).padStart(8)} ms ${extra}`);
}

async function main(): Promise<void> {
  const photo = syntheticPhoto(1024, 768);
  const jpegBytes = new Uint8Array(jpeg.encode({ ...photo, data: rgba(photo) }, 90).data);
  const pngBytes = await encodePng(photo);
  console.log(`image code micro benchmark, Node ${process.version}, median of ${RUNS} runs`);
  row('decode JPEG 1024x768 (q90, 4:2:0)', await median(() => decodeImage(jpegBytes)), `${(jpegBytes.length / 1024).toFixed(0)} KiB`);
  row('decode PNG 1024x768 (RGB)', await median(() => decodeImage(pngBytes)), `${(pngBytes.length / 1024).toFixed(0)} KiB`);
  const stretch = (size: number) => ({ width: size, height: size, resize: 'stretch', crop: 'none', ...IMAGENET }) as const;
  row('preprocess 1024x768 -> 160x160 (stretch)', await median(() => preprocess(photo, stretch(160))));
  row('preprocess 1024x768 -> 224x224 (stretch)', await median(() => preprocess(photo, stretch(224))));
  const crop = { ...stretch(224), resize: 'shorter-side', crop: 'center', resizeShorterTo: 256 } as const;
  row('preprocess 1024x768 -> 256 short side, crop 224', await median(() => preprocess(photo, crop)));
  const options = { width: 1024, height: 768, image: photo } as const;
  row('render overlay 7x7 -> 1024x768 (jet, 0.5)', await median(() => renderCam(camMap(), options)));
  row('render heatmap 7x7 -> 1024x768', await median(() => renderCam(camMap(), { ...options, output: 'heatmap' })));
  const overlay = renderCam(camMap(), options);
  const encoded = await encodePng(overlay);
  row('encode PNG overlay 1024x768 (default filter)', await median(() => encodePng(overlay)), `${(encoded.length / 1024).toFixed(0)} KiB`);
  for (const [w, h] of [
    [1024, 768],
    [448, 336],
  ]) {
    const small = syntheticPhoto(w, h);
    const bytes = new Uint8Array(jpeg.encode({ ...small, data: rgba(small) }, 90).data);
    row(
      `total ${w}x${h}: decode+preprocess+render+encode`,
      await median(async () => {
        const image = await decodeImage(bytes);
        preprocess(image, stretch(224));
        await encodePng(renderCam(camMap(), { width: w, height: h, image }));
      }),
    );
  }
  await compareFilters();
}

/** Size and time of each row filter on a 512x512 overlay, and fast-png's encoder for reference. */
async function compareFilters(): Promise<void> {
  const photo = syntheticPhoto(512, 512);
  const overlay = renderCam(camMap(), { width: 512, height: 512, image: photo });
  const heatmap = renderCam(camMap(), { width: 512, height: 512, output: 'heatmap' });
  for (const [name, image] of [
    ['overlay', overlay],
    ['heatmap', heatmap],
  ] as const) {
    console.log(`\nPNG row filters on a 512x512 ${name} (raw ${(image.data.length / 1024).toFixed(0)} KiB), interleaved:`);
    const filters: FilterStrategy[] = ['none', 'sub', 'up', 'paeth', 'adaptive'];
    const fast = () => encodeFastPng({ width: 512, height: 512, data: image.data, channels: 3, depth: 8 });
    const fns: Record<string, () => unknown> = Object.fromEntries(filters.map((f) => [f, () => encodePng(image, { filter: f })]));
    fns['fast-png'] = fast;
    const ms = await interleavedMedians(fns);
    for (const filter of filters) {
      const size = (await encodePng(image, { filter })).length;
      row(`  filter ${filter}`, ms[filter], `${(size / 1024).toFixed(1)} KiB`);
    }
    row('  fast-png 8 encode (fflate, JS deflate)', ms['fast-png'], `${(fast().length / 1024).toFixed(1)} KiB`);
  }
}

function rgba(image: RgbImage): Uint8Array {
  const out = new Uint8Array(image.width * image.height * 4);
  for (let i = 0, o = 0; i < image.data.length; i += 3, o += 4) {
    out.set(image.data.subarray(i, i + 3), o);
    out[o + 3] = 255;
  }
  return out;
}

await main();
