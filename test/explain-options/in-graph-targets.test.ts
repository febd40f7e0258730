/**
 * The engine with a model that chooses its targets (manifest seed.select), K = 40 > 16 classes: top-1 and
 * top-k take one run and give the same targets, gradients and input gradients as explicitly seeded runs of
 * those classes; counterfactual and versus too. A manifest without seed.select (an older prepared model)
 * still takes the forward-then-seeded path (2 runs).
 */
import { describe, expect, it } from 'vitest';
import { nodeRunner } from '../../cli/ort-node.js';
import { prepare } from '../../src/prepare/index.js';
import { ModelFeed } from '../../src/explain/model-feed.js';
import { runTargets, targetsFor, topClasses, type TargetRequest } from '../../src/explain/seed-run.js';
import type { ModelSession } from '../../src/runtime/runner.js';
import { randomFloats } from '../prepare/model-builder.js';
import { K, manyClassModel } from '../prepare/many-classes.js';

describe('in-graph targets in the engine, K = 40', async () => {
  const runner = nodeRunner();
  const { model, manifest } = await prepare(manyClassModel(), { layers: ['relu2'], inputGradients: true }, runner);
  const raw = await runner.createSession(model);
  let runs = 0;
  const counting: ModelSession = { ...raw, run: (f, o) => (runs++, raw.run(f, o)) };
  const feed = new ModelFeed(counting, manifest);
  const image = randomFloats(3 * 16 * 16, 5, 2);
  const layer = manifest.layers.find((l) => !l.input)!;
  const input = manifest.layers.find((l) => l.input)!;
  const needs = { layers: [layer], input: { layer: input, plain: true, guided: true } };
  const order = topClasses(await feed.logits(image), K);

  const cases: [string, TargetRequest][] = [
    ['top-1', { classIndex: null, top: 1, counterfactual: false, versus: null }],
    ['top-4', { classIndex: null, top: 4, counterfactual: false, versus: null }],
    ['counterfactual top-2', { classIndex: null, top: 2, counterfactual: true, versus: null }],
    ['top-1 versus class 3', { classIndex: null, top: 1, counterfactual: false, versus: 3 }],
  ];
  for (const [name, req] of cases) {
    it(`${name}: one run, the same targets and gradients as seeded runs of those classes`, async () => {
      runs = 0;
      const inGraph = await runTargets(feed, image, needs, req);
      expect(inGraph.runs).toBe(1);
      expect(runs).toBe(1);
      const expected = targetsFor(order.slice(0, req.top), req, K);
      expect(inGraph.targets).toEqual(expected);
      const seeded = await runTargets(feed, image, needs, expected);
      expect(inGraph.layers.get(layer.name)!.gradients).toEqual(seeded.layers.get(layer.name)!.gradients);
      expect(inGraph.layers.get(layer.name)!.activation).toEqual(seeded.layers.get(layer.name)!.activation);
      expect(inGraph.plain).toEqual(seeded.plain);
      expect(inGraph.guided).toEqual(seeded.guided);
    });
  }

  it('a manifest without seed.select takes two runs (forward, then seeded) and agrees', async () => {
    const old = { ...manifest, seed: { name: manifest.seed.name, shape: manifest.seed.shape } };
    const req: TargetRequest = { classIndex: null, top: 2, counterfactual: false, versus: null };
    // the old manifest does not know the selection input; ModelFeed over the new one feeds k = 0 for it
    const oldFeed = new ModelFeed({ ...counting, run: (f, o) => feed.run(f, o ?? []) }, old);
    const before = await runTargets(oldFeed, image, { layers: [layer] }, req);
    const now = await runTargets(feed, image, { layers: [layer] }, req);
    expect(before.runs).toBe(2);
    expect(now.runs).toBe(1);
    expect(now.targets).toEqual(before.targets);
    expect(now.layers.get(layer.name)!.gradients).toEqual(before.layers.get(layer.name)!.gradients);
  });
});
