/**
 * @module
 * GET /v1/explanations/{id}/badge.svg: a compact SVG badge (heatmap thumbnail, method, label, score) of a
 * stored explanation, for READMEs, dashboards and pages. Immutable like the explanation it shows (its ETag
 * carries a design version), 304 on If-None-Match, 404 problem+json for an unknown or expired id (explanations live EXPLANATION_TTL_DAYS, default 30).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { isExplanationId } from '../../cache/key.js';
import { readExplanation, type CachedExplanation } from '../../cache/store.js';
import { limitsOf } from '../../env.js';
import { ApiError } from '../../errors.js';
import { notStoredDetail } from '../../cache/ttl.js';
import { collectBytes } from '../../image/index.js';
import type { AppEnv } from '../app-env.js';
import { cacheHeaders as cachePolicy, isKeyed } from '../explain/response.js';
import { problems } from '../schemas.js';
import { badgeText } from './badge-text.js';
import { BADGE_HEIGHT, renderBadge } from './svg.js';
import { thumbnailOfMap, thumbnailOfPng, type Thumbnail } from './thumbnail.js';

/** Bump when the badge's look changes, so that caches holding the old one see a new ETag. */
const DESIGN_VERSION = 2;

/**
 * The badge's own CSP: it is only ever an image, so nothing may load but its embedded thumbnail (SVG text
 * styles are attributes, not style sheets).
 */
export const BADGE_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

const route = createRoute({
  method: 'get',
  path: '/explanations/{id}/badge.svg',
  summary: 'A badge of a stored explanation (SVG with a heatmap thumbnail)',
  request: {
    params: z.object({
      id: z
        .string()
        .regex(/^[A-Za-z0-9_-]{43}$/)
        .openapi({ param: { name: 'id', in: 'path' }, example: 'A'.repeat(43) }),
    }),
  },
  responses: {
    200: {
      description: 'The badge: method, class label and score beside a heatmap thumbnail.',
      headers: { ETag: { schema: { type: 'string' } }, 'Cache-Control': { schema: { type: 'string' } } },
      content: { 'image/svg+xml': { schema: z.string() } },
    },
    304: { description: 'Not modified (If-None-Match matched the ETag).' },
    ...problems(404),
  },
});

function notFound(env: { EXPLANATION_TTL_DAYS?: string }): ApiError {
  return new ApiError(404, 'explanation_not_found', notStoredDetail(env));
}

async function thumbnailOf(stored: CachedExplanation, maxPixels: number): Promise<Thumbnail> {
  const bytes = await collectBytes(stored.body);
  if (stored.meta.contentType === 'image/png') return thumbnailOfPng(bytes, maxPixels);
  const json = JSON.parse(new TextDecoder().decode(bytes)) as { map: { shape: [number, number]; data: number[] } };
  return thumbnailOfMap(json.map);
}

/** The badge sub-app (mounted under /v1). */
export const badgeApp = new OpenAPIHono<AppEnv>({
  defaultHook: (result, c) => {
    if (!result.success) throw notFound(c.env);
  },
}).openapi(route, async (c) => {
  const { id } = c.req.valid('param');
  if (!isExplanationId(id)) throw notFound(c.env);
  const etag = `"${id}.badge${DESIGN_VERSION}"`;
  const cacheHeaders = { ETag: etag, ...cachePolicy(isKeyed(c.env, c.req.header('authorization'))) };
  if ((c.req.header('if-none-match') ?? '').split(',').some((t) => t.trim() === etag)) {
    return new Response(null, { status: 304, headers: cacheHeaders }) as never;
  }
  const stored = await readExplanation(c.env.EXPLANATIONS, id);
  if (!stored) throw notFound(c.env);
  const { meta } = stored;
  const thumb = await thumbnailOf(stored, limitsOf(c.env).maxPixels);
  const svg = renderBadge({
    method: meta.method,
    ...badgeText(meta),
    thumbnail: thumb.dataUri,
    thumbWidth: Math.round(BADGE_HEIGHT * thumb.aspect),
    ...(meta.text ? { title: meta.text } : {}),
  });
  return new Response(svg, {
    headers: { 'Content-Type': 'image/svg+xml; charset=utf-8', 'Content-Security-Policy': BADGE_CSP, ...cacheHeaders },
  }) as never;
});
