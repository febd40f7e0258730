import { describe, expect, it } from 'vitest';
import { canonicalOptions, explanationId, isExplanationId, type CanonicalOptions } from '../../src/cache/key.js';

const base: CanonicalOptions = {
  modelId: 'default',
  modelSha256: 'a'.repeat(64),
  manifestSha256: 'b'.repeat(64),
  method: 'gradcam',
  layer: 'features',
  classIndex: null,
  output: 'overlay',
  colormap: 'jet',
  alpha: 0.5,
  width: 100,
  height: 80,
};
const image = new Uint8Array([1, 2, 3, 4]);

describe('explanation ids', () => {
  it('are 43 base64url characters, stable, and depend on the secret and the image', async () => {
    const id = await explanationId('s1', image, base);
    expect(isExplanationId(id), id).toBe(true);
    expect(await explanationId('s1', image, base)).toBe(id);
    expect(await explanationId('s2', image, base)).not.toBe(id);
    expect(await explanationId('s1', new Uint8Array([1, 2, 3, 5]), base)).not.toBe(id);
  });

  it('change with every option that changes the output', async () => {
    const changes: Partial<CanonicalOptions>[] = [
      { modelSha256: 'b'.repeat(64) },
      { method: 'other' },
      { layer: 'x' },
      { classIndex: 0 },
      { output: 'heatmap' },
      { colormap: 'gray' },
      { alpha: 0.4 },
      { width: 101 },
      { height: 81 },
    ];
    const ids = await Promise.all(changes.map((c) => explanationId('s', image, { ...base, ...c })));
    expect(new Set([await explanationId('s', image, base), ...ids]).size).toBe(changes.length + 1);
  });

  it('change with the number of units listed (JSON) and with the sentence asked for (PNG header)', () => {
    const json = { ...base, output: 'json' as const };
    const texts = [
      canonicalOptions(json),
      canonicalOptions({ ...json, extra: { units: 5 } }),
      canonicalOptions({ ...json, extra: { units: 2 } }),
      canonicalOptions({ ...base, extra: { text: true } }),
      canonicalOptions(base),
    ];
    expect(new Set(texts).size).toBe(texts.length);
    expect(canonicalOptions({ ...base, extra: { text: false } })).toBe(canonicalOptions(base));
  });

  it('ignore options that do not change the output', () => {
    const json = { ...base, output: 'json' as const };
    expect(canonicalOptions({ ...json, colormap: 'gray', alpha: 0.1, width: 5 })).toBe(canonicalOptions(json));
    const heatmap = { ...base, output: 'heatmap' as const };
    expect(canonicalOptions({ ...heatmap, alpha: 0.9 })).toBe(canonicalOptions(heatmap));
  });

  it('cannot be confused by moving bytes between the options and the image', async () => {
    // the options' length is part of the message, so no (options, image) split collides with another
    const a = await explanationId('s', new Uint8Array([0x22]), { ...base, layer: 'l' });
    const b = await explanationId('s', new Uint8Array([]), { ...base, layer: 'l"' });
    expect(a).not.toBe(b);
  });
});
