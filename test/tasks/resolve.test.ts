/**
 * A request's target on segmentation, detection and embedding outputs (src/tasks/resolve.ts), and which
 * options each task takes. The detector's output is the PyTorch one of test/fixtures/tasks/yolo.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveTaskTarget } from '../../src/tasks/resolve.js';
import { checkTaskOptions } from '../../src/tasks/task-options.js';
import { denseSeed, targetValue } from '../../src/tasks/target.js';
import type { TaskSpec } from '../../src/manifest.js';
import { ApiError } from '../../src/errors.js';

const YOLO = join(import.meta.dirname, '../fixtures/tasks/yolo');
const yoloOutput = (() => {
  const b = readFileSync(join(YOLO, 'output.bin'));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
})();
const yoloSeeds = (
  JSON.parse(readFileSync(join(YOLO, 'fixture.json'), 'utf8')) as { seeds: { anchor: number; classIndex: number; score: number }[] }
).seeds;
const detectTask: TaskSpec = { kind: 'detect', layout: 'channels-first', classes: 3, anchors: 84 };
// a 64x64 input made from a 128x96 image by stretching
const geometry = { region: { x: 0, y: 0, width: 128, height: 96 }, inputWidth: 64, inputHeight: 64, imageWidth: 128, imageHeight: 96 };
const labels = ['cat', 'dog', 'car'];

function rejects(f: () => unknown, option: string, words: RegExp): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).extra).toEqual({ option });
  expect((err as ApiError).detail).toMatch(words);
}

describe('detection targets', () => {
  it('box 0 is the top detection; detections in image pixels with labels; the key holds the NMS settings', () => {
    const r = resolveTaskTarget(detectTask, yoloOutput, {}, { labels, geometry });
    if (r.summary.task !== 'detect') throw new Error('not detect');
    const top = r.summary.detections[0]!;
    expect([top.anchor, top.classIndex]).toEqual([yoloSeeds[0]!.anchor, yoloSeeds[0]!.classIndex]);
    expect(top.label).toBe(labels[top.classIndex]);
    expect(top.score).toBeCloseTo(yoloSeeds[0]!.score, 5);
    expect(targetValue(r.target!, yoloOutput)).toBeCloseTo(top.score, 6);
    const scores = r.summary.detections.map((d) => d.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const d of r.summary.detections) {
      expect(d.score).toBeGreaterThan(0.25);
      expect(d.box.x0).toBeGreaterThanOrEqual(0);
      expect(d.box.x1).toBeLessThanOrEqual(128);
      expect(d.box.y1).toBeLessThanOrEqual(96);
    }
    expect(r.key).toEqual({ task: 'detect', box: 0, boxes: 'one', conf: 0.25, iou: 0.45, maxDet: 300 });
  });

  it('box=1, conf and max_det change the target and the key; box past the last is a 400', () => {
    const all = resolveTaskTarget(detectTask, yoloOutput, { boxes: 'all' }, { labels, geometry });
    const second = resolveTaskTarget(detectTask, yoloOutput, { box: '1' }, { labels, geometry });
    if (all.summary.task !== 'detect' || second.summary.task !== 'detect') throw new Error('not detect');
    expect(all.summary.detections.length).toBeGreaterThan(1);
    expect(Array.from(denseSeed(second.target!))).not.toEqual(Array.from(denseSeed(all.target!)));
    expect(second.key).toMatchObject({ box: 1 });
    const capped = resolveTaskTarget(detectTask, yoloOutput, { max_det: '1' }, { labels, geometry });
    if (capped.summary.task !== 'detect') throw new Error('not detect');
    expect(capped.summary.detections.length).toBe(1);
    rejects(() => resolveTaskTarget(detectTask, yoloOutput, { max_det: '1', box: '1' }, { labels, geometry }), 'box', /1 detection\(s\)/);
    rejects(
      () => resolveTaskTarget(detectTask, yoloOutput, { conf: '0.99' }, { labels, geometry }),
      'box',
      /detects nothing above conf=0.99/,
    );
    // a gradient-free method (Eigen-CAM) needs no target: no detection is then no error
    const free = resolveTaskTarget(detectTask, yoloOutput, { conf: '0.99' }, { labels, geometry }, true);
    expect([free.target, free.summary]).toEqual([null, { task: 'detect', box: null, boxes: 'one', detections: [] }]);
  });
});

describe('segmentation targets', () => {
  const task: TaskSpec = { kind: 'segment', classes: 3, height: 4, width: 4, background: 0 };
  // class 0 on the top half, 2 on the bottom-left quarter, 1 on the bottom-right quarter
  const logits = new Float32Array(3 * 16);
  for (let y = 0; y < 4; y++)
    for (let x = 0; x < 4; x++) {
      const c = y < 2 ? 0 : x < 2 ? 2 : 1;
      logits[c * 16 + y * 4 + x] = 1 + x + y;
    }
  const g = { region: { x: 0, y: 0, width: 8, height: 8 }, inputWidth: 8, inputHeight: 8, imageWidth: 8, imageHeight: 8 };

  it('the default class, the classes present and a region', () => {
    const r = resolveTaskTarget(task, logits, {}, { labels: ['bg', 'a', 'b'], geometry: g });
    if (r.summary.task !== 'segment') throw new Error('not segment');
    expect(r.summary.classes.map((c) => [c.label, c.pixels, c.share])).toEqual([
      ['bg', 8, 0.5],
      ['a', 4, 0.25],
      ['b', 4, 0.25],
    ]);
    expect(r.summary.classIndex).toBe(1); // ties: the lower class
    expect(r.key).toEqual({ task: 'segment', class: 1, region: null });
    const inRegion = resolveTaskTarget(task, logits, { classIndex: 2, region: '0,4,2,8' }, { labels: null, geometry: g });
    // output cells are 2 input pixels wide: the region holds cells (0, 2) and (0, 3), both class 2
    expect(inRegion.summary).toMatchObject({ classIndex: 2, pixels: 2, region: { x0: 0, y0: 4, x1: 2, y1: 8 } });
    expect(targetValue(inRegion.target!, logits)).toBe(logits[2 * 16 + 2 * 4]! + logits[2 * 16 + 3 * 4]!);
    rejects(
      () => resolveTaskTarget(task, logits, { classIndex: 1, region: '0,0,8,4' }, { labels: null, geometry: g }),
      'class',
      /covers no pixel/,
    );
  });
});

describe('embedding targets and task options', () => {
  const task: TaskSpec = { kind: 'embed', dimensions: 3 };
  const g = { region: { x: 0, y: 0, width: 8, height: 8 }, inputWidth: 8, inputHeight: 8, imageWidth: 8, imageHeight: 8 };

  it('vector= or index=, exactly one', () => {
    expect(resolveTaskTarget(task, [1, 2, 3], { vector: '1,0,-1' }, { labels: null, geometry: g }).key).toEqual({
      task: 'embed',
      vector: [1, 0, -1],
    });
    expect(resolveTaskTarget(task, [1, 2, 3], { index: '2' }, { labels: null, geometry: g }).summary).toEqual({
      task: 'embed',
      target: 'index',
      index: 2,
    });
    rejects(() => resolveTaskTarget(task, [1, 2, 3], {}, { labels: null, geometry: g }), 'vector', /send vector=.*or index=/);
    expect(resolveTaskTarget(task, [1, 2, 3], {}, { labels: null, geometry: g }, true)).toEqual({
      target: null,
      summary: { task: 'embed', target: 'none' },
      key: { task: 'embed' },
    });
    rejects(() => resolveTaskTarget(task, [1, 2, 3], { vector: '1,2,3', index: '0' }, { labels: null, geometry: g }), 'vector', /not both/);
  });

  it('options of another task are 400s that say which models take them', () => {
    rejects(() => checkTaskOptions({ kind: 'classify' }, ['box']), 'box', /applies to detection models; this model is a classifier/);
    rejects(
      () => checkTaskOptions(task, ['class']),
      'class',
      /applies to classifiers and segmentation models; this model is an embedding model/,
    );
    rejects(() => checkTaskOptions(detectTask, ['region']), 'region', /segmentation models/);
    expect(() => checkTaskOptions(detectTask, ['box', 'conf', 'iou', 'max_det', 'boxes', 'method'])).not.toThrow();
    expect(() => checkTaskOptions({ kind: 'segment', classes: 2, height: 1, width: 1, background: 0 }, ['class', 'region'])).not.toThrow();
  });
});
