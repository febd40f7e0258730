/**
 * ModelFeed's feeding rules against a recording session (no model): empty [0, K] seeds for the seed inputs a
 * run leaves out (and only those the session has), zero and one-hot seed rows, images split at the batch
 * limit with the outputs put back in order, and the checks on what a run returns.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { batchLimit, MAX_BATCH, MAX_BATCH_INPUT_GRADIENTS, ModelFeed } from '../../src/explain/model-feed.js';
import type { Manifest } from '../../src/manifest.js';
import type { ModelSession, RunTensor } from '../../src/runtime/runner.js';

/** The prepared fixture with input gradients: K = 10, input [1, 3, 64, 64] (fixed batch 1), two own seeds. */
const fixed = JSON.parse(readFileSync('test/fixtures/prepared/mobilenet_v2_input.json', 'utf8')) as Manifest;
/** The same with a free batch dimension. */
const free: Manifest = { ...fixed, input: { ...fixed.input, shape: ['N', 3, 64, 64] } };
const SIZE = 3 * 64 * 64;

interface Call {
  feeds: Record<string, RunTensor>;
  fetches: readonly string[];
}

/** A session that records its calls and answers each fetch with rows of `value(row)` per image. */
function recording(manifest: Manifest, inputNames: string[] = []): ModelSession & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    inputNames,
    outputNames: [],
    async run(feeds, fetches = []) {
      calls.push({ feeds, fetches });
      const n = feeds[manifest.input.name]!.dims[0]!;
      const first = (feeds[manifest.input.name]!.data as Float32Array)[0]!;
      const per = (name: string) => (name === manifest.logits.name ? 10 : SIZE);
      return Object.fromEntries(
        fetches.map((name) => [
          name,
          {
            type: 'float32' as const,
            dims: [n, per(name)],
            data: Float32Array.from({ length: n * per(name) }, (_, i) => first + Math.floor(i / per(name))),
          },
        ]),
      );
    },
    release: async () => undefined,
  };
}

/** `count` images whose first value is their index. */
function images(count: number): Float32Array {
  const data = new Float32Array(count * SIZE);
  for (let i = 0; i < count; i++) data[i * SIZE] = i;
  return data;
}

describe('ModelFeed', () => {
  it('limits batches to 4 images for models with input gradients, to a fixed batch size, else to 16', () => {
    expect(batchLimit(free)).toBe(MAX_BATCH_INPUT_GRADIENTS);
    expect(batchLimit(fixed)).toBe(1);
    const plain: Manifest = { ...free, layers: free.layers.filter((l) => !l.input) };
    expect(batchLimit(plain)).toBe(MAX_BATCH);
  });

  it('feeds an empty [0, K] seed to each seed input a run leaves out, and keeps the ones given', async () => {
    const session = recording(free);
    const feed = new ModelFeed(session, free);
    await feed.run(
      { input: feed.images(images(1)), gradcam_seed: feed.zeroRows(1), 'gradcam_seed:input': feed.rows([new Float32Array(10)]) },
      ['x'],
    );
    const { feeds } = session.calls[0]!;
    expect(Object.keys(feeds).sort()).toEqual(['gradcam_seed', 'gradcam_seed:guided:input', 'gradcam_seed:input', 'input']);
    expect(feeds['gradcam_seed:guided:input']!.dims).toEqual([0, 10]);
    expect(feeds['gradcam_seed:input']!.dims).toEqual([1, 10]);
  });

  it('leaves out the empty seeds of inputs the session does not have', async () => {
    const session = recording(free, ['input', 'gradcam_seed']);
    const feed = new ModelFeed(session, free);
    await feed.run({ input: feed.images(images(1)), gradcam_seed: feed.zeroRows(1) }, ['x']);
    expect(Object.keys(session.calls[0]!.feeds).sort()).toEqual(['gradcam_seed', 'input']);
  });

  it('runs the logits of 10 images in batches of 4 (zero seeds) and puts the rows back in order', async () => {
    const session = recording(free);
    const { logits, runs } = await new ModelFeed(session, free).batchLogits(images(10), 10);
    expect(runs).toBe(3);
    expect(session.calls.map((c) => c.feeds.input!.dims[0])).toEqual([4, 4, 2]);
    expect(
      session.calls.flatMap((c) => Array.from(c.feeds.gradcam_seed!.data as Float32Array)).filter((v) => v !== 0),
      'non-zero seeds',
    ).toEqual([]);
    expect(Array.from({ length: 10 }, (_, i) => logits[i * 10])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("seeds every extra image of a CAM method with the explained class's one-hot row, and zero rows without gradients", async () => {
    const session = recording(free);
    const feed = new ModelFeed(session, free);
    const layer = free.layers.find((l) => l.default) ?? free.layers[0]!;
    const access = feed.access(layer, images(1), 3);
    await access.run(images(5), 5, { gradient: true });
    const seeds = session.calls.map((c) => Array.from(c.feeds.gradcam_seed!.data as Float32Array));
    expect(seeds.map((s) => s.length)).toEqual([40, 10]);
    expect(
      seeds
        .flat()
        .map((v, i) => (v === 1 ? i % 10 : -1))
        .filter((c) => c >= 0),
    ).toEqual([3, 3, 3, 3, 3]);
    await access.run(images(2), 2, { gradient: false });
    expect(Array.from(session.calls[2]!.feeds.gradcam_seed!.data as Float32Array).filter((v) => v !== 0)).toEqual([]);
    await expect(access.run(images(2), 3, { gradient: false })).rejects.toThrow(/expected 3 x/);
  });

  it('answers a missing or non-float output with a 500 naming it', () => {
    const feed = new ModelFeed(recording(free), free);
    expect(() => feed.floats({}, 'logits')).toThrow(/model output 'logits' missing or not float32/);
    expect(() => feed.floats({ logits: { type: 'int32', dims: [1], data: new Int32Array(1) } }, 'logits')).toThrow(/not float32/);
  });
});
