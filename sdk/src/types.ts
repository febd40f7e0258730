/**
 * @module
 * The SDK's request types: the explain options the service accepts, per-call settings, and what a PNG
 * explanation's headers say. The SDK owns them (it imports nothing from the service); the service's test
 * `test/clients/sdk-types.test.ts` fails to typecheck when its option schema drifts from them.
 */
import type { ErrorCode } from './responses.js';

export type {
  ClassExplanation,
  Classification,
  ClassScore,
  ErrorCode,
  ExplanationJson,
  ExplanationMap,
  ModelInfo,
  ModelTask,
  Problem,
  TargetClass,
  UnitEvidence,
} from './responses.js';
export type {
  Box,
  DetectTarget,
  Detection,
  EmbedTarget,
  SegmentClass,
  SegmentTarget,
  TaskExplanationJson,
} from './responses.js';

/** The colormaps of PNG explanations. */
export type Colormap = 'jet' | 'turbo' | 'viridis' | 'inferno' | 'gray';

/**
 * The options of `POST /v1/explain` as the service reads them (query string or form fields); those without
 * `?` have a default on the service.
 */
export interface ServiceExplainOptions {
  /** Model id (`GET /v1/models`). */
  model: string;
  /** Class to explain: an index or a label. Default: the top-1 class. */
  class?: string;
  /** CAM method, a pixel-level method (saliency, smoothgrad, guided-gradcam), or an attention method (rollout, attention-gradcam). */
  method: string;
  /** Layer name; several (up to 4) are combined (see `combine`). */
  layer?: string | string[];
  /** Explain the k most probable classes from one forward pass (not with `class`). */
  top?: number;
  /** Counterfactual explanation: what would lower the class's score. */
  counterfactual?: 'true' | 'false' | '1' | '0';
  /** Contrastive explanation: why `class` rather than this class (an index or a label). */
  versus?: string;
  combine: 'mean' | 'product';
  aug: 'none' | 'flip';
  /** Comma-separated quality metrics: drop, increase, deletion, insertion. */
  metrics?: string;
  /** JSON: how many units to list by channel weight (default 5; 0 = none). */
  units?: number;
  /** JSON: give each listed unit its own activation map at the layer's grid (`units[i].map`; default off). */
  unit_maps?: 'true' | 'false' | '1' | '0';
  /** PNG: add the sentence as the X-Explanation-Text header (URL-encoded). */
  text?: 'true' | 'false' | '1' | '0';
  output: 'overlay' | 'heatmap' | 'json';
  colormap: Colormap;
  /** Image weight of the overlay, 0..1. */
  alpha: number;
  width?: number;
  height?: number;
  /** Noisy copies for smoothgradcam++ and smoothgrad. */
  n?: number;
  /** rollout: how the heads of a block are fused (default mean). */
  fusion?: 'mean' | 'max' | 'min';
  /** rollout: fraction of the lowest attentions dropped per block (default 0). */
  discard?: number;
  /** Noise std as a fraction of the input range (smoothgradcam++, smoothgrad). */
  sigma?: number;
  /** Segmentation models: restrict the class mask to `x0,y0,x1,y1` in model-input pixels. */
  region?: string;
  /** Detection models: the detection to explain, 0 = highest score. */
  box?: string;
  /** Detection models: draw the explained box (`one`) or every detection (`all`). */
  boxes?: 'one' | 'all';
  /** Detection models: score threshold (default 0.25). */
  conf?: string;
  /** Detection models: NMS IoU threshold (default 0.45). */
  iou?: string;
  /** Detection models: most detections kept (default 300). */
  max_det?: string;
  /** Embedding models: the direction to explain, D comma-separated numbers or a JSON array of them. */
  vector?: string;
  /** Embedding models: one output unit to explain. */
  index?: string;
}

/** An image to explain: PNG or JPEG bytes (a `Blob`/`File`, an `ArrayBuffer`, a `Uint8Array` or Node `Buffer`). */
export type ImageSource = Blob | ArrayBuffer | ArrayBufferView;

/**
 * The explain options the service accepts (`POST /v1/explain`), all optional: the service fills defaults.
 * `class` may be an index or a label; `vector` text or an array of numbers (sent comma-separated).
 */
export type ExplainParams = Partial<Omit<ServiceExplainOptions, 'class' | 'output' | keyof TaskParams | 'unit_maps'>> & {
  class?: string | number;
  /** JSON: give each listed unit its own activation map (`units[i].map`). */
  unit_maps?: boolean | ServiceExplainOptions['unit_maps'];
} & TaskParams;

/**
 * The options of segmentation, detection and embedding models, as numbers or as the service's strings (sent
 * as `String(value)`: an array becomes comma-separated).
 */
export interface TaskParams {
  /** Segmentation models: restrict the class mask to `[x0, y0, x1, y1]` (or `'x0,y0,x1,y1'`) in model-input pixels. */
  region?: string | readonly [number, number, number, number];
  /** Detection models: the detection to explain, 0 = highest score (`detections[box]` of the JSON). */
  box?: number | string;
  /** Detection models: score threshold (default 0.25). */
  conf?: number | string;
  /** Detection models: NMS IoU threshold (default 0.45). */
  iou?: number | string;
  /** Detection models: most detections kept (default 300). */
  max_det?: number | string;
  /** Detection models: draw the explained box (`one`) or every detection (`all`). */
  boxes?: ServiceExplainOptions['boxes'];
  /** Embedding models: the direction to explain, D numbers (or their comma-separated text). */
  vector?: string | readonly number[];
  /** Embedding models: one output unit to explain. */
  index?: number | string;
}

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
  /** The one-sentence explanation (X-Explanation-Text), when asked for with `text: 'true'`. */
  text?: string;
}
