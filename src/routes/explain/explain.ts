/**
 * @module
 * The explanation service behind POST /v1/explain: options resolved against the manifest (request-plan.ts),
 * the cache looked up by id, and on a miss decode -> preprocess -> the engine (src/explain: one map per
 * target; top=k shares one forward pass; optional metrics) -> JSON, or a rendered PNG (png-output.ts; k
 * panels side by side for top=k).
 */
import type { Context } from 'hono';
import { explanationId } from '../../cache/key.js';
import { readExplanation, writeExplanation, type ExplanationMeta } from '../../cache/store.js';
import { manifestDigest } from '../../cache/manifest-digest.js';
import { explanationTtlSeconds } from '../../cache/ttl.js';
import { limitsOf } from '../../env.js';
import { requestCost, type RequestCost } from '../../explain/cost.js';
import { explainImage, type Explanation } from '../../explain/explain.js';
import { chargeRequestCost } from '../access-policy.js';
import { checkCost, costBudget } from './cost-budget.js';
import { topK } from '../../explain/scores.js';
import { targetSentence } from '../../explain/units.js';
import { preprocess, preprocessSpecOf, type PreprocessedImage, type RgbImage } from '../../image/index.js';
import type { Manifest } from '../../manifest.js';
import type { AppEnv } from '../app-env.js';
import { embedSnippets } from '../embed.js';
import { decodeOrThrow, type ImageInput } from './image-input.js';
import { explanationHead, mapJson, targetsJson, unitsJson } from './json-body.js';
import type { ExplainOptions } from './options.js';
import { explanationPng } from './png-output.js';
import { planRequest, type RequestPlan } from './request-plan.js';
import { explanationHeaders, explanationUrl, isKeyed, type ExplanationResponse } from './response.js';
import { publicBase } from './stored-url.js';
import { Stopwatch } from './stopwatch.js';
import { taskResponse, type TaskResponse } from './task-response.js';

/** What a request asks for, resolved against the model's manifest, with its id. */
interface Plan extends RequestPlan {
  /** What computing it will spend (known before running; charged to the rate limit on a miss). */
  cost: RequestCost;
  manifest: Manifest;
  id: string;
}

async function plan(c: Context<AppEnv>, input: ImageInput, opts: ExplainOptions, watch: Stopwatch): Promise<Plan> {
  const manifest = await c.get('registry').manifest(c.env, opts.model);
  const p = planRequest(manifest, await manifestDigest(manifest), opts, input.header, limitsOf(c.env).maxOutputSide);
  const cost = requestCost(manifest, p.compute, p.metrics);
  checkCost(cost, costBudget(c.env));
  const id = await watch.time('id', () => explanationId(c.env.CACHE_SECRET, input.bytes, p.canonical));
  return { ...p, manifest, id, cost };
}

/** Handle one explain request (image already read and checked): cache hit, or compute and respond. */
export async function explain(c: Context<AppEnv>, input: ImageInput, opts: ExplainOptions): Promise<Response> {
  const watch = new Stopwatch();
  const p = await plan(c, input, opts, watch);
  const hit = await watch.time('lookup', () => readExplanation(c.env.EXPLANATIONS, p.id));
  if (hit) return respond(c, { id: p.id, meta: hit.meta, body: hit.body, cache: 'hit' });
  await chargeRequestCost(c, p.cost.units);

  const image = await watch.time('decode', () =>
    decodeOrThrow(input.bytes, p.manifest.input.background, limitsOf(c.env).maxPixels, limitsOf(c.env).maxDecodeBytes),
  );
  const pre = await watch.time('preprocess', () => preprocess(image, preprocessSpecOf(p.manifest.input)));
  const model = await watch.time('load', () => c.get('registry').load(c.env, opts.model, p.manifest));
  if (p.task) return finish(c, p.id, await taskResponse(c, { ...p, task: p.task }, opts, watch, model.feed, image, pre));
  const e = await explainImage(model.feed, pre.data, { compute: p.compute, metrics: p.metrics }, (name, stage) => watch.time(name, stage));
  const classIndex = e.explained[0].target.classIndex;
  const text = p.compute.units ? targetSentence(p.manifest, p.compute, e.explained[0], e.probabilities) : undefined;
  const meta: ExplanationMeta = {
    contentType: opts.output === 'json' ? 'application/json' : 'image/png',
    model: opts.model,
    method: opts.method,
    layer: p.compute.layers.map((l) => l.name).join(','),
    classIndex,
    label: p.manifest.labels?.[classIndex] ?? null,
    score: e.probabilities[classIndex],
    ...(e.explained.length > 1 ? { classes: e.explained.map((x) => x.target.classIndex) } : {}),
    ...(e.metrics ? { metrics: e.metrics } : {}),
    ...(text ? { text } : {}),
    ...(opts.output === 'json' ? {} : { width: p.size.width * e.explained.length, height: p.size.height }),
    timings: watch.timings,
    created: new Date().toISOString(),
  };
  const body = opts.output === 'json' ? jsonBody(c, p, meta, e) : await pngBody(watch, p, opts, image, pre, e);
  return finish(c, p.id, { meta, body });
}

/** Respond with a computed explanation and store it in the cache off the response path. */
function finish(c: Context<AppEnv>, id: string, { meta, body }: TaskResponse): Response {
  c.executionCtx.waitUntil(writeExplanation(c.env.EXPLANATIONS, id, body, meta, explanationTtlSeconds(c.env)));
  return respond(c, { id, meta, body, cache: 'miss' });
}

function jsonBody(c: Context<AppEnv>, p: Plan, meta: ExplanationMeta, e: Explanation): Uint8Array {
  const targets = targetsJson(p.manifest, e.explained, e.probabilities);
  return new TextEncoder().encode(
    JSON.stringify({
      ...explanationHead(c.env, p.id, meta),
      class: { index: meta.classIndex, label: meta.label, score: meta.score },
      top: topK(p.manifest, e.logits, 5),
      logits: [...e.logits],
      map: mapJson(e.explained[0].map),
      versus: targets[0].versus,
      counterfactual: targets[0].counterfactual,
      ...(targets.length > 1 ? { explanations: targets } : {}),
      ...(e.metrics ? { metrics: e.metrics } : {}),
      units: unitsJson(e.explained[0].units?.slice(0, p.listUnits)),
      text: meta.text ?? null,
      runs: e.runs,
      cost: p.cost.units,
      timings: meta.timings,
      embed: embedSnippets({
        base: publicBase(c.env),
        id: p.id,
        isPng: false,
        method: meta.method,
        label: meta.label,
        classIndex: meta.classIndex,
        score: meta.score,
      }),
    }),
  );
}

async function pngBody(
  watch: Stopwatch,
  p: Plan,
  opts: ExplainOptions,
  image: RgbImage,
  pre: PreprocessedImage,
  e: Explanation,
): Promise<Uint8Array> {
  const overlay = opts.output === 'overlay';
  return watch.time('render', () =>
    explanationPng(
      e.explained.map(({ map }) => map),
      { image, region: pre.region },
      { ...p.size, colormap: opts.colormap, alpha: opts.alpha, overlay },
    ),
  );
}

function respond(c: Context<AppEnv>, r: ExplanationResponse): Response {
  const headers = explanationHeaders(
    r,
    explanationUrl(c, r.id, r.meta.contentType === 'image/png' ? 'png' : 'json'),
    isKeyed(c.env, c.req.header('authorization')),
  );
  if (c.env.DEBUG_COUNTERS === '1') headers.set('X-Debug-Model-Runs', String(c.get('registry').runs));
  return new Response(r.body, { status: 200, headers });
}
