/**
 * @module
 * POST /v1/classify: forward pass only (zero seed, logits fetched), top-k classes. The baseline the
 * benchmark compares an explanation with, and a cheap call on its own.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { limitsOf } from '../env.js';
import type { AppEnv } from './app-env.js';
import { topK } from '../explain/scores.js';
import { preprocess, preprocessSpecOf } from '../image/index.js';
import { decodeOrThrow, readImageInput } from './explain/image-input.js';
import { ClassifyOptionsSchema, parseOptions } from './explain/options.js';
import { serverTiming, Stopwatch } from './explain/stopwatch.js';
import { imageRequest } from './image-request.js';
import { openapiHook } from './problem.js';
import { ClassScoreSchema, problems } from './schemas.js';

/** The response of POST /v1/classify. */
export const ClassificationSchema = z
  .object({ model: z.string(), top: z.array(ClassScoreSchema), logits: z.array(z.number()), timings: z.record(z.string(), z.number()) })
  .openapi('Classification');

/** The response of POST /v1/classify (typed for clients). */
export type Classification = z.infer<typeof ClassificationSchema>;

const route = createRoute({
  method: 'post',
  path: '/classify',
  summary: 'Classify an image (forward pass only)',
  ...imageRequest(ClassifyOptionsSchema),
  responses: {
    200: { description: 'The top-k classes and the logits.', content: { 'application/json': { schema: ClassificationSchema } } },
    ...problems(400, 404, 413, 415, 422, 503),
  },
});

/** The classify sub-app (mounted under /v1). */
export const classifyApp = new OpenAPIHono<AppEnv>({ defaultHook: openapiHook }).openapi(route, async (c) => {
  const input = await readImageInput(c);
  const opts = parseOptions(ClassifyOptionsSchema, { ...c.req.query(), ...input.fields });
  const registry = c.get('registry');
  const manifest = await registry.manifest(c.env, opts.model);
  const watch = new Stopwatch();
  const image = await watch.time('decode', () =>
    decodeOrThrow(input.bytes, manifest.input.background, limitsOf(c.env).maxPixels, limitsOf(c.env).maxDecodeBytes),
  );
  const tensor = await watch.time('preprocess', () => preprocess(image, preprocessSpecOf(manifest.input)).data);
  const model = await watch.time('load', () => registry.load(c.env, opts.model, manifest));
  const logits = await watch.time('model', () => model.feed.logits(tensor));
  const body = { model: opts.model, top: topK(manifest, logits, opts.top), logits: [...logits], timings: watch.timings };
  const res = c.json(body, 200);
  res.headers.set('Server-Timing', serverTiming(watch.timings));
  if (c.env.DEBUG_COUNTERS === '1') res.headers.set('X-Debug-Model-Runs', String(registry.runs));
  return res;
});
