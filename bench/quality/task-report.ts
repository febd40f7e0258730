/**
 * @module
 * Tallies and markdown tables of the task-model quality benchmark (bench/quality/tasks.ts): per CAM method the
 * mean shares of the map's mass inside the explained object and inside the other objects, the pointing game,
 * and what a uniform map would score (the areas); the models' accuracy on the same scenes.
 */
import type { TaskScene } from './task-scenes.js';

/** One explained object under one method. */
export interface TaskScore {
  /** Share of the map's mass inside the object (detection: its box; segmentation: its mask). */
  own: number;
  /** Segmentation: share inside the object's box. */
  ownBox?: number;
  /** Share inside the other objects' boxes (detection) or masks (segmentation); null with one object. */
  other: number | null;
  hit: boolean;
  /** The uniform map's shares: the areas. */
  ownArea: number;
  otherArea: number | null;
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

/** Accumulates scores per method, detection counts and a segmentation confusion matrix. */
export class TaskTally {
  readonly scores = new Map<string, TaskScore[]>();
  /** Objects left out: the model's argmax shows no pixel of their class. */
  absent = 0;
  objects = 0;
  detections = 0;
  matched = 0;
  readonly matrix: Float64Array;

  constructor(readonly classes = 0) {
    this.matrix = new Float64Array(classes * classes);
  }

  add(method: string, s: TaskScore): void {
    if (!this.scores.has(method)) this.scores.set(method, []);
    this.scores.get(method)!.push(s);
  }

  /** An object whose class the model's argmax does not show (no segment to explain). */
  missing(): void {
    this.absent++;
  }

  /** At conf 0.5: detections and matched ones. */
  readonly confident = { detections: 0, matched: 0 };

  accuracy(objects: number, detections: number, matched: number, conf = 0.25): void {
    if (conf !== 0.25) {
      this.confident.detections += detections;
      this.confident.matched += matched;
      return;
    }
    this.objects += objects;
    this.detections += detections;
    this.matched += matched;
  }

  /** Adds the argmax of a [K, H, W] output against the scene's class mask (background 0, else 1 + class). */
  confusion(output: ArrayLike<number>, scene: TaskScene, background: number): void {
    const k = this.classes,
      n = scene.size * scene.size;
    const truth = new Uint8Array(n).fill(background);
    for (const o of scene.objects) for (let p = 0; p < n; p++) if (o.mask.data[p]) truth[p] = o.classIndex + (background === 0 ? 1 : 0);
    for (let p = 0; p < n; p++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (output[c * n + p]! > output[best * n + p]!) best = c;
      this.matrix[truth[p]! * k + best]! += 1;
    }
  }

  /** Pixel accuracy and mean IoU (all classes with pixels, background included). */
  segmentationAccuracy(): { pixel: number; miou: number } {
    const k = this.classes;
    let diag = 0,
      total = 0;
    const ious: number[] = [];
    for (let c = 0; c < k; c++) {
      let row = 0,
        col = 0;
      for (let j = 0; j < k; j++) {
        row += this.matrix[c * k + j]!;
        col += this.matrix[j * k + c]!;
      }
      const inter = this.matrix[c * k + c]!;
      diag += inter;
      total += row;
      if (row + col > 0) ious.push(inter / (row + col - inter));
    }
    return { pixel: diag / total, miou: mean(ious) };
  }

  /** Mean of each column for one method. */
  summary(method: string) {
    const s = this.scores.get(method) ?? [];
    const withOthers = s.filter((x) => x.other !== null);
    return {
      n: s.length,
      own: mean(s.map((x) => x.own)),
      ownBox: mean(s.filter((x) => x.ownBox !== undefined).map((x) => x.ownBox!)),
      other: mean(withOthers.map((x) => x.other!)),
      nOthers: withOthers.length,
      hit: mean(s.map((x) => (x.hit ? 1 : 0))),
      ownArea: mean(s.map((x) => x.ownArea)),
      otherArea: mean(withOthers.map((x) => x.otherArea!)),
      areaContrast: mean(withOthers.map((x) => x.ownArea / (x.ownArea + x.otherArea!))),
      // own / (own + other): 1 when the map avoids the other objects entirely, 0.5 when it does not tell them apart
      contrast: mean(withOthers.map((x) => (x.own + x.other! > 0 ? x.own / (x.own + x.other!) : 0.5))),
    };
  }
}

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '-');

