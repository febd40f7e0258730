import { describe, expect, it } from 'vitest';
import { nodeRunner } from '../../cli/ort-node.js';
import { dissectLayer } from '../../src/dissect/dissect.js';
import type { ConceptSource, ConceptSample } from '../../src/dissect/concepts.js';
import { ModelFeed } from '../../src/explain/model-feed.js';
import { makeNode } from '../../src/onnx/nodes.js';
import { makeFloatTensor, makeInt64Tensor } from '../../src/onnx/tensor.js';
import { prepare } from '../../src/prepare/index.js';
import { buildModel, encodeModel, randomTensor, valueInfo } from '../prepare/model-builder.js';

const SIZE = 32;

/**
 * A classifier whose layer `units` has two channels built by hand on the normalised input x (ImageNet mean/std):
 * unit 0 = ReLU(x_R - x_G - 1) fires on pure red pixels only; unit 1 = ReLU(-x_R - x_G - x_B - 7) never fires.
 */
function plantedModel(): Uint8Array {
  const weights = makeFloatTensor('w', [2, 3, 1, 1], [1, -1, 0, -1, -1, -1]);
  const bias = makeFloatTensor('b', [2], [-1, -7]);
  return encodeModel(
    buildModel({
      inputs: [valueInfo('x', ['N', 3, SIZE, SIZE])],
      outputs: [valueInfo('logits', ['N', 2])],
      nodes: [
        makeNode('Conv', ['x', 'w', 'b'], ['c']),
        makeNode('Relu', ['c'], ['units']),
        makeNode('GlobalAveragePool', ['units'], ['p']),
        makeNode('Reshape', ['p', 'flat'], ['f']),
        makeNode('Gemm', ['f', 'fc'], ['logits'], { transB: 1 }),
      ],
      initializers: [weights, bias, randomTensor('fc', [2, 2], 5), makeInt64Tensor('flat', [2], [-1, 2])],
    }),
  );
}

/**
 * 24 black images, each with a 2 x 2 red square ('red', 4 of 1024 pixels: under the top 0.5%) and a 3 x 3 blue one
 * ('blue') at seeded places; 'black' is the rest.
 */
function plantedConcepts(): ConceptSource {
  const concepts = [
    { name: 'black', kind: 'colour' as const },
    { name: 'blue', kind: 'colour' as const },
    { name: 'red', kind: 'colour' as const },
  ];
  return {
    name: 'planted',
    concepts,
    count: 24,
    sample: async (i): Promise<ConceptSample> => {
      const data = new Uint8Array(SIZE * SIZE * 3);
      const masks = concepts.map((_, concept) => ({ concept, mask: new Uint8Array(SIZE * SIZE) }));
      const paint = (x0: number, y0: number, side: number, rgb: number[], concept: number) => {
        for (let y = y0; y < y0 + side; y++)
          for (let x = x0; x < x0 + side; x++) {
            data.set(rgb, 3 * (y * SIZE + x));
            masks[concept]!.mask[y * SIZE + x] = 1;
          }
      };
      paint((i * 7) % 28, (i * 11) % 28, 2, [255, 0, 0], 2);
      paint((((i * 7) % 28) + 14) % 27, (((i * 5) % 28) + 16) % 27, 3, [0, 0, 255], 1);
      for (let p = 0; p < SIZE * SIZE; p++) masks[0]!.mask[p] = masks[1]!.mask[p] || masks[2]!.mask[p] ? 0 : 1;
      return { image: { width: SIZE, height: SIZE, data }, masks };
    },
  };
}

describe('a unit planted by hand', () => {
  it('is named after the concept it fires on, with IoU 1; a unit that never fires stays unnamed', async () => {
    const runner = nodeRunner();
    const { model, manifest } = await prepare(plantedModel(), { layers: ['units'], labels: ['a', 'b'] }, runner);
    const session = await runner.createSession(model);
    try {
      const layer = manifest.layers.find((l) => l.name === 'units')!;
      const result = await dissectLayer(new ModelFeed(session, manifest), layer, plantedConcepts(), {
        date: new Date('2026-01-02T03:04:05Z'),
      });
      expect(result.names).toEqual(['red', null]);
      expect(result.iou).toEqual([1, 0]);
      expect(result).toMatchObject({
        source: 'planted',
        images: 24,
        quantile: 0.005,
        iouThreshold: 0.04,
        resolution: [SIZE, SIZE],
        date: '2026-01-02T03:04:05.000Z',
      });
      expect(result.kinds).toEqual({ black: 'colour', blue: 'colour', red: 'colour' });
    } finally {
      await session.release();
    }
  });
});
