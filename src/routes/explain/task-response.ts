/**
 * @module
 * The response of an explain request on a segmentation, detection or embedding model: the engine's task path
 * (src/explain/task-explain.ts), then JSON (the map, the explained target and what the output says: classes
 * present with their shares, detections in image pixels) or the overlay/heatmap PNG of the map; the overlay
 * draws the explained box and its label, or the explained segment's outline (task-overlay.ts).
 */
import type { Context } from 'hono';
import type { ExplanationMeta, TaskTargetMeta } from '../../cache/store.js';
import { explainTaskImage, type TaskExplanation } from '../../explain/task-explain.js';
import type { ModelFeed } from '../../explain/model-feed.js';
import type { PreprocessedImage, RgbImage } from '../../image/index.js';
import type { Manifest, TaskSpec } from '../../manifest.js';
import type { TaskRequest, TaskSummary } from '../../tasks/resolve.js';
import type { AppEnv } from '../app-env.js';
import type { TaskExplanationJson } from '../task-schemas.js';
import { explanationHead, mapJson } from './json-body.js';
import { explanationPng } from './png-output.js';
import type { ExplainOptions } from './options.js';
import type { RequestPlan } from './request-plan.js';
import type { Stopwatch } from './stopwatch.js';
import { taskAnnotation } from './task-overlay.js';

/** The computed body and its metadata. */
export interface TaskResponse {
  meta: ExplanationMeta;
  body: Uint8Array;
}

/**
 * @example
 * const { meta, body } = await taskResponse(c, plan, opts, watch, model.feed, image, pre);
 */
export async function taskResponse(
  c: Context<AppEnv>,
  p: RequestPlan & { manifest: Manifest; id: string; task: { spec: TaskSpec; request: TaskRequest } },
  opts: ExplainOptions,
  watch: Stopwatch,
  feed: ModelFeed,
  image: RgbImage,
  pre: PreprocessedImage,
): Promise<TaskResponse> {
  const { width: inputWidth, height: inputHeight } = feed.inputSize;
  const geometry = { region: pre.region, inputWidth, inputHeight, imageWidth: image.width, imageHeight: image.height };
  const e = await watch.time('model', () =>
    explainTaskImage(feed, pre.data, p.task.spec, p.compute, p.task.request, { labels: p.manifest.labels, geometry }),
  );
  const label = e.classIndex >= 0 ? (p.manifest.labels?.[e.classIndex] ?? null) : null;
  const meta: ExplanationMeta = {
    contentType: opts.output === 'json' ? 'application/json' : 'image/png',
    model: opts.model,
    method: opts.method,
    layer: p.compute.layers.map((l) => l.name).join(','),
    classIndex: e.classIndex,
    label,
    score: e.score,
    target: targetMeta(e.summary),
    ...(opts.output === 'json' ? {} : { width: p.size.width, height: p.size.height }),
    timings: watch.timings,
    created: new Date().toISOString(),
  };
  if (opts.output === 'json') return { meta, body: jsonBody(c, p, meta, e) };
  const body = await watch.time('render', async () =>
    explanationPng(
      [e.explained[0]!.map],
      { image, region: pre.region },
      {
        ...p.size,
        colormap: opts.colormap,
        alpha: opts.alpha,
        overlay: opts.output === 'overlay',
        annotate: taskAnnotation(p.task.spec, e.summary, e.target, pre.region),
      },
    ),
  );
  return { meta, body };
}

/** What the stored metadata keeps of the target (badges name the explained box). */
function targetMeta(s: TaskSummary): TaskTargetMeta {
  if (s.task === 'detect') return { task: 'detect', box: s.box };
  if (s.task === 'segment') return { task: 'segment' };
  return { task: 'embed', target: s.target, ...(s.index !== undefined ? { index: s.index } : {}) };
}

function jsonBody(c: Context<AppEnv>, p: { id: string; task: { spec: TaskSpec } }, meta: ExplanationMeta, e: TaskExplanation): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({
      ...explanationHead(c.env, p.id, meta),
      task: e.summary.task,
      class: { index: meta.classIndex, label: meta.label, score: meta.score },
      target: e.summary,
      map: mapJson(e.explained[0]!.map),
      runs: e.runs,
      timings: meta.timings,
    } satisfies TaskExplanationJson),
  );
}
