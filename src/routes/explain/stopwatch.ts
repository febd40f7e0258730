/**
 * @module
 * Times the stages of a request (reported in Server-Timing and stored with an explanation). In production
 * Workers, timers advance only on I/O, so these figures are meaningful locally, as lower bounds elsewhere.
 */

/** Stage timings in milliseconds, one decimal. */
export class Stopwatch {
  readonly timings: Record<string, number> = {};

  /**
   * Run `stage` and record its duration under `name`.
   *
   * @example
   * const image = await watch.time('decode', () => decodeImage(bytes));
   */
  async time<T>(name: string, stage: () => T | Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await stage();
    } finally {
      this.timings[name] = Math.round((performance.now() - start) * 10) / 10;
    }
  }
}

/** A Server-Timing header value, e.g. `decode;dur=2.1, model;dur=14`. */
export function serverTiming(timings: Record<string, number>): string {
  return Object.entries(timings)
    .map(([name, ms]) => `${name};dur=${ms}`)
    .join(', ');
}
