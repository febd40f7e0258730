/**
 * @module
 * The service's response bodies and error codes as the SDK sees them. The SDK owns these types (it imports
 * nothing from the service); the service's test `test/clients/sdk-types.test.ts` fails to typecheck when its
 * own schemas drift from them.
 */
import type { EmbedSnippets } from './snippets.js';

/** Machine-readable problem codes of the service (`code` of a problem+json body). */
export type ErrorCode =
  | 'bad_request'
  | 'bad_option'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'image_too_large'
  | 'corrupt_image'
  | 'not_found'
  | 'model_not_found'
  | 'explanation_not_found'
  | 'class_out_of_range'
  | 'invalid_model'
  | 'unsupported_op'
  | 'unknown_layer'
  | 'model_unavailable'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'overloaded'
  | 'misconfigured'
  | 'request_too_costly'
  | 'internal';

/** An application/problem+json body (RFC 9457). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  /** One of {@link ErrorCode} (typed as string: a newer service may add codes). */
  code: string;
  detail: string;
}

/** A class with its probability. */
export interface ClassScore {
  index: number;
  label: string | null;
  probability: number;
  logit: number;
}

/** An explained (or contrasted) class. */
export interface TargetClass {
  index: number;
  label: string | null;
  score: number;
}

/** A map: `shape` is [height, width], `data` row-major. */
export interface ExplanationMap {
  shape: [number, number];
  data: number[];
}

/** One unit behind a map (JSON `units`). */
export interface UnitEvidence {
  /** Channel index in the layer. */
  index: number;
  /** Channel weight alpha_k. */
  weight: number;
  /** Network Dissection name, or null (unnamed, or the model was not dissected). */
  name: string | null;
  /** The name's IoU from the dissection (also for unnamed units), or null when not dissected. */
  iou: number | null;
  /** The unit's part of the map (sum of alpha_k A_k over the map's positive pixels / sum of the map). */
  share: number;
  /** `unit_maps: 'true'`: the unit's own activation A_k at the layer's grid (raw, row-major, like `map`). */
  map?: ExplanationMap;
}

/** One explained class of a `top=k` request. */
export interface ClassExplanation {
  class: TargetClass;
  versus: TargetClass | null;
  counterfactual: boolean;
  map: ExplanationMap;
}

/** The JSON explanation (`output=json`, and `GET /v1/explanations/{id}.json` of a JSON explanation). */
export interface ExplanationJson {
  id: string;
  url: string;
  model: string;
  method: string;
  layer: string;
  class: TargetClass;
  top: ClassScore[];
  logits: number[];
  /** The raw low-resolution map (several layers, aug=flip, pixel-level methods: at the input size). */
  map: ExplanationMap;
  /** Contrastive explanations (versus=): the contrasted class. */
  versus?: TargetClass | null;
  counterfactual?: boolean;
  /** top=k: one entry per class, best first. */
  explanations?: ClassExplanation[];
  /** metrics=: drop and increase (percent), deletion and insertion (AUC) of the first map. */
  metrics?: Record<string, number>;
  /** Model runs this explanation took (metrics and the methods' batched extra runs included). */
  runs?: number;
  /** Cost units charged (one unit: one 224 x 224 image through the model; see the service's MAX_REQUEST_COST). */
  cost?: number;
  /**
   * The first class's top units of the first layer by channel weight alpha_k (`units=`, default 5), named by
   * Network Dissection; null for methods without channel weights. Absent from explanations stored before.
   */
  units?: UnitEvidence[] | null;
  /** One plain-English sentence: the prediction and the named units behind it (or why there are none). */
  text?: string | null;
  timings: Record<string, number>;
  embed: EmbedSnippets;
}

/** What a model does, as `GET /v1/models` reports it. */
export interface ModelTask {
  kind: 'classify' | 'segment' | 'detect' | 'embed';
  output: number[];
  /** Embedding models: the embedding's size D (the length `vector` must have). */
  dimensions?: number;
  /** The target options the task takes (`class`, `region`, `box`, `boxes`, `conf`, `iou`, `max_det`, `vector`, `index`, ...). */
  options: string[];
}

/** A model as `GET /v1/models` describes it. */
export interface ModelInfo {
  id: string;
  default: boolean;
  sha256: string;
  input: { width: number; height: number; layout: string; mean: number[]; std: number[] };
  /** Classes: K of a classifier or segmentation model, C of a detector, 0 for an embedding model. */
  classes: number;
  /** The task: the explained output's dims after the batch, the embedding size, the target options it takes. */
  task: ModelTask;
  labels: string[] | null;
  layers: { name: string; shape: (string | number)[]; default: boolean }[];
  methods: string[];
  quantization: string;
}

/** The response of `POST /v1/classify`. */
export interface Classification {
  model: string;
  top: ClassScore[];
  logits: number[];
  timings: Record<string, number>;
}

// --- Segmentation, detection and embedding models (output=json on a model with a task) ---

/** A box by its corners (pixels, continuous coordinates, x0 <= x1, y0 <= y1). */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A class present in a segmentation, with its share of the output grid. */
export interface SegmentClass {
  classIndex: number;
  /** Pixels of the output grid whose argmax is this class. */
  pixels: number;
  /** pixels / (H * W) of the output grid. */
  share: number;
  label: string | null;
}

/** One detection after NMS. */
export interface Detection {
  classIndex: number;
  label: string | null;
  score: number;
  /** In the original image's pixels (clipped to it). */
  box: Box;
  /** The anchor (column of the model's output) the detection comes from. */
  anchor: number;
}

/** What a segmentation explanation explains, and the classes present. */
export interface SegmentTarget {
  task: 'segment';
  classIndex: number;
  label: string | null;
  /** `region` in model-input pixels, or null. */
  region: Box | null;
  /** Pixels of the explained class's mask (inside the region). */
  pixels: number;
  /** The classes present, most pixels first. */
  classes: SegmentClass[];
}

/** What a detection explanation explains, and every detection. */
export interface DetectTarget {
  task: 'detect';
  /** The explained detection (`box`), or null when there is none (method=eigencam on an image without detections). */
  box: number | null;
  boxes: 'one' | 'all';
  /** Every detection after NMS, highest score first; `box: i` explains `detections[i]`. */
  detections: Detection[];
}

/** What an embedding explanation explains. */
export interface EmbedTarget {
  task: 'embed';
  target: 'vector' | 'index' | 'none';
  /** `index`: the explained output unit. */
  index?: number;
}

/** The JSON explanation of a segmentation, detection or embedding model; narrow `target` by `task`. */
export interface TaskExplanationJson {
  id: string;
  url: string;
  model: string;
  method: string;
  layer: string;
  task: 'segment' | 'detect' | 'embed';
  /** The explained class (segment class, detection class; embed: the unit, or -1) and its score. */
  class: TargetClass;
  target: SegmentTarget | DetectTarget | EmbedTarget;
  /** The raw map after ReLU at the layer's grid. */
  map: ExplanationMap;
  runs: number;
  timings: Record<string, number>;
}
