/**
 * @module
 * PUT /v1/models/{id} and DELETE /v1/models/{id} (admin key, see access-policy.ts): upload a classifier,
 * plain ONNX (prepared here, in the Worker) or already prepared (with its manifest), stored as the next
 * version in the MODELS namespace (in parts when larger than one KV value); or remove a model with all its versions. Bundled models cannot be
 * replaced or removed. A model that later fails to load affects only requests for that model.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { Env } from '../env.js';
import { ApiError } from '../errors.js';
import { bodyLimit } from '../middleware/body-limit/index.js';
import { essence, mediaType } from '../middleware/media-type/index.js';
import { DEFAULT_PART_BYTES } from '../models/parts.js';
import { BUNDLED_MODELS, isModelId } from '../models/source.js';
import {
  acceptModel,
  DEFAULT_UPLOAD_LIMITS,
  deleteModel,
  MAX_STORED_MODEL_BYTES,
  prepareOptionsOf,
  storeModel,
  UploadOptionsSchema,
  type UploadInput,
  type UploadLimits,
} from '../models/upload/index.js';
import type { AppEnv } from './app-env.js';
import { parseOptions } from './explain/options.js';
import { binary } from './image-request.js';
import { openapiHook } from './problem.js';
import { problems } from './schemas.js';

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

/**
 * The part size of models stored in parts, from the bindings: at most the default (which fits one KV value),
 * at least 1 KiB (tests use a few KB; a request may make at most 1,000 KV operations).
 */
export function partBytesOf(env: Partial<Env>): number {
  return Math.max(1024, Math.min(positive(env.MODEL_PART_BYTES, DEFAULT_PART_BYTES), DEFAULT_PART_BYTES));
}

/** Upload limits from the bindings. */
export function uploadLimitsOf(env: Partial<Env>): UploadLimits {
  return {
    ...DEFAULT_UPLOAD_LIMITS,
    maxModelBytes: Math.min(positive(env.MAX_MODEL_BYTES, DEFAULT_UPLOAD_LIMITS.maxModelBytes), MAX_STORED_MODEL_BYTES),
    maxPrepareBytes: positive(env.MAX_PREPARE_BYTES, DEFAULT_UPLOAD_LIMITS.maxPrepareBytes),
    maxActivationBytes: positive(env.MAX_MODEL_ACTIVATION_BYTES, DEFAULT_UPLOAD_LIMITS.maxActivationBytes),
  };
}

const Params = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: 'resnet18' }) });

const UploadedSchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    sha256: z.string(),
    prepared: z.enum(['in-worker', 'uploaded']),
    classes: z.number().int(),
    layers: z.array(z.object({ name: z.string(), default: z.boolean() })),
    notes: z.array(z.string()),
    timings: z.record(z.string(), z.number()),
  })
  .openapi('UploadedModel');

const BODY_TYPES = ['application/octet-stream', 'multipart/form-data'];

/** A form file (a File at run time: a string schema would refuse it). */
const fileField = z.any().openapi({ type: 'string', format: 'binary' });

const put = createRoute({
  method: 'put',
  path: '/models/{id}',
  summary: 'Upload a model (admin): plain ONNX, prepared here, or a prepared model with its manifest',
  security: [{ bearer: [] }],
  middleware: [
    mediaType({ accept: BODY_TYPES }),
    bodyLimit({ maxBytes: (c) => uploadLimitsOf(c.env as Env).maxModelBytes + (1 << 20) }),
  ] as MiddlewareHandler[],
  request: {
    params: Params,
    query: UploadOptionsSchema.partial(),
    body: {
      description: 'The ONNX model as the raw body, or a form with `model` (file), optional `manifest` (prepared models) and options.',
      content: {
        'application/octet-stream': { schema: binary },
        'multipart/form-data': { schema: UploadOptionsSchema.partial().extend({ model: fileField, manifest: fileField.optional() }) },
      },
    },
  },
  responses: {
    201: { description: 'Stored as the next version.', content: { 'application/json': { schema: UploadedSchema } } },
    ...problems(400, 401, 403, 413, 415, 422, 503),
  },
});

