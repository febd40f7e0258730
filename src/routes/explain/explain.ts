/**
 * @module
 * The explanation service behind POST /v1/explain: options resolved against the manifest, the cache looked
 * up by id, and on a miss decode -> preprocess -> model run -> CAM map -> JSON or rendered PNG stream.
 */
import type { Context } from 'hono';
import { explanationId, type CanonicalOptions } from '../../cache/key.js';
import { readExplanation, writeExplanation, type ExplanationMeta } from '../../cache/store.js';
import { camMethod, type CamMethod } from '../../cam/registry.js';
import { limitsOf } from '../../env.js';
import { ApiError } from '../../errors.js';
import type { LayerSpec, Manifest } from '../../manifest.js';
import type { AppEnv } from '../app-env.js';
import { embedSnippets } from '../embed.js';
import { collectBytes, decodeImage, encodePngStream, preprocess, renderCam, type RgbImage } from './imaging.js';
import type { ImageInput } from './image-input.js';
import { modelAccess } from './batch-run.js';
import { runForExplanation } from './model-run.js';
import type { ExplainOptions } from './options.js';
import { outputSize, type Size } from './output-size.js';
import { explanationHeaders, type ExplanationResponse } from './response.js';
import { Stopwatch } from './stopwatch.js';
import { resolveClass, resolveLayer, softmax, topK } from './targets.js';

/** What a request asks for, resolved against the model's manifest. */
interface Plan {
  manifest: Manifest;
  method: CamMethod;
  layer: LayerSpec;
  classIndex: number | null;
  size: Size;
  id: string;
}

async function plan(c: Context<AppEnv>, input: ImageInput, opts: ExplainOptions, watch: Stopwatch): Promise<Plan> {
  const manifest = await c.get('registry').manifest(c.env, opts.model);
  const method = camMethod(opts.method)!.withParams({ n: opts.n, sigma: opts.sigma });
  const layer = resolveLayer(manifest, opts.layer);
  const classIndex = resolveClass(manifest, opts.class);
  const size = outputSize(input.header, { width: opts.width, height: opts.height }, limitsOf(c.env).maxOutputSide);
  const canonical: CanonicalOptions = {
    modelSha256: manifest.sha256, method: method.key, layer: layer.name, classIndex, output: opts.output,
    colormap: opts.colormap, alpha: opts.alpha, ...size,
  };
  const id = await watch.time('id', () => explanationId(c.env.CACHE_SECRET, input.bytes, canonical));
  return { manifest, method, layer, classIndex, size, id };
}

/** Handle one explain request (image already read and checked): cache hit, or compute and respond. */
export async function explain(c: Context<AppEnv>, input: ImageInput, opts: ExplainOptions): Promise<Response> {
  const watch = new Stopwatch();
  const p = await plan(c, input, opts, watch);
  const hit = await watch.time('lookup', () => readExplanation(c.env.EXPLANATIONS, p.id));
  if (hit) return respond(c, { id: p.id, meta: hit.meta, body: hit.body, cache: 'hit' });

  const registry = c.get('registry');
  const image = await watch.time('decode', () => decodeOrThrow(input.bytes, p.manifest.input.background, limitsOf(c.env).maxPixels));
  const pre = await watch.time('preprocess', () => preprocess(image, p.manifest.input));
  const model = await watch.time('load', () => registry.load(c.env, opts.model, p.manifest));
  const run = await watch.time('model', () => runForExplanation(model.session, p.manifest, p.layer, pre.data, p.classIndex));
  const access = p.method.needsModel ? modelAccess(model.session, p.manifest, p.layer, pre.data, run.classIndex) : undefined;
  const map = await watch.time('cam', () => p.method.explain(run, access));
  const meta: ExplanationMeta = {
    contentType: opts.output === 'json' ? 'application/json' : 'image/png',
    model: opts.model, method: p.method.name, layer: p.layer.name, classIndex: run.classIndex,
    label: p.manifest.labels?.[run.classIndex] ?? null, score: softmax(run.logits)[run.classIndex],
    ...(opts.output === 'json' ? {} : p.size), timings: watch.timings, created: new Date().toISOString(),
  };
  if (opts.output === 'json') {
    const body = new TextEncoder().encode(JSON.stringify({
      id: p.id, url: explanationUrl(c, p.id, 'json'), model: opts.model, method: meta.method, layer: meta.layer,
      class: { index: meta.classIndex, label: meta.label, score: meta.score },
      top: topK(p.manifest, run.logits, 5), logits: [...run.logits],
      map: { shape: [run.height, run.width], data: [...map] }, timings: watch.timings,
      embed: embedSnippets({ base: c.req.url, id: p.id, isPng: false, method: meta.method, label: meta.label, classIndex: meta.classIndex, score: meta.score }),
    }));
    c.executionCtx.waitUntil(writeExplanation(c.env.EXPLANATIONS, p.id, body, meta));
    return respond(c, { id: p.id, meta, body, cache: 'miss' });
  }
  const overlay = opts.output === 'overlay';
  const rendered = await watch.time('render', () => renderCam(map, run.width, run.height, { image, region: pre.region }, { ...p.size, colormap: opts.colormap, alpha: opts.alpha, overlay }));
  const [toClient, toCache] = encodePngStream(rendered).tee();
  c.executionCtx.waitUntil(collectBytes(toCache).then((bytes) => writeExplanation(c.env.EXPLANATIONS, p.id, bytes, meta)).catch(() => undefined));
  return respond(c, { id: p.id, meta, body: toClient, cache: 'miss' });
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
