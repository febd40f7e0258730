import { exports } from 'cloudflare:workers';
import { decode, encode } from 'fast-png';

/** Send a request to the Worker under test. */
export function call(path: string, init?: RequestInit): Promise<Response> {
  return (exports as unknown as { default: Fetcher }).default.fetch(new Request(`http://local.test${path}`, init));
}

/** A smooth RGB test image (PNG bytes); `seed` varies it so tests do not share cache entries. */
export function testPng(width: number, height: number, seed = 0): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 255) / width;
      data[i + 1] = (y * 255) / height;
      data[i + 2] = (seed * 37 + x * y) & 255;
    }
  }
  return encode({ width, height, data, channels: 3, depth: 8 });
}

/** Decode a PNG response body. */
export async function decodePng(res: Response): Promise<ReturnType<typeof decode>> {
  return decode(new Uint8Array(await res.arrayBuffer()));
}

export { decodeRgb } from '../png-pixels.js';

/** Poll until a stored explanation exists (cache writes happen after the response, in waitUntil). */
export async function waitForStored(id: string, ext = 'png', timeoutMs = 5000): Promise<Response> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const res = await call(`/v1/explanations/${id}.${ext}`);
    if (res.status === 200 || Date.now() > end) return res;
    await res.arrayBuffer();
    await new Promise((r) => setTimeout(r, 50));
  }
}
