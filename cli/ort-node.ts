/**
 * @module
 * {@link ModelRunner} for Node (CLI, tests, benchmarks): onnxruntime-web's WASM backend loaded by its own
 * loader from node_modules. Threads default to 1 so measurements match a Worker; pass more for speed.
 */
import * as ort from 'onnxruntime-web';
import { ortModuleRunner } from '../src/runtime/ort-session.js';
import type { ModelRunner } from '../src/runtime/runner.js';

let configured = false;

function configure(numThreads: number): void {
  if (configured) return;
  ort.env.wasm.numThreads = numThreads;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  captureWasmMemory();
  configured = true;
}

let wasmMemory: WebAssembly.Memory | undefined;

/**
 * Remember the ORT instance's linear memory (exported, or imported by the threaded build) so that
 * benchmarks can report it. Wraps WebAssembly.instantiate once; every call still goes through.
 */
function captureWasmMemory(): void {
  const original = WebAssembly.instantiate.bind(WebAssembly) as (...a: unknown[]) => Promise<unknown>;
  (WebAssembly as unknown as { instantiate: unknown }).instantiate = async (...args: unknown[]) => {
    const result = (await original(...args)) as { instance?: WebAssembly.Instance } & WebAssembly.Instance;
    const instance = result.instance ?? result;
    const found = [
      ...Object.values(instance.exports ?? {}),
      ...Object.values((args[1] ?? {}) as Record<string, Record<string, unknown>>).flatMap((m) => Object.values(m ?? {})),
    ].find((v) => v instanceof WebAssembly.Memory) as WebAssembly.Memory | undefined;
    if (found) wasmMemory = found;
    return result;
  };
}

/** The WASM linear memory size in bytes of the ORT instance (0 before the first session). */
export function wasmMemoryBytes(): number {
  return wasmMemory?.buffer.byteLength ?? 0;
}

/** Create a Node runner. */
export function nodeRunner(options: { numThreads?: number } = {}): ModelRunner {
  configure(options.numThreads ?? 1);
  return ortModuleRunner(ort);
}
