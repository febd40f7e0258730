/**
 * @module
 * Options of a model upload (query string, or form fields next to the `model` file): how to prepare a plain
 * classifier in the Worker. They map onto the prepare library's {@link PrepareOptions}.
 */
import { z } from '@hono/zod-openapi';
import { ApiError } from '../../errors.js';
import type { PrepareOptions } from '../../prepare/index.js';
import { parseLabels } from '../../prepare/labels.js';

const triple = z.string().regex(/^\s*-?[\d.eE+-]+\s*,\s*-?[\d.eE+-]+\s*,\s*-?[\d.eE+-]+\s*$/, 'three numbers r,g,b');

/** Upload options. */
export const UploadOptionsSchema = z
  .object({
    layer: z
      .string()
      .min(1)
      .max(2000)
      .optional()
      .openapi({ description: 'Layers to explain (tensor names, comma-separated); default: the detected default layer.' }),
    labels: z.string().max(200_000).optional().openapi({ description: 'Class labels: a JSON array, or one per line.' }),
    mean: triple.optional().openapi({ description: 'Per-channel mean after scaling to [0, 1], "r,g,b" (default ImageNet).' }),
    std: triple.optional().openapi({ description: 'Per-channel std, "r,g,b" (default ImageNet).' }),
    input_size: z
      .string()
      .regex(/^\d{1,4}x\d{1,4}$/, 'HxW, e.g. 224x224')
      .optional()
      .openapi({ description: 'Input size HxW for a model with a symbolic input size.' }),
    resize: z.enum(['stretch', 'shorter-side']).optional(),
    crop: z.enum(['none', 'center']).optional(),
    quantize: z.enum(['none', 'int8']).optional().openapi({ description: 'Store weights as int8 (default none).' }),
    layout: z
      .enum(['nchw', 'nhwc', 'tokens'])
      .optional()
      .openapi({ description: 'Layout of the explained layers when prepare reports it ambiguous (default: read off the graph).' }),
    prefix_tokens: z
      .string()
      .regex(/^\d{1,3}$/, 'a whole number')
      .optional()
      .openapi({ description: 'With layout=tokens: tokens before the patch grid (ViT 1, DeiT 2).' }),
    grid: z
      .string()
      .regex(/^\d{1,4}x\d{1,4}$/, 'HxW, e.g. 14x14')
      .optional()
      .openapi({ description: 'With layout=tokens: the patch grid HxW.' }),
  })
  .strict();

/** Parsed upload options. */
export type UploadOptions = z.infer<typeof UploadOptionsSchema>;

const numbers = (text: string) => text.split(',').map((x) => Number(x.trim())) as [number, number, number];

/**
 * The prepare options of an upload.
 *
 * @example
 * prepareOptionsOf({ input_size: '224x224', labels: '["cat","dog"]' }); // { inputSize: [224, 224], labels: ['cat', 'dog'], ... }
 */
export function prepareOptionsOf(o: UploadOptions): PrepareOptions {
  let labels: string[] | undefined;
  if (o.labels !== undefined) {
    try {
      labels = parseLabels(o.labels);
    } catch (err) {
      throw err instanceof ApiError
        ? err
        : new ApiError(400, 'bad_option', 'Labels: give a JSON array of strings or one label per line.', { option: 'labels' });
    }
  }
  return {
    layers: o.layer?.split(',').map((l) => l.trim()),
    labels,
    mean: o.mean ? numbers(o.mean) : undefined,
    std: o.std ? numbers(o.std) : undefined,
    inputSize: o.input_size ? (o.input_size.split('x').map(Number) as [number, number]) : undefined,
    resize: o.resize,
    crop: o.crop,
    quantize: o.quantize,
    layout: o.layout,
    prefixTokens: o.prefix_tokens !== undefined ? Number(o.prefix_tokens) : undefined,
    grid: o.grid ? (o.grid.split('x').map(Number) as [number, number]) : undefined,
    verify: true,
  };
}
