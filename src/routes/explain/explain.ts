/**
 * @module
 * The explanation service behind POST /v1/explain: options resolved against the manifest, the cache looked
 * up by id, and on a miss decode -> preprocess -> model run -> CAM map -> JSON or rendered PNG stream.
 */
import type { Context } from 'hono';
import { explanationId, type CanonicalOptions } from '../../cache/key.js';
import { collect, readExplanation, writeExplanation, type ExplanationMeta } from '../../cache/store.js';
import { camMethod } from '../../cam/registry.js';
import { limitsOf } from '../../env.js';
import { ApiError } from '../../errors.js';
import type { AppEnv } from '../app-env.js';
import { decodeImage, encodePngStream, preprocess, renderCam, type RgbImage } from './imaging.js';
import type { ImageInput } from './image-input.js';
import { runForExplanation } from './model-run.js';
import type { ExplainOptions } from './options.js';
import { outputSize } from './output-size.js';
import { explanationHeaders, type ExplanationResponse } from './response.js';
import { resolveClass, resolveLayer, softmax, topK } from './targets.js';

function timer(): () => number {
  const start = performance.now();
  return () => Math.round((performance.now() - start) * 10) / 10;
}

/** Handle one explain request (image already read and checked). */
export async function explain(c: Context<AppEnv>, input: ImageInput, opts: ExplainOptions): Promise<Response> {
  const registry = c.get('registry');
  const manifest = await registry.manifest(c.env, opts.model);
  const method = camMethod(opts.method)!;
  const layer = resolveLayer(manifest, opts.layer);
  const classIndex = resolveClass(manifest, opts.class);
  const size = outputSize(input.header, { width: opts.width, height: opts.height }, limitsOf(c.env).maxOutputSide);
  const canonical: CanonicalOptions = {
    modelSha256: manifest.sha256, method: method.name, layer: layer.name, classIndex, output: opts.output,
    colormap: opts.colormap, alpha: opts.alpha, ...size,
  };
  const id = await explanationId(c.env.CACHE_SECRET, input.bytes, canonical);
  const hit = await readExplanation(c.env.EXPLANATIONS, id);
  if (hit) return respond(c, { id, meta: hit.meta, body: hit.body, cache: 'hit' });

  const timings: Record<string, number> = {};
  let t = timer();
  const image = await decodeOrThrow(input.bytes, manifest.input.background, limitsOf(c.env).maxPixels);
  timings.decode = t();
  t = timer();
  const tensor = preprocess(image, manifest.input);
  timings.preprocess = t();
  t = timer();
  const model = await registry.load(c.env, opts.model, manifest);
  timings.load = t();
  t = timer();
  const run = await runForExplanation(model.session, manifest, layer, tensor, classIndex);
  timings.model = t();
  t = timer();
  const map = method.map(run);
  timings.cam = t();
  const meta: ExplanationMeta = {
    contentType: opts.output === 'json' ? 'application/json' : 'image/png',
    model: opts.model, method: method.name, layer: layer.name, classIndex: run.classIndex,
    label: manifest.labels?.[run.classIndex] ?? null, score: softmax(run.logits)[run.classIndex],
    ...(opts.output === 'json' ? {} : size), timings, created: new Date().toISOString(),
  };
  if (opts.output === 'json') {
    const body = new TextEncoder().encode(JSON.stringify({
      id, url: explanationUrl(c, id, 'json'), model: opts.model, method: method.name, layer: layer.name,
      class: { index: meta.classIndex, label: meta.label, score: meta.score },
      top: topK(manifest, run.logits, 5), logits: [...run.logits],
      map: { shape: [run.height, run.width], data: [...map] }, timings,
    }));
    c.executionCtx.waitUntil(writeExplanation(c.env.EXPLANATIONS, id, body, meta));
    return respond(c, { id, meta, body, cache: 'miss', runs: run.runs });
  }
  t = timer();
  const rendered = renderCam(map, run.width, run.height, image, { ...size, colormap: opts.colormap, alpha: opts.alpha, overlay: opts.output === 'overlay' });
  timings.render = t();
  const [toClient, toCache] = encodePngStream(rendered).tee();
  c.executionCtx.waitUntil(collect(toCache).then((bytes) => writeExplanation(c.env.EXPLANATIONS, id, bytes, meta)).catch(() => undefined));
  return respond(c, { id, meta, body: toClient, cache: 'miss', runs: run.runs });
}

/** Decode the image; decoder failures that are not already ApiErrors become 422 corrupt_image. */
export async function decodeOrThrow(bytes: Uint8Array, background: [number, number, number] | undefined, maxPixels: number): Promise<RgbImage> {
  try {
    return await decodeImage(bytes, { background, maxPixels });
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError(422, 'corrupt_image', 'The image could not be decoded.');
  }
}

/** The absolute URL of a stored explanation. */
export function explanationUrl(c: Context, id: string, ext: 'png' | 'json'): string {
  return new URL(`/v1/explanations/${id}.${ext}`, c.req.url).href;
}

function respond(c: Context<AppEnv>, r: ExplanationResponse): Response {
  const headers = explanationHeaders(r, explanationUrl(c, r.id, r.meta.contentType === 'image/png' ? 'png' : 'json'));
  if (c.env.DEBUG_COUNTERS === '1') headers.set('X-Debug-Model-Runs', String(c.get('registry').runs));
  return new Response(r.body, { status: 200, headers });
}
