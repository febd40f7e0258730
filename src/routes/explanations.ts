/**
 * @module
 * GET /v1/explanations/{id}.png and {id}.json: a stored explanation by id, so a dashboard can embed it with a
 * plain URL. `.png` serves a PNG explanation's bytes; `.json` serves a JSON explanation, or a PNG
 * explanation's metadata (class, label, score, method, timings).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { isExplanationId } from '../cache/key.js';
import { readExplanation } from '../cache/store.js';
import { ApiError } from '../errors.js';
import { notStoredDetail } from '../cache/ttl.js';
import type { AppEnv } from './app-env.js';
import { EmbedSchema, embedSnippets } from './embed.js';
import { cacheHeaders, explanationHeaders, explanationUrl, isKeyed } from './explain/response.js';
import { EXPLANATION_HEADERS, ExplanationJsonSchema, problems } from './schemas.js';
import { TaskExplanationJsonSchema } from './task-schemas.js';

const FILE = /^([A-Za-z0-9_-]{43})\.(png|json)$/;

const MetadataSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    png: z.string(),
    model: z.string(),
    method: z.string(),
    layer: z.string(),
    class: z.object({ index: z.number().int(), label: z.string().nullable(), score: z.number() }),
    width: z.number().int().optional(),
    height: z.number().int().optional(),
    timings: z.record(z.string(), z.number()),
    created: z.string(),
    embed: EmbedSchema,
  })
  .openapi('ExplanationMetadata');

const route = createRoute({
  method: 'get',
  path: '/explanations/{file}',
  summary: 'A stored explanation by id ({id}.png or {id}.json)',
  request: {
    params: z.object({
      file: z
        .string()
        .regex(FILE)
        .openapi({ param: { name: 'file', in: 'path' }, example: `${'A'.repeat(43)}.png` }),
    }),
  },
  responses: {
    200: {
      description: 'The stored explanation.',
      headers: EXPLANATION_HEADERS,
      content: {
        'image/png': { schema: z.string().openapi({ format: 'binary' }) },
        'application/json': { schema: z.union([ExplanationJsonSchema, TaskExplanationJsonSchema, MetadataSchema]) },
      },
    },
    304: { description: 'Not modified (If-None-Match matched the ETag).' },
    ...problems(404),
  },
});

function notFound(env: { EXPLANATION_TTL_DAYS?: string }): ApiError {
  return new ApiError(404, 'explanation_not_found', notStoredDetail(env));
}

/** The explanations sub-app (mounted under /v1). */
export const explanationsApp = new OpenAPIHono<AppEnv>({
  defaultHook: (result, c) => {
    if (!result.success) throw notFound(c.env);
  },
}).openapi(route, async (c) => {
  const [, id, ext] = FILE.exec(c.req.valid('param').file)!;
  if (!isExplanationId(id)) throw notFound(c.env);
  const stored = await readExplanation(c.env.EXPLANATIONS, id);
  if (!stored) throw notFound(c.env);
  const keyed = isKeyed(c.env, c.req.header('authorization'));
  const etag = ext === 'png' || stored.meta.contentType !== 'image/png' ? `"${id}"` : `"${id}.json"`;
  if ((c.req.header('if-none-match') ?? '').split(',').some((t) => t.trim() === etag)) {
    await stored.body.cancel();
    return new Response(null, { status: 304, headers: { ETag: etag, ...cacheHeaders(keyed) } }) as never;
  }
  const { meta } = stored;
  const isPng = meta.contentType === 'image/png';
  if (ext === 'png' && !isPng) {
    await stored.body.cancel();
    throw notFound(c.env);
  }
  if (ext === 'png' || !isPng) {
    const headers = explanationHeaders(
      { id, meta, body: stored.body, cache: 'stored' },
      explanationUrl(c, id, ext as 'png' | 'json'),
      keyed,
    );
    return new Response(stored.body, { headers }) as never;
  }
  await stored.body.cancel();
  return c.json(
    {
      id,
      url: explanationUrl(c, id, 'json'),
      png: explanationUrl(c, id, 'png'),
      model: meta.model,
      method: meta.method,
      layer: meta.layer,
      class: { index: meta.classIndex, label: meta.label, score: meta.score },
      width: meta.width,
      height: meta.height,
      timings: meta.timings,
      created: meta.created,
      embed: embedSnippets({
        base: c.req.url,
        id,
        isPng: true,
        method: meta.method,
        label: meta.label,
        classIndex: meta.classIndex,
        score: meta.score,
      }),
    },
    200,
    { ...cacheHeaders(keyed), ETag: etag },
  );
});
