/**
 * @module
 * The one adapter between onnxruntime-web and the {@link ModelRunner} interface: tensors converted both ways
 * and sessions wrapped. The Worker (src/runtime/ort.ts, through the workerd loading shim) and Node
 * (cli/ort-node.ts, onnxruntime-web's own loader) each configure their onnxruntime-web module, then pass it
 * here. Only a type is imported from onnxruntime-web, so this file adds nothing to the bundle.
 */
import type * as Ort from 'onnxruntime-web';
import type { ModelRunner, ModelSession, RunTensor } from './runner.js';

/** The part of an onnxruntime-web module the adapter uses (`onnxruntime-web` or `onnxruntime-web/wasm`). */
export interface OrtModule {
  Tensor: typeof Ort.Tensor;
  InferenceSession: typeof Ort.InferenceSession;
}

function toOrt(ort: OrtModule, t: RunTensor): Ort.Tensor {
  return new ort.Tensor(t.type, t.data as never, t.dims as number[]);
}

function fromOrt(t: Ort.Tensor): RunTensor {
  return { type: t.type as RunTensor['type'], dims: [...t.dims], data: t.data as RunTensor['data'] };
}

function wrap(ort: OrtModule, session: Ort.InferenceSession): ModelSession {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds, fetches) {
      const ortFeeds: Record<string, Ort.Tensor> = {};
      for (const [name, tensor] of Object.entries(feeds)) ortFeeds[name] = toOrt(ort, tensor);
      const out = fetches ? await session.run(ortFeeds, fetches as string[]) : await session.run(ortFeeds);
      const result: Record<string, RunTensor> = {};
      for (const [name, tensor] of Object.entries(out)) result[name] = fromOrt(tensor);
      return result;
    },
    release: () => session.release(),
  };
}

/**
 * A runner over a configured onnxruntime-web module, on its WASM execution provider.
 *
 * @example
 * const runner = ortModuleRunner(ort);
 * const session = await runner.createSession(onnxBytes);
 */
export function ortModuleRunner(ort: OrtModule): ModelRunner {
  return {
    async createSession(model, options = {}) {
      const session = await ort.InferenceSession.create(model, {
        executionProviders: ['wasm'],
        graphOptimizationLevel: options.graphOptimization ?? 'all',
      });
      return wrap(ort, session);
    },
  };
}
