import { describe, expect, it } from 'vitest';
import { readExplanation, writeExplanation, type ExplanationMeta } from '../../src/cache/store.js';

const meta: ExplanationMeta = {
  contentType: 'image/png',
  model: 'default',
  method: 'gradcam',
  layer: 'features',
  classIndex: 1,
  label: 'x',
  score: 0.5,
  timings: {},
  created: '2026-01-01T00:00:00Z',
};

const failing = {
  getWithMetadata: async () => {
    throw new Error('KV down');
  },
  put: async () => {
    throw new Error('KV down');
  },
} as unknown as KVNamespace;

describe('explanation cache', () => {
  it('treats a failing KV as a miss and a failed write as a no-op', async () => {
    expect(await readExplanation(failing, 'id')).toBeNull();
    await expect(writeExplanation(failing, 'id', new Uint8Array(1), meta)).resolves.toBeUndefined();
  });

  it('treats a value without metadata as a miss', async () => {
    const kv = {
      getWithMetadata: async () => ({ value: new Blob([new Uint8Array(3)]).stream(), metadata: null }),
    } as unknown as KVNamespace;
    expect(await readExplanation(kv, 'id')).toBeNull();
  });

  it('writes the whole value in one put with the metadata', async () => {
    const puts: unknown[][] = [];
    const kv = { put: async (...args: unknown[]) => void puts.push(args) } as unknown as KVNamespace;
    await writeExplanation(kv, 'abc', new Uint8Array([1, 2]), meta);
    expect(puts).toHaveLength(1);
    expect(puts[0][0]).toBe('explanation:abc');
    expect(puts[0][2]).toMatchObject({ metadata: { classIndex: 1, label: 'x' } });
  });
});
