/**
 * The Node server's stand-ins for KV: the bounded LRU explanation cache and the read-only model directory.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryKv } from '../../cli/serve/memory-kv.js';
import { directoryAssets, directoryKv } from '../../cli/serve/model-dir.js';

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

describe('MemoryKv', () => {
  it('round-trips bytes and metadata in every read type', async () => {
    const kv = new MemoryKv({ maxBytes: 1000 });
    await kv.put('a', '{"x":1}', { metadata: { contentType: 'application/json' } });
    expect(await kv.get('a', 'json')).toEqual({ x: 1 });
    expect(await kv.get('a')).toBe('{"x":1}');
    const { value, metadata } = await kv.getWithMetadata('a', 'stream');
    expect(new TextDecoder().decode(await new Response(value as ReadableStream).arrayBuffer())).toBe('{"x":1}');
    expect(metadata).toEqual({ contentType: 'application/json' });
    expect(await kv.get('missing', 'arrayBuffer')).toBeNull();
  });

  it('evicts the least recently used entries beyond its byte budget', async () => {
    const kv = new MemoryKv({ maxBytes: 300 });
    await kv.put('a', bytes(99));
    await kv.put('b', bytes(99));
    await kv.get('a'); // a is now more recent than b
    await kv.put('c', bytes(99));
    expect(kv.size).toBe(300);
    await kv.put('d', bytes(99));
    expect(await kv.get('b')).toBeNull();
    expect(await kv.get('a')).not.toBeNull();
    expect(kv.size).toBeLessThanOrEqual(300);
    await kv.put('huge', bytes(400));
    expect(await kv.get('huge')).toBeNull();
    await kv.put('a', bytes(10));
    expect(new Uint8Array((await kv.get('a', 'arrayBuffer')) as ArrayBuffer)).toHaveLength(10);
  });
});

describe('model directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradcam-edge-models-'));
  writeFileSync(join(dir, 'm1.json'), '{"format":"x"}');
  writeFileSync(join(dir, 'm1.onnx'), bytes(4, 7));
  writeFileSync(join(dir, 'notes.txt'), 'x');

  it('serves plain files as assets and KV keys, nothing outside the directory', async () => {
    const assets = directoryAssets(dir);
    expect((await assets.fetch(new Request('https://assets.invalid/m1.json'))).status).toBe(200);
    expect((await assets.fetch(new Request('https://assets.invalid/..%2Fetc%2Fpasswd'))).status).toBe(404);
    const kv = directoryKv(dir);
    expect(await kv.get('m1.json', 'json')).toEqual({ format: 'x' });
    expect(new Uint8Array((await kv.get('m1.onnx', 'arrayBuffer'))!)).toEqual(bytes(4, 7));
    expect(await kv.get('../m1.json')).toBeNull();
    expect((await kv.list()).keys.map((k) => k.name)).toEqual(['m1.json', 'm1.onnx']);
  });
});
