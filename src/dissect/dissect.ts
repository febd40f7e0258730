/**
 * @module
 * Network Dissection of one explained layer of a prepared model (Bau et al. 2017, arXiv:1704.05796): every
 * image of a concept dataset goes through the model (forward only, batched), each unit's threshold is its
 * top-quantile activation over the dataset (quantile.ts), and each unit is named after the concept whose
 * masks its thresholded, upsampled maps overlap best (tally.ts, names.ts). Offline work for the CLI
 * (`gradcam-edge dissect`); the service only reads the names from the manifest.
 */
import { preprocess, preprocessSpecOf, type Box } from '../image/index.js';
import type { LayerDissection, LayerSpec } from '../manifest.js';
import type { ModelFeed } from '../explain/model-feed.js';
import type { ConceptSource } from './concepts.js';
import { IOU_THRESHOLD, nameUnits } from './names.js';
import { TOP_QUANTILE, unitThresholds } from './quantile.js';
import { IouTally, type ConceptMask } from './tally.js';

/** Options of {@link dissectLayer}. */
export interface DissectOptions {
  quantile?: number;
  iouThreshold?: number;
  /** The date recorded in the result (default now). */
  date?: Date;
  /** Called after each batch with the number of images run so far. */
  progress?: (done: number, total: number) => void;
}

/**
 * Dissect `layer` of the model behind `feed` on `source`; the result goes into the layer's manifest entry.
 *
 * @example
 * const units = await dissectLayer(new ModelFeed(session, manifest), manifest.layers[0], sceneConcepts({ count: 200 }));
 * units.names[12]; // 'star' or null
 */
export async function dissectLayer(
  feed: ModelFeed,
  layer: LayerSpec,
  source: ConceptSource,
  options: DissectOptions = {},
): Promise<LayerDissection> {
  const q = options.quantile ?? TOP_QUANTILE,
    threshold = options.iouThreshold ?? IOU_THRESHOLD;
  const [, channels, h, w] = layer.shape as [unknown, number, number, number];
  const { width, height } = feed.inputSize;
  const spec = preprocessSpecOf(feed.manifest.input);
  const count = source.count,
    plane = h * w,
    per = channels * plane;
  if (count === 0) throw new RangeError('the concept source has no images');
  const activations = new Float32Array(count * per);
  const masks: ConceptMask[][] = [];
  for (let start = 0; start < count; start += feed.batchLimit) {
    const n = Math.min(feed.batchLimit, count - start);
    const inputs = new Float32Array(n * width * height * 3);
    for (let i = 0; i < n; i++) {
      const sample = await source.sample(start + i);
      const pre = preprocess(sample.image, spec);
      inputs.set(pre.data, i * pre.data.length);
      masks.push(
        sample.masks.map((m) => ({ concept: m.concept, mask: maskToInput(m.mask, sample.image.width, pre.region, width, height) })),
      );
    }
    const out = await feed.run({ [feed.manifest.input.name]: feed.images(inputs, n), [feed.manifest.seed.name]: feed.zeroRows(n) }, [
      layer.activation,
    ]);
    activations.set(feed.floats(out, layer.activation).data.subarray(0, n * per), start * per);
    options.progress?.(start + n, count);
  }
  const thresholds = unitThresholds(activations, count, channels, plane, q);
  const tally = new IouTally(channels, source.concepts.length, height, width);
  for (let n = 0; n < count; n++) tally.add(activations.subarray(n * per, (n + 1) * per), h, w, thresholds, masks[n]!);
  const labels = nameUnits(
    tally,
    source.concepts.map((c) => c.name),
    threshold,
  );
  return {
    source: source.name,
    images: count,
    quantile: q,
    iouThreshold: threshold,
    resolution: [height, width],
    date: (options.date ?? new Date()).toISOString(),
    kinds: Object.fromEntries(source.concepts.map((c) => [c.name, c.kind])),
    names: labels.map((l) => l.name),
    iou: labels.map((l) => Math.round(l.iou * 1e4) / 1e4),
  };
}

/** A mask of the source image resampled (nearest) onto the model input's pixels, covering `region`. */
export function maskToInput(mask: Uint8Array, sourceWidth: number, region: Box, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const sourceHeight = mask.length / sourceWidth;
  for (let y = 0; y < height; y++) {
    const sy = Math.min(sourceHeight - 1, Math.floor(region.y + ((y + 0.5) * region.height) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(sourceWidth - 1, Math.floor(region.x + ((x + 0.5) * region.width) / width));
      out[y * width + x] = mask[sy * sourceWidth + sx] ? 1 : 0;
    }
  }
  return out;
}
