/**
 * @module
 * POST /v1/explain: one image in, one explanation out (PNG overlay or heatmap, streamed; or JSON).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { limitsOf } from '../../env.js';
import { bodyLimit } from '../../middleware/body-limit/index.js';
import { mediaType } from '../../middleware/media-type/index.js';
import type { AppEnv } from '../app-env.js';
import { EXPLANATION_HEADERS, ExplanationJsonSchema, problems } from '../schemas.js';
import { explain } from './explain.js';
import { BODY_TYPES, readImageInput } from './image-input.js';
import { ExplainOptionsSchema, parseOptions } from './options.js';
import { openapiHook } from '../problem.js';

const binary = z.string().openapi({ format: 'binary' });

const route = createRoute({
  method: 'post',
  path: '/explain',
  summary: 'Explain a classification with a class activation map',
  middleware: [mediaType({ accept: BODY_TYPES }), bodyLimit({ maxBytes: (c) => limitsOf(c.env).maxBodyBytes })] as const,
  request: {
    query: ExplainOptionsSchema.partial(),
    body: {
      // Not marked required: zod-openapi would then run the form validator on raw image bodies too.
      description: 'The image (required): a raw PNG or JPEG body, or a form with a `file` field.',
      content: {
        'image/png': { schema: binary },
        'image/jpeg': { schema: binary },
        'multipart/form-data': { schema: ExplainOptionsSchema.partial().extend({ file: z.any().openapi({ type: 'string', format: 'binary' }) }) },
      },
    },
  },
  responses: {
    200: {
      description: 'The explanation: a PNG (overlay, heatmap) or JSON (output=json).',
      headers: EXPLANATION_HEADERS,
      content: { 'image/png': { schema: binary }, 'application/json': { schema: ExplanationJsonSchema } },
    },
    ...problems(400, 404, 413, 415, 422, 503),
  },
});

/** The explain sub-app (mounted under /v1). */
export const explainApp = new OpenAPIHono<AppEnv>({ defaultHook: openapiHook }).openapi(route, async (c) => {
  const input = await readImageInput(c);
  const opts = parseOptions(ExplainOptionsSchema, { ...c.req.query(), ...input.fields });
  return explain(c, input, opts) as never;
});
