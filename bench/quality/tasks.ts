/**
 * @module
 * `npm run quality:tasks`: known-answer checks for the shipped scene detector and segmenter on held-out
 * multi-object scenes (bench/quality/task-scenes.ts), through the service's own task path
 * (src/explain/task-explain.ts: forward run, target from the output, gradient run, CAM method) in
 * onnxruntime-web, every CAM method the task requests accept. Maps are scored as the service renders them
 * (min-max scaled, bilinear to the input size: src/image unitMap).
 * - detection: each detection matched to an object (same class, IoU >= 0.5) is explained with `box=i`; the
 *   share of the map's mass inside its own object's box, inside the other objects' boxes (scenes with two or
 *   more objects: discriminativeness between detections), and the pointing game on its box;
 * - segmentation: each object's class (`class=`, the model's own argmax segment) is explained; the map's
 *   energy inside the object's mask (energy-based pointing game) and box, inside the other objects' masks,
 *   and the pointing game on the mask.
 * Also the models' own accuracy on these scenes after the service's decoding. Writes the section between the
 * `task-quality`, `task-quality-detect` and `task-quality-segment` markers of docs/quality.md (with `--write`).
 *
 * Usage: npx tsx bench/quality/tasks.ts [--scenes 200] [--models models] [--only detect|segment] [--write]
 */
import { readFileSync } from 'node:fs';
import { writeDoc } from '../write-doc.js';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nodeRunner } from '../../cli/ort-node.js';
import { camMethod } from '../../src/cam/registry.js';
import type { ComputeRequest } from '../../src/explain/compute.js';
import { ModelFeed } from '../../src/explain/model-feed.js';
import { explainTaskImage } from '../../src/explain/task-explain.js';
import { unitMap } from '../../src/image/index.js';
import type { Manifest, TaskSpec } from '../../src/manifest.js';
import { energyInside, massInside, pointingHit, type FloatMap } from '../../src/quality/index.js';
import type { TaskRequest } from '../../src/tasks/resolve.js';
import { detectionLines, segmentationLines, TaskTally } from './task-report.js';
import { areaShare, matchDetections, taskScene, unionMask, type TaskScene } from './task-scenes.js';

/** The CAM methods task requests accept (docs/explain-options.md: not scorecam, smoothgradcam++). */
export const TASK_METHODS = ['gradcam', 'gradcam++', 'hirescam', 'xgradcam', 'layercam', 'eigencam', 'eigengradcam', 'normgrad'];

const ROOT = join(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    scenes: { type: 'string', default: '200' },
    models: { type: 'string', default: 'models' },
    only: { type: 'string' },
    write: { type: 'boolean', default: false },
  },
});
const SCENES = Number(values.scenes);

interface Loaded {
  id: string;
  manifest: Manifest;
  task: TaskSpec;
  feed: ModelFeed;
  sha: string;
}

async function load(id: string): Promise<Loaded> {
  const manifest = JSON.parse(readFileSync(join(ROOT, values.models, `${id}.json`), 'utf8')) as Manifest;
  const bytes = new Uint8Array(readFileSync(join(ROOT, values.models, `${id}.onnx`)));
  const { createHash } = await import('node:crypto');
  const sha = createHash('sha256').update(bytes).digest('hex');
  return { id, manifest, task: manifest.task!, feed: new ModelFeed(await nodeRunner().createSession(bytes), manifest), sha };
}

function compute(m: Loaded, method: string): ComputeRequest {
  const layer = m.manifest.layers.find((l) => l.default) ?? m.manifest.layers[0]!;
  return {
    method: { kind: 'cam', cam: camMethod(method)! },
    layers: [layer],
    combine: 'mean',
    aug: 'none',
    targets: [],
    n: 8,
    sigma: 0.15,
  };
}

async function explain(m: Loaded, scene: TaskScene, method: string, request: TaskRequest) {
  const size = scene.size;
  const geometry = {
    region: { x: 0, y: 0, width: size, height: size },
    inputWidth: size,
    inputHeight: size,
    imageWidth: size,
    imageHeight: size,
  };
  const e = await explainTaskImage(m.feed, scene.input, m.task, compute(m, method), request, { labels: m.manifest.labels, geometry });
  const raw = e.explained[0]!.map;
  return { e, map: unitMap([raw], size, size) as FloatMap };
}

