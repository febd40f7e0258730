/**
 * @module
 * The byte budget of one decode. Every buffer a decoder allocates for an image (output, scanlines,
 * the JPEG library's coefficient blocks and planes) is charged here first, so an image whose decode
 * would need more working memory than the budget is refused (413) before the allocation happens,
 * whatever its pixel count, bit depth or colour type. The peak is kept for tests and docs.
 */
import { ApiError } from '../errors.js';

/** The default budget: 24 MiB (an 8 MP PNG), so that with the runtime's own overhead (measured) a decode stays under 48 MB. */
export const DEFAULT_MAX_DECODE_BYTES = 24 * 2 ** 20;

/** Bytes charged against a limit, with the peak. */
export class DecodeBudget {
  #used = 0;
  #peak = 0;

  /** @param limit most bytes the decode may hold at once */
  constructor(readonly limit: number = DEFAULT_MAX_DECODE_BYTES) {}

  /**
   * Charge `bytes` for `what` (e.g. "the RGB output"); throws 413 image_too_large when over the limit.
   *
   * @example
   * budget.charge(width * height * 3, 'the RGB output');
   */
  charge(bytes: number, what: string): void {
    if (this.#used + bytes > this.limit) {
      const mb = (n: number) => (n / 2 ** 20).toFixed(1);
      throw new ApiError(
        413,
        'image_too_large',
        `Decoding this image needs about ${mb(this.#used + bytes)} MiB (${what}); the limit is ${mb(this.limit)} MiB. Send a smaller image (fewer pixels), or a PNG instead of a large JPEG.`,
        { decodeBytes: Math.ceil(this.#used + bytes), maxDecodeBytes: this.limit },
      );
    }
    this.#used += bytes;
    this.#peak = Math.max(this.#peak, this.#used);
  }

  /** Give back bytes charged earlier (the buffer is no longer referenced). */
  release(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
  }

  /** Bytes held now. */
  get used(): number {
    return this.#used;
  }

  /** The most bytes held at once so far. */
  get peak(): number {
    return this.#peak;
  }
}
