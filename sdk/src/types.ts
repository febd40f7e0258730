/**
 * @module
 * The SDK's request and response types, derived from the service's own definitions (the zod schemas that
 * validate requests and describe responses) through type-only imports: they are erased at build time, so
 * nothing of the service ends up in the SDK's JavaScript.
 */
import type { Classification } from '../../src/routes/classify.js';
import type { ExplainOptions as ServiceExplainOptions } from '../../src/routes/explain/options.js';
import type { ModelInfo } from '../../src/routes/models.js';
import type { ExplanationJson, Problem } from '../../src/routes/schemas.js';
import type { ErrorCode } from '../../src/errors.js';

export type { Classification, ExplanationJson, ModelInfo, Problem };

/** An image to explain: PNG or JPEG bytes (a `Blob`/`File`, an `ArrayBuffer`, a `Uint8Array` or Node `Buffer`). */
export type ImageSource = Blob | ArrayBuffer | ArrayBufferView;

/**
 * The explain options the service accepts (`POST /v1/explain`), all optional: the service fills defaults.
 * `class` may be an index or a label.
 */
export type ExplainParams = Partial<Omit<ServiceExplainOptions, 'class' | 'output'>> & { class?: string | number };

/** The PNG outputs. */
export type PngOutput = Exclude<ServiceExplainOptions['output'], 'json'>;

/** Per-call settings, next to the service options. */
export interface CallOptions {
  /** Cancels the call (and the body download). */
  signal?: AbortSignal;
  /** Overrides the client's timeout for this call (ms, 0 for none). */
  timeoutMs?: number;
  /** Content type of the image when it cannot be sniffed (default: from the bytes or the Blob's type). */
  contentType?: 'image/png' | 'image/jpeg';
}

/** Options of {@link GradcamEdge.explain}. */
export type ExplainOptions = ExplainParams & { output?: PngOutput } & CallOptions;

/** Options of {@link GradcamEdge.explainJson}. */
export type ExplainJsonOptions = Omit<ExplainParams, 'colormap' | 'alpha' | 'width' | 'height'> & CallOptions;

/** Options of {@link GradcamEdge.classify}. */
export type ClassifyOptions = { model?: string; top?: number } & CallOptions;

/** A problem code of the service, or a client-side one (`timeout`, `network_error`, `unexpected_response`). */
export type GradcamEdgeErrorCode = ErrorCode | 'timeout' | 'network_error' | 'unexpected_response';

/** What the service says about a PNG explanation, from its response headers. */
export interface ExplanationMetadata {
  /** The explanation id (a keyed hash of the image, model and options). */
  id: string;
  /** Absolute URL of the stored PNG. */
  url: string;
  /** The explained class index. */
  classIndex: number;
  /** Its label, or null when the model has none. */
  label: string | null;
  /** Its softmax probability. */
  score: number;
  method: string;
  model: string;
  layer: string;
  /** Whether the service served it from its cache. */
  cache: 'hit' | 'miss';
  /** Milliseconds per stage (Server-Timing) as measured when it was computed. */
  timings: Record<string, number>;
}
