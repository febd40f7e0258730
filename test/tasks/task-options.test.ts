/**
 * Which options and methods work per task (the table in docs/explain-options.md), row by row through the
 * app on the task fixtures: GET /v1/models/{id} reports the real class count, the task and the methods, and
 * every method it lists answers; the general options answer; classifier-only options and methods are 400
 * problems that name the option and the task.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { discPng } from '../explain-options/setup.js';
import { nodeRunner } from '../../cli/ort-node.js';
import { harness } from '../hardening/app-harness.js';
import { serveTaskFixture, type ServedTaskModel } from './served-task-model.js';

const png = discPng(3, 96);
const post = (s: ServedTaskModel, query: string) =>
  s.h.request(`/v1/explain?${query}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });

interface ModelJson {
  classes: number;
  labels: string[] | null;
  task: { kind: string; output: number[]; dimensions?: number; options: string[] };
  methods: string[];
  layers: { name: string; default: boolean }[];
}

const TASK_METHODS = ['gradcam', 'gradcam++', 'hirescam', 'xgradcam', 'layercam', 'eigencam', 'eigengradcam', 'normgrad'];

const cases = [
  {
    name: 'yolo',
    kind: 'detect',
    prepare: { labels: ['cat', 'dog', 'car'] },
    target: 'box=0',
    options: ['box', 'boxes', 'conf', 'iou', 'max_det'],
    foreign: ['region=0,0,8,8', 'class=1', 'vector=1,2', 'index=0'],
  },
  {
    name: 'deeplab',
    kind: 'segment',
    prepare: {},
    target: 'region=0,0,64,64', // the default class, whole input
    options: ['class', 'region'],
    foreign: ['box=0', 'boxes=all', 'conf=0.5', 'iou=0.5', 'max_det=3', 'vector=1,2', 'index=0'],
  },
  {
    name: 'embed',
    kind: 'embed',
    prepare: { task: 'embed' as const },
    target: 'index=0',
    options: ['vector', 'index'],
    foreign: ['class=1', 'region=0,0,8,8', 'box=0', 'conf=0.5'],
  },
];

describe.each(cases)('$kind models ($name)', (c) => {
  let s: ServedTaskModel;
  let model: ModelJson;
  beforeAll(async () => {
    s = await serveTaskFixture(c.name, c.prepare);
    model = (await (await s.h.request('/v1/models/default')).json()) as ModelJson;
  });

  it('GET /v1/models/{id}: the real class count, the task and its options', () => {
    const task = s.manifest.task!;
    expect(model.task.kind).toBe(c.kind);
    expect(model.task.output).toEqual(s.manifest.seed.shape.slice(1));
    expect(model.task.options).toEqual(c.options);
    if (task.kind === 'detect') expect([model.classes, s.manifest.seed.shape[1]]).toEqual([3, 3 + 4]);
    if (task.kind === 'segment') expect(model.classes).toBe(s.manifest.seed.shape[1]);
    if (task.kind === 'embed') expect([model.classes, model.task.dimensions]).toEqual([0, s.manifest.seed.shape[1]]);
    expect(model.methods).toEqual(TASK_METHODS);
  });

  it('every listed method answers', async () => {
    for (const method of model.methods) {
      const res = await post(s, `${c.target}&method=${encodeURIComponent(method)}&output=json`);
      expect(res.status, `${method}: ${await res.clone().text()}`).toBe(200);
    }
  });

  it('the general options answer: layer (one or two, combine), output, colormap, alpha, width, height', async () => {
    const layers = model.layers.map((l) => l.name);
    for (const query of [
      ...layers.map((l) => `layer=${encodeURIComponent(l)}&output=json`),
      ...(layers.length > 1 ? [`${layers.map((l) => `layer=${encodeURIComponent(l)}`).join('&')}&combine=product&output=json`] : []),
      'output=heatmap&colormap=viridis&width=40',
      'output=overlay&alpha=0.3&height=50',
    ]) {
      const res = await post(s, `${c.target}&${query}`);
      expect(res.status, `${query}: ${await res.clone().text()}`).toBe(200);
    }
  });

  it.each([
    ['top=2', 'top', /applies to classifiers; explain one/],
    ['versus=1', 'versus', /applies to classifiers/],
    ['counterfactual=true', 'counterfactual', /applies to classifiers/],
    ['metrics=drop', 'metrics', /class probabilities/],
    ['aug=flip', 'aug', /mirrored image/],
    ['units=3', 'units', /classifier explanations/],
    ['text=true', 'text', /classifier explanations/],
    ['n=4', 'n', /smoothgradcam\+\+ and smoothgrad/],
    ['sigma=0.1', 'sigma', /smoothgradcam\+\+ and smoothgrad/],
    ['method=scorecam', 'method', /reruns the model/],
    ['method=smoothgradcam%2B%2B', 'method', /reruns the model/],
    ['method=saliency', 'method', /CAM methods/],
    ['method=rollout', 'method', /CAM methods/],
  ])('%s: 400 naming the option and the task', async (query, option, advice) => {
    const res = await post(s, `${c.target}&${query}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const p = (await res.json()) as { code: string; option: string; task: string; detail: string };
    expect([p.code, p.option, p.task]).toEqual(['bad_option', option, c.kind]);
    expect(p.detail).toContain(`Option '${option}'`);
    expect(p.detail).toContain(`not available for ${c.kind} models`);
    expect(p.detail).toMatch(advice);
  });

  it("the other tasks' target options: 400 naming the option and this model's task", async () => {
    for (const query of c.foreign) {
      const res = await post(s, `${c.target.startsWith(query.split('=')[0]!) ? '' : c.target}&${query}`);
      const p = (await res.json()) as { code: string; option: string; detail: string };
      expect([res.status, p.code, p.option], query).toEqual([400, 'bad_option', query.split('=')[0]]);
      expect(p.detail).toMatch(
        new RegExp(`this model is an? ${{ detect: 'detection', segment: 'segmentation', embed: 'embedding' }[c.kind]} model`),
      );
    }
  });
});

describe('classifiers (the shipped default model)', () => {
  it("the task models' target options: 400 naming the option, saying which models take it", async () => {
    const h = harness({ runner: nodeRunner });
    for (const query of ['region=0,0,8,8', 'box=0', 'boxes=all', 'conf=0.5', 'iou=0.5', 'max_det=3', 'vector=1,2', 'index=0']) {
      const res = await h.request(`/v1/explain?${query}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
      const p = (await res.json()) as { code: string; option: string; detail: string };
      expect([res.status, p.code, p.option], query).toEqual([400, 'bad_option', query.split('=')[0]]);
      expect(p.detail).toMatch(/this model is a classifier/);
    }
    const model = (await (await h.request('/v1/models/default')).json()) as ModelJson;
    expect(model.task).toEqual({ kind: 'classify', output: [model.classes], options: ['class', 'top', 'versus', 'counterfactual'] });
  });
});
