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
  const { map, logits, top, class: cls, explanations, metrics, versus, counterfactual, runs, units, text } = json;
  return { map, logits, top, class: cls, explanations, metrics, versus, counterfactual, runs, units, text };
}

/** Request query -> [explanation id, sha256 of the PNG bytes or of the JSON answer]. */
const PINNED: Record<string, [string, string]> = {
  '': [
    'CVKQ8tpuRplbNUiwXbDq5qLAVL2Zob9v0DR6e-WbOck',
    'b9d22d8919fecc87eda5c5509c82dcb828ce3f069714c4c6de662c37e678cae2',
  ],
  'class=ring&output=heatmap&colormap=viridis': [
    'RQUE2irZYLjBSnIFITvuTizcN6WNvwO3zePzglkhWks',
    '8eb0f20a4f834fb674da4318091f616d5ab6ea96f6024ee0e05046f3111ebb10',
  ],
  'top=2&width=80': [
    'bO3U5yaf5rOWnKTIP30E0v3BN05MWw0ayhK61pjTc-Y',
    '1bc4633049998730856bb576dbbb250306cbe481630c4851a5a4af73e1ae9acd',
  ],
  'method=guided-gradcam&output=heatmap': [
    'ioJTPk9woEL86_hnlrZac_C39BYzrffW6R-qw-0ML_s',
    'b4142e11ad322022f409d7d133363df2e8e7054a29129ff6c808f700023f6e3c',
  ],
  'method=saliency&output=json': [
    '89TRRyPEUMxloqwuCJfQZQk9Ac_yDQTkGpH7mpL8hhI',
    '0790ca3a49b61c5a9c521f2e0916c52f9dd46eae1c417822524c9a88ea414dc0',
  ],
  'method=smoothgrad&n=6&sigma=0.1&output=json': [
    'tKYC-clxJVR8gRo60Z13yFTIJ_UOMb9TIrZRG9QeqVw',
    'c68430effb69770330c74606a8ea0ef989b8edc394605302238c492d9d66d8e0',
  ],
  'method=scorecam&output=json': [
    'Zq9voo7VeLXZSIY8VrILOv0ZwwCxtrUrAgsqBefGydc',
    '9816e8324a4d36f47c9ea11a6315a93288e66f0c6814cf74e941852dc7b1d166',
  ],
  'method=smoothgradcam%2B%2B&n=4': [
    'R5TwCeyctnydNXlWBgQthZpAq2hVD2ltvvf_cehLF3M',
    'fc86fdcbf9aa93d7ecfd3ae2ec8b356e8176b72dc0013fb1f976eb37539b1a24',
  ],
  'layer=%2Ffeatures%2Ffeatures.18%2Ffeatures.18.2%2FClip_output_0&layer=input&combine=product&output=json': [
    '65MQUgqNX-pWT8U_BdoG4BORRTWGGAB56pLCQoh9k9U',
    'bbdabf2295388d5c2ef9c250696bf775e81d611f86c3b696e6756d9cbe4a793b',
  ],
  'aug=flip&alpha=0.3': [
    'fAFYO4zGtzqxQlg85kF7GDMur3e4_GT4QyH0X6pYABE',
    'fee16df31d09f94a9e4ddfb53c1e63500bf93c1749b305b380f8db6fcd017e14',
  ],
  'class=star&versus=ring&output=json': [
    'XpHmVZSJuwgt3TreiJIVL4EtgNIKceQNeqKliXJWn4w',
    '53fbc92767f06369d936dd213e1ff0e1652caf36f15d630f49e12a8e72045288',
  ],
  'counterfactual=true&output=heatmap': [
    '4bVK1tVm6R477IJs2owJUm6FFAVslRrUR1CpckBRFNg',
    'bc0763a18e23f2eba114072b481e0cadfd73278c8325dd60740584566472e58b',
  ],
  'metrics=drop,increase,deletion,insertion&output=json': [
    'g5zmlgahfIViQKwjHGFjGm3Uu6z2eRusPT5VtXpZbOc',
    '1942208ff419bb941c8a66c47f4238c10ab5afda0ad7ae3824a407a3f6c74763',
  ],
  'output=json': [
    'r4kvkRdghLA9yTfZIRU0oJcpduZCwkP-yOj4lMuZJbo',
    '07d35ceed56ba3c00c74461ee9de3dd611893b161fecf0421e2bc6dee43e8361',
  ],
  'top=3&output=json': [
    'FuWVqsNCc9M9Tn_vnFnAEAinY-IGpDLXyTI5alUO11U',
    'e08a506462c63d2dd31b0ceb20162d2ee7b06ebe454401827a719c7c1f2b10dd',
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
