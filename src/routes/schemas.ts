/**
 * @module
 * Response schemas shared by several routes (for the generated OpenAPI document).
 */
import { z } from '@hono/zod-openapi';
import { EmbedSchema } from './embed.js';

/** An application/problem+json body (RFC 9457). */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ description: 'Machine-readable error code (src/errors.ts).' }),
    detail: z.string(),
  })
  .openapi('Problem');

/** A problem response for the given statuses. */
export function problems(
  ...statuses: number[]
): Record<number, { description: string; content: { 'application/problem+json': { schema: typeof ProblemSchema } } }> {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: `Error (${s})`, content: { 'application/problem+json': { schema: ProblemSchema } } }]),
  );
}

/** A class with its probability. */
export const ClassScoreSchema = z
  .object({ index: z.number().int(), label: z.string().nullable(), probability: z.number(), logit: z.number() })
  .openapi('ClassScore');

/** The JSON explanation (output=json and GET /v1/explanations/{id}.json of a JSON explanation). */
const TargetClassSchema = z.object({ index: z.number().int(), label: z.string().nullable(), score: z.number() });

export const ExplanationJsonSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    model: z.string(),
    method: z.string(),
    layer: z.string(),
    class: z.object({ index: z.number().int(), label: z.string().nullable(), score: z.number() }),
    top: z.array(ClassScoreSchema),
    logits: z.array(z.number()),
    map: z.object({
      shape: z.tuple([z.number().int(), z.number().int()]),
      data: z.array(z.number()).openapi({
        description:
          'The raw, unnormalised low-resolution map (after ReLU), row-major; with several layers, aug=flip or a pixel-level method, the map at the input size scaled to [0, 1] (pixel-level methods: unscaled).',
      }),
    }),
    versus: TargetClassSchema.nullable().optional().openapi({ description: 'Contrastive explanations (versus=): the contrasted class.' }),
    counterfactual: z.boolean().optional(),
    explanations: z
      .array(
        z.object({
          class: TargetClassSchema,
          versus: TargetClassSchema.nullable(),
          counterfactual: z.boolean(),
          map: z.object({ shape: z.tuple([z.number().int(), z.number().int()]), data: z.array(z.number()) }),
        }),
      )
      .optional()
      .openapi({ description: 'top=k: one entry per class, best first (the first is also `class` and `map`).' }),
    metrics: z
      .record(z.string(), z.number())
      .optional()
      .openapi({ description: 'metrics=: drop and increase (percent), deletion and insertion (AUC) of the first map.' }),
    runs: z
      .number()
      .int()
      .optional()
      .openapi({ description: "Model runs this explanation took (metrics and the methods' batched extra runs included)." }),
    cost: z
      .number()
      .int()
      .optional()
      .openapi({ description: 'Cost units charged (one unit: one 224 x 224 image through the model; see MAX_REQUEST_COST).' }),
    units: z
      .array(
        z.object({
          index: z.number().int(),
          weight: z.number(),
          name: z.string().nullable(),
          iou: z.number().nullable(),
          share: z.number(),
          map: z
            .object({ shape: z.tuple([z.number().int(), z.number().int()]), data: z.array(z.number()) })
            .optional()
            .openapi({ description: "unit_maps=true: the unit's own activation A_k at the layer's grid, row-major, raw." }),
        }),
      )
      .nullable()
      .optional()
      .openapi({
        description:
          "The first class's top units (units=, default 5) of the first layer by channel weight alpha_k, with their Network Dissection name and IoU (null: unnamed, or the model was not dissected) and share of the map; null for methods without channel weights (see text). Absent from explanations stored before units existed.",
      }),
    text: z
      .string()
      .nullable()
      .optional()
      .openapi({ description: 'One plain-English sentence: the prediction and the named units behind it (or why there are none).' }),
    timings: z.record(z.string(), z.number()),
    embed: EmbedSchema,
  })
  .openapi('ExplanationJson');

/** The JSON explanation (typed for clients). */
export type ExplanationJson = z.infer<typeof ExplanationJsonSchema>;

/** An application/problem+json body (typed for clients). */
export type Problem = z.infer<typeof ProblemSchema>;

const header = (description: string) => ({ schema: { type: 'string' as const }, description });

/** Response headers of an explanation. */
export const EXPLANATION_HEADERS = {
  'X-Explanation-Id': header('The explanation id (keyed hash of image, model and options).'),
  'X-Explanation-Class': header('The explained class index.'),
  'X-Explanation-Label': header('Its label (percent-encoded), when the model has labels.'),
  'X-Explanation-Score': header('Its softmax probability.'),
  'X-Explanation-Method': header('The CAM method.'),
  'X-Explanation-Url': header('The URL of the stored explanation.'),
  'X-Explanation-Classes': header('top=k: the explained classes, left to right in the PNG strip.'),
  'X-Explanation-Metrics': header('metrics=: e.g. `drop=12.5, increase=0, deletion=0.21, insertion=0.74`.'),
  'X-Cache': header('hit or miss.'),
  ETag: header('Strong ETag (the id).'),
  'Cache-Control': header('Immutable.'),
  Link: header('rel=canonical: the stored explanation.'),
};
