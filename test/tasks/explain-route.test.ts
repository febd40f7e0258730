/**
 * POST /v1/explain on segmentation, detection and embedding models (the fixtures of test/fixtures/tasks,
 * prepared fp32 and served as `default` through the whole app in Node): JSON with the target and what the
 * output says, the map checked against Grad-CAM from a direct run of the prepared model with the seed
 * src/tasks builds, option errors as 400s, ids that change with the target, cache hits, PNG overlays.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeRunner } from '../../cli/ort-node.js';
import { prepare } from '../../src/prepare/index.js';
import type { Manifest } from '../../src/manifest.js';
import { decodeImage, preprocess, preprocessSpecOf } from '../../src/image/index.js';
import { resolveTaskTarget } from '../../src/tasks/resolve.js';
import { denseSeed } from '../../src/tasks/target.js';
import { ownSeedFeeds } from '../../src/explain/model-feed.js';
import { folderAssets, harness, type Harness } from '../hardening/app-harness.js';
import { discPng } from '../explain-options/setup.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/tasks');
interface Served {
  h: Harness;
  manifest: Manifest;
  model: Uint8Array;
}

async function serve(name: string, options: { task?: 'embed'; labels?: string[] } = {}): Promise<Served> {
  const { model, manifest } = await prepare(
    new Uint8Array(readFileSync(join(FIXTURES, name, 'model.onnx'))),
    { ...options, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
    nodeRunner(),
  );
  const dir = mkdtempSync(join(tmpdir(), `task-${name}-`));
  writeFileSync(join(dir, 'default.onnx'), model);
  writeFileSync(join(dir, 'default.json'), JSON.stringify(manifest));
  return { h: harness({ runner: nodeRunner, env: { ASSETS: folderAssets(dir) } }), manifest, model };
}

const png = discPng(3, 96);
const post = (s: Served, query: string) =>
  s.h.request(`/v1/explain?${query}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
type Json = {
  task: string;
  class: { index: number; label: string | null; score: number };
  target: Record<string, unknown>;
  map: { shape: [number, number]; data: number[] };
  runs: number;
};
async function json(s: Served, query: string): Promise<{ body: Json; id: string; cache: string | null }> {
  const res = await post(s, `${query}&output=json`);
  expect(res.status, await res.clone().text()).toBe(200);
  return { body: (await res.json()) as Json, id: res.headers.get('x-explanation-id')!, cache: res.headers.get('x-cache') };
}
async function problem(s: Served, query: string, option: string, words: RegExp): Promise<void> {
  const res = await post(s, `${query}&output=json`);
  const text = await res.text();
  expect(res.status, text).toBe(400);
  const p = JSON.parse(text) as { code: string; option: string; detail: string };
  expect([p.code, p.option]).toEqual(['bad_option', option]);
  expect(p.detail).toMatch(words);
}

/** Two maps equal up to float32 rounding (relative to the larger value). */
function expectSameMap(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  const scale = Math.max(1e-6, ...want.map(Math.abs));
  const worst = Math.max(...got.map((v, i) => Math.abs(v - want[i]!)));
  expect(worst / scale).toBeLessThan(1e-4);
  expect(want.filter((v) => v > 0).length, 'the reference map is not all zero').toBeGreaterThan(0);
}

/**
 * LayerCAM (ReLU of sum_c ReLU(G_c) A_c; Grad-CAM's channel means are often all negative on these random
 * weights, leaving an all-zero map) of the default layer from a direct run with the seed src/tasks builds.
 */
async function directMap(s: Served, request: Parameters<typeof resolveTaskTarget>[2]): Promise<number[]> {
  const image = await decodeImage(png);
  const pre = preprocess(image, preprocessSpecOf(s.manifest.input));
  const session = await nodeRunner().createSession(s.model);
  try {
    const row = s.manifest.seed.shape.slice(1).map(Number);
    const zeros = { type: 'float32' as const, dims: [1, ...row], data: new Float32Array(row.reduce((a, b) => a * b, 1)) };
    const input = { type: 'float32' as const, dims: [1, 3, 64, 64], data: pre.data };
    const out = (
      await session.run({ ...ownSeedFeeds(s.manifest), [s.manifest.input.name]: input, [s.manifest.seed.name]: zeros }, [
        s.manifest.logits.name,
      ])
    )[s.manifest.logits.name]!.data as Float32Array;
    const geometry = { region: pre.region, inputWidth: 64, inputHeight: 64, imageWidth: image.width, imageHeight: image.height };
    const seed = denseSeed(resolveTaskTarget(s.manifest.task!, out, request, { labels: s.manifest.labels, geometry }).target!);
    const layer = s.manifest.layers.find((l) => l.default)!;
    const r = await session.run(
      { ...ownSeedFeeds(s.manifest), [s.manifest.input.name]: input, [s.manifest.seed.name]: { ...zeros, data: seed } },
      [layer.activation, layer.gradient],
    );
    const a = r[layer.activation]!,
      g = r[layer.gradient]!;
    const [, c, h, w] = a.dims as number[];
    const map = new Array<number>(h! * w!).fill(0);
    for (let j = 0; j < c! * h! * w!; j++) {
      const gj = (g.data as Float32Array)[j]!;
      if (gj > 0) map[j % (h! * w!)]! += gj * (a.data as Float32Array)[j]!;
    }
    return map.map((v) => Math.max(0, v));
  } finally {
    await session.release();
  }
}