interface ModelInfo {
  id: string;
  sha: string;
  manifest: { layers: { name: string; shape: (number | string)[]; default?: boolean }[] };
}

function layerText(m: ModelInfo): string {
  const l = m.manifest.layers.find((x) => x.default) ?? m.manifest.layers[0]!;
  return `layer \`${l.name}\` [${l.shape.slice(1).join(', ')}]`;
}

/** The detection section's lines. */
export function detectionLines(m: ModelInfo, t: TaskTally): string[] {
  const methods = [...t.scores.keys()];
  const base = t.summary(methods[0]!);
  return [
    `### Detection: \`models/${m.id}.onnx\` (sha256 \`${m.sha.slice(0, 16)}…\`, ${layerText(m)})`,
    '',
    `Service decoding (score > 0.25, per-class NMS at IoU 0.45): ${t.detections} detections for ${t.objects} objects, ${t.matched} matched (same class, IoU >= 0.5): precision ${f3(t.matched / t.detections)}, recall ${f3(t.matched / t.objects)}; with \`conf=0.5\`: ${t.confident.detections} detections, precision ${f3(t.confident.matched / t.confident.detections)}, recall ${f3(t.confident.matched / t.objects)}.`,
    '',
    `Each matched detection explained with \`box=i\` (${base.n} boxes, ${base.nOthers} of them in scenes with other objects). Own box: share of the map's mass inside the detection's object box; other boxes: inside the other objects' boxes; contrast: the mean of own / (own + other) over boxes with other objects (1: nothing on the others; 0.5: no preference; a uniform map scores the areas' ratio); pointing: the map's maximum inside the own box.`,
    '',
    '| method | own box | other boxes | contrast | pointing game |',
    '| --- | --- | --- | --- | --- |',
    ...methods.map((name) => {
      const s = t.summary(name);
      return `| ${name} | ${f3(s.own)} | ${f3(s.other)} | ${f3(s.contrast)} | ${f3(s.hit)} |`;
    }),
    `| uniform map (the areas) | ${f3(base.ownArea)} | ${f3(base.otherArea)} | ${f3(base.areaContrast)} | ${f3(base.ownArea)} |`,
  ];
}

/** The segmentation section's lines. */
export function segmentationLines(m: ModelInfo, t: TaskTally): string[] {
  const methods = [...t.scores.keys()];
  const base = t.summary(methods[0]!);
  const acc = t.segmentationAccuracy();
  const absent = t.absent;
  return [
    `### Segmentation: \`models/${m.id}.onnx\` (sha256 \`${m.sha.slice(0, 16)}…\`, ${layerText(m)})`,
    '',
    `Service's argmax on these scenes: pixel accuracy ${f3(acc.pixel)}, mean IoU ${f3(acc.miou)} (${t.classes} classes, background included).`,
    '',
    `Each object's class explained with \`class=\` (the model's own argmax segment as target): ${base.n} objects explained${absent ? `, ${absent} skipped (the model's argmax shows no pixel of their class)` : ''}. Own mask: the map's energy inside the object's true mask (energy-based pointing game); own box: inside its box; other masks: inside the other objects' masks; contrast: mean of own / (own + other) over objects with others; pointing: the map's maximum inside the mask.`,
    '',
    '| method | own mask | own box | other masks | contrast | pointing game |',
    '| --- | --- | --- | --- | --- | --- |',
    ...methods.map((name) => {
      const s = t.summary(name);
      return `| ${name} | ${f3(s.own)} | ${f3(s.ownBox)} | ${f3(s.other)} | ${f3(s.contrast)} | ${f3(s.hit)} |`;
    }),
    `| uniform map (the areas) | ${f3(base.ownArea)} | | ${f3(base.otherArea)} | ${f3(base.areaContrast)} | ${f3(base.ownArea)} |`,
  ];
}
