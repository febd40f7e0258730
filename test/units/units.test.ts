import { describe, expect, it } from 'vitest';
import { camMethod } from '../../src/cam/registry.js';
import { topUnits, unitsSentence, type UnitEvidence } from '../../src/explain/units.js';
import type { LayerDissection } from '../../src/manifest.js';

/** 3 units on a 1 x 2 grid; Grad-CAM weights are the gradients' means: [2, -1, 0.5]. */
const input = {
  activation: Float32Array.of(1, 0, /**/ 5, 5, /**/ 0, 4),
  gradient: Float32Array.of(2, 2, /**/ -1, -1, /**/ 0.5, 0.5),
  channels: 3,
  height: 1,
  width: 2,
};
const dissection = { names: ['star', null, 'magenta'], iou: [0.21, 0.03, 0.12] } as unknown as LayerDissection;

describe('topUnits', () => {
  it('ranks units with positive Grad-CAM weights and gives each its share of the map', () => {
    const gradcam = camMethod('gradcam')!;
    const weights = gradcam.unitWeights(input)!;
    expect(Array.from(weights)).toEqual([2, -1, 0.5]);
    const map = gradcam.map(input); // ReLU(2*[1,0] - [5,5] + 0.5*[0,4]) = ReLU([-3, -3]) = [0, 0]
    expect(Array.from(map)).toEqual([0, 0]);
    const bright = { ...input, activation: Float32Array.of(4, 1, 1, 1, 0, 4) }; // map = ReLU([7, 3]) = [7, 3], sum 10
    const units = topUnits(bright, weights, gradcam.map(bright), dissection, 5);
    expect(units).toEqual([
      { index: 0, weight: 2, name: 'star', iou: 0.21, share: (2 * 5) / 10 },
      { index: 2, weight: 0.5, name: 'magenta', iou: 0.12, share: (0.5 * 4) / 10 },
    ]);
    expect(topUnits(bright, weights, gradcam.map(bright), undefined, 1)).toEqual([
      { index: 0, weight: 2, name: null, iou: null, share: 1 },
    ]);
    expect(topUnits(input, weights, map, dissection, 5).map((u) => u.share)).toEqual([0, 0]);
  });

  it('exist for the Grad-CAM family only', () => {
    expect(
      [
        'gradcam',
        'gradcam++',
        'xgradcam',
        'hirescam',
        'layercam',
        'eigencam',
        'eigengradcam',
        'normgrad',
        'scorecam',
        'smoothgradcam++',
      ].filter((m) => camMethod(m)!.unitWeights(input) !== undefined),
    ).toEqual(['gradcam', 'gradcam++', 'xgradcam']);
  });
});

describe('unitsSentence', () => {
  const u = (name: string | null, iou: number | null): UnitEvidence => ({ index: 0, weight: 1, name, iou, share: 0.1 });
  const base = { label: 'star', classIndex: 3, probability: 0.968, dissected: true };

  it('names the named units once each, in rank order, and counts the unnamed ones', () => {
    expect(unitsSentence({ ...base, units: [u('star', 0.21), u('magenta', 0.12), u('star', 0.3), u('checker texture', 0.09)] })).toBe(
      'Predicted star (97%). The evidence is mostly from units that detect star (IoU 0.21), magenta (0.12) and checker texture (0.09).',
    );
    expect(unitsSentence({ ...base, units: [u('star', 0.21), u(null, 0.01), u(null, 0.02)] })).toBe(
      'Predicted star (97%). The evidence is mostly from units that detect star (IoU 0.21). 2 of the top 3 units are unnamed.',
    );
    expect(unitsSentence({ ...base, units: [u(null, 0.01)] })).toBe('Predicted star (97%). None of the top unit has a name.');
  });

  it('says why there is nothing to name instead of inventing names', () => {
    expect(unitsSentence({ ...base, units: [u(null, null)], dissected: false })).toBe(
      "Predicted star (97%). The layer's units have no names (the model was not dissected).",
    );
    expect(unitsSentence({ ...base, label: null, probability: 0.004, units: null, reason: 'eigencam has no channel weights.' })).toBe(
      'Predicted class 3 (<1%). eigencam has no channel weights.',
    );
    expect(unitsSentence({ ...base, units: [] })).toBe('Predicted star (97%). No unit of the layer has a positive weight for this class.');
  });
});
