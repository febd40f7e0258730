/**
 * Default segmentation and detection targets built inside the prepared graph (manifest `seed.task`):
 * one run gives exactly the maps, summaries and scores of the external-seed path (a model prepared without
 * in-graph targets: forward run, decode, seeded run), the gradients match PyTorch autograd
 * (test/fixtures/tasks), and detection 0 after NMS is always the highest-scoring anchor, which is the one
 * the graph picks (all three YOLO layouts, objectness included).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeRunner } from '../../cli/ort-node.js';
import { camMethod } from '../../src/cam/registry.js';
import type { ComputeRequest } from '../../src/explain/compute.js';
import { requestCost } from '../../src/explain/cost.js';
import { taskTargetFeeds } from '../../src/explain/in-graph-task-targets.js';
import { ModelFeed, ownSeedFeeds } from '../../src/explain/model-feed.js';
import { explainTaskImage } from '../../src/explain/task-explain.js';
import type { Manifest } from '../../src/manifest.js';
import { makeNode } from '../../src/onnx/nodes.js';
import { makeInt64Tensor } from '../../src/onnx/tensor.js';
import { prepare, type PrepareOptions } from '../../src/prepare/index.js';
import { pearson } from '../../src/quality/rank-correlation.js';
import { DEFAULT_DETECT_OPTIONS, detect } from '../../src/tasks/detections.js';
import { fieldIndex, headerLength, type DetectFormat, type DetectLayout } from '../../src/tasks/detect-format.js';
import type { TaskRequest } from '../../src/tasks/resolve.js';
import { buildModel, encodeModel, randomFloats, randomTensor, valueInfo } from '../prepare/model-builder.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/tasks');
const runner = nodeRunner();
const f32 = (file: string) => {
  const b = readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
interface Fixture {
  seeds: { classIndex?: number; region?: number[] | null }[];
  layers: { tensor: string; role: string; gradients: string[] }[];
}

/** The same source prepared with (one run) and without (external seed, as before) in-graph targets. */
async function bothWays(bytes: Uint8Array, options: PrepareOptions): Promise<{ one: ModelFeed; old: ModelFeed }> {
  const feedOf = async (targetSelection: boolean) => {
    const { model, manifest } = await prepare(bytes, { ...options, targetSelection }, runner);
    return new ModelFeed(await runner.createSession(model), manifest);
  };
  const one = await feedOf(true);
  const old = await feedOf(false);
  expect(one.manifest.seed.task).toBeDefined();
  expect(old.manifest.seed.task).toBeUndefined();
  return { one, old };
}

function compute(feed: ModelFeed, method: string, layer: string): ComputeRequest {
  return {
    method: { kind: 'cam', cam: camMethod(method)! },
    layers: [feed.manifest.layers.find((l) => l.name === layer)!],
    combine: 'mean',
    aug: 'none',
    targets: { classIndex: null, top: 1, counterfactual: false, versus: null },
    n: 0,
    sigma: 0,
  };
}

/** Explain `request` on both models with each method: identical answers, 1 run (or `runs`) against 2, as the cost says. */
async function expectSameAnswers(
  feeds: { one: ModelFeed; old: ModelFeed },
  input: Float32Array,
  request: TaskRequest,
  layer: string,
  runs = 1,
): Promise<void> {
  const { width, height } = feeds.one.inputSize;
  const geometry = {
    region: { x: 0, y: 0, width, height },
    inputWidth: width,
    inputHeight: height,
    imageWidth: width,
    imageHeight: height,
  };
  for (const method of ['gradcam', 'layercam', 'gradcam++']) {
    const explain = (feed: ModelFeed) =>
      explainTaskImage(feed, input, feed.manifest.task!, compute(feed, method, layer), request, { labels: null, geometry });
    const [a, b] = [await explain(feeds.one), await explain(feeds.old)];
    expect([a.runs, b.runs], `${method} runs`).toEqual([runs, 2]);
    // the cost accounting plans the same runs (run-plan.ts)
    const cost = (feed: ModelFeed) => requestCost(feed.manifest, { ...compute(feed, method, layer), task: request }, []).runs;
    expect([cost(feeds.one), cost(feeds.old)]).toEqual([runs, 2]);
    expect(a.summary).toEqual(b.summary);
    expect([a.classIndex, a.score]).toEqual([b.classIndex, b.score]);
    expect(Array.from(a.explained[0]!.map.data), `${method} map`).toEqual(Array.from(b.explained[0]!.map.data));
  }
}

