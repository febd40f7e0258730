import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeRunner } from '../../cli/ort-node.js';
import { harness } from './app-harness.js';

const ADMIN = 'admin-key-for-store-faults';
const env = { ADMIN_KEYS: createHash('sha256').update(ADMIN).digest('hex') };

function preparedForm(): FormData {
  const form = new FormData();
  form.set('model', new Blob([readFileSync('test/fixtures/prepared/tiny.onnx')]), 'tiny.onnx');
  form.set('manifest', readFileSync('test/fixtures/prepared/tiny.json', 'utf8'));
  return form;
}

describe('model uploads when the MODELS namespace fails', () => {
  it('answers 503 + Retry-After (not 500) for uploads and deletes, and works again once KV is back', async () => {
    const h = harness({ runner: nodeRunner, env });
    const auth = { authorization: `Bearer ${ADMIN}` };
    h.models.fault = 'throw';
    const put = await h.request('/v1/models/t', { method: 'PUT', headers: auth, body: preparedForm() });
    expect(put.status).toBe(503);
    expect(put.headers.get('retry-after')).toBe('5');
    expect(((await put.json()) as { code: string }).code).toBe('model_unavailable');
    expect((await h.request('/v1/models/t', { method: 'DELETE', headers: auth })).status).toBe(503);
    h.models.fault = 'none';
    const ok = await h.request('/v1/models/t', { method: 'PUT', headers: auth, body: preparedForm() });
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as { version: number }).version).toBe(1);
    expect((await h.request('/v1/models/t', { method: 'DELETE', headers: auth })).status).toBe(204);
  });
});
