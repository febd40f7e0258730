/**
 * Exact answers of the shipped default model for a handful of representative requests, through the Worker:
 * the explanation id, the sha256 of the PNG bytes, and for JSON the sha256 of the map(s), logits and
 * metrics. The values were recorded from the service; any change to how a model is fed, how maps are
 * computed, combined or rendered, or how ids are made shows up here as a changed hash. A deliberate change
 * of answers updates this table in the same commit, saying why.
 */
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { renderScene } from '../../src/scenes/index.js';
import { call } from './helpers.js';

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
  const { map, logits, top, class: cls, explanations, metrics, versus, counterfactual, runs } = json;
  return { map, logits, top, class: cls, explanations, metrics, versus, counterfactual, runs };
}

/** Request query -> [explanation id, sha256 of the PNG bytes or of the JSON answer]. */
const PINNED: Record<string, [string, string]> = {
  '': [
    'DEw6ntUozPZ7NpfeUa0eze-kEUed-u2LLWZsJWzAvvQ',
    'b9d22d8919fecc87eda5c5509c82dcb828ce3f069714c4c6de662c37e678cae2',
  ],
  'class=ring&output=heatmap&colormap=viridis': [
    'lKP0W6tSK6a9jkhE7x_Yc1Ne0SWYkARChojtBTpuGOE',
    '8eb0f20a4f834fb674da4318091f616d5ab6ea96f6024ee0e05046f3111ebb10',
  ],
  'top=2&width=80': [
    'Jxtdhenstsc1x8XmtQ_ZyBHaPfmAgULkzyKl4h2cby4',
    '1bc4633049998730856bb576dbbb250306cbe481630c4851a5a4af73e1ae9acd',
  ],
  'method=guided-gradcam&output=heatmap': [
    'OiU0Pp_9M3tK0AhJhw8XoAoyDQC9lpbWTy94vt-pH-M',
    'b4142e11ad322022f409d7d133363df2e8e7054a29129ff6c808f700023f6e3c',
  ],
  'method=saliency&output=json': [
    'kgh38kxEjM6mZEqAUAkjPoO8eNkd3HE1uY2leMIu9E8',
    '1097c504dda2014862bed1c4466d52a6b29d1d7778510636c124c3147df29371',
  ],
  'method=smoothgrad&n=6&sigma=0.1&output=json': [
    'pvelb9XJsov3W4xZpeMIGF0k0I7yEucd_hoDd1XDJ2g',
    '2fe8ba4841d8be17206177d30897959f3bbeca70bc7d347fc4744595637bba1d',
  ],
  'method=scorecam&output=json': [
    'VW6c-LXLDxX4PW6AkFaWiGCfNYqsiBPaJS4Vn_DZkpQ',
    '8e5270ab8d15c90eec33611c5dc0d0cb60aca407460493d7c1a920c8c40be3f0',
  ],
  'method=smoothgradcam%2B%2B&n=4': [
    'sm24yWGkSvP4jjWrbZwbnBr0sisAsIiDED6x-INroeY',
    'fc86fdcbf9aa93d7ecfd3ae2ec8b356e8176b72dc0013fb1f976eb37539b1a24',
  ],
  'layer=%2Ffeatures%2Ffeatures.18%2Ffeatures.18.2%2FClip_output_0&layer=input&combine=product&output=json': [
    '23BnMbbvnIIFhDUbuByYRMbPAUXRgDg6RDFjubWIo6A',
    'db1a99036d818e19cfd77cd04399f10d340c2614afca4ec6d2b1cbfbf04df14f',
  ],
  'aug=flip&alpha=0.3': [
    'Qm6F4sTxv1jrJ2rTg7YbCbzJL4ZChTyWptv4N9Gjow4',
    'fee16df31d09f94a9e4ddfb53c1e63500bf93c1749b305b380f8db6fcd017e14',
  ],
  'class=star&versus=ring&output=json': [
    'Hw7HC7iLuGPzZ8BoLHG__rlC_GyyCuIW8LuE9IUH8F8',
    'b20c70eaf3a6d0d0461f35feb3e99590578cb77cba2312f4a4ec9fbc2d91f9cb',
  ],
  'counterfactual=true&output=heatmap': [
    '_KONqsqDzpHKDiJqbGnc255ya2NPLiRwZFgLAnDEBoA',
    'bc0763a18e23f2eba114072b481e0cadfd73278c8325dd60740584566472e58b',
  ],
  'metrics=drop,increase,deletion,insertion&output=json': [
    'MfaVQTQ3CNzQrqkAzQx4nZn9ipt7Ldnw24RhRdw_MXA',
    'b32e882ca50ab2db5b0fd68f3a0ac98e38ffa17bc12409dee5591883341d9aab',
  ],
  'top=3&output=json': [
    'yA0WGjnQkKtyjlwwp2Vo0qv_FUZKvEodBQHMT6FWp4Q',
    '121086b2238a3ee7c0fbf146a021ee3f3589715c3e1957ae903f05d5990c0ef8',
  ],
};

describe('pinned answers of the default model', () => {
  const body = scenePng();
  for (const [query, pinned] of Object.entries(PINNED)) {
    it(`POST /v1/explain?${query} gives the recorded id and bytes`, async () => {
      const res = await call(`/v1/explain?${query}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body });
      expect(res.status, await res.clone().text().then((t) => t.slice(0, 300))).toBe(200);
      const id = res.headers.get('x-explanation-id');
      expect(res.headers.get('x-cache'), 'computed, not served from the cache').toBe('miss');
      const hash = query.includes('output=json')
        ? await sha256(JSON.stringify(answerOf(await res.json<Record<string, unknown>>())))
        : await sha256(new Uint8Array(await res.arrayBuffer()));
      expect({ id, hash }, 'the id and bytes recorded for this request changed').toEqual({ id: pinned[0], hash: pinned[1] });
    });
  }
});