/** G at `layer` from one run with the in-graph target of `request`. */
async function gradients(feed: ModelFeed, input: Float32Array, request: TaskRequest, layer: string): Promise<Float32Array> {
  const m = feed.manifest;
  const spec = m.layers.find((l) => l.name === layer)!;
  const { width, height } = feed.inputSize;
  const graph = taskTargetFeeds(m, request, width, height);
  const out = await feed.session.run(
    { ...ownSeedFeeds(m), [m.input.name]: feed.images(input), [m.seed.name]: feed.zeroRows(0), ...graph.feeds },
    [spec.gradient],
  );
  return out[spec.gradient]!.data as Float32Array;
}

describe('in-graph task targets on the PyTorch fixtures', () => {
  for (const name of ['lraspp', 'deeplab', 'yolo'] as const) {
    it(`${name}: one run answers as the external seed does; G matches autograd (r >= 0.999)`, async () => {
      const dir = join(FIXTURES, name);
      const fx = JSON.parse(readFileSync(join(dir, 'fixture.json'), 'utf8')) as Fixture;
      const input = f32(join(dir, 'input.bin'));
      const feeds = await bothWays(new Uint8Array(readFileSync(join(dir, 'model.onnx'))), { layers: fx.layers.map((l) => l.tensor) });
      const requests: TaskRequest[] = name === 'yolo' ? [{}, { box: '0', conf: '0.3' }] : [{}];
      const s1 = fx.seeds[1]!;
      if (name !== 'yolo') requests.push({ classIndex: s1.classIndex!, region: s1.region!.join(',') });
      for (const layer of fx.layers) {
        for (const r of requests) await expectSameAnswers(feeds, input, r, layer.tensor);
        // the fixture's seed 0 is the default target, seed 1 the region (segment)
        const own = [{}, ...(name === 'yolo' ? [] : [requests[requests.length - 1]!])];
        for (const [row, r] of own.entries()) {
          const g = await gradients(feeds.one, input, r, layer.tensor);
          expect(pearson(g, f32(join(dir, layer.gradients[row]!))), `${layer.role} G${row}`).toBeGreaterThanOrEqual(0.999);
        }
      }
      if (name === 'yolo') await expectSameAnswers(feeds, input, { box: '1' }, 'default', 2);
      else {
        // another class present than the default: still one run
        const { width, height } = feeds.one.inputSize;
        const geometry = {
          region: { x: 0, y: 0, width, height },
          inputWidth: width,
          inputHeight: height,
          imageWidth: width,
          imageHeight: height,
        };
        const e = await explainTaskImage(
          feeds.old,
          input,
          feeds.old.manifest.task!,
          compute(feeds.old, 'layercam', 'default'),
          {},
          {
            labels: null,
            geometry,
          },
        );
        const other = e.summary.task === 'segment' ? e.summary.classes.find((c) => c.classIndex !== e.classIndex) : undefined;
        if (other) await expectSameAnswers(feeds, input, { classIndex: other.classIndex }, 'default');
      }
    });
  }
});

/** A tiny detector: 1x1 conv 'feat' [1, 3, 8, 8], reshaped to [1, 24, 8] anchors-first and squashed by a sigmoid. */
function tinyDetector(): Uint8Array {
  return encodeModel(
    buildModel({
      inputs: [valueInfo('input', [1, 3, 8, 8])],
      outputs: [valueInfo('output', [1, 24, 8])],
      initializers: [randomTensor('w', [3, 3, 1, 1], 7, 2), makeInt64Tensor('shape', [3], [1, 24, 8])],
      nodes: [
        makeNode('Conv', ['input', 'w'], ['feat'], {}, 'conv'),
        makeNode('Reshape', ['feat', 'shape'], ['flat'], {}, 'reshape'),
        makeNode('Sigmoid', ['flat'], ['output'], {}, 'sigmoid'),
      ],
    }),
  );
}

