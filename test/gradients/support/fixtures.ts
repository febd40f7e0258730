/**
 * @module
 * Reading the PyTorch-autograd model fixtures (test/fixtures/models/<name>/, format
 * gradcam-edge-fixture/1, written by tools/make_fixtures.py; see tools/README.md).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of fixture.json these tests use. */
export interface Fixture {
  name: string;
  dir: string;
  opset: number;
  onnx: string;
  input: { name: string; file: string; shape: number[] };
  logits: { name: string; file: string; shape: number[] };
  seeds: { kind: string; file: string; shape: number[] }[];
  layers: { tensor: string; role: string; shape: number[]; activation: string; gradients: string[] }[];
}

/** Root of the committed model fixtures. */
export const FIXTURE_ROOT = new URL('../../fixtures/models/', import.meta.url).pathname;

/** All fixtures present (an empty list when none are committed yet). */
export function listFixtures(): Fixture[] {
  if (!existsSync(FIXTURE_ROOT)) return [];
  return readdirSync(FIXTURE_ROOT)
    .filter((d) => existsSync(join(FIXTURE_ROOT, d, 'fixture.json')))
    .sort()
    .map((d) => ({ ...JSON.parse(readFileSync(join(FIXTURE_ROOT, d, 'fixture.json'), 'utf8')), dir: join(FIXTURE_ROOT, d) }));
}

/** A raw little-endian float32 file of a fixture. */
export function readF32(fixture: Fixture, file: string): Float32Array {
  const bytes = readFileSync(join(fixture.dir, file));
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** The fixture's ONNX bytes. */
export function readModel(fixture: Fixture): Uint8Array {
  return new Uint8Array(readFileSync(join(fixture.dir, fixture.onnx)));
}
