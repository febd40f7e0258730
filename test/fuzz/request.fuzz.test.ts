import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeRunner } from '../../cli/ort-node.js';
import { ExplainOptionsSchema } from '../../src/routes/explain/options.js';
import { harness } from '../hardening/app-harness.js';
import { mutated, runs, Tally } from './mutate.js';

const DIR = 'test/fixtures/images';
const corpus = ['png', 'jpeg']
  .flatMap((sub) =>
    readdirSync(join(DIR, sub))
      .filter((f) => /\.(png|jpe?g)$/.test(f))
      .map((f) => new Uint8Array(readFileSync(join(DIR, sub, f)))),
  )
  .filter((b) => b.length < 64 * 1024);
const tally = new Tally();
const h = harness({ runner: nodeRunner });

const image = fc.oneof({ arbitrary: fc.constantFrom(...corpus), weight: 1 }, { arbitrary: mutated(corpus, 2), weight: 2 });
/** `null`: the type matching the bytes' signature (most cases, so that many requests reach the model). */
const type = fc.oneof(
  { arbitrary: fc.constant(null), weight: 4 },
  {
    arbitrary: fc.constantFrom(
      'image/png',
      'image/jpeg',
      'image/png; charset=x',
      'application/octet-stream',
      'text/html',
      'image/svg+xml',
      '',
    ),
    weight: 1,
  },
);
const sniffed = (b: Uint8Array) => (b[0] === 0x89 ? 'image/png' : 'image/jpeg');
const option = fc.oneof(
  fc.record({
    key: fc.constantFrom(...Object.keys(ExplainOptionsSchema.shape)),
    value: fc.constantFrom(
      '',
      'json',
      'heatmap',
      'jet',
      'gray',
      '0',
      '1',
      '3',
      '0.5',
      '-1',
      '9',
      '64',
      '100000',
      'nope',
      'default',
      'DEFAULT',
      '../x',
    ),
  }),
  fc.record({ key: fc.string({ maxLength: 6 }), value: fc.string({ maxLength: 6 }) }),
);
const options = fc.oneof(
  { arbitrary: fc.constant([]), weight: 2 },
  { arbitrary: fc.array(option, { minLength: 1, maxLength: 3 }), weight: 1 },
);
const request = fc.record({ body: image, type, options, form: fc.boolean() });

interface Case {
  body: Uint8Array;
  type: string | null;
  options: readonly { key: string; value: string }[];
  form: boolean;
}

function init(raw: Case): [string, RequestInit] {
  const c = { ...raw, type: raw.type ?? sniffed(raw.body) };
  if (!c.form) {
    const query = new URLSearchParams(c.options.map((o): [string, string] => [o.key, o.value])).toString();
    return [`/v1/explain${query ? `?${query}` : ''}`, { method: 'POST', headers: { 'content-type': c.type }, body: c.body }];
  }
  const form = new FormData();
  form.set('file', new Blob([c.body], { type: c.type }), 'upload');
  for (const o of c.options) form.append(o.key, o.value);
  return ['/v1/explain', { method: 'POST', body: form }];
}

const stored = new Set<string>();

async function send(c: Case): Promise<void> {
  const start = performance.now();
  const res = await h.request(...init(c));
  const body = new Uint8Array(await res.arrayBuffer());
  if (res.status === 200) {
    const id = res.headers.get('x-explanation-id')!;
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    if (res.headers.get('content-type') === 'image/png') expect(decode(body).width).toBeGreaterThan(0);
    else expect(JSON.parse(new TextDecoder().decode(body)).id).toBe(id);
    stored.add(`explanation:${id}`);
  } else {
    expect(res.status, new TextDecoder().decode(body)).toBeGreaterThanOrEqual(400);
    expect(res.status, new TextDecoder().decode(body)).toBeLessThan(500);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('cache-control')).toBe('no-store');
  }
  tally.add(String(res.status), performance.now() - start);
}

describe('fuzz: POST /v1/explain through the whole app (real model runs in Node)', () => {
  afterAll(() => console.log(tally.report('explain requests')));

  it('every request ends in 200 with a valid explanation or a 4xx problem; only successes are cached', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (c) => send(c)),
      { numRuns: runs(400, 10), seed: Number(process.env.FUZZ_SEED ?? 9) },
    );
    await h.settle();
    const keys = await h.explanations.keys();
    expect(
      keys.filter((k) => !stored.has(k)),
      'keys not stored',
    ).toEqual([]);
    expect(tally.counts.get('200') ?? 0).toBeGreaterThan(20);
  });
});
