/**
 * Model uploads of every task prepare writes: a plain segmentation, detection or embedding model is prepared
 * in the Worker and keeps its task; a manifest with a task the service does not know is refused with a 422
 * that names it, instead of being run with classifier seeds.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { acceptModel, DEFAULT_UPLOAD_LIMITS } from '../../src/models/upload/index.js';
import { checkServedTask } from '../../src/models/served-tasks.js';
import type { TaskSpec } from '../../src/manifest.js';
import { nodeRunner } from '../../cli/ort-node.js';
import { ApiError } from '../../src/errors.js';
import { prepare } from '../../src/prepare/index.js';

const model = (name: string) => new Uint8Array(readFileSync(join(import.meta.dirname, '../fixtures/tasks', name, 'model.onnx')));

describe('uploads of segmentation, detection and embedding models', () => {
  const runner = nodeRunner();

  it('plain models are prepared in the Worker with their task', async () => {
    expect((await acceptModel({ model: model('deeplab'), options: {} }, runner, DEFAULT_UPLOAD_LIMITS)).manifest.task?.kind).toBe(
      'segment',
    );
    expect((await acceptModel({ model: model('yolo'), options: {} }, runner, DEFAULT_UPLOAD_LIMITS)).manifest.task).toEqual({
      kind: 'detect',
      layout: 'channels-first',
      classes: 3,
      anchors: 84,
    });
  });

  it('a task the service does not know is a 422 naming it; classifier manifests with or without a task pass', () => {
    expect(() => checkServedTask({}, 'Model x')).not.toThrow();
    expect(() => checkServedTask({ task: { kind: 'classify' } }, 'Model x')).not.toThrow();
    let err: unknown;
    try {
      checkServedTask({ task: { kind: 'pose' } as unknown as TaskSpec }, "Model 'x'");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(422);
    expect((err as ApiError).detail).toMatch(
      /Model 'x' was prepared for task 'pose'; this service explains only task 'classify', 'segment', 'detect', 'embed'/,
    );
  });

  it('a prepared upload with in-graph task targets is checked: names the model lacks are a 422', async () => {
    const { model: bytes, manifest } = await prepare(model('yolo'), {}, runner);
    const upload = (m: unknown) => acceptModel({ model: bytes, manifest: m, options: {} }, runner, DEFAULT_UPLOAD_LIMITS);
    expect((await upload(manifest)).manifest.seed.task).toEqual(manifest.seed.task);
    const broken = { ...manifest, seed: { ...manifest.seed, task: { ...manifest.seed.task!, chosenAnchor: 'nope' } } };
    await expect(upload(broken)).rejects.toMatchObject({ status: 422, detail: expect.stringMatching(/no output "nope"/) });
    const noBuild = { ...manifest, seed: { ...manifest.seed, task: { chosenClass: 'gradcam_task_class' } } };
    await expect(upload(noBuild)).rejects.toMatchObject({ status: 422 });
  });
});
