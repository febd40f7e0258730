/**
 * @module
 * One run at a time per session: onnxruntime-web's WASM backend must not interleave runs of one session,
 * and a Worker isolate serves concurrent requests. Runs are chained on a small promise queue.
 */
import type { ModelSession } from '../runtime/runner.js';

/**
 * Wrap a session so that `run` calls execute one after another, in call order; a failed run does not block
 * the next one.
 *
 * @example
 * const queued = serialSession(await runner.createSession(bytes));
 * await Promise.all([queued.run(a), queued.run(b)]); // b starts after a has finished
 */
export function serialSession(session: ModelSession): ModelSession {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    run(feeds, fetches) {
      const result = tail.then(() => session.run(feeds, fetches));
      tail = result.catch(() => undefined);
      return result;
    },
    async release() {
      await tail;
      await session.release();
    },
  };
}
