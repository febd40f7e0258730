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
  const { map, logits, top, class: cls, explanations, metrics, versus, counterfactual, runs } = json;
  return { map, logits, top, class: cls, explanations, metrics, versus, counterfactual, runs };
}

/** Request query -> [explanation id, sha256 of the PNG's pixels (pixelsOf) or of the JSON answer]. */
const PINNED: Record<string, [string, string]> = {
  '': [
    'CVKQ8tpuRplbNUiwXbDq5qLAVL2Zob9v0DR6e-WbOck',
    '27a8e36e6d3f23288f9a5da8e2137f610b72c4776f7c3e457eb9807614652be4',
  ],
  'class=ring&output=heatmap&colormap=viridis': [
    'RQUE2irZYLjBSnIFITvuTizcN6WNvwO3zePzglkhWks',
    '85f9b9ecb9cfa7e782ab96e27f0586fb4f277c975c7a7cef3dcdbd64847d442b',
  ],
  'top=2&width=80': [
    'bO3U5yaf5rOWnKTIP30E0v3BN05MWw0ayhK61pjTc-Y',
    'c893ad7f224d5dcb09cf16ae4d345b25d315266779810b19a3f00f68101daa59',
  ],
  'method=guided-gradcam&output=heatmap': [
    'ioJTPk9woEL86_hnlrZac_C39BYzrffW6R-qw-0ML_s',
    'f7c2ceac250a97c87ceaf72c37c6e0574c84e25f79c47232bcdba93748c4407d',
  ],
  'method=saliency&output=json': [
    '5Wstpas4dHq9E4n_0-SZvpgwu2N3TVcxADxrb0kW0fE',
    '1097c504dda2014862bed1c4466d52a6b29d1d7778510636c124c3147df29371',
  ],
  'method=smoothgrad&n=6&sigma=0.1&output=json': [
    'wEybe5P-EooCPrgfxZtY1qIjK_YXjO-VcfxOvlkOzr0',
    '2fe8ba4841d8be17206177d30897959f3bbeca70bc7d347fc4744595637bba1d',
  ],
  'method=scorecam&output=json': [
    'LroDFv-VQTyzNnpmYs8AS_POKdgcvrtZ7VCwMgcjXH4',
    '0ca9f308226fc048acf155813280d88a83d5ab25869d05110801518ee1fd960c',
  ],
  'method=smoothgradcam%2B%2B&n=4': [
    'R5TwCeyctnydNXlWBgQthZpAq2hVD2ltvvf_cehLF3M',
    '25a42030fd995ffefabc57575be0a9a18608da0edf21c710cf7174c351220c66',
  ],
  'layer=%2Ffeatures%2Ffeatures.18%2Ffeatures.18.2%2FClip_output_0&layer=input&combine=product&output=json': [
    'FRQlSoyma3kNabFxcVbMfA0venByRZ3kZDNdHUzfql8',
    'db1a99036d818e19cfd77cd04399f10d340c2614afca4ec6d2b1cbfbf04df14f',
  ],
  'aug=flip&alpha=0.3': [
    'fAFYO4zGtzqxQlg85kF7GDMur3e4_GT4QyH0X6pYABE',
    '9973ea2db9269969a023254dee848c642298ccf4ce1ee5cc1c5d3b11fe23aada',
  ],
  'class=star&versus=ring&output=json': [
    '8ZxfKhY2PlWO425fPis4_oF9De7iqJ41FG0PPn32lTg',
    'b20c70eaf3a6d0d0461f35feb3e99590578cb77cba2312f4a4ec9fbc2d91f9cb',
  ],
  'counterfactual=true&output=heatmap': [
    '4bVK1tVm6R477IJs2owJUm6FFAVslRrUR1CpckBRFNg',
    '200256c487018f18ff94cc12594379a3b7fb47e53710620a493f4974bb775f7c',
  ],
  'metrics=drop,increase,deletion,insertion&output=json': [
    'QKbdU_d60TtUlweUcl15MBcAIzKoWFRHGHfpggu1NBs',
    'b32e882ca50ab2db5b0fd68f3a0ac98e38ffa17bc12409dee5591883341d9aab',
  ],
  'top=3&output=json': [
    'TXv9c5H3VkFtsFr5Sb5rxVndmPL1Yc9_1XtOpUWeuB4',
    '121086b2238a3ee7c0fbf146a021ee3f3589715c3e1957ae903f05d5990c0ef8',
  ],
};

describe('pinned answers of the default model', () => {
  const body = scenePng();
  for (const [query, pinned] of Object.entries(PINNED)) {
    it(`POST /v1/explain?${query} gives the recorded id and answer`, async () => {
      const res = await call(`/v1/explain?${query}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body });
      expect(res.status, await res.clone().text().then((t) => t.slice(0, 300))).toBe(200);
      const id = res.headers.get('x-explanation-id');
      expect(res.headers.get('x-cache'), 'computed, not served from the cache').toBe('miss');
      const hash = query.includes('output=json')
        ? await sha256(JSON.stringify(answerOf(await res.json<Record<string, unknown>>())))
        : await sha256(pixelsOf(new Uint8Array(await res.arrayBuffer())));
      expect({ id, hash }, 'the id and pixels recorded for this request changed').toEqual({ id: pinned[0], hash: pinned[1] });
    });
  }
});
