/**
 * unit_maps=true: each listed unit carries its own activation map. Checked against the A tensor of the
 * explained layer from a direct onnxruntime run of the shipped prepared model on the same preprocessed
 * image (channel k of A is unit k's map), and against the unit's share of the map (share_k = alpha_k *
 * sum of A_k over the map's positive pixels / sum of the map). Off by default; JSON only; part of the id.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeRunner } from '../../cli/ort-node.js';
import { ownSeedFeeds } from '../../src/explain/model-feed.js';
import { decodeImage, preprocess, preprocessSpecOf } from '../../src/image/index.js';
import type { Manifest } from '../../src/manifest.js';
import { harness, type Harness } from '../hardening/app-harness.js';

type Map2d = { shape: [number, number]; data: number[] };
type Json = {
  id: string;
  map: Map2d;
  units: { index: number; weight: number; share: number; map?: Map2d }[] | null;
};

const star = new Uint8Array(readFileSync(new URL('../../examples/star.png', import.meta.url)));
const manifest = JSON.parse(readFileSync('models/default.json', 'utf8')) as Manifest;
const layer = manifest.layers.find((l) => l.default)!;
let h: Harness;

const post = (query: string) => h.request(`/v1/explain?${query}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: star });
async function json(query: string): Promise<Json> {
  const res = await post(query);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Json;
}

/** The layer's activation A [C, h, w] from running the prepared model directly. */
async function activation(): Promise<{ data: Float32Array; dims: number[] }> {
  const pre = preprocess(await decodeImage(star), preprocessSpecOf(manifest.input));
  const session = await nodeRunner().createSession(new Uint8Array(readFileSync('models/default.onnx')));
  try {
    const [, , height, width] = manifest.input.shape.map(Number);
    const feeds = {
      ...ownSeedFeeds(manifest),
      [manifest.input.name]: { type: 'float32' as const, dims: [1, 3, height!, width!], data: pre.data },
      [manifest.seed.name]: { type: 'float32' as const, dims: [1, 10], data: new Float32Array(10) },
    };
    const a = (await session.run(feeds, [layer.activation]))[layer.activation]!;
    return { data: a.data as Float32Array, dims: a.dims as number[] };
  } finally {
    await session.release();
  }
}

beforeAll(() => {
  h = harness({ runner: nodeRunner });
});

describe('unit maps in JSON explanations', () => {
  it("each listed unit's map is channel k of the layer's activation from a direct run, at the map's grid", async () => {
    const body = await json('output=json&units=8&unit_maps=true');
    const a = await activation();
    const [, channels, height, width] = a.dims;
    expect(channels).toBe(Number(layer.shape[1]));
    const plane = height! * width!;
    expect(body.units).toHaveLength(8);
    for (const u of body.units!) {
      expect(u.map!.shape, `unit ${u.index}`).toEqual([height, width]);
      expect(u.map!.shape).toEqual(body.map.shape);
      const want = Array.from(a.data.subarray(u.index * plane, (u.index + 1) * plane));
      const scale = Math.max(1e-6, ...want.map(Math.abs));
      const worst = Math.max(...u.map!.data.map((v, i) => Math.abs(v - want[i]!)));
      expect(worst / scale, `unit ${u.index}`).toBeLessThan(1e-5);
      expect(
        want.some((v) => v !== 0),
        `unit ${u.index} is not all zero`,
      ).toBe(true);
    }
    // the maps agree with the shares the service reports: share_k = alpha_k * sum_{map > 0} A_k / sum(map)
    const total = body.map.data.reduce((s, v) => s + Math.max(v, 0), 0);
    for (const u of body.units!) {
      const part = u.map!.data.reduce((s, v, i) => s + (body.map.data[i]! > 0 ? v : 0), 0);
      expect(u.share).toBeCloseTo((u.weight * part) / total, 5);
    }
  });

  it('are off by default and change the id; the rest of the body is the same', async () => {
    const plain = await json('output=json&units=8');
    const maps = await json('output=json&units=8&unit_maps=1');
    expect(plain.units!.every((u) => !('map' in u))).toBe(true);
    expect(maps.id).not.toBe(plain.id);
    expect(maps.units!.map(({ map: _map, ...u }) => u)).toEqual(plain.units);
    expect((await json('output=json&units=8&unit_maps=false')).id).toBe(plain.id);
  });

  it('JSON only: a PNG with unit_maps is a 400 naming the option; methods without channel weights keep units null', async () => {
    const res = await post('unit_maps=true');
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { code: string; option: string; detail: string };
    expect([problem.code, problem.option]).toEqual(['bad_option', 'unit_maps']);
    expect(problem.detail).toMatch(/output=json/);
    expect((await json('output=json&unit_maps=true&method=eigencam')).units).toBeNull();
  });
}, 120_000);
