/**
 * @module
 * The explain options (query string or multipart form fields) as one zod schema: it validates requests
 * and generates their OpenAPI description.
 */
import { z } from '@hono/zod-openapi';
import { DEFAULT_METHOD, METHOD_NAMES } from '../../cam/registry.js';
import { DEFAULT_NOISE_SIGMA, DEFAULT_NOISY_COPIES, MAX_NOISY_COPIES } from '../../cam/smooth-grad-cam-plus-plus.js';
import { ApiError } from '../../errors.js';
import { PIXEL_METHODS } from '../../pixel-methods/index.js';
import { ATTENTION_METHODS } from '../../attention/registry.js';
import { DEFAULT_MODEL } from '../../models/source.js';
import { COLORMAPS } from '../../image/index.js';
import { DEFAULT_UNITS, MAX_UNITS } from '../../explain/units.js';

const dimension = z.coerce.number().int().min(1).max(65535);
const layerName = z.string().min(1).max(200);
const flag = z.enum(['true', 'false', '1', '0']);

/** Most layers one request may combine. */
export const MAX_LAYERS = 4;
/** Largest `top`. */
export const MAX_TOP = 10;

/** Options of POST /v1/explain. */
export const ExplainOptionsSchema = z
  .object({
    model: z.string().min(1).max(64).default(DEFAULT_MODEL).openapi({ description: 'Model id (GET /v1/models).' }),
    class: z.string().min(1).max(200).optional().openapi({
      description:
        'Class to explain: an index or a label. Default: the top-1 class (segmentation: the non-background class covering most pixels).',
      example: '3',
    }),
    method: z
      .enum([...METHOD_NAMES, ...PIXEL_METHODS, ...ATTENTION_METHODS] as unknown as [string, ...string[]])
      .default(DEFAULT_METHOD)
      .openapi({
        description:
          'CAM method, a pixel-level method (saliency, smoothgrad, guided-gradcam: models prepared with --input-gradients), or an attention method (rollout, attention-gradcam: transformers prepared with --attention).',
      }),
    layer: z
      .union([layerName, z.array(layerName).min(1).max(MAX_LAYERS)])
      .optional()
      .openapi({
        description: `Layer name; repeat (up to ${MAX_LAYERS}) to combine several layers (see combine). Default: the manifest's default layer.`,
      }),
    top: z.coerce.number().int().min(1).max(MAX_TOP).optional().openapi({
      description: `Explain the k most probable classes from one forward pass (not with class). JSON lists k maps; a PNG is a horizontal strip of k panels, best first.`,
    }),
    counterfactual: flag
      .optional()
      .openapi({ description: "Counterfactual explanation (seed negated): what would lower the class's score." }),
    versus: z.string().min(1).max(200).optional().openapi({
      description: 'Contrastive explanation: why class rather than this class (an index or a label); seed e_class - e_versus.',
    }),
    combine: z
      .enum(['mean', 'product'])
      .default('mean')
      .openapi({ description: 'How several layers combine: mean of normalised maps (pytorch-grad-cam) or their product (RefineCAM).' }),
    aug: z
      .enum(['none', 'flip'])
      .default('none')
      .openapi({ description: 'Test-time augmentation: flip = also explain the mirrored image, mirror its map back, average.' }),
    metrics: z
      .string()
      .max(100)
      .regex(/^[a-z]+(,[a-z]+)*$/)
      .optional()
      .openapi({
        description: 'Comma-separated: drop, increase, deletion, insertion (explanation quality; extra batched forward passes).',
        example: 'drop,deletion',
      }),
    units: z.coerce
      .number()
      .int()
      .min(0)
      .max(MAX_UNITS)
      .optional()
      .openapi({
        description: `JSON: how many units of the layer to list by channel weight alpha_k with their Network Dissection names (default ${DEFAULT_UNITS}; 0 = none). Methods with channel weights only (gradcam, gradcam++, xgradcam).`,
      }),
    unit_maps: flag.optional().openapi({
      description:
        "JSON: give each listed unit (units=) its own activation map at the layer's grid, as `map` ([h, w] and row-major raw activations, like the top-level map). Off by default to keep the JSON small.",
    }),
    text: flag.optional().openapi({
      description: 'PNG: add the one-sentence explanation as the X-Explanation-Text header (URL-encoded). JSON always has it.',
    }),
    output: z
      .enum(['overlay', 'heatmap', 'json'])
      .default('overlay')
      .openapi({ description: 'overlay (PNG over the image), heatmap (PNG), or json (logits, top-k, raw map).' }),
    colormap: z.enum(COLORMAPS).default('jet'),
    alpha: z.coerce.number().min(0).max(1).default(0.5).openapi({ description: 'Image weight of the overlay.' }),
    width: dimension.optional().openapi({ description: "Output width; default the image's width (bounded)." }),
    height: dimension.optional().openapi({ description: "Output height; default the image's height (bounded)." }),
    n: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_NOISY_COPIES)
      .optional()
      .openapi({ description: `Noisy copies for smoothgradcam++ and smoothgrad (default ${DEFAULT_NOISY_COPIES}), run as one batch.` }),
    fusion: z
      .enum(['mean', 'max', 'min'])
      .optional()
      .openapi({ description: 'rollout: how the heads of a block are fused (default mean).' }),
    discard: z.coerce
      .number()
      .min(0)
      .max(0.99)
      .optional()
      .openapi({ description: 'rollout: fraction of the lowest attentions dropped per block (default 0).' }),
    region: z.string().min(1).max(100).optional().openapi({
      description: 'Segmentation models: restrict the class mask to x0,y0,x1,y1 in model-input pixels.',
      example: '0,0,112,224',
    }),
    box: z
      .string()
      .min(1)
      .max(10)
      .optional()
      .openapi({ description: 'Detection models: the detection to explain, 0 = highest score (default 0).', example: '0' }),
    boxes: z
      .enum(['one', 'all'])
      .optional()
      .openapi({ description: 'Detection models: draw the explained box (one) or every detection (all).' }),
    conf: z.string().min(1).max(20).optional().openapi({ description: 'Detection models: score threshold (default 0.25).' }),
    iou: z.string().min(1).max(20).optional().openapi({ description: 'Detection models: NMS IoU threshold (default 0.45).' }),
    max_det: z.string().min(1).max(10).optional().openapi({ description: 'Detection models: most detections kept (default 300).' }),
    vector: z.string().min(1).max(65536).optional().openapi({
      description:
        'Embedding models: explain the dot product with this direction: D comma-separated numbers, or a JSON array of D numbers (also as a JSON file part of a form).',
    }),
    index: z.string().min(1).max(10).optional().openapi({ description: 'Embedding models: explain one output unit.' }),
    sigma: z.coerce
      .number()
      .min(0)
      .max(1)
      .optional()
      .openapi({
        description: `Noise std as a fraction of the input range, for smoothgradcam++ and smoothgrad (default ${DEFAULT_NOISE_SIGMA}).`,
      }),
  })
  .strict();

/** Parsed explain options. */
export type ExplainOptions = z.infer<typeof ExplainOptionsSchema>;

/** Options of POST /v1/classify. */
export const ClassifyOptionsSchema = z
  .object({
    model: ExplainOptionsSchema.shape.model,
    top: z.coerce.number().int().min(1).max(1000).default(5).openapi({ description: 'How many classes to return.' }),
  })
  .strict();

/** The 400 bad_option error for the first issue of a failed parse. */
export function badOption(error: z.ZodError): ApiError {
  const issue = error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    const option = issue.keys[0];
    return new ApiError(400, 'bad_option', `Unknown option '${option}'.`, { option });
  }
  const option = String(issue?.path[0] ?? 'options');
  return new ApiError(400, 'bad_option', `Option '${option}': ${issue?.message ?? 'invalid value'}.`, { option });
}

/** Parse options from plain fields (query and form merged), throwing 400 bad_option. */
export function parseOptions<T extends z.ZodTypeAny>(schema: T, fields: Record<string, unknown>): z.infer<T> {
  const parsed = schema.safeParse(fields);
  if (!parsed.success) throw badOption(parsed.error);
  return parsed.data;
}
