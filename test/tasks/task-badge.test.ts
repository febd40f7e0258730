/**
 * Badges of task explanations (stored in the harness's KV, read back through GET .../badge.svg): a
 * detection's badge names the explained box's label, score and index as the JSON answer gives them; a
 * segment's names its class; an embedding's the unit or "vector"; none of them shows a logit as a percentage.
 */
import { describe, expect, it } from 'vitest';
import { discPng } from '../explain-options/setup.js';
import { serveTaskFixture, type ServedTaskModel } from './served-task-model.js';

const png = discPng(3, 96);

async function explainAndBadge(s: ServedTaskModel, query: string): Promise<{ svg: string; json: Record<string, unknown> }> {
  const json = (await (
    await s.h.request(`/v1/explain?${query}&output=json`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png })
  ).json()) as Record<string, unknown>;
  const res = await s.h.request(`/v1/explain?${query}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
  expect(res.status).toBe(200);
  await s.h.settle();
  const badge = await s.h.request(`/v1/explanations/${res.headers.get('x-explanation-id')}/badge.svg`);
  expect(badge.status).toBe(200);
  return { svg: await badge.text(), json };
}

describe('badges of task explanations', () => {
  it('detection: "label score · box i" of the explained box', async () => {
    const s = await serveTaskFixture('yolo', { labels: ['cat', 'dog', 'car'] });
    for (const box of [0, 2]) {
      const { svg, json } = await explainAndBadge(s, `box=${box}`);
      const d = (json.target as { detections: { label: string; score: number }[] }).detections[box]!;
      expect(svg).toContain(`${d.label} ${d.score.toFixed(2)} · box ${box}</text>`);
      expect(svg).not.toMatch(/\d%</);
    }
  });

  it('segment: the class and "segment"; embedding: the unit', async () => {
    const seg = await serveTaskFixture('deeplab', { labels: Array.from({ length: 5 }, (_, i) => `c${i}`) });
    const { svg, json } = await explainAndBadge(seg, 'alpha=0.5');
    expect(svg).toContain(`${(json.class as { label: string }).label} · segment</text>`);
    const emb = await serveTaskFixture('embed', { task: 'embed' });
    expect((await explainAndBadge(emb, 'index=3')).svg).toContain('>unit 3</text>');
  });
});
