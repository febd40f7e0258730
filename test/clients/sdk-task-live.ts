/**
 * The TypeScript SDK's task and unit-map types against the real service (a detector and a segmenter
 * uploaded by clients.test.ts): the service answers with exactly the fields the SDK's types declare (key
 * lists held to the types by `satisfies`), options given as numbers and tuples reach it, and each result
 * agrees with the one it was picked from.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  GradcamEdge,
  GradcamEdgeError,
  type Box,
  type Detection,
  type DetectTarget,
  type SegmentClass,
  type SegmentTarget,
  type TaskExplanationJson,
  type UnitEvidence,
} from '../../sdk/src/index.js';
import type { LiveContext } from './live-context.js';
import { TASK_MODELS } from './task-models.js';

const TASK_FIELDS = {
  id: 1,
  url: 1,
  model: 1,
  method: 1,
  layer: 1,
  task: 1,
  class: 1,
  target: 1,
  map: 1,
  runs: 1,
  timings: 1,
} satisfies Record<keyof TaskExplanationJson, 0 | 1>;
const DETECT_FIELDS = { task: 1, box: 1, boxes: 1, detections: 1 } satisfies Record<keyof DetectTarget, 0 | 1>;
const DETECTION_FIELDS = { classIndex: 1, label: 1, score: 1, box: 1, anchor: 1 } satisfies Record<keyof Detection, 0 | 1>;
const BOX_FIELDS = { x0: 1, y0: 1, x1: 1, y1: 1 } satisfies Record<keyof Box, 0 | 1>;
const SEGMENT_FIELDS = { task: 1, classIndex: 1, label: 1, region: 1, pixels: 1, classes: 1 } satisfies Record<keyof SegmentTarget, 0 | 1>;
const CLASS_FIELDS = { classIndex: 1, pixels: 1, share: 1, label: 1 } satisfies Record<keyof SegmentClass, 0 | 1>;
const UNIT_FIELDS = { index: 1, weight: 1, name: 1, iou: 1, share: 1, map: 0 } satisfies Record<keyof UnitEvidence, 0 | 1>;

/** The body's keys are exactly the declared ones (optional ones may be absent). */
function expectFields(body: object, fields: Record<string, 0 | 1>, what: string): void {
  const keys = Object.keys(body);
  const unknown = keys.filter((k) => !(k in fields));
  const missing = Object.entries(fields)
    .filter(([k, required]) => required && !keys.includes(k))
    .map(([k]) => k);
  expect({ unknown, missing }, what).toEqual({ unknown: [], missing: [] });
}

/** The SDK's task and unit-map suite. */
export function describeSdkTasks(ctx: LiveContext): void {
  describe('TypeScript SDK: detections, segments and unit maps', () => {
    const client = () => new GradcamEdge({ url: ctx.url(), apiKey: ctx.apiKey });
    const png = () => readFileSync(ctx.fixtures().png);

    it('explainTaskJson on a detector: typed detections; box: 1 explains the second one', async () => {
      const model = TASK_MODELS.detector.id;
      const json = await client().explainTaskJson(png(), { model, method: 'layercam' });
      expectFields(json, TASK_FIELDS, 'TaskExplanationJson');
      if (json.target.task !== 'detect') throw new Error(`expected a detect target, got ${json.target.task}`);
      expectFields(json.target, DETECT_FIELDS, 'DetectTarget');
      const { detections } = json.target;
      expect(detections.length).toBeGreaterThan(1);
      for (const d of detections) {
        expectFields(d, DETECTION_FIELDS, 'Detection');
        expectFields(d.box, BOX_FIELDS, 'Box');
        expect(TASK_MODELS.detector.labels).toContain(d.label);
      }
      const second = await client().explainTaskJson(png(), { model, method: 'layercam', box: 1 });
      const target = second.target as DetectTarget;
      expect([target.box, target.detections]).toEqual([1, detections]);
      expect(second.class).toEqual({ index: detections[1]!.classIndex, label: detections[1]!.label, score: detections[1]!.score });
      const cam = await client().explain(png(), { model, method: 'layercam', box: 1 });
      expect([cam.classIndex, cam.label, cam.score]).toEqual([
        detections[1]!.classIndex,
        detections[1]!.label,
        expect.closeTo(detections[1]!.score, 5),
      ]);
    });

    it('explainTaskJson on a segmenter: typed classes; class and a region tuple narrow the target', async () => {
      const model = TASK_MODELS.segmenter.id;
      const json = await client().explainTaskJson(png(), { model });
      expectFields(json, TASK_FIELDS, 'TaskExplanationJson');
      const target = json.target as SegmentTarget;
      expectFields(target, SEGMENT_FIELDS, 'SegmentTarget');
      for (const c of target.classes) expectFields(c, CLASS_FIELDS, 'SegmentClass');
      expect(target.classes.reduce((s, c) => s + c.share, 0)).toBeCloseTo(1, 9);
      const [first] = target.classes;
      const left = await client().explainTaskJson(png(), { model, class: first!.classIndex, region: [0, 0, 32, 64] });
      const narrowed = left.target as SegmentTarget;
      expect([narrowed.classIndex, narrowed.region]).toEqual([first!.classIndex, { x0: 0, y0: 0, x1: 32, y1: 64 }]);
      expect(narrowed.pixels).toBeLessThan(first!.pixels);
      expect(narrowed.pixels).toBeGreaterThan(0);
    });

    it("explainTaskJson refuses a classifier's answer; unit_maps: true gives each unit its map at the layer's grid", async () => {
      const err = await client()
        .explainTaskJson(png())
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GradcamEdgeError);
      expect((err as GradcamEdgeError).code).toBe('unexpected_response');
      const json = await client().explainJson(png(), { units: 3, unit_maps: true });
      expect(json.units).toHaveLength(3);
      for (const u of json.units!) {
        expectFields(u, UNIT_FIELDS, 'UnitEvidence');
        expect(u.map!.shape).toEqual(json.map.shape);
        expect(u.map!.data).toHaveLength(json.map.shape[0] * json.map.shape[1]);
      }
    });
  });
}
