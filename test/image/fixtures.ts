/**
 * @module
 * Loading the committed image fixtures (written by tools/make_image_fixtures.py and
 * tools/render_reference.py) for the image tests.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** One decoding fixture: the file, the expected RGB and how strictly to compare. */
export interface DecodeFixture {
  file: string;
  expected: string;
  width: number;
  height: number;
  compare: 'exact' | 'tolerance';
}

/** Bytes of a file under test/fixtures/. */
export function fixtureBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(ROOT + path));
}

/** The JSON file under test/fixtures/. */
export function fixtureJson<T>(path: string): T {
  return JSON.parse(readFileSync(ROOT + path, 'utf8')) as T;
}

/** The decoding fixtures listed in test/fixtures/images/index.json. */
export function decodeFixtures(): DecodeFixture[] {
  return fixtureJson<DecodeFixture[]>('images/index.json');
}

/** Largest absolute difference and how many values differ by more than `limit`. */
export function compareBytes(a: Uint8Array, b: Uint8Array, limit = 0): { maxDiff: number; over: number } {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let maxDiff = 0;
  let over = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > maxDiff) maxDiff = d;
    if (d > limit) over++;
  }
  return { maxDiff, over };
}