async function detection(m: Loaded, tally: TaskTally): Promise<void> {
  for (let i = 0; i < SCENES; i++) {
    const scene = taskScene(i, m.manifest);
    const first = await explain(m, scene, 'gradcam', { box: '0' }).catch(() => null);
    const dets = first?.e.summary.task === 'detect' ? first.e.summary.detections : [];
    const match = matchDetections(
      dets.map((d) => ({ classIndex: d.classIndex, box: d.box })),
      scene.objects,
    );
    tally.accuracy(scene.objects.length, dets.length, match.filter((k) => k >= 0).length);
    // conf=0.5: the same list filtered (greedy per-class NMS only lets better boxes suppress, so this equals a run at 0.5)
    const confident = dets.filter((d) => d.score > 0.5);
    const confidentMatch = matchDetections(confident, scene.objects);
    tally.accuracy(scene.objects.length, confident.length, confidentMatch.filter((k) => k >= 0).length, 0.5);
    for (const [d, k] of match.entries()) {
      if (k < 0) continue;
      const own = scene.objects[k]!;
      const others = scene.objects.filter((_, j) => j !== k);
      const otherBoxes = unionMask(
        others.map((o) => o.boxMask),
        scene.size,
      );
      for (const method of TASK_METHODS) {
        const { map } = await explain(m, scene, method, { box: String(d) });
        const total = massInside(map, null);
        tally.add(method, {
          own: energyInside(map, own.boxMask),
          other: others.length && total > 0 ? massInside(map, otherBoxes) / total : null,
          hit: pointingHit(map, own.boxMask),
          ownArea: areaShare(own.boxMask),
          otherArea: others.length ? areaShare(otherBoxes) : null,
        });
      }
    }
  }
}

async function segmentation(m: Loaded, tally: TaskTally): Promise<void> {
  const background = m.task.kind === 'segment' ? (m.task.background ?? 0) : 0;
  for (let i = 0; i < SCENES; i++) {
    const scene = taskScene(i, m.manifest);
    tally.confusion(await m.feed.output(scene.input), scene, background);
    for (const own of scene.objects) {
      const c = own.classIndex + (background === 0 ? 1 : 0);
      const others = scene.objects.filter((o) => o !== own);
      const otherMasks = unionMask(
        others.map((o) => o.mask),
        scene.size,
      );
      // The gradient methods need the model's own segment of the class: skip objects whose class its argmax misses.
      const present = await explain(m, scene, 'gradcam', { classIndex: c }).catch(() => null);
      if (!present) {
        tally.missing();
        continue;
      }
      for (const method of TASK_METHODS) {
        const r = method === 'gradcam' ? present : await explain(m, scene, method, { classIndex: c });
        const total = massInside(r.map, null);
        tally.add(method, {
          own: energyInside(r.map, own.mask),
          ownBox: energyInside(r.map, own.boxMask),
          other: others.length && total > 0 ? massInside(r.map, otherMasks) / total : null,
          hit: pointingHit(r.map, own.mask),
          ownArea: areaShare(own.mask),
          otherArea: others.length ? areaShare(otherMasks) : null,
        });
      }
    }
  }
}

const started = performance.now();
const detector = await load('scenes-detector');
const det = new TaskTally();
if (values.only !== 'segment') await detection(detector, det);
const segmenter = await load('scenes-segmenter');
const seg = new TaskTally(segmenter.task.kind === 'segment' ? segmenter.task.classes : 0);
if (values.only !== 'detect') await segmentation(segmenter, seg);
const seconds = (performance.now() - started) / 1000;
const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
const header = [
  '## Scene detector and segmenter: known answers (`npm run quality:tasks`)',
  '',
  "Held-out multi-object scenes (one to three objects of different classes, seeds from 7,000,000; src/scenes kind 'multi'), 128 px, the shipped int8 models through onnxruntime-web and the service's task path (src/explain/task-explain.ts). Maps as the service renders them (min-max scaled, bilinear to 128 px). Each part below is written by `npm run quality:tasks -- --write [--only detect|segment]`.",
];
const run = `${SCENES} scenes (seeds 7000000..${7_000_000 + SCENES - 1}), ${seconds.toFixed(0)} s on ${when} UTC.`;
/** Sections by marker name; with --only, one of the two parts. */
const sections: [string, string[]][] = [['task-quality', header]];
if (values.only !== 'segment') sections.push(['task-quality-detect', [...detectionLines(detector, det), '', run]]);
if (values.only !== 'detect') sections.push(['task-quality-segment', [...segmentationLines(segmenter, seg), '', run]]);
const marked = (name: string, lines: string[]) =>
  [`<!-- ${name}:start (npm run quality:tasks) -->`, ...lines, `<!-- ${name}:end -->`].join('\n');
for (const [, lines] of sections) console.log(`${lines.join('\n')}\n`);
if (values.write) {
  const docPath = join(ROOT, 'docs/quality.md');
  let doc = readFileSync(docPath, 'utf8');
  for (const [name, lines] of sections) {
    const [open, close] = [`<!-- ${name}:start`, `<!-- ${name}:end -->`];
    const start = doc.indexOf(open),
      end = doc.indexOf(close);
    doc =
      start >= 0 && end > start
        ? doc.slice(0, start) + marked(name, lines) + doc.slice(end + close.length)
        : `${doc.trimEnd()}\n\n${marked(name, lines)}\n`;
  }
  writeDoc(docPath, doc);
}
