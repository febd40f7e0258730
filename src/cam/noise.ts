/**
 * @module
 * Reproducible Gaussian noise for the methods that perturb the input (Smooth Grad-CAM++): mulberry32, a
 * 32-bit generator small enough to re-implement bit for bit elsewhere (tools/cam_reference.py does, in
 * Python), and the Box-Muller transform using both outputs of each pair. A fixed seed makes an explanation a
 * pure function of its request, which the explanation cache relies on.
 */

/** The seed every request uses. */
export const NOISE_SEED = 0;

/** A mulberry32 stream of uniform numbers in [0, 1), each a multiple of 2^-32. */
export function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t = (t + Math.imul(t ^ (t >>> 7), t | 61)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` standard normal numbers: for each pair, u1 = 1 - next() (in (0, 1]), u2 = next(),
 * r = sqrt(-2 ln u1), values r cos(2 pi u2) then r sin(2 pi u2).
 *
 * @example
 * gaussianNoise(4, NOISE_SEED); // the same four numbers on every call and in tools/cam_reference.py
 */
export function gaussianNoise(count: number, seed: number): Float64Array {
  const next = mulberry32(seed);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - next()));
    const angle = 2 * Math.PI * next();
    out[i] = r * Math.cos(angle);
    if (i + 1 < count) out[i + 1] = r * Math.sin(angle);
  }
  return out;
}
