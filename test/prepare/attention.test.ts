/**
 * Attention probabilities prepared as outputs (`--attention`) and the attention methods on them, against
 * tools/make_layout_fixtures.py's PyTorch float64 references (test/fixtures/layouts/{vit_small,
 * deit_two_prefix}): every block's probabilities and their gradients (seed: one-hot top-1) within 1e-4
 * relative L2, found in the graph as the Softmax over the key axis and reshaped to [N, heads, T, T]; rollout
 * (mean, max with discard 0.5, min with discard 0.2) and attention-gradcam maps from the prepared outputs
 * within 1e-4 of numpy's formulas; and the same methods on the reference's own tensors within 1e-6 (the
 * combination step alone).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeRunner } from '../../cli/ort-node.js';
import { prepare } from '../../src/prepare/index.js';
import { decodeModel } from '../../src/onnx/proto.js';
import { rollout } from '../../src/attention/rollout.js';
import { attentionGradCam } from '../../src/attention/attention-gradcam.js';
import type { AttentionBlock } from '../../src/attention/blocks.js';
import { relL2 } from '../gradients/support/finite-diff.js';
import { ModelFeed } from '../../src/explain/model-feed.js';
import { explainImage } from '../../src/explain/explain.js';
import { planRequest } from '../../src/routes/explain/request-plan.js';
import { ExplainOptionsSchema, parseOptions } from '../../src/routes/explain/options.js';

const ROOT = new URL('../fixtures/layouts/', import.meta.url).pathname;
const runner = nodeRunner();

interface AttentionFixture {
  dir: string;
  input: { name: string; file: string; shape: number[] };
  logits: { shape: number[] };
  seeds: { file: string }[];
  attention: {
    heads: number;
    tokens: number;
    prefixTokens: number;
    grid: [number, number];
    blocks: { probabilities: string; gradient: string }[];
    maps: Record<string, string>;
  };
}

const fixtures = ['vit_small', 'deit_two_prefix']
  .filter((n) => existsSync(join(ROOT, n, 'fixture.json')))
  .map((n) => [n, { ...JSON.parse(readFileSync(join(ROOT, n, 'fixture.json'), 'utf8')), dir: join(ROOT, n) } as AttentionFixture] as const);

function f32(f: AttentionFixture, file: string): Float32Array {
  const b = readFileSync(join(f.dir, file));
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

/** max |a - b| / max |b|. */
function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0,
    worst = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst / scale;
}

const METHODS: Record<string, (blocks: AttentionBlock[], prefix: number) => Float32Array> = {
  rollout_mean: (b, p) => rollout(b, { fusion: 'mean', discard: 0, prefixTokens: p }),
  'rollout_max_discard0.5': (b, p) => rollout(b, { fusion: 'max', discard: 0.5, prefixTokens: p }),
  'rollout_min_discard0.2': (b, p) => rollout(b, { fusion: 'min', discard: 0.2, prefixTokens: p }),
  attention_gradcam: (b, p) => attentionGradCam(b, p),
};

