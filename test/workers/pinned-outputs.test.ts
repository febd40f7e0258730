/**
 * Exact answers of the shipped default model for a handful of representative requests, through the Worker:
 * the explanation id, the sha256 of the PNG's decoded pixels (`<width>x<height>:` then the RGB bytes, palette
 * images expanded), and for JSON the sha256 of the map(s), logits and metrics. Pixels rather than PNG bytes
 * since the encoder changed (native zlib level 1, heatmaps as palette images): the pixel hashes here were
 * computed from both the previous encoder's PNGs (whose byte hashes matched the earlier pins) and the
 * current encoder's, and agreed for every request. The values were recorded from the service; any change to how a model is fed, how maps are
 * computed, combined or rendered, or how ids are made shows up here as a changed hash. A deliberate change
 * of answers updates this table in the same commit, saying why.
 */
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { renderScene } from '../../src/scenes/index.js';
import { call, decodeRgb } from './helpers.js';

/** `<width>x<height>:` followed by the RGB pixels of a PNG (palette expanded). */
function pixelsOf(png: Uint8Array): Uint8Array {
  const d = decodeRgb(png);
  const head = new TextEncoder().encode(`${d.width}x${d.height}:`);
  const out = new Uint8Array(head.length + d.data.length);
  out.set(head);
  out.set(d.data, head.length);
  return out;
}

/** A cluttered 112 x 112 scene with a star and a ring (classes 3 and 5 of the default model). */
function scenePng(): Uint8Array {
  const scene = renderScene({ seed: 20261203, size: 112, kind: 'pair', classes: [3, 5] });
  return encode({ width: scene.width, height: scene.height, data: scene.image, channels: 3, depth: 8 });
}

async function sha256(bytes: Uint8Array | string): Promise<string> {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  return [...new Uint8Array(await crypto.subtle.digest('SHA-256', data))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The parts of a JSON explanation that are answers (not timings, URLs or snippets). */
function answerOf(json: Record<string, unknown>): unknown {
  const { map, logits, top, class: cls, explanations, metrics, versus, counterfactual, runs, units, text } = json;
  return { map, logits, top, class: cls, explanations, metrics, versus, counterfactual, runs, units, text };
}

/** Request query -> [explanation id, sha256 of the PNG's pixels (pixelsOf) or of the JSON answer]. */
const PINNED: Record<string, [string, string]> = {
  '': ['XK036kfBIa1sOi8w2C0c90F_ggZsOgw_lYMj8IO-TcI', '27a8e36e6d3f23288f9a5da8e2137f610b72c4776f7c3e457eb9807614652be4'],
  'class=ring&output=heatmap&colormap=viridis': [
    't7zxbzpIhKJD4zewOc8wNTzO07DScP0n4GPP2s2GhBA',
    '85f9b9ecb9cfa7e782ab96e27f0586fb4f277c975c7a7cef3dcdbd64847d442b',
  ],
  'top=2&width=80': ['nEgRSdmh8JpznnXCCxKfqFNOBvOzoumNIoGgk3uraMk', 'c893ad7f224d5dcb09cf16ae4d345b25d315266779810b19a3f00f68101daa59'],
  'method=guided-gradcam&output=heatmap': [
    'pR1po6fyZcKIOof57aJF1tBz1o0y4APEti7oe_fjMk8',
    'f7c2ceac250a97c87ceaf72c37c6e0574c84e25f79c47232bcdba93748c4407d',
  ],
  'method=saliency&output=json': [
    'biVvRia3674VFZd-Ef7MIiN8KZQVXPVN-1Su46DtNv8',
    'bcccc3641e4b76233860005333f71eef02e60c91b6c98f7f9fa377f60cbada54',
  ],
  'method=smoothgrad&n=6&sigma=0.1&output=json': [
    'hEfQDJ8jtgSotTu78y2ufvpGSK7g4-Z5wGUpHOSsL_8',
    'c68430effb69770330c74606a8ea0ef989b8edc394605302238c492d9d66d8e0',
  ],
  'method=scorecam&output=json': [
    'UCCVvyquEzKF-GsWEH-HGTQbYaJWzoEQDgNViSu3iqI',
    'b7f1e5088022398f5347ebc7b4488fe01e5c6cf66b24c178c3b2ec577c32ffb4',
  ],
  'method=smoothgradcam%2B%2B&n=4': [
    '38dzO0kJQ1vS7qw4VlJbpBNcGw2qN9aVJ-H9qNPrMls',
    '25a42030fd995ffefabc57575be0a9a18608da0edf21c710cf7174c351220c66',
  ],
  'layer=%2Ffeatures%2Ffeatures.18%2Ffeatures.18.2%2FClip_output_0&layer=input&combine=product&output=json': [
    'D575spbc7ZVy2VY3xpsWU_IbE1uqjsFalsuJ-3t1H44',
    'cb7d3877ac75348f7ed7799ab17db6cb4750521357efc9bddc1a57c9b3a28cf1',
  ],
  'aug=flip&alpha=0.3': ['LhooAvZW8Fb7Rj727-YS8d-BiXCLRse8UHdHTkKLiU8', '9973ea2db9269969a023254dee848c642298ccf4ce1ee5cc1c5d3b11fe23aada'],
  'class=star&versus=ring&output=json': [
    'dps9jgpDW4MdpFhq3Cf9G6N2aGMfHqzTF-dq3Ua83rg',
    '53fbc92767f06369d936dd213e1ff0e1652caf36f15d630f49e12a8e72045288',
  ],
  'counterfactual=true&output=heatmap': [
    'zvmhdB0VNl8yXqcIbjfl_7eXwgsR7gPpcE6GqOmYn1M',
    '200256c487018f18ff94cc12594379a3b7fb47e53710620a493f4974bb775f7c',
  ],
  'metrics=drop,increase,deletion,insertion&output=json': [
    'Sqw2448OCdStRlH3dEzNMwSTbpfkcF4mo94dDGP4RUo',
    '1942208ff419bb941c8a66c47f4238c10ab5afda0ad7ae3824a407a3f6c74763',
  ],
  'output=json': ['KX4YqTaHJShFQdf1Glkp-NfAZWpgvyu3ttITO0X-FgM', '07d35ceed56ba3c00c74461ee9de3dd611893b161fecf0421e2bc6dee43e8361'],
  'top=3&output=json': ['gXCRCuCQRDZg1OLLr7NI512ZxhunOOQJbhampMOFHLo', 'e08a506462c63d2dd31b0ceb20162d2ee7b06ebe454401827a719c7c1f2b10dd'],
};

describe('pinned answers of the default model', () => {
  const body = scenePng();
  for (const [query, pinned] of Object.entries(PINNED)) {
    it(`POST /v1/explain?${query} gives the recorded id and answer`, async () => {
      const res = await call(`/v1/explain?${query}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body });
      expect(
        res.status,
        await res
          .clone()
          .text()
          .then((t) => t.slice(0, 300)),
      ).toBe(200);
      const id = res.headers.get('x-explanation-id');
      expect(res.headers.get('x-cache'), 'computed, not served from the cache').toBe('miss');
      const hash = query.includes('output=json')
        ? await sha256(JSON.stringify(answerOf(await res.json<Record<string, unknown>>())))
        : await sha256(pixelsOf(new Uint8Array(await res.arrayBuffer())));
      expect({ id, hash }, 'the id and pixels recorded for this request changed').toEqual({ id: pinned[0], hash: pinned[1] });
    });
  }
});
