/**
 * NMS and YOLO-output decoding against torchvision (test/fixtures/tasks/nms.json, written by
 * tools/make_nms_fixture.py): the kept indices of `nms` and `batched_nms`, and the detections of an
 * ultralytics-style post-processing in torch for the three dense layouts.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { batchedNms, nms } from '../../src/tasks/nms.js';
import { iou, type Corners } from '../../src/tasks/boxes.js';
import { detect } from '../../src/tasks/detections.js';
import { denseSeed, targetValue } from '../../src/tasks/target.js';
import { fieldIndex, type DetectLayout } from '../../src/tasks/detect-format.js';

interface NmsCase {
  boxes: number[][];
  scores: number[];
  classes: number[];
  iou: number;
  keep: number[];
  keepBatched: number[];
}
interface DecodeCase {
  layout: DetectLayout;
  classes: number;
  anchors: number;
  conf: number;
  iou: number;
  maxDet: number;
  output: number[];
  expected: { anchor: number; classIndex: number; score: number; box: number[] }[];
}
const fx = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/tasks/nms.json'), 'utf8')) as {
  nms: NmsCase[];
  decode: DecodeCase[];
};
const corners = (b: number[]): Corners => ({ x0: b[0]!, y0: b[1]!, x1: b[2]!, y1: b[3]! });
const identity = (w: number, h: number) => ({
  region: { x: 0, y: 0, width: w, height: h },
  inputWidth: w,
  inputHeight: h,
  imageWidth: w,
  imageHeight: h,
});

describe('nms against torchvision', () => {
  it.each(fx.nms.map((c, i) => [i, c] as const))('case %i: nms and batched_nms keep the same boxes in the same order', (_, c) => {
    const boxes = c.boxes.map(corners);
    expect(nms(boxes, c.scores, c.iou)).toEqual(c.keep);
    expect(batchedNms(boxes, c.scores, c.classes, c.iou)).toEqual(c.keepBatched);
    // per-class suppression keeps at least as many boxes, and a superset
    expect(c.keepBatched.length).toBeGreaterThanOrEqual(c.keep.length);
  });

  it('suppresses strictly above the threshold, and only within a class for batchedNms', () => {
    const a = { x0: 0, y0: 0, x1: 2, y1: 2 };
    const b = { x0: 1, y0: 0, x1: 3, y1: 2 }; // IoU 1/3 with a
    expect(iou(a, b)).toBeCloseTo(1 / 3, 12);
    expect(nms([a, b], [0.9, 0.8], 1 / 3)).toEqual([0, 1]);
    expect(nms([a, b], [0.8, 0.9], 0.3)).toEqual([1]);
    expect(batchedNms([a, b], [0.9, 0.8], [0, 1], 0.3)).toEqual([0, 1]);
    expect(iou(a, { x0: 5, y0: 5, x1: 5, y1: 5 })).toBe(0);
  });
});

describe('decoding dense detector outputs against an ultralytics-style torch post-processing', () => {
  it.each(fx.decode.map((c) => [c.layout, c] as const))('%s', (_, c) => {
    const format = { layout: c.layout, classes: c.classes, anchors: c.anchors };
    const dets = detect(c.output, format, { conf: c.conf, iou: c.iou, maxDet: c.maxDet }, identity(200, 200));
    expect(dets.length).toBeGreaterThan(1);
    expect(dets.map((d) => [d.anchor, d.classIndex])).toEqual(c.expected.map((e) => [e.anchor, e.classIndex]));
    dets.forEach((d, i) => {
      const e = c.expected[i]!;
      expect(d.score).toBeCloseTo(e.score, 12);
      // boxes are clipped to the image in `box`, not in `inputBox`
      [d.inputBox.x0, d.inputBox.y0, d.inputBox.x1, d.inputBox.y1].forEach((v, k) => expect(v).toBeCloseTo(e.box[k]!, 9));
      expect(d.box.x0).toBe(Math.max(0, d.inputBox.x0));
      expect(d.box.x1).toBe(Math.min(200, d.inputBox.x1));
      // the target's value on the output is the score (objectness: its first-order expansion, obj * cls + cls * obj = 2 score)
      const value = targetValue(d.target, c.output);
      expect(value).toBeCloseTo(c.layout === 'anchors-first-objectness' ? 2 * e.score : e.score, 6);
      const seed = denseSeed(d.target);
      expect(seed.length).toBe(c.output.length);
      expect(seed[fieldIndex(format, d.anchor, (c.layout === 'anchors-first-objectness' ? 5 : 4) + d.classIndex)]).toBeGreaterThan(0);
    });
  });
});

/** The textbook greedy NMS over all boxes in score order (ties by index), for the equivalence check. */
function referenceNms(boxes: Corners[], scores: number[], classes: number[] | null, threshold: number): number[] {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const removed = new Set<number>();
  const keep: number[] = [];
  for (const [p, i] of order.entries()) {
    if (removed.has(i)) continue;
    keep.push(i);
    for (const j of order.slice(p + 1))
      if ((!classes || classes[i] === classes[j]) && iou(boxes[i]!, boxes[j]!) > threshold) removed.add(j);
  }
  return keep;
}

describe('per-class suppression and the max_det stop give the textbook result', () => {
  it('300 random cases with clustered boxes, tied scores, 1-6 classes, limits 1-20 and none', () => {
    let state = 12345;
    const rand = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    for (let t = 0; t < 300; t++) {
      const n = 1 + Math.floor(rand() * 60);
      const boxes = Array.from({ length: n }, () => {
        const x = rand() * 40;
        const y = rand() * 40;
        return { x0: x, y0: y, x1: x + 5 + rand() * 20, y1: y + 5 + rand() * 20 };
      });
      const scores = Array.from({ length: n }, () => Math.round(rand() * 10) / 10);
      const classes = Array.from({ length: n }, () => Math.floor(rand() * (1 + (t % 6))));
      const threshold = 0.1 + rand() * 0.7;
      const limit = t % 3 === 0 ? Infinity : 1 + Math.floor(rand() * 20);
      expect(batchedNms(boxes, scores, classes, threshold, limit), `case ${t}`).toEqual(
        referenceNms(boxes, scores, classes, threshold).slice(0, limit),
      );
      expect(nms(boxes, scores, threshold, limit), `case ${t}`).toEqual(referenceNms(boxes, scores, null, threshold).slice(0, limit));
    }
  });
});
