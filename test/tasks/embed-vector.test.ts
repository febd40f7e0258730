/**
 * `vector=` for embedding models as comma-separated text, as a JSON array (query or form field) and as a
 * JSON file part of a multipart form: the same direction gives the same id and map whichever way it came;
 * wrong lengths, non-numbers, non-finite values and broken JSON are 400 problems naming `vector`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { GradcamEdge } from '../../sdk/src/index.js';
import { discPng } from '../explain-options/setup.js';
import { serveTaskFixture, type ServedTaskModel } from './served-task-model.js';

const png = discPng(3, 96);
const direction = Array.from({ length: 16 }, (_, i) => Math.sin(i + 1) / 3);

describe('vector= on an embedding model', () => {
  let s: ServedTaskModel;
  beforeAll(async () => {
    s = await serveTaskFixture('embed', { task: 'embed' });
  });
  const query = (q: string) =>
    s.h.request(`/v1/explain?output=json&method=layercam&${q}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
  const form = (vector: string | Blob) => {
    const body = new FormData();
    body.append('file', new Blob([png], { type: 'image/png' }), 'image.png');
    body.append('vector', vector);
    return s.h.request('/v1/explain?output=json&method=layercam', { method: 'POST', body });
  };
  async function ok(res: Response): Promise<{ id: string; map: number[] }> {
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const body = JSON.parse(text) as { id: string; map: { data: number[] }; target: unknown };
    expect(body.target).toEqual({ task: 'embed', target: 'vector' });
    return { id: body.id, map: body.map.data };
  }
  async function problem(res: Response, words: RegExp): Promise<void> {
    const text = await res.text();
    expect(res.status, text).toBe(400);
    const p = JSON.parse(text) as { code: string; option: string; detail: string };
    expect([p.code, p.option]).toEqual(['bad_option', 'vector']);
    expect(p.detail).toMatch(words);
  }

  it('comma-separated, a JSON array in the query, a form field and a JSON file part: one direction, one id, one map', async () => {
    const text = await ok(await query(`vector=${direction.join(',')}`));
    const json = await ok(await query(`vector=${encodeURIComponent(JSON.stringify(direction))}`));
    const field = await ok(await form(JSON.stringify(direction)));
    const file = await ok(await form(new Blob([JSON.stringify(direction)], { type: 'application/json' })));
    expect(text.map.some((v) => v > 0)).toBe(true);
    for (const other of [json, field, file]) expect(other).toEqual(text);
    // another direction is another explanation
    const flipped = await ok(await form(new Blob([JSON.stringify(direction.map((v) => -v))], { type: 'application/json' })));
    expect(flipped.id).not.toBe(text.id);
  });

  it('the SDK sends an array of numbers as the direction', async () => {
    const client = new GradcamEdge({
      url: 'http://service.test',
      fetch: async (input, init) => {
        const r = new Request(input, init);
        const url = new URL(r.url);
        return s.h.request(url.pathname + url.search, { method: r.method, headers: r.headers, body: await r.arrayBuffer() });
      },
    });
    const body = (await client.explainJson(png, { vector: direction, method: 'layercam' })) as unknown as { id: string };
    expect(body.id).toBe((await ok(await query(`vector=${direction.join(',')}`))).id);
  });

  it('bad vectors: 400 naming vector and what to fix', async () => {
    const file = (text: string) => form(new Blob([text], { type: 'application/json' }));
    await problem(await file('[1, 2, 3]'), /has 3 numbers; this model's embedding has 16 dimensions/);
    await problem(await file(`[${direction.slice(0, 15).join(',')}, "0.5"]`), /item 15 \("0.5"\) is not a finite number/);
    await problem(await file(`[${direction.slice(0, 15).join(',')}, 1e999]`), /item 15 \(null\) is not a finite number/);
    await problem(await file(`[${direction.join(',')}`), /not valid JSON/);
    await problem(await file('{"vector": [1, 2]}'), /item 0/);
    await problem(await query(`vector=${encodeURIComponent('[[1, 2]]')}`), /item 0 \(\[1,2\]\)/);
    await problem(await query(`vector=${Array(16).fill(0).join(',')}`), /all zeros/);
    await problem(await form(new Blob([' '.repeat(70000)], { type: 'application/json' })), /at most 65536/);
  });
});
