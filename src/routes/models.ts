/**
 * @module
 * GET /v1/models and GET /v1/models/{id}: the available prepared models, their input size, task, classes,
 * labels, layers and the methods they take. Reads manifests only: no session is created.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { METHOD_NAMES } from '../cam/registry.js';
import type { Env } from '../env.js';
import type { Manifest } from '../manifest.js';
import { DEFAULT_MODEL, listModelIds } from '../models/source.js';
import { PIXEL_METHODS } from '../pixel-methods/index.js';
import type { AppEnv } from './app-env.js';
import { modelClasses, modelTask, ModelTaskSchema, taskCamMethods } from './model-task.js';
import { openapiHook } from './problem.js';
import { problems } from './schemas.js';

/** A model as GET /v1/models describes it. */
export const ModelSchema = z
  .object({
    id: z.string(),
    default: z.boolean(),
    sha256: z.string(),
    input: z.object({
      width: z.number().int(),
      height: z.number().int(),
      layout: z.string(),
      mean: z.array(z.number()),
      std: z.array(z.number()),
    }),
    classes: z.number().int().openapi({
      description:
        'Number of classes: K of a classifier or segmentation model, C of a detector (not its 4 + C output fields), 0 for an embedding model.',
    }),
    task: ModelTaskSchema,
    labels: z.array(z.string()).nullable(),
    layers: z.array(z.object({ name: z.string(), shape: z.array(z.union([z.string(), z.number()])), default: z.boolean() })),
    methods: z.array(z.string()),
    quantization: z.string(),
  })
  .openapi('Model');

/** A model as GET /v1/models describes it (typed for clients). */
export type ModelInfo = z.infer<typeof ModelSchema>;

/** The pixel-level methods a model was prepared for (an input layer; guided-gradcam also needs its guided gradient). */
function pixelMethodsOf(m: Manifest): string[] {
  const input = m.layers.find((l) => l.input);
  if (!input) return [];
  return input.guidedGradient ? [...PIXEL_METHODS] : PIXEL_METHODS.filter((name) => name !== 'guided-gradcam');
}

/** The attention methods a model was prepared for (`--attention`: rollout; with gradients also attention-gradcam). */
function attentionMethodsOf(m: Manifest): string[] {
  if (!m.attention) return [];
  return m.attention.blocks.every((b) => b.gradient) ? ['rollout', 'attention-gradcam'] : ['rollout'];
}

/** The methods a model takes: every CAM method plus what it was prepared for; task models: the CAM methods without reruns. */
function methodsOf(m: Manifest): string[] {
  if (m.task && m.task.kind !== 'classify') return taskCamMethods();
  return [...METHOD_NAMES, ...pixelMethodsOf(m), ...attentionMethodsOf(m)];
}

function describe(id: string, m: Manifest) {
  const [, , height, width] = m.input.shape as [unknown, number, number, number];
  const defaultLayer = m.layers.find((l) => l.default) ?? m.layers[m.layers.length - 1];
  return {
    id,
    default: id === DEFAULT_MODEL,
    sha256: m.sha256,
    input: { width, height, layout: m.input.layout, mean: m.input.mean, std: m.input.std },
    classes: modelClasses(m),
    task: modelTask(m),
    labels: m.labels,
    layers: m.layers.map((l) => ({ name: l.name, shape: l.shape, default: l === defaultLayer })),
    methods: methodsOf(m),
    quantization: m.quantization.weights,
  };
}

const list = createRoute({
  method: 'get',
  path: '/models',
  summary: 'List the available models',
  responses: {
    200: { description: 'The models.', content: { 'application/json': { schema: z.object({ models: z.array(ModelSchema) }) } } },
  },
});

const one = createRoute({
  method: 'get',
  path: '/models/{id}',
  summary: 'Describe one model',
  request: { params: z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: DEFAULT_MODEL }) }) },
  responses: { 200: { description: 'The model.', content: { 'application/json': { schema: ModelSchema } } }, ...problems(404) },
});

async function describeById(c: { env: Env; get: (k: 'registry') => AppEnv['Variables']['registry'] }, id: string) {
  return describe(id, await c.get('registry').manifest(c.env, id));
}

/** The models sub-app (mounted under /v1). */
export const modelsApp = new OpenAPIHono<AppEnv>({ defaultHook: openapiHook })
  .openapi(list, async (c) => {
    const ids = await listModelIds(c.env);
    const models = await Promise.all(ids.map((id) => describeById(c, id).catch(() => null)));
    return c.json({ models: models.filter((m) => m !== null) }, 200);
  })
  .openapi(one, async (c) => c.json(await describeById(c, c.req.valid('param').id), 200));
