/**
 * @module
 * {@link ModelRunner} for workerd: onnxruntime-web's WASM backend loaded through a shim, because workerd
 * refuses to compile WebAssembly from bytes and `import.meta.url` is undefined in a wrangler bundle.
 *
 * The shim (see docs/service.md, "ORT in workerd"):
 * 1. import `onnxruntime-web/wasm` (emscripten glue embedded) and the `.wasm` as a module, which wrangler's
 *    `CompiledWasm` rule turns into a precompiled `WebAssembly.Module`;
 * 2. set `env.wasm.wasmBinary` to a zero-length placeholder so the glue calls
 *    `WebAssembly.instantiate(bytes, imports)` instead of fetching a URL;
 * 3. wrap `WebAssembly.instantiate` so that this one call, recognised by its zero-length source, instantiates
 *    the imported module and resolves to `{ instance, module }`; every other call passes through;
 * 4. one thread, no proxy worker (workerd has neither Workers nor shareable memory across them).
 *
 * This is the only module in src/ that imports onnxruntime-web (ort-session.ts, the adapter both runtimes
 * share, imports only its types).
 */
import * as ort from 'onnxruntime-web/wasm';
import ortWasmModule from 'onnxruntime-web/ort-wasm-simd-threaded.wasm';
import { ortModuleRunner } from './ort-session.js';
import type { ModelRunner } from './runner.js';

/** What the shim has observed; exported so tests fail loudly when the glue changes behaviour. */
export interface OrtShimState {
  /** Calls of WebAssembly.instantiate that the shim served with the imported module. */
  instantiations: number;
  /** The instance's linear memory (imported by the threaded build or exported), once instantiated. */
  memory: WebAssembly.Memory | undefined;
}

const state: OrtShimState = { instantiations: 0, memory: undefined };
let configured = false;

type Instantiate = (source: unknown, imports?: WebAssembly.Imports) => Promise<unknown>;

function isPlaceholder(source: unknown): boolean {
  return (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) && source.byteLength === 0;
}

function findMemory(instance: WebAssembly.Instance, imports: WebAssembly.Imports | undefined): WebAssembly.Memory | undefined {
  const imported = Object.values(imports ?? {}).flatMap((ns) => Object.values(ns ?? {}));
  return [...Object.values(instance.exports), ...imported].find((v) => v instanceof WebAssembly.Memory) as WebAssembly.Memory | undefined;
}

function installInstantiateHook(module: WebAssembly.Module): void {
  const original = WebAssembly.instantiate.bind(WebAssembly) as Instantiate;
  const hooked: Instantiate = async (source, imports) => {
    if (!isPlaceholder(source)) return original(source, imports);
    const instance = (await original(module, imports)) as WebAssembly.Instance;
    state.instantiations++;
    state.memory = findMemory(instance, imports);
    return { instance, module };
  };
  (WebAssembly as unknown as { instantiate: Instantiate }).instantiate = hooked;
}

function configure(): void {
  if (configured) return;
  installInstantiateHook(ortWasmModule);
  ort.env.wasm.wasmBinary = new Uint8Array(0);
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  configured = true;
}

/**
 * The workerd runner. Sessions are not queued here: wrap them with `serialSession` (src/models).
 *
 * @example
 * const session = await ortRunner().createSession(new Uint8Array(onnxBytes));
 * const out = await session.run({ input: { type: 'float32', dims: [1, 3, 224, 224], data } });
 */
export function ortRunner(): ModelRunner {
  configure();
  return ortModuleRunner(ort);
}

/** A snapshot of the shim's observations (instantiation count, WASM memory). */
export function ortShimState(): Readonly<OrtShimState> {
  return { ...state };
}

/** The ORT instance's WASM linear memory in bytes (0 before the first session). */
export function wasmMemoryBytes(): number {
  return state.memory?.buffer.byteLength ?? 0;
}
