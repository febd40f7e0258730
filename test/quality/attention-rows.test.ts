/**
 * The benchmark's attention rows (bench/quality/maps.ts attentionMaps): image i's slice of every block's
 * attention probabilities and gradients goes to rollout and attention-gradcam, whose maps must equal the
 * numpy/PyTorch references of tools/make_layout_fixtures.py (vit_small fixture: 2 blocks, 2 heads, 1 + 4 x 4
 * tokens) after the renderer's min-max scaling; and where the report of a model other than the default goes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attentionMaps } from '../../bench/quality/maps.js';
import { defaultReportPath } from '../../bench/quality/options.js';
import type { Explained } from '../../bench/quality/prepared-model.js';
import { reportSubject } from '../../bench/quality/report.js';
import { unitMap } from '../../src/image/index.js';

const DIR = new URL('../fixtures/layouts/vit_small/', import.meta.url).pathname;
const fixture = JSON.parse(readFileSync(join(DIR, 'fixture.json'), 'utf8')) as {
  attention: {
    heads: number;
    tokens: number;
    prefixTokens: number;
    grid: [number, number];
    blocks: { probabilities: string; gradient: string }[];
    maps: Record<string, string>;
  };
};
const att = fixture.attention;

function f32(file: string): Float32Array {
  const b = readFileSync(join(DIR, file));
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

/** Two images back to back: image 0 is noise that must not be read, image 1 the fixture's tensors. */
function twoImages(file: string): Float32Array {
  const one = f32(file);
  const out = new Float32Array(2 * one.length);
  for (let i = 0; i < one.length; i++) out[i] = ((i * 7919) % 13) / 13;
  out.set(one, one.length);
  return out;
}

const spec = {
  prefixTokens: att.prefixTokens,
  grid: att.grid,
  blocks: att.blocks.map((_, k) => ({
    name: `block${k}`,
    probabilities: `P${k}`,
    gradient: `G${k}`,
    heads: att.heads,
    tokens: att.tokens,
  })),
};
const SIZE = 32;

function explained(withGradients: boolean): Explained {
  return {
    count: 2,
    logits: new Float32Array(20),
    activation: new Float32Array(0),
    gradient: new Float32Array(0),
    attention: {
      probabilities: att.blocks.map((b) => twoImages(b.probabilities)),
      gradients: withGradients ? att.blocks.map((b) => twoImages(b.gradient)) : undefined,
    },
  };
}

const rendered = (file: string) => unitMap([{ width: att.grid[1], height: att.grid[0], data: f32(file) }], SIZE, SIZE);

describe('attention rows of the quality benchmark', () => {
  it('rollout and attention-gradcam of image 1 match the references, rendered like a CAM', () => {
    const failures = new Map<string, string>();
    const maps = attentionMaps(explained(true), 1, spec, SIZE, failures);
    expect([...maps.keys()]).toEqual(['rollout', 'attention-gradcam']);
    expect(failures.size).toBe(0);
    for (const [row, ref] of [
      ['rollout', att.maps.rollout_mean!],
      ['attention-gradcam', att.maps.attention_gradcam!],
    ] as const) {
      const got = maps.get(row)!,
        want = rendered(ref);
      expect([got.width, got.height]).toEqual([SIZE, SIZE]);
      let worst = 0;
      for (let i = 0; i < want.data.length; i++) worst = Math.max(worst, Math.abs(got.data[i]! - want.data[i]!));
      expect(worst, row).toBeLessThan(1e-4);
    }
  });

  it('leaves attention-gradcam out without attention gradients, and gives nothing without attention outputs', () => {
    expect([...attentionMaps(explained(false), 1, spec, SIZE, new Map()).keys()]).toEqual(['rollout']);
    const none = { ...explained(true), attention: undefined };
    expect(attentionMaps(none, 1, spec, SIZE, new Map()).size).toBe(0);
  });

  it("writes the default model's report to docs/quality.md and any other model's beside it", () => {
    expect(defaultReportPath('models/default.onnx')).toBe('docs/quality.md');
    expect(defaultReportPath('models/scenes-vit.onnx')).toBe('docs/quality-scenes-vit.md');
    expect(reportSubject('models/default.onnx')).toBe('the default model');
    expect(reportSubject('models/scenes-vit.onnx')).toBe('`models/scenes-vit.onnx`');
  });
});