describe('explaining a detector', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve('yolo', { labels: ['cat', 'dog', 'car'] });
  });

  it('the top detection by default; detections in image pixels; the map equals LayerCAM from a direct run', async () => {
    const { body, id, cache } = await json(s, 'colormap=jet');
    expect(body.task).toBe('detect');
    const t = body.target as {
      box: number;
      detections: { classIndex: number; label: string; score: number; box: { x0: number; x1: number } }[];
    };
    expect(t.box).toBe(0);
    expect(t.detections.length).toBeGreaterThan(1);
    expect(body.class).toEqual({ index: t.detections[0]!.classIndex, label: t.detections[0]!.label, score: t.detections[0]!.score });
    for (const d of t.detections) expect(d.box.x1).toBeLessThanOrEqual(96);
    expect(body.map.shape).toEqual([8, 8]);
    expect(body.runs).toBe(1); // the model builds the top detection's seed itself
    const again = await json(s, 'colormap=jet');
    expect([again.id, again.cache, cache]).toEqual([id, 'hit', 'miss']);
    // a box whose Grad-CAM is not all zero after the ReLU (random weights): the map equals the direct one
    let box = 0;
    let direct = await directMap(s, { box: '0' });
    while (!direct.some((v) => v > 0) && box < t.detections.length - 1) direct = await directMap(s, { box: String(++box) });
    const chosen = await json(s, `box=${box}&method=layercam`);
    expectSameMap(chosen.body.map.data, direct);
    const second = await json(s, 'box=1');
    expect(second.id).not.toBe(id);
    expect(second.body.runs).toBe(2); // detection 1's rank after NMS is known only after decoding
    expect((await json(s, 'conf=0.3')).id).not.toBe(id);
  });

  it('bad task options are 400s; classifier-only options are refused', async () => {
    await problem(s, 'box=99', 'box', /detection\(s\)/);
    await problem(s, 'box=x', 'box', /detection index/);
    await problem(s, 'conf=2', 'conf', /0 to 1/);
    await problem(s, 'region=0,0,4,4', 'region', /segmentation models; this model is a detection model/);
    await problem(s, 'class=1', 'class', /classifiers and segmentation models/);
    await problem(s, 'top=2', 'top', /not available for detect models/);
    await problem(s, 'method=scorecam', 'method', /not available/);
  });

  it('a PNG overlay', async () => {
    const res = await post(s, 'box=0');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-explanation-label')).toMatch(/^(cat|dog|car)$/);
    expect(new Uint8Array(await res.arrayBuffer()).subarray(1, 4)).toEqual(new TextEncoder().encode('PNG'));
  });
});

describe('explaining a segmenter and an embedding model', () => {
  it('segment: the default class, class= and region=', async () => {
    const s = await serve('deeplab');
    const { body, id } = await json(s, 'colormap=jet');
    const t = body.target as { classIndex: number; pixels: number; classes: { classIndex: number; share: number }[] };
    expect(body.task).toBe('segment');
    expect(t.classes.reduce((a, c) => a + c.share, 0)).toBeCloseTo(1, 9);
    expect(t.classIndex).toBe(t.classes.find((c) => c.classIndex !== 0)?.classIndex ?? 0);
    expect(body.runs).toBe(1);
    expectSameMap((await json(s, 'method=layercam')).body.map.data, await directMap(s, { classIndex: null }));
    const half = await json(s, `class=${t.classIndex}&region=0,0,32,64&method=layercam`);
    expect(half.id).not.toBe(id);
    expect((half.body.target as { pixels: number }).pixels).toBeLessThan(t.pixels);
    expectSameMap(half.body.map.data, await directMap(s, { classIndex: t.classIndex, region: '0,0,32,64' }));
    await problem(s, 'region=0,0,65,10', 'region', /inside the 64x64/);
    await problem(s, 'vector=1,2', 'vector', /embedding models/);
  });

  it('embed: vector= and index=, with clear errors', async () => {
    const s = await serve('embed', { task: 'embed' });
    const v = Array.from({ length: 16 }, (_, i) => Math.sin(i + 1).toFixed(3)).join(',');
    const { body } = await json(s, `vector=${v}&method=layercam`);
    expect(body.task).toBe('embed');
    expect(body.runs).toBe(1);
    expectSameMap(body.map.data, await directMap(s, { vector: v }));
    expect((await json(s, 'index=3')).body.target).toEqual({ task: 'embed', target: 'index', index: 3 });
    await problem(s, 'vector=1,2,3', 'vector', /has 3 numbers; this model's embedding has 16/);
    await problem(s, 'colormap=jet', 'vector', /send vector=/);
    await problem(s, 'index=16', 'index', /0 to 15/);
    // Eigen-CAM reads no gradient: no direction needed
    const eigen = await json(s, 'method=eigencam');
    expect(eigen.body.target).toEqual({ task: 'embed', target: 'none' });
    expect(eigen.body.map.data.some((v) => v > 0)).toBe(true);
  });
});