describe('the top detection in the graph, for the anchors-first layouts', () => {
  for (const layout of ['anchors-first', 'anchors-first-objectness'] as DetectLayout[]) {
    it(`${layout}: the graph's anchor and class are detection 0's, and the maps equal the external seed's`, async () => {
      const feeds = await bothWays(tinyDetector(), { task: 'detect', detectLayout: layout, layers: ['feat'] });
      let checked = 0;
      for (let seed = 1; seed <= 12; seed++) {
        const input = randomFloats(3 * 8 * 8, seed, 2);
        const m = feeds.one.manifest;
        const out = await feeds.one.session.run(
          {
            ...ownSeedFeeds(m),
            [m.input.name]: feeds.one.images(input),
            [m.seed.name]: feeds.one.zeroRows(0),
            ...taskTargetFeeds(m, {}, 8, 8).feeds,
          },
          [m.logits.name, m.seed.task!.chosenClass, m.seed.task!.chosenAnchor!],
        );
        const task = m.task as Extract<Manifest['task'], { kind: 'detect' }>;
        const dets = detect(
          out[m.logits.name]!.data as Float32Array,
          task,
          { ...DEFAULT_DETECT_OPTIONS, conf: 0.01 },
          {
            region: { x: 0, y: 0, width: 8, height: 8 },
            inputWidth: 8,
            inputHeight: 8,
            imageWidth: 8,
            imageHeight: 8,
          },
        );
        expect(dets.length).toBeGreaterThan(0);
        expect([Number(out[m.seed.task!.chosenAnchor!]!.data[0]), Number(out[m.seed.task!.chosenClass]!.data[0])]).toEqual([
          dets[0]!.anchor,
          dets[0]!.classIndex,
        ]);
        await expectSameAnswers(feeds, input, { conf: '0.01' }, 'feat');
        checked++;
      }
      expect(checked).toBe(12);
    });
  }
});

/** The best anchor by score (best class score, times objectness), the lower anchor on ties: what the graph picks. */
function topAnchor(output: Float32Array, f: DetectFormat): { anchor: number; score: number } {
  const first = headerLength(f.layout);
  let best = { anchor: -1, score: -Infinity };
  for (let a = 0; a < f.anchors; a++) {
    let s = -Infinity;
    for (let c = 0; c < f.classes; c++) s = Math.max(s, output[fieldIndex(f, a, first + c)]!);
    if (f.layout === 'anchors-first-objectness') s *= output[fieldIndex(f, a, 4)]!;
    if (s > best.score) best = { anchor: a, score: s };
  }
  return best;
}

describe('NMS always keeps the highest-scoring anchor: it is detection 0', () => {
  it('random outputs, all layouts, thresholds and max_det (sigmoid scores)', () => {
    let cases = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const layout = (['channels-first', 'anchors-first', 'anchors-first-objectness'] as const)[seed % 3]!;
      const f: DetectFormat = { layout, classes: 1 + (seed % 5), anchors: 20 + (seed % 40) };
      const fields = headerLength(layout) + f.classes;
      const raw = randomFloats(fields * f.anchors, seed, 3);
      const output = new Float32Array(raw.length);
      for (let a = 0; a < f.anchors; a++) {
        for (let k = 0; k < fields; k++) {
          const i = fieldIndex(f, a, k);
          // boxes clustered in a 32 px square (heavy overlap), scores in (0, 1), some repeated (ties)
          output[i] = k < 4 ? 16 + raw[i]! * (k < 2 ? 5 : 4) + (k >= 2 ? 14 : 0) : 1 / (1 + Math.exp(-Math.round(raw[i]! * 4) / 2));
        }
      }
      const u = randomFloats(3, seed + 1000, 1).map(Math.abs);
      const options = { conf: u[0]! * 0.6, iou: 0.1 + u[1]! * 0.8, maxDet: 1 + Math.floor(u[2]! * 5), agnostic: seed % 2 === 0 };
      const geometry = { region: { x: 0, y: 0, width: 32, height: 32 }, inputWidth: 32, inputHeight: 32, imageWidth: 32, imageHeight: 32 };
      const dets = detect(output, f, options, geometry);
      const top = topAnchor(output, f);
      if (top.score > options.conf) {
        expect(dets[0]!.anchor, `seed ${seed}`).toBe(top.anchor);
        cases++;
      } else expect(dets).toEqual([]);
    }
    expect(cases).toBeGreaterThan(150);
  });
});
