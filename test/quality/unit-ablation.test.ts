import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UNIT_MASK, withUnitMask } from '../../bench/quality/unit-ablation.js';
import { nodeRunner } from '../../cli/ort-node.js';
import { camMethod } from '../../src/cam/registry.js';
import { ModelFeed } from '../../src/explain/model-feed.js';
import { runTargets } from '../../src/explain/seed-run.js';
import { preprocess, preprocessSpecOf } from '../../src/image/index.js';
import type { Manifest } from '../../src/manifest.js';
import { renderScene } from '../../src/scenes/index.js';

describe('unit ablation copy of the default model', () => {
  it('keeps the logits with every unit on, and zeroing unit k lowers the class logit by alpha_k * sum(A_k) (GAP + linear head)', async () => {
    const manifest = JSON.parse(readFileSync('models/default.json', 'utf8')) as Manifest;
    const bytes = new Uint8Array(readFileSync('models/default.onnx'));
    const layer = manifest.layers.find((l) => l.default)!;
    const channels = Number(layer.shape[1]);
    const runner = nodeRunner();
    const feed = new ModelFeed(await runner.createSession(bytes), manifest);
    const ablation = new ModelFeed(await runner.createSession(withUnitMask(bytes, layer.name, channels)), manifest);
    const scene = renderScene({ seed: 3_000_005, size: 128, classes: [5] });
    const input = preprocess({ width: 128, height: 128, data: scene.image }, preprocessSpecOf(manifest.input)).data;
    const run = await runTargets(feed, input, { layers: [layer] }, { classIndex: 5, top: 1, counterfactual: false, versus: null });
    const t = run.layers.get(layer.name)!;
    const alpha = camMethod('gradcam')!.unitWeights({
      activation: t.activation,
      gradient: t.gradients[0],
      channels,
      height: t.height,
      width: t.width,
    })!;
    const plane = t.height * t.width;
    const units = [0, 1, 2].map((j) => [...alpha.keys()].sort((a, b) => alpha[b]! - alpha[a]!)[j]!);
    const masks = new Float32Array(4 * channels).fill(1);
    units.forEach((k, j) => {
      masks[(j + 1) * channels + k] = 0;
    });
    const images = new Float32Array(4 * input.length);
    for (let j = 0; j < 4; j++) images.set(input, j * input.length);
    const out = await ablation.run(
      {
        [manifest.input.name]: ablation.images(images, 4),
        [manifest.seed.name]: ablation.zeroRows(4),
        [UNIT_MASK]: { type: 'float32', dims: [4, channels, 1, 1], data: masks },
      },
      [manifest.logits.name],
    );
    const logits = ablation.floats(out, manifest.logits.name).data;
    const k = ablation.classes;
    Array.from(run.logits).forEach((v, c) => expect(logits[c], `class ${c} with every unit on`).toBeCloseTo(v, 4));
    units.forEach((unit, j) => {
      let sum = 0;
      for (let i = 0; i < plane; i++) sum += t.activation[unit * plane + i]!;
      expect(run.logits[5]! - logits[(j + 1) * k + 5]!, `unit ${unit}`).toBeCloseTo(alpha[unit]! * sum, 3);
      expect(alpha[unit]! * sum, `unit ${unit} matters`).toBeGreaterThan(0.01);
    });
  });
});