const del = createRoute({
  method: 'delete',
  path: '/models/{id}',
  summary: 'Delete an uploaded model and all its versions (admin)',
  security: [{ bearer: [] }],
  request: { params: Params },
  responses: { 204: { description: 'Deleted.' }, ...problems(401, 403, 404) },
});

function writableId(c: Context<AppEnv>, id: string): KVNamespace {
  if (!isModelId(id)) throw new ApiError(400, 'bad_request', 'Model ids are 1-64 letters, digits, ".", "_" or "-".');
  if (BUNDLED_MODELS.includes(id))
    throw new ApiError(403, 'forbidden', `Model '${id}' is bundled with the Worker and cannot be replaced or deleted; use another id.`);
  if (!c.env.MODELS) throw new ApiError(503, 'model_unavailable', 'This deployment has no MODELS namespace for uploaded models.');
  return c.env.MODELS;
}

/** A write to the MODELS namespace; a KV failure is 503 with Retry-After (nothing half-visible: see store.ts). */
async function modelStore<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    console.error('model store write failed', err);
    throw new ApiError(503, 'model_unavailable', 'The model store is unavailable; retry shortly.', {}, { 'Retry-After': '5' });
  }
}

async function readUpload(c: Context<AppEnv>): Promise<UploadInput> {
  const query = c.req.query();
  if (essence(c.req.header('content-type')) !== 'multipart/form-data') {
    return { model: new Uint8Array(await c.req.arrayBuffer()), options: prepareOptionsOf(parseOptions(UploadOptionsSchema, query)) };
  }
  let form: Record<string, string | File>;
  try {
    form = (await c.req.parseBody()) as Record<string, string | File>;
  } catch {
    throw new ApiError(400, 'bad_request', 'The multipart body could not be parsed.');
  }
  const { model, manifest, ...rest } = form;
  if (!(model instanceof File)) throw new ApiError(400, 'bad_request', "The form has no 'model' file field.");
  const fields: Record<string, string> = { ...query };
  for (const [name, value] of Object.entries(rest)) fields[name] = typeof value === 'string' ? value : await value.text();
  let parsedManifest: unknown;
  if (manifest !== undefined) {
    try {
      parsedManifest = JSON.parse(typeof manifest === 'string' ? manifest : await manifest.text());
    } catch {
      throw new ApiError(422, 'invalid_model', "The 'manifest' field is not JSON.");
    }
  }
  return {
    model: new Uint8Array(await model.arrayBuffer()),
    manifest: parsedManifest,
    options: prepareOptionsOf(parseOptions(UploadOptionsSchema, fields)),
  };
}

const uploads = new OpenAPIHono<AppEnv>({ defaultHook: openapiHook });
uploads.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
  type: 'http',
  scheme: 'bearer',
  description: 'An API key (docs/security.md); admin keys for model writes.',
});

/** The model upload sub-app (mounted under /v1). */
export const modelUploadsApp = uploads
  .openapi(put, async (c) => {
    const id = c.req.valid('param').id;
    const kv = writableId(c, id);
    const upload = await readUpload(c);
    const accepted = await acceptModel(upload, c.get('registry').runner(), uploadLimitsOf(c.env));
    const stored = await modelStore(() => storeModel(kv, id, accepted.model, accepted.manifest, partBytesOf(c.env)));
    const m = accepted.manifest;
    const defaultLayer = m.layers.find((l) => l.default) ?? m.layers[m.layers.length - 1];
    return c.json(
      {
        id,
        version: stored.version,
        sha256: m.sha256,
        prepared: accepted.prepared,
        classes: Number(m.seed.shape[1]),
        layers: m.layers.map((l) => ({ name: l.name, default: l === defaultLayer })),
        notes: accepted.notes,
        timings: accepted.timings,
      },
      201,
      { Location: new URL(`/v1/models/${id}`, c.req.url).href, 'Cache-Control': 'no-store' },
    );
  })
  .openapi(del, async (c) => {
    const id = c.req.valid('param').id;
    const kv = writableId(c, id);
    if (!(await modelStore(() => deleteModel(kv, id)))) throw new ApiError(404, 'model_not_found', `No uploaded model with id '${id}'.`);
    return c.body(null, 204);
  });
