/**
 * The TypeScript SDK running inside workerd (a Worker calling the service, here through the test's
 * Worker entry instead of the network): fetch, AbortSignal.any/timeout, Headers and ReadableStream as
 * workerd provides them.
 */
import { exports } from 'cloudflare:workers';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { GradcamEdge, GradcamEdgeError } from '../../sdk/src/index.js';
import { testPng } from './helpers.js';

const worker = (exports as unknown as { default: Fetcher }).default;
const client = new GradcamEdge({ url: 'http://local.test', fetch: (input, init) => worker.fetch(new Request(input, init)) });

describe('SDK in workerd', () => {
  it('explains an image (PNG stream and metadata) and the JSON of the same image agrees', async () => {
    const png = testPng(60, 40, 71);
    const cam = await client.explain(png, { colormap: 'inferno' });
    const image = decode(await cam.bytes());
    expect([image.width, image.height]).toEqual([60, 40]);
    expect(cam.url).toBe(`http://local.test/v1/explanations/${cam.id}.png`);
    expect(cam.snippets.badge.url).toBe(`http://local.test/v1/explanations/${cam.id}/badge.svg`);
    const json = await client.explainJson(png);
    expect(cam.classIndex).toBe(json.class.index);
    expect((await client.models()).filter((m) => m.default).map((m) => m.id)).toEqual(['default']);
  });

  it('raises typed problem errors', async () => {
    const err = await client.explain(testPng(8, 8, 72), { model: 'nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GradcamEdgeError);
    expect([(err as GradcamEdgeError).status, (err as GradcamEdgeError).code]).toEqual([404, 'model_not_found']);
  });
});
