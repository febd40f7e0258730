/**
 * The SDK's HTTP policy (retries on 429/503 with Retry-After, timeout, AbortSignal, problem+json errors)
 * against a scripted local HTTP server: the real service never answers 429/503 on purpose, so these paths
 * are driven here; everything else is tested against wrangler dev in clients.test.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GradcamEdge, GradcamEdgeError, retryAfterMs } from '../../sdk/src/index.js';
import { retryDelay } from '../../sdk/src/retry.js';

type Step = (req: IncomingMessage, res: ServerResponse) => void;

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const problem =
  (status: number, code: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Step =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/problem+json', ...headers });
    res.end(JSON.stringify({ type: `urn:gradcam-edge:problem:${code}`, title: 'x', status, code, detail: `detail of ${code}`, ...extra }));
  };
const explained: Step = (_req, res) => {
  res.writeHead(200, {
    'content-type': 'image/png',
    'x-explanation-id': 'A'.repeat(43),
    'x-explanation-class': '2',
    'x-explanation-score': '0.5',
    'x-explanation-label': encodeURIComponent('red [square]'),
    'x-explanation-method': 'gradcam',
    'x-explanation-model': 'default',
    'x-explanation-layer': 'l',
    'x-explanation-url': `http://example.test/v1/explanations/${'A'.repeat(43)}.png`,
    'x-cache': 'miss',
    'server-timing': 'model;dur=12.5, cam;dur=0.25',
  });
  res.end(Buffer.from(PNG));
};

describe('SDK transport against a scripted server', () => {
  let server: Server;
  let url: string;
  let steps: Step[];
  let seen: { time: number; url: string; type?: string }[];
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen.push({ time: Date.now(), url: req.url!, type: req.headers['content-type'] });
        (steps.shift() ?? explained)(req, res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    steps = [];
    seen = [];
  });
  const client = (over: Partial<ConstructorParameters<typeof GradcamEdge>[0]> = {}) =>
    new GradcamEdge({ url, retry: { baseDelayMs: 20 }, ...over });

  it('retries 503 and 429, waiting what Retry-After says, then returns the explanation', async () => {
    steps = [problem(503, 'model_unavailable', {}, { 'retry-after': '0' }), problem(429, 'rate_limited', {}, { 'retry-after': '1' })];
    const cam = await client().explain(PNG, { class: 'red', colormap: 'turbo' });
    expect(seen).toHaveLength(3);
    expect(seen[2].time - seen[1].time).toBeGreaterThanOrEqual(950);
    expect(seen[0].type).toBe('image/png');
    expect(new URL(seen[0].url, url).searchParams.get('colormap')).toBe('turbo');
    expect([cam.classIndex, cam.label, cam.score, cam.cache, cam.timings]).toEqual([
      2,
      'red [square]',
      0.5,
      'miss',
      { model: 12.5, cam: 0.25 },
    ]);
    expect(await cam.bytes()).toEqual(PNG);
    expect(cam.badgeUrl).toBe(`http://example.test/v1/explanations/${'A'.repeat(43)}/badge.svg`);
    expect(cam.snippets.badge.markdown).toBe(`[![gradcam: red \\[square\\] 50.0%](${cam.badgeUrl})](${cam.url})`);
    expect(cam.snippets.image!.html).toBe(
      `<a href="${cam.url}"><img src="${cam.url}" alt="gradcam: red [square] 50.0% (explanation)"></a>`,
    );
  });

  it('gives up after the configured retries with the last problem, and never retries other statuses', async () => {
    steps = [problem(503, 'model_unavailable'), problem(503, 'model_unavailable'), problem(503, 'model_unavailable')];
    const err = await client({ retry: { retries: 2, baseDelayMs: 5 } })
      .explain(PNG)
      .catch((e) => e);
    expect(err).toBeInstanceOf(GradcamEdgeError);
    expect([err.status, err.code, seen.length]).toEqual([503, 'model_unavailable', 3]);
    steps = [problem(400, 'bad_option', { option: 'alpha' })];
    seen = [];
    const bad = await client()
      .explain(PNG, { alpha: 3 })
      .catch((e) => e);
    expect([bad.status, bad.code, bad.option, bad.detail, seen.length]).toEqual([400, 'bad_option', 'alpha', 'detail of bad_option', 1]);
  });

  it('does not wait for a Retry-After beyond the longest allowed delay', async () => {
    steps = [problem(429, 'rate_limited', {}, { 'retry-after': '120' })];
    const err = await client()
      .models()
      .catch((e) => e);
    expect([err.code, err.retryAfterMs, seen.length]).toEqual(['rate_limited', 120_000, 1]);
  });

  it('turns a slow answer into a timeout error and honours the caller’s AbortSignal', async () => {
    steps = [() => undefined]; // never answers
    const started = Date.now();
    const err = await client({ timeoutMs: 150 })
      .explain(PNG)
      .catch((e) => e);
    expect([err.code, err.status]).toEqual(['timeout', 0]);
    expect(Date.now() - started).toBeLessThan(2000);
    steps = [() => undefined];
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user gave up')), 50);
    const aborted = await client()
      .explain(PNG, { signal: controller.signal })
      .catch((e) => e);
    expect(aborted.message).toBe('user gave up');
  });

  it('reports a non-problem error body, an unreachable service and a non-explanation response', async () => {
    steps = [(_q, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>')];
    const gateway = await client()
      .explain(PNG)
      .catch((e) => e);
    expect([gateway.status, gateway.code]).toEqual([502, 'unexpected_response']);
    expect(gateway.detail).toContain('Bad gateway');
    const down = await new GradcamEdge({ url: 'http://127.0.0.1:9' }).models().catch((e) => e);
    expect([down.status, down.code]).toEqual([0, 'network_error']);
    steps = [(_q, res) => res.writeHead(200, { 'content-type': 'image/png' }).end('x')];
    expect(
      (
        await client()
          .explain(PNG)
          .catch((e) => e)
      ).code,
    ).toBe('unexpected_response');
  });

  it('refuses output=json in explain (explainJson is the JSON call) without sending anything', async () => {
    await expect(client().explain(PNG, { output: 'json' as never })).rejects.toThrow(/explainJson/);
    expect(seen).toEqual([]);
  });

  it('sniffs JPEG bytes and Blob types, and sends unknown bytes as octet-stream', async () => {
    await client().explain(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0]));
    await client().explain(new Blob([PNG]));
    await client().explain(new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' }));
    await client()
      .explain(new Uint8Array([1, 2, 3]))
      .catch(() => undefined);
    expect(seen.map((s) => s.type)).toEqual(['image/jpeg', 'image/png', 'image/jpeg', 'application/octet-stream']);
  });
});

describe('retry policy', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }))).toBe(3000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
  });
  it('backs off exponentially with jitter, capped, and stops after the retries', () => {
    const policy = { retries: 3, baseDelayMs: 100, maxDelayMs: 300 };
    expect([0, 1, 2].map((a) => retryDelay(policy, a, undefined, () => 1))).toEqual([100, 200, 300]);
    expect([0, 1, 2].map((a) => retryDelay(policy, a, undefined, () => 0))).toEqual([50, 100, 150]);
    expect(retryDelay(policy, 3, undefined)).toBeUndefined();
    expect(retryDelay(policy, 0, 250)).toBe(250);
    expect(retryDelay(policy, 0, 301)).toBeUndefined();
  });
});
