/**
 * Everything that changes an answer is part of the explanation id: one test per ingredient on the id
 * itself, and the reproduction through the app (the same ONNX file uploaded as model `twin` with another
 * manifest must not share cache entries with `default`, nor with twin's previous manifest).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeRunner } from '../../cli/ort-node.js';
import { explanationId } from '../../src/cache/key.js';
import { canonicalJson, manifestDigest } from '../../src/cache/manifest-digest.js';
import type { Manifest } from '../../src/manifest.js';
import { planRequest } from '../../src/routes/explain/request-plan.js';
import { ExplainOptionsSchema } from '../../src/routes/explain/options.js';
import { harness } from './app-harness.js';

const manifest = JSON.parse(readFileSync('models/default.json', 'utf8')) as Manifest;
const image = new Uint8Array([1, 2, 3]);
const header = { width: 64, height: 48 };

async function idOf(query: Record<string, unknown>, m: Manifest = manifest): Promise<string> {
  const plan = planRequest(m, await manifestDigest(m), ExplainOptionsSchema.parse(query), header, 4096);
  return explanationId('secret', image, plan.canonical);
}

describe('explanation id ingredients (each one changes the id)', () => {
  const changes: [string, Record<string, unknown>][] = [
    ['model id', { model: 'twin' }],
    ['method', { method: 'gradcam++' }],
    ['method parameter n', { method: 'smoothgradcam++', n: 4 }],
    ['method parameter sigma', { method: 'smoothgradcam++', sigma: 0.3 }],
    ['target class', { class: '1' }],
    ['target top', { top: 2 }],
    ['target versus', { versus: '1' }],
    ['target counterfactual', { counterfactual: 'true' }],
    ['layer', { layer: manifest.layers[manifest.layers.length - 1]!.name }],
    ['aug', { aug: 'flip' }],
    ['metrics', { metrics: 'drop' }],
    ['output', { output: 'heatmap' }],
    ['colormap', { colormap: 'gray' }],
    ['alpha', { alpha: 0.3 }],
    ['width', { width: 32 }],
    ['height', { height: 24 }],
  ];
  it.each(changes)('%s', async (_, change) => {
    expect(await idOf(change)).not.toBe(await idOf({}));
  });

  it('the smoothgrad parameters are distinct from each other too', async () => {
    expect(await idOf({ method: 'smoothgradcam++', n: 4 })).not.toBe(await idOf({ method: 'smoothgradcam++' }));
  });

  it('model bytes (the file sha256)', async () => {
    expect(await idOf({}, { ...manifest, sha256: 'f'.repeat(64) })).not.toBe(await idOf({}));
  });

  it.each([
    ['mean', { input: { ...manifest.input, mean: [0.41, 0.45, 0.52] as [number, number, number] } }],
    ['std', { input: { ...manifest.input, std: [0.2, 0.2, 0.2] as [number, number, number] } }],
    ['labels', { labels: manifest.labels?.map((l, i) => (i === 0 ? `${l}!` : l)) ?? ['x'] }],
    ['resize', { input: { ...manifest.input, resize: 'shorter-side' as const, crop: 'center' as const } }],
  ])('manifest %s', async (_, change) => {
    expect(await idOf({}, { ...manifest, ...change } as Manifest)).not.toBe(await idOf({}));
  });

  it('the manifest digest ignores key order only', async () => {
    const reordered = JSON.parse(canonicalJson(manifest)) as Manifest;
    expect(await manifestDigest(reordered)).toBe(await manifestDigest(manifest));
  });
});

const ADMIN = 'admin-key-for-cache-identity';
const auth = { authorization: `Bearer ${ADMIN}` };

function twinForm(mean: number[], labels: string[]): FormData {
  const form = new FormData();
  form.set('model', new Blob([readFileSync('models/default.onnx')]), 'default.onnx');
  form.set('manifest', JSON.stringify({ ...manifest, input: { ...manifest.input, mean }, labels }));
  return form;
}

describe('the twin reproduction (same ONNX file, another model id and manifest)', () => {
  it('default after twin is a miss with its own labels; a fixed twin manifest gets a new id', async () => {
    const h = harness({ runner: nodeRunner, env: { ADMIN_KEYS: createHash('sha256').update(ADMIN).digest('hex') } });
    const classes = manifest.labels!.length;
    const twinLabels = Array.from({ length: classes }, (_, i) => `twin-${i}`);
    expect((await h.request('/v1/models/twin', { method: 'PUT', headers: auth, body: twinForm([0.1, 0.2, 0.3], twinLabels) })).status).toBe(
      201,
    );
    const png = new Uint8Array(readFileSync('test/fixtures/images/png/rgb8.png'));
    const post = (model: string) =>
      h.request(`/v1/explain?output=json&model=${model}`, { method: 'POST', headers: { 'content-type': 'image/png', ...auth }, body: png });

    const twin = await post('twin');
    expect(twin.status).toBe(200);
    const twinBody = (await twin.json()) as { id: string; class: { label: string } };
    expect(twinBody.class.label).toMatch(/^twin-/);
    await h.settle();
    const plain = await post('default');
    expect(plain.headers.get('x-cache')).toBe('miss');
    const plainBody = (await plain.json()) as { id: string; model: string; class: { label: string } };
    expect(plainBody.id).not.toBe(twinBody.id);
    expect(plainBody.model).toBe('default');
    expect(plainBody.class.label).not.toMatch(/^twin-/);

    const fixed = Array.from({ length: classes }, (_, i) => `fixed-${i}`);
    expect(
      (await h.request('/v1/models/twin', { method: 'PUT', headers: auth, body: twinForm([...manifest.input.mean], fixed) })).status,
    ).toBe(201);
    await h.settle();
    const again = await post('twin');
    expect(again.headers.get('x-cache')).toBe('miss');
    const againBody = (await again.json()) as { id: string; class: { label: string } };
    expect(againBody.id).not.toBe(twinBody.id);
    expect(againBody.class.label).toMatch(/^fixed-/);
  });
});
