/**
 * Mutations of valid files for fuzzing (fast-check arbitraries): byte and bit edits, truncation, insertion,
 * duplicated or zeroed ranges, splices of two corpus files (polyglots), and format-aware edits that keep a
 * file plausible (PNG chunks re-checksummed after an edit, header dimensions rewritten to huge values).
 */
import fc from 'fast-check';
import { crc32 } from 'node:zlib';

/** One mutation step, applied to a copy. */
export type Mutation = (bytes: Uint8Array) => Uint8Array;

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const at = (bytes: Uint8Array, p: number) => Math.floor(p * Math.max(1, bytes.length));

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Recompute every PNG chunk's CRC (so that edits reach the decoder's later stages instead of the CRC check). */
export function fixPngCrcs(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  let offset = 8;
  while (offset + 12 <= out.length) {
    const length = view.getUint32(offset);
    if (offset + 12 + length > out.length) break;
    view.setUint32(offset + 8 + length, crc32(out.subarray(offset + 4, offset + 8 + length)));
    offset += 12 + length;
  }
  return out;
}

/** Rewrite a PNG's IHDR width/height (CRC fixed) or a JPEG's SOF height/width. */
export function withDimensions(bytes: Uint8Array, width: number, height: number): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  if (out[0] === 0x89 && out.length >= 33) {
    view.setUint32(16, width);
    view.setUint32(20, height);
    view.setUint32(29, crc32(out.subarray(12, 29)));
    return out;
  }
  for (let i = 2; i + 9 < out.length; ) {
    if (out[i] !== 0xff) break;
    const marker = out[i + 1];
    const length = view.getUint16(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      view.setUint16(i + 5, height & 0xffff);
      view.setUint16(i + 7, width & 0xffff);
      return out;
    }
    i += 2 + length;
  }
  return out;
}

/** A single mutation step. */
export function mutation(corpus: readonly Uint8Array[]): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.tuple(position, fc.integer({ min: 0, max: 7 })).map(
      ([p, bit]): Mutation =>
        (b) => {
          const out = b.slice();
          if (out.length) out[at(out, p)] ^= 1 << bit;
          return out;
        },
    ),
    fc.tuple(position, fc.uint8Array({ minLength: 1, maxLength: 8 })).map(
      ([p, bytes]): Mutation =>
        (b) => {
          const out = b.slice();
          out.set(bytes.subarray(0, Math.max(0, out.length - at(out, p))), at(out, p));
          return out;
        },
    ),
    position.map(
      (p): Mutation =>
        (b) =>
          b.slice(0, at(b, p)),
    ),
    fc.tuple(position, fc.uint8Array({ minLength: 1, maxLength: 64 })).map(
      ([p, bytes]): Mutation =>
        (b) =>
          concat(b.subarray(0, at(b, p)), bytes, b.subarray(at(b, p))),
    ),
    fc.tuple(position, position).map(
      ([p, q]): Mutation =>
        (b) => {
          const [s, e] = [at(b, Math.min(p, q)), at(b, Math.max(p, q))];
          return concat(b.subarray(0, e), b.subarray(s, e), b.subarray(e));
        },
    ),
    fc.tuple(position, fc.integer({ min: 1, max: 256 })).map(
      ([p, n]): Mutation =>
        (b) => {
          const out = b.slice();
          out.fill(0, at(out, p), at(out, p) + n);
          return out;
        },
    ),
    fc.tuple(fc.nat(corpus.length - 1), position, position).map(
      ([i, p, q]): Mutation =>
        (b) =>
          concat(b.subarray(0, at(b, p)), corpus[i].subarray(at(corpus[i], q))),
    ),
    fc.tuple(fc.integer({ min: 0, max: 1 << 20 }), fc.integer({ min: 0, max: 1 << 20 })).map(
      ([w, h]): Mutation =>
        (b) =>
          withDimensions(b, w, h),
    ),
    fc.constant<Mutation>(fixPngCrcs),
  );
}

/** A corpus file with 1 to `steps` mutations applied in order. */
export function mutated(corpus: readonly Uint8Array[], steps = 4): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.nat(corpus.length - 1), fc.array(mutation(corpus), { minLength: 1, maxLength: steps }))
    .map(([i, ms]) => ms.reduce((bytes, m) => m(bytes), corpus[i]));
}

/**
 * Runs per property: `ci` by default; with `FUZZ_RUNS` set (`npm run fuzz`), `FUZZ_RUNS / divisor` (slow
 * properties pass a divisor, e.g. those that run the model).
 */
export function runs(ci: number, divisor = 1): number {
  const env = Number(process.env.FUZZ_RUNS);
  return Number.isSafeInteger(env) && env > 0 ? Math.max(1, Math.round(env / divisor)) : ci;
}

/** Case counts by outcome, printed at the end of each suite (the report's figures). */
export class Tally {
  readonly counts = new Map<string, number>();
  slowestMs = 0;

  add(outcome: string, ms: number): void {
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
    this.slowestMs = Math.max(this.slowestMs, ms);
  }

  get total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }

  report(name: string): string {
    const parts = [...this.counts]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    return `fuzz ${name}: ${this.total} cases (${parts}); slowest ${this.slowestMs.toFixed(0)} ms`;
  }
}
