/**
 * @module
 * POST /v1/explain: one image in, one explanation out (PNG overlay or heatmap, streamed; or JSON).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.js';
import { binary, imageRequest } from '../image-request.js';
import { openapiHook } from '../problem.js';
import { EXPLANATION_HEADERS, ExplanationJsonSchema, problems } from '../schemas.js';
import { TaskExplanationJsonSchema } from '../task-schemas.js';
import { explain } from './explain.js';
import { readImageInput } from './image-input.js';
import { ExplainOptionsSchema, parseOptions } from './options.js';

const route = createRoute({
  method: 'post',
  path: '/explain',
  summary: 'Explain a classification with a class activation map',
  ...imageRequest(ExplainOptionsSchema),
  responses: {
    200: {
      description:
        'The explanation: a PNG (overlay, heatmap) or JSON (output=json; TaskExplanationJson for segmentation, detection and embedding models).',
      headers: EXPLANATION_HEADERS,
      content: {
        'image/png': { schema: binary },
        'application/json': { schema: z.union([ExplanationJsonSchema, TaskExplanationJsonSchema]) },
      },
    },
    ...problems(400, 404, 413, 415, 422, 503),
  },
});

/** The explain sub-app (mounted under /v1). */
export const explainApp = new OpenAPIHono<AppEnv>({ defaultHook: openapiHook }).openapi(route, async (c) => {
  const input = await readImageInput(c);
  const layers = c.req.queries('layer');
  const opts = parseOptions(ExplainOptionsSchema, {
    ...c.req.query(),
    ...input.fields,
    ...(layers && layers.length > 1 ? { layer: layers } : {}),
  });
  return explain(c, input, opts) as never;
});
