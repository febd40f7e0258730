/**
 * Peak working memory of one image decode, measured in a fresh process: the growth of the peak
 * resident set (getrusage maxRSS) over the resident set just before decoding, after the input file
 * is read and every module is loaded. Also prints the decoder's own byte accounting (DecodeBudget).
 *
 *   node --expose-gc --import tsx tools/decode-memory.ts <image> [maxPixels] [maxDecodeBytes]
 *
 * With DECODE_MEMORY_GC_MS=<ms> the garbage collector runs every <ms> during the decode, so the peak
 * is what the decode keeps alive (its working memory) rather than garbage not yet collected (the
 * platform decompressor's 16 KiB output chunks pile up until the next collection otherwise).
 *
 * Prints one JSON line: { file, ok, width, height, peakBytes, budgetPeak, status?, code? }.
 * A baseline higher than the earlier peak makes the number an overestimate, never an underestimate.
 */
import { readFileSync } from 'node:fs';
import { ApiError } from '../src/errors.js';
import { DecodeBudget, DEFAULT_MAX_DECODE_BYTES } from '../src/image/budget.js';
import { decodeImage } from '../src/image/index.js';

const [file, maxPixelsArg, maxBytesArg] = process.argv.slice(2);
const bytes = new Uint8Array(readFileSync(file));
const budget = new DecodeBudget(Number(maxBytesArg ?? DEFAULT_MAX_DECODE_BYTES));
// Warm up the decoders on a tiny image so their code and tables are loaded before the baseline.
await decodeImage(
  Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC', 'base64')),
).catch(() => undefined);
(globalThis as { gc?: () => void }).gc?.();
const gcEvery = Number(process.env.DECODE_MEMORY_GC_MS ?? 0);
const gc = (globalThis as { gc?: () => void }).gc;
const timer = gcEvery > 0 && gc ? setInterval(gc, gcEvery) : undefined;
const before = process.memoryUsage().rss;
let result: Record<string, unknown>;
try {
  const image = await decodeImage(bytes, { maxPixels: Number(maxPixelsArg ?? 40e6), budget });
  result = { ok: true, width: image.width, height: image.height };
} catch (err) {
  if (!(err instanceof ApiError)) throw err;
  result = { ok: false, status: err.status, code: err.code };
}
const peakBytes = process.resourceUsage().maxRSS * 1024 - before;
clearInterval(timer);
console.log(JSON.stringify({ file, ...result, peakBytes, budgetPeak: budget.peak }));
