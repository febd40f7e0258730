/**
 * @module
 * The JSON explanation of a segmentation, detection or embedding model (output=json on a model whose
 * manifest has a `task`): the explained target and what the model's output says about the image (classes
 * present with their pixel shares; detections after NMS in the image's pixels). One schema for the OpenAPI
 * document, the route's body (task-response.ts checks its body against it) and the SDK's drift test.
 */
import { z } from '@hono/zod-openapi';

const Corners = z
  .object({ x0: z.number(), y0: z.number(), x1: z.number(), y1: z.number() })
  .openapi('Box', { description: 'A box by its corners (pixels, continuous coordinates, x0 <= x1, y0 <= y1).' });

const SegmentClass = z
  .object({
    classIndex: z.number().int(),
    pixels: z.number().int().openapi({ description: 'Pixels of the output grid whose argmax is this class.' }),
    share: z.number().openapi({ description: 'pixels / (H * W) of the output grid.' }),
    label: z.string().nullable(),
  })
  .openapi('SegmentClass');

const Detection = z
  .object({
    classIndex: z.number().int(),
    label: z.string().nullable(),
    score: z.number(),
    box: Corners.openapi({ description: "In the original image's pixels (clipped to it)." }),
    anchor: z.number().int().openapi({ description: "The anchor (column of the model's output) the detection comes from." }),
  })
  .openapi('Detection');

const SegmentTarget = z
  .object({
    task: z.literal('segment'),
    classIndex: z.number().int(),
    label: z.string().nullable(),
    region: Corners.nullable().openapi({ description: 'region= in model-input pixels, or null.' }),
    pixels: z.number().int().openapi({ description: "Pixels of the explained class's mask (inside the region)." }),
    classes: z.array(SegmentClass).openapi({ description: 'The classes present, most pixels first.' }),
  })
  .openapi('SegmentTarget');

const DetectTarget = z
  .object({
    task: z.literal('detect'),
    box: z.number().int().nullable().openapi({ description: 'The explained detection (box=), or null when there is none.' }),
    boxes: z.enum(['one', 'all']),
    detections: z.array(Detection).openapi({ description: 'Every detection after NMS, highest score first.' }),
  })
  .openapi('DetectTarget');

const EmbedTarget = z
  .object({
    task: z.literal('embed'),
    target: z.enum(['vector', 'index', 'none']),
    index: z.number().int().optional().openapi({ description: 'index=: the explained output unit.' }),
  })
  .openapi('EmbedTarget');

/** The JSON explanation of a segmentation, detection or embedding model. */
export const TaskExplanationJsonSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    model: z.string(),
    method: z.string(),
    layer: z.string(),
    task: z.enum(['segment', 'detect', 'embed']),
    class: z.object({ index: z.number().int(), label: z.string().nullable(), score: z.number() }).openapi({
      description:
        "The explained class (segment class, detection class; embed: the unit, or -1 for a direction) and score (the detection's score, the segment's mean class logit, the projection).",
    }),
    target: z.discriminatedUnion('task', [SegmentTarget, DetectTarget, EmbedTarget]),
    map: z.object({
      shape: z.tuple([z.number().int(), z.number().int()]),
      data: z.array(z.number()).openapi({ description: "The raw map after ReLU at the layer's grid, row-major." }),
    }),
    runs: z.number().int(),
    timings: z.record(z.string(), z.number()),
  })
  .openapi('TaskExplanationJson');

/** The JSON explanation of a segmentation, detection or embedding model (typed for clients). */
export type TaskExplanationJson = z.infer<typeof TaskExplanationJsonSchema>;
