/**
 * @module
 * What a concept dataset looks like to Network Dissection: a list of named concepts of a few kinds, and
 * images with one binary mask per concept present. The scene generator (scene-concepts.ts) and a folder of
 * images with mask PNGs (cli/concept-folder.ts) both provide one.
 */
import type { RgbImage } from '../image/index.js';

/** What a concept is about (the quality report counts named units per kind). */
export type ConceptKind = 'shape' | 'part' | 'texture' | 'colour' | 'clutter' | 'other';

/** One concept of a dataset. */
export interface Concept {
  name: string;
  kind: ConceptKind;
}

/** One image of a concept dataset and the masks of the concepts in it, at the image's resolution. */
export interface ConceptSample {
  image: RgbImage;
  /** At most one mask per concept (1 = the concept is at that pixel), width x height of `image`, row-major. */
  masks: { concept: number; mask: Uint8Array }[];
}

/** A concept dataset. */
export interface ConceptSource {
  /** Provenance as recorded in the manifest, e.g. `scenes(seed=1000000)` or `folder:my-concepts`. */
  readonly name: string;
  readonly concepts: readonly Concept[];
  /** How many images {@link ConceptSource.sample} serves (indices 0..count-1). */
  readonly count: number;
  sample(index: number): Promise<ConceptSample>;
}
