/**
 * @module
 * The explanation service behind POST /v1/explain: options resolved against the manifest, the cache looked
 * up by id, and on a miss decode -> preprocess -> model run(s) and maps (compute.ts: one map per target;
 * top=k shares one forward pass) -> optional metrics -> JSON, or a rendered PNG stream (k panels side by
 * side for top=k).
 */
import type { Context } from 'hono';
import { explanationId, type CanonicalOptions } from '../../cache/key.js';
import { readExplanation, writeExplanation, type ExplanationMeta } from '../../cache/store.js';
import { explanationTtlSeconds } from '../../cache/ttl.js';
import { limitsOf } from '../../env.js';
import { ApiError } from '../../errors.js';
import type { Manifest } from '../../manifest.js';
import type { AppEnv } from '../app-env.js';
import { embedSnippets } from '../embed.js';
import { collectBytes, decodeImage, encodePngStream, preprocess, renderCam, type RgbImage } from './imaging.js';
import type { ImageInput } from './image-input.js';
import { computeMaps } from './compute.js';
import { mapJson, targetsJson } from './json-body.js';
import { explanationMetrics } from './metrics.js';
import type { ExplainOptions } from './options.js';
import { planRequest, type RequestPlan } from './request-plan.js';
import { explanationHeaders, isKeyed, type ExplanationResponse } from './response.js';
import { Stopwatch } from './stopwatch.js';
import { horizontalStrip } from './strip.js';
import { softmax, topK } from './targets.js';

/** What a request asks for, resolved against the model's manifest, with its id. */
interface Plan extends RequestPlan {
  manifest: Manifest;
  id: string;
}

async function plan(c: Context<AppEnv>, input: ImageInput, opts: ExplainOptions, watch: Stopwatch): Promise<Plan> {
  const manifest = await c.get('registry').manifest(c.env, opts.model);
  const p = planRequest(manifest, opts, input.header, limitsOf(c.env).maxOutputSide);
  const id = await watch.time('id', () => explanationId(c.env.CACHE_SECRET, input.bytes, p.canonical));
  return { ...p, manifest, id };
}

