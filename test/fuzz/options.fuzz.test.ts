import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { ClassifyOptionsSchema, ExplainOptionsSchema, parseOptions } from '../../src/routes/explain/options.js';
import { runs, Tally } from './mutate.js';

const tally = new Tally();
const KNOWN = Object.keys(ExplainOptionsSchema.shape);

/** Values that look like what clients send, and what they should not. */
const value = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.double().map(String),
  fc.integer({ min: -(2 ** 40), max: 2 ** 40 }).map(String),
  fc.constantFrom(
    '',
    ' ',
    'NaN',
    'Infinity',
    '-0',
    '1e308',
    '0x10',
    '1.5',
    '__proto__',
    'constructor',
    'jet',
    'json',
    'gradcam',
    'default',
    '3',
  ),
);
const key = fc.oneof(
  { arbitrary: fc.constantFrom(...KNOWN), weight: 5 },
  { arbitrary: fc.string({ maxLength: 10 }), weight: 1 },
  { arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString'), weight: 1 },
);
const fields = fc.dictionary(key, value, { maxKeys: 8 });

function check(schema: typeof ExplainOptionsSchema | typeof ClassifyOptionsSchema, input: Record<string, string>): void {
  const start = performance.now();
  let result = 'parsed';
  try {
    const parsed = parseOptions(schema, input) as Record<string, unknown>;
    for (const [name, v] of Object.entries(parsed)) {
      if (typeof v === 'number') expect(Number.isFinite(v), `${name} = ${v}`).toBe(true);
    }
    if ('alpha' in parsed) expect(parsed.alpha as number).toBeGreaterThanOrEqual(0);
    if ('alpha' in parsed) expect(parsed.alpha as number).toBeLessThanOrEqual(1);
    for (const side of ['width', 'height']) {
      const v = parsed[side];
      if (v !== undefined)
        expect(Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65535, `an integer in 1..65535: ${v}`).toBe(true);
    }
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  } catch (err) {
    if (!(err instanceof ApiError)) throw new Error(`not an ApiError: ${String(err)}`);
    expect(err.status).toBe(400);
    expect(err.code).toBe('bad_option');
    expect(typeof err.extra.option).toBe('string');
    result = 'bad_option';
  }
  tally.add(result, performance.now() - start);
}

describe('fuzz: the option parser', () => {
  afterAll(() => console.log(tally.report('option parser')));

  it('explain options: parsed within their ranges, or 400 bad_option naming the option', () => {
    fc.assert(
      fc.property(fields, (f) => check(ExplainOptionsSchema, f)),
      { numRuns: runs(3000), seed: Number(process.env.FUZZ_SEED ?? 1) },
    );
    expect(tally.counts.get('parsed') ?? 0).toBeGreaterThan(50);
  });

  it('classify options', () => {
    fc.assert(
      fc.property(fields, (f) => check(ClassifyOptionsSchema, f)),
      { numRuns: runs(1000), seed: 2 },
    );
  });
});
