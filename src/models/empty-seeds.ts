/**
 * @module
 * Feeds for the seed inputs a run leaves out. A prepared model may have several seed inputs (src/manifest.ts:
 * the image input's plain and guided gradients come from backward graphs of their own); onnxruntime needs a
 * value for every input, and an empty seed [0, K] makes a backward graph cost nothing. Wrapping the session
 * once lets every caller feed only the seeds it needs.
 */
import { seedInputs, type Manifest } from '../manifest.js';
import type { ModelSession, RunTensor } from '../runtime/runner.js';

/**
 * A session that adds an empty float32 [0, K] tensor for each of the manifest's seed inputs missing from
 * the feeds, and k = [0] for the in-graph target selection (`seed.select.topK`) when it is missing.
 *
 * @example
 * const session = withEmptySeeds(queued, manifest);
 * await session.run({ input: image, 'gradcam_seed:input': oneHot }); // gradcam_seed is fed [0, K]
 */
export function withEmptySeeds(session: ModelSession, manifest: Manifest): ModelSession {
  const seeds = seedInputs(manifest).filter((name) => session.inputNames.length === 0 || session.inputNames.includes(name));
  const empty = emptySeed(manifest);
  const [topK, zero] = Object.entries(noSelection(manifest))[0] ?? [];
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    run(feeds, fetches) {
      const missing = seeds.filter((name) => !(name in feeds));
      const defaults: Record<string, RunTensor> = Object.fromEntries(missing.map((name) => [name, empty]));
      if (topK && !(topK in feeds)) defaults[topK] = zero!;
      return session.run(Object.keys(defaults).length === 0 ? feeds : { ...feeds, ...defaults }, fetches);
    },
    release: () => session.release(),
  };
}

/** k = 0 for a model with in-graph target selection (manifest `seed.select`): the fed seeds are used as given. */
function noSelection(manifest: Manifest): Record<string, RunTensor> {
  const name = manifest.seed.select?.topK;
  return name ? { [name]: { type: 'int64', dims: [1], data: new BigInt64Array(1) } } : {};
}

function emptySeed(manifest: Manifest): RunTensor {
  return { type: 'float32', dims: [0, Number(manifest.seed.shape[1])], data: new Float32Array(0) };
}

/**
 * Empty [0, K] feeds for the seed inputs other than `seed.name` (the layers' own seeds), and k = [0] for the
 * in-graph target selection when the model has one: spread them under a
 * run's own feeds when the session is not wrapped by {@link withEmptySeeds} (benchmarks, tools).
 *
 * @example
 * await session.run({ ...ownSeedFeeds(manifest), input: image, gradcam_seed: oneHot });
 */
export function ownSeedFeeds(manifest: Manifest): Record<string, RunTensor> {
  const empty = emptySeed(manifest);
  return { ...noSelection(manifest), ...Object.fromEntries(seedInputs(manifest).slice(1).map((name) => [name, empty])) };
}