/** Handle one explain request (image already read and checked): cache hit, or compute and respond. */
export async function explain(c: Context<AppEnv>, input: ImageInput, opts: ExplainOptions): Promise<Response> {
  const watch = new Stopwatch();
  const p = await plan(c, input, opts, watch);
  const hit = await watch.time('lookup', () => readExplanation(c.env.EXPLANATIONS, p.id));
  if (hit) return respond(c, { id: p.id, meta: hit.meta, body: hit.body, cache: 'hit' });

  const registry = c.get('registry');
  const image = await watch.time('decode', () => decodeOrThrow(input.bytes, p.manifest.input.background, limitsOf(c.env).maxPixels, limitsOf(c.env).maxDecodeBytes));
  const pre = await watch.time('preprocess', () => preprocess(image, p.manifest.input));
  const model = await watch.time('load', () => registry.load(c.env, opts.model, p.manifest));
  const computed = await watch.time('model', () => computeMaps(model.session, p.manifest, pre.data, p.compute));
  const probabilities = softmax(computed.logits);
  const first = computed.explained[0];
  const measured = p.metrics.length === 0 ? undefined
    : await watch.time('metrics', () => explanationMetrics(model.session, p.manifest, pre.data, first.map, first.target.classIndex, probabilities[first.target.classIndex], p.metrics));
  const metrics = measured?.values;
  const classIndex = first.target.classIndex;
  const layerNames = p.compute.layers.map((l) => l.name).join(',');
  const meta: ExplanationMeta = {
    contentType: opts.output === 'json' ? 'application/json' : 'image/png',
    model: opts.model, method: opts.method, layer: layerNames, classIndex,
    label: p.manifest.labels?.[classIndex] ?? null, score: probabilities[classIndex],
    ...(computed.explained.length > 1 ? { classes: computed.explained.map((e) => e.target.classIndex) } : {}),
    ...(metrics ? { metrics } : {}),
    ...(opts.output === 'json' ? {} : { width: p.size.width * computed.explained.length, height: p.size.height }),
    timings: watch.timings, created: new Date().toISOString(),
  };
  if (opts.output === 'json') {
    const targets = targetsJson(p.manifest, computed.explained, probabilities);
    const body = new TextEncoder().encode(JSON.stringify({
      id: p.id, url: storedUrl(c.env, p.id, 'json'), model: opts.model, method: meta.method, layer: meta.layer,
      class: { index: meta.classIndex, label: meta.label, score: meta.score },
      top: topK(p.manifest, computed.logits, 5), logits: [...computed.logits],
      map: mapJson(first.map), versus: targets[0].versus, counterfactual: targets[0].counterfactual,
      ...(targets.length > 1 ? { explanations: targets } : {}), ...(metrics ? { metrics } : {}),
      runs: computed.runs + (measured?.runs ?? 0), timings: watch.timings,
      embed: embedSnippets({ base: publicBase(c.env), id: p.id, isPng: false, method: meta.method, label: meta.label, classIndex: meta.classIndex, score: meta.score }),
    }));
    c.executionCtx.waitUntil(writeExplanation(c.env.EXPLANATIONS, p.id, body, meta, explanationTtlSeconds(c.env)));
    return respond(c, { id: p.id, meta, body, cache: 'miss' });
  }
  const overlay = opts.output === 'overlay';
  const rendered = await watch.time('render', () => horizontalStrip(computed.explained.map(({ map }) =>
    renderCam(map.data, map.width, map.height, { image, region: pre.region }, { ...p.size, colormap: opts.colormap, alpha: opts.alpha, overlay }))));
  const [toClient, toCache] = encodePngStream(rendered).tee();
  c.executionCtx.waitUntil(collectBytes(toCache).then((bytes) => writeExplanation(c.env.EXPLANATIONS, p.id, bytes, meta, explanationTtlSeconds(c.env))).catch(() => undefined));
  return respond(c, { id: p.id, meta, body: toClient, cache: 'miss' });
}

/** Decode the image; decoder failures that are not already ApiErrors become 422 corrupt_image. */
export async function decodeOrThrow(bytes: Uint8Array, background: [number, number, number] | undefined, maxPixels: number, maxDecodeBytes?: number): Promise<RgbImage> {
  try {
    return await decodeImage(bytes, { background, maxPixels, maxDecodeBytes });
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError(422, 'corrupt_image', 'The image could not be decoded.');
  }
}

/**
 * The service's configured public origin, or '' (relative URLs). Everything stored in the cache is built
 * from this, never from a request header: a stored body is served to every later caller.
 */
export function publicBase(env: { PUBLIC_URL?: string }): string {
  const value = (env.PUBLIC_URL ?? '').trim();
  if (!value) return '';
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : '';
  } catch {
    return '';
  }
}

/** The URL of a stored explanation for stored bodies: under PUBLIC_URL, else a relative path. */
export function storedUrl(env: { PUBLIC_URL?: string }, id: string, ext: 'png' | 'json'): string {
  const path = `/v1/explanations/${id}.${ext}`;
  const base = publicBase(env);
  return base ? new URL(path, base).href : path;
}

/** The absolute URL of a stored explanation, for this response's headers (not stored). */
export function explanationUrl(c: Context, id: string, ext: 'png' | 'json'): string {
  return new URL(`/v1/explanations/${id}.${ext}`, c.req.url).href;
}

function respond(c: Context<AppEnv>, r: ExplanationResponse): Response {
  const headers = explanationHeaders(r, explanationUrl(c, r.id, r.meta.contentType === 'image/png' ? 'png' : 'json'), isKeyed(c.env, c.req.header('authorization')));
  if (c.env.DEBUG_COUNTERS === '1') headers.set('X-Debug-Model-Runs', String(c.get('registry').runs));
  return new Response(r.body, { status: 200, headers });
}