describe.runIf(fixtures.length > 0)('attention outputs and methods vs PyTorch', () => {
  it.each(fixtures)('%s: the methods on the reference tensors', (_n, f) => {
    const a = f.attention;
    const blocks = a.blocks.map((b) => ({
      probabilities: f32(f, b.probabilities),
      gradient: f32(f, b.gradient),
      heads: a.heads,
      tokens: a.tokens,
    }));
    for (const [name, method] of Object.entries(METHODS)) {
      const map = method(blocks, a.prefixTokens);
      expect(map.length, name).toBe(a.grid[0] * a.grid[1]);
      expect(maxRel(map, f32(f, a.maps[name]!)), name).toBeLessThan(1e-6);
    }
  });

  it.each(fixtures)('%s: prepared probabilities, gradients and maps', async (_n, f) => {
    const bytes = new Uint8Array(readFileSync(join(f.dir, 'model.onnx')));
    const { model, manifest } = await prepare(bytes, { attention: true }, runner);
    const spec = manifest.attention!;
    expect({ prefixTokens: spec.prefixTokens, grid: spec.grid, blocks: spec.blocks.length }).toEqual({
      prefixTokens: f.attention.prefixTokens,
      grid: f.attention.grid,
      blocks: f.attention.blocks.length,
    });
    expect(spec.blocks.every((b) => b.heads === f.attention.heads && b.tokens === f.attention.tokens)).toBe(true);
    // declared output shapes: a symbolic batch (runs with N images and S seed rows) over heads x T x T
    const declared = decodeModel(model).graph!.output;
    for (const b of spec.blocks) {
      for (const [name, batch] of [
        [b.probabilities, 'N'],
        [b.gradient!, 'S'],
      ] as const) {
        const dims = declared.find((o) => o.name === name)!.type!.tensorType!.shape!.dim!;
        expect(dims[0]!.dimParam, name).toBe(batch);
        expect(
          dims.slice(1).map((d) => Number(d.dimValue)),
          name,
        ).toEqual([b.heads, b.tokens, b.tokens]);
      }
    }
    const session = await runner.createSession(model);
    const k = f.logits.shape[1]!;
    const out = await session.run({
      [f.input.name]: { type: 'float32', dims: f.input.shape, data: f32(f, f.input.file) },
      [manifest.seed.name]: { type: 'float32', dims: [1, k], data: f32(f, f.seeds[0]!.file) },
    });
    await session.release();
    const blocks = spec.blocks.map((b, i) => {
      const p = out[b.probabilities]!;
      const g = out[b.gradient!]!;
      expect(p.dims).toEqual([1, b.heads, b.tokens, b.tokens]);
      expect(g.dims).toEqual([1, b.heads, b.tokens, b.tokens]);
      expect(relL2(p.data as Float32Array, f32(f, f.attention.blocks[i]!.probabilities)), `block ${i} P`).toBeLessThanOrEqual(1e-4);
      expect(relL2(g.data as Float32Array, f32(f, f.attention.blocks[i]!.gradient)), `block ${i} dS/dP`).toBeLessThanOrEqual(1e-4);
      return { probabilities: p.data as Float32Array, gradient: g.data as Float32Array, heads: b.heads, tokens: b.tokens };
    });
    for (const [name, method] of Object.entries(METHODS)) {
      expect(maxRel(method(blocks, spec.prefixTokens), f32(f, f.attention.maps[name]!)), name).toBeLessThan(1e-4);
    }
  });

  it.each(fixtures)(
    '%s: method=rollout and attention-gradcam through the engine (top-1, unnormalised map on the patch grid)',
    async (_n, f) => {
      const { model, manifest } = await prepare(new Uint8Array(readFileSync(join(f.dir, 'model.onnx'))), { attention: true }, runner);
      const session = await runner.createSession(model);
      const feed = new ModelFeed(session, manifest);
      const image = f32(f, f.input.file);
      const cases: [Record<string, string>, string][] = [
        [{ method: 'rollout' }, 'rollout_mean'],
        [{ method: 'rollout', fusion: 'max', discard: '0.5' }, 'rollout_max_discard0.5'],
        [{ method: 'attention-gradcam' }, 'attention_gradcam'],
      ];
      for (const [fields, ref] of cases) {
        const plan = planRequest(
          manifest,
          'test-manifest-digest',
          parseOptions(ExplainOptionsSchema, { ...fields, output: 'json' }),
          { width: f.input.shape[3]!, height: f.input.shape[2]! },
          4096,
        );
        const e = await explainImage(feed, image, { compute: plan.compute, metrics: [] });
        const map = e.explained[0]!.map;
        expect([map.height, map.width], ref).toEqual(f.attention.grid);
        // torch's attention folds the batch into the heads axis: K identity seed rows would be K forward
        // passes, so top-1 with gradients takes a forward and one seeded run; rollout needs no seed (1 run).
        expect(manifest.seed.foldedBatch).toBe(true);
        expect(e.runs, ref).toBe(fields.method === 'attention-gradcam' ? 2 : 1);
        expect(maxRel(map.data, f32(f, f.attention.maps[ref]!)), ref).toBeLessThan(1e-4);
      }
      expect(
        planRequest(
          manifest,
          'test-manifest-digest',
          parseOptions(ExplainOptionsSchema, { method: 'rollout', discard: '0.3' }),
          { width: 32, height: 32 },
          4096,
        ).methodKey,
      ).toBe('rollout(fusion=mean,discard=0.3)');
      await session.release();
    },
  );

  it.each(fixtures)('%s: --attention probabilities: forward outputs only, rollout matches, attention-gradcam refused', async (_n, f) => {
    const bytes = new Uint8Array(readFileSync(join(f.dir, 'model.onnx')));
    const plain = await prepare(bytes, { verify: false }, runner);
    const { model, manifest } = await prepare(bytes, { attention: 'probabilities' }, runner);
    expect(manifest.attention!.blocks.every((b) => b.gradient === undefined && b.probabilities.startsWith('gradcam_P:'))).toBe(true);
    // no backward graph for the probabilities: the prepared graph grows by the outputs (and reshapes) only
    const nodes = (m: Uint8Array) => decodeModel(m).graph!.node.length;
    expect(nodes(model) - nodes(plain.model)).toBeLessThanOrEqual(6 * manifest.attention!.blocks.length);
    const session = await runner.createSession(model);
    const feed = new ModelFeed(session, manifest);
    const plan = planRequest(
      manifest,
      'test-manifest-digest',
      parseOptions(ExplainOptionsSchema, { method: 'rollout', fusion: 'min', discard: '0.2' }),
      { width: 32, height: 32 },
      4096,
    );
    const e = await explainImage(feed, f32(f, f.input.file), { compute: plan.compute, metrics: [] });
    expect(maxRel(e.explained[0]!.map.data, f32(f, f.attention.maps['rollout_min_discard0.2']!))).toBeLessThan(1e-4);
    await session.release();
    expect(() =>
      planRequest(
        manifest,
        'test-manifest-digest',
        parseOptions(ExplainOptionsSchema, { method: 'attention-gradcam' }),
        { width: 32, height: 32 },
        4096,
      ),
    ).toThrow(/probabilities only \(prepare --attention gradients\)/);
  });

  it('rejects attention methods on models prepared without --attention, and rollout options on other methods', async () => {
    const f = fixtures[0]![1];
    const { manifest } = await prepare(new Uint8Array(readFileSync(join(f.dir, 'model.onnx'))), { verify: false }, runner);
    const plan = (fields: Record<string, string>) => () =>
      planRequest(manifest, 'test-manifest-digest', parseOptions(ExplainOptionsSchema, fields), { width: 32, height: 32 }, 4096);
    expect(plan({ method: 'rollout' })).toThrow(/prepared without them \(prepare --attention\)/);
    expect(plan({ method: 'gradcam', discard: '0.5' })).toThrow(/'discard': applies to method 'rollout' only/);
  });

  it('refuses --attention on a model without attention', async () => {
    const bytes = new Uint8Array(readFileSync(join(ROOT, 'channels_last_cnn', 'model.onnx')));
    await expect(prepare(bytes, { attention: true }, runner)).rejects.toThrow(/no attention probabilities/);
  });
});
