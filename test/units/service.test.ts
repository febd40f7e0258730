import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeRunner } from '../../cli/ort-node.js';
import type { Manifest } from '../../src/manifest.js';
import { folderAssets, harness, type Harness } from '../hardening/app-harness.js';

/** The shipped default model with a made-up dissection: every third unit named `concept<k mod 7>`, IoU k / 10000. */
let h: Harness;
let manifest: Manifest;
const star = new Uint8Array(readFileSync(new URL('../../examples/star.png', import.meta.url)));

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'units-service-'));
  copyFileSync('models/default.onnx', join(dir, 'default.onnx'));
  manifest = JSON.parse(readFileSync('models/default.json', 'utf8')) as Manifest;
  const layer = manifest.layers.find((l) => l.default)!;
  const channels = Number(layer.shape[1]);
  layer.units = {
    source: 'made up',
    images: 1,
    quantile: 0.005,
    iouThreshold: 0.04,
    resolution: [128, 128],
    date: '2026-01-01T00:00:00.000Z',
    kinds: {},
    names: Array.from({ length: channels }, (_, k) => (k % 3 === 0 ? `concept${k % 7}` : null)),
    iou: Array.from({ length: channels }, (_, k) => k / 10000),
  };
  writeFileSync(join(dir, 'default.json'), JSON.stringify(manifest));
  h = harness({ runner: nodeRunner, env: { ASSETS: folderAssets(dir) } });
});

const post = (query: string) => h.request(`/v1/explain?${query}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: star });
type Json = {
  id: string;
  class: { label: string };
  units: { index: number; weight: number; name: string | null; iou: number | null; share: number }[] | null;
  text: string;
};

describe('units and text in explanations', () => {
  it("JSON lists the top 5 units by weight with the manifest's names, and a sentence naming the named ones", async () => {
    const res = await post('output=json');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    const dissection = manifest.layers.find((l) => l.default)!.units!;
    expect(body.units).toHaveLength(5);
    for (const u of body.units!) expect([u.name, u.iou], `unit ${u.index}`).toEqual([dissection.names[u.index], dissection.iou[u.index]]);
    const weights = body.units!.map((u) => u.weight);
    expect(weights).toEqual([...weights].sort((a, b) => b - a));
    expect(weights[4]).toBeGreaterThan(0);
    expect(body.text.startsWith(`Predicted ${body.class.label} (`)).toBe(true);
    const named = body.units!.filter((u) => u.name !== null);
    for (const u of named) expect(body.text).toContain(u.name!);
    const unnamed = 5 - named.length;
    if (named.length > 0 && unnamed > 0) expect(body.text).toContain(`${unnamed} of the top 5 units`);
  });

  it('units=k changes the list and the id; units on a PNG is a bad option', async () => {
    const five = (await (await post('output=json')).json()) as Json;
    const two = (await (await post('output=json&units=2')).json()) as Json;
    expect(two.units).toEqual(five.units!.slice(0, 2));
    expect(two.id).not.toBe(five.id);
    expect(two.text, 'the sentence always draws on the top 5').toBe(five.text);
    const none = (await (await post('output=json&units=0')).json()) as Json;
    expect([none.units, none.text]).toEqual([[], five.text]);
    const bad = await post('units=3');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { option: string }).option).toBe('units');
  });

  it('methods without channel weights say so, with units null', async () => {
    const body = (await (await post('output=json&method=eigencam')).json()) as Json;
    expect(body.units).toBeNull();
    expect(body.text).toMatch(/^Predicted \w+ \(\d+%\)\. eigencam has no channel weights to rank units by/);
  });

  it('a PNG carries the sentence as X-Explanation-Text only when asked, under its own id; the badge has it as title', async () => {
    const json = (await (await post('output=json')).json()) as Json;
    const plain = await post('');
    const asked = await post('text=true');
    expect(plain.headers.get('x-explanation-text')).toBeNull();
    expect(decodeURIComponent(asked.headers.get('x-explanation-text')!)).toBe(json.text);
    expect(asked.headers.get('x-explanation-id')).not.toBe(plain.headers.get('x-explanation-id'));
    expect(Buffer.from(await asked.arrayBuffer())).toEqual(Buffer.from(await plain.arrayBuffer()));
    await h.settle();
    const badge = await (await h.request(`/v1/explanations/${asked.headers.get('x-explanation-id')}/badge.svg`)).text();
    expect(badge).toContain(`<title>${json.text.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;')}</title>`);
  });
}, 120_000);
