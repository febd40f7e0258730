/**
 * @module
 * What the workerd benchmarks share on the client side: distinct PNG test images, one timed POST with the
 * in-worker stages read back from Server-Timing, and the median.
 */
import { encode } from 'fast-png';

/** One timed request. */
export interface Sample {
  /** Client wall time, body read to the end. */
  ms: number;
  /** Server-Timing stages in ms. */
  timing: Record<string, number>;
  headers: Headers;
  /** Response body size. */
  bytes: number;
}

/** A distinct natural-ish test image per seed (smooth gradients plus a blob), PNG, size x size. */
export function benchImage(seed: number, size: number): Uint8Array {
  const data = new Uint8Array(size * size * 3);
  const cx = (seed * 37) % size;
  const cy = (seed * 91) % size;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const blob = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * (size / 6) ** 2));
      const i = (y * size + x) * 3;
      data[i] = (x * 255) / size;
      data[i + 1] = 255 * blob;
      data[i + 2] = ((y * 255) / size + seed * 13) & 255;
    }
  }
  return encode({ width: size, height: size, data, channels: 3, depth: 8 });
}

/** POST a PNG to `base + path`; throws on a non-2xx status. */
export async function postImage(base: string, path: string, body: Uint8Array): Promise<Sample> {
  const start = performance.now();
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body });
  const bytes = (await res.arrayBuffer()).byteLength;
  const ms = performance.now() - start;
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  const timing: Record<string, number> = {};
  for (const part of (res.headers.get('server-timing') ?? '').split(',')) {
    const m = /([\w-]+);dur=([\d.]+)/.exec(part);
    if (m) timing[m[1]] = Number(m[2]);
  }
  return { ms, timing, headers: res.headers, bytes };
}

/** The median (mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
