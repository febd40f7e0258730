/**
 * @module
 * The one interface through which code outside src/runtime runs an ONNX model. The Worker implements it
 * with onnxruntime-web behind the workerd shim (src/runtime/ort.ts); Node tools and tests with
 * onnxruntime-web's own loader (cli/ort-node.ts). Keeping it an interface lets the prepare library stay
 * free of any runtime-specific import.
 */

/** A dense tensor crossing the runner boundary. */
export interface RunTensor {
  readonly type: 'float32' | 'int64' | 'int32' | 'bool' | 'float64' | 'uint8' | 'int8';
  readonly dims: readonly number[];
  readonly data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | Int8Array;
}

/** A loaded model that can be run many times. */
export interface ModelSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Run with the given feeds; returns the requested outputs (all outputs when `fetches` is omitted). */
  run(feeds: Record<string, RunTensor>, fetches?: readonly string[]): Promise<Record<string, RunTensor>>;
  /** Free the native session. */
  release(): Promise<void>;
}

/** Creates sessions from ONNX bytes. */
export interface ModelRunner {
  createSession(model: Uint8Array, options?: { graphOptimization?: 'disabled' | 'basic' | 'extended' | 'all' }): Promise<ModelSession>;
}
