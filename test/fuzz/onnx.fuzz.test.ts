import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { decodeModel, defaultOpset } from '../../src/onnx/proto.js';
import { findImageInput } from '../../src/prepare/input.js';
import { mutated, runs, Tally } from './mutate.js';

const MODELS = 'test/fixtures/models';
const corpus = [...readdirSync(MODELS).map((d) => join(MODELS, d, 'model.onnx')), 'test/fixtures/prepared/tiny.onnx']
  .map((f) => new Uint8Array(readFileSync(f)))
  .filter((b) => b.length < 400_000);
const tally = new Tally();

/** The reading stage of prepare (and of model uploads): decode, opset, the image input. */
function read(bytes: Uint8Array): string {
  const start = performance.now();
  let result = 'read';
  try {
    const model = decodeModel(bytes);
    expect(Number.isFinite(defaultOpset(model))).toBe(true);
    const input = findImageInput(model, [32, 32]);
    expect(input.shape).toHaveLength(4);
  } catch (err) {
    if (!(err instanceof ApiError)) throw new Error(`not an ApiError: ${String(err)}`);
    expect(err.status).toBeGreaterThanOrEqual(400);
    expect(err.status).toBeLessThan(500);
    result = `${err.status} ${err.code}`;
  }
  tally.add(result, performance.now() - start);
  return result;
}

describe('fuzz: the ONNX reader', () => {
  afterAll(() => console.log(tally.report('ONNX reader')));

  it(`mutated models (${corpus.length} valid files) decode or end in a 4xx ApiError`, () => {
    expect(corpus.length).toBeGreaterThanOrEqual(8);
    fc.assert(
      fc.property(mutated(corpus, 3), (bytes) => void read(bytes)),
      { numRuns: runs(2000), seed: Number(process.env.FUZZ_SEED ?? 5) },
    );
    expect(tally.counts.get('read') ?? 0).toBeGreaterThan(0);
  });

  it('random bytes and protobuf-shaped garbage', () => {
    const field = fc
      .tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 5 }), fc.uint8Array({ maxLength: 40 }))
      .map(([n, wire, body]) => Uint8Array.of((n << 3) | wire, ...body));
    const garbage = fc.oneof(
      fc.uint8Array({ maxLength: 4096 }),
      fc.array(field, { maxLength: 30 }).map((fs) => Uint8Array.from(fs.flatMap((f) => [...f]))),
    );
    fc.assert(
      fc.property(garbage, (bytes) => void read(bytes)),
      { numRuns: runs(1000), seed: 3 },
    );
  });
});
