import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Env } from '../../src/env.js';
import worker from '../../src/index.js';
import { PARTS_FORMAT, type PartsIndex } from '../../src/models/parts.js';
import { readModelBytes } from '../../src/models/source.js';
import { testPng } from './helpers.js';

interface TestEnv extends Env {
  MODELS: KVNamespace;
  TINY_ONNX: ArrayBuffer;
  TINY_JSON: ArrayBuffer;
}
const base = env as unknown as TestEnv;

const ADMIN = 'test-admin-key';
const USER = 'test-user-key';
/** Small parts so that the 9.5 KB test model is stored in three of them. */
const PART_BYTES = 4000;

async function sha(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function send(path: string, init: RequestInit = {}, extra: Partial<TestEnv> = {}): Promise<Response> {
  const enc = (s: string) => new TextEncoder().encode(s);
  const keys = { API_KEYS: await sha(enc(USER)), ADMIN_KEYS: await sha(enc(ADMIN)) };
  const waits: Promise<unknown>[] = [];
  const ctx = { waitUntil: (p: Promise<unknown>) => void waits.push(p), passThroughOnException: () => undefined, props: {} };
  const res = await worker.fetch(
    new Request(`http://local.test${path}`, init),
    { ...base, ...keys, ...extra },
    ctx as unknown as ExecutionContext,
  );
  const body = await res.arrayBuffer();
  await Promise.allSettled(waits);
  return new Response(body, res);
}

/**
 * The tiny prepared model with `tag` appended as its doc_string (protobuf field 6, appended fields merge):
 * the same graph and weights under another sha256, so every case loads its own session from KV.
 */
async function variant(tag: string): Promise<{ model: Uint8Array; manifest: string }> {
  const text = new TextEncoder().encode(tag);
  const model = new Uint8Array([...new Uint8Array(base.TINY_ONNX), 0x32, text.length, ...text]);
  const manifest = { ...JSON.parse(new TextDecoder().decode(base.TINY_JSON)), sha256: await sha(model) };
  return { model, manifest: JSON.stringify(manifest) };
}

async function upload(id: string, tag: string, extra: Partial<TestEnv> = {}): Promise<Uint8Array> {
  const { model, manifest } = await variant(tag);
  const form = new FormData();
  form.set('model', new Blob([model]), 'model.onnx');
  form.set('manifest', manifest);
  const res = await send(`/v1/models/${id}`, { method: 'PUT', headers: { authorization: `Bearer ${ADMIN}` }, body: form }, extra);
  expect(res.status, await res.clone().text()).toBe(201);
  return model;
}

interface Explained {
  logits: number[];
  map: { shape: number[]; data: number[] };
  class: { index: number };
}
const explain = (id: string) =>
  send(`/v1/explain?model=${id}&output=json`, {
    method: 'POST',
    headers: { authorization: `Bearer ${USER}`, 'content-type': 'image/png' },
    body: testPng(48, 40, 11),
  });

async function problem(res: Response, status: number, code: string): Promise<string> {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = (await res.json()) as { code: string; detail: string };
  expect({ status: res.status, code: body.code }).toEqual({ status, code });
  expect(body.detail).not.toMatch(/wasm|RuntimeError|\bat .*\(/i);
  return body.detail;
}

const index = async (id: string) => JSON.parse((await base.MODELS.get(`${id}.onnx`, 'text'))!) as PartsIndex;

describe('models stored in parts (KV values are at most 25 MiB)', () => {
  it('stores a model over the part size as an index and parts, reads it back byte for byte, and explains it as the whole model does', async () => {
    const model = await upload('parted', 'parted', { MODEL_PART_BYTES: String(PART_BYTES) });
    const stored = await index('parted');
    expect(stored).toMatchObject({ format: PARTS_FORMAT, bytes: model.byteLength, sha256: await sha(model) });
    expect(stored.parts.map((p) => p.bytes)).toEqual([PART_BYTES, PART_BYTES, model.byteLength - 2 * PART_BYTES]);
    for (const part of stored.parts) expect(part.key).toMatch(/^versions\/parted\/1\.onnx\.part\d$/);
    expect(await base.MODELS.get('versions/parted/1.onnx', 'text')).toBe(JSON.stringify(stored));
    expect(await readModelBytes(base, 'parted')).toEqual(model);

    const whole = await upload('whole', 'whole');
    expect(new Uint8Array((await base.MODELS.get('whole.onnx', 'arrayBuffer'))!)).toEqual(whole);
    const [a, b] = [await explain('parted'), await explain('whole')];
    expect([a.status, b.status]).toEqual([200, 200]);
    const [pa, pb] = [(await a.json()) as Explained, (await b.json()) as Explained];
    expect(pa.logits).toEqual(pb.logits);
    expect(pa.class).toEqual(pb.class);
    expect(pa.map).toEqual(pb.map);
    expect(Math.max(...pa.map.data)).toBeGreaterThan(0);

    expect((await send('/v1/models/parted', { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN}` } })).status).toBe(204);
    expect((await base.MODELS.list({ prefix: 'versions/parted/' })).keys).toHaveLength(0);
  });

  const faults: [string, (id: string, idx: PartsIndex) => Promise<void>, RegExp][] = [
    ['a missing part', (_, idx) => base.MODELS.delete(idx.parts[1]!.key), /part '.*part1' is missing/],
    [
      'a torn (short) part',
      async (_, idx) => base.MODELS.put(idx.parts[2]!.key, new Uint8Array(10)),
      /part '.*part2' has 10 bytes; its index says/,
    ],
    [
      'a part longer than its index says',
      async (_, idx) => base.MODELS.put(idx.parts[0]!.key, new Uint8Array(PART_BYTES + 1)),
      /part '.*part0' is longer than/,
    ],
    [
      'a stale part of the right length',
      async (_, idx) => {
        const part = new Uint8Array((await base.MODELS.get(idx.parts[0]!.key, 'arrayBuffer'))!);
        part[100]! ^= 0xff;
        await base.MODELS.put(idx.parts[0]!.key, part);
      },
      /do not match the index's sha256/,
    ],
    ['a malformed index', (id) => base.MODELS.put(`${id}.onnx`, '{"format":"gradcam-edge/parts-1","bytes":5}'), /index is malformed/],
  ];
  for (const [i, [what, breakIt, message]] of faults.entries()) {
    it(`refuses a model with ${what}: 503 model_unavailable naming the part, and loads once it is repaired`, async () => {
      const id = `broken-${i}`;
      await upload(id, id, { MODEL_PART_BYTES: String(PART_BYTES) });
      const good = await index(id);
      const saved = await Promise.all(good.parts.map(async (p) => (await base.MODELS.get(p.key, 'arrayBuffer'))!));
      await breakIt(id, good);
      const res = await explain(id);
      expect(res.headers.get('retry-after')).toBe('30');
      expect(await problem(res, 503, 'model_unavailable')).toMatch(message);
      await base.MODELS.put(`${id}.onnx`, JSON.stringify(good));
      for (const [j, p] of good.parts.entries()) await base.MODELS.put(p.key, saved[j]!);
      expect((await explain(id)).status).toBe(200);
    });
  }
});
