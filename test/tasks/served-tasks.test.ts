/**
 * Until the explain route handles them, segmentation, detection and embedding models are refused by model
 * uploads (plain, prepared in the Worker; or already prepared with a manifest) and by model loading, with a
 * 422 that names the task, instead of being run with classifier seeds.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { acceptModel, DEFAULT_UPLOAD_LIMITS } from '../../src/models/upload/index.js';
import { checkServedTask } from '../../src/models/served-tasks.js';
import { prepare } from '../../src/prepare/index.js';
import { nodeRunner } from '../../cli/ort-node.js';
import { ApiError } from '../../src/errors.js';

const model = (name: string) => new Uint8Array(readFileSync(join(import.meta.dirname, '../fixtures/tasks', name, 'model.onnx')));

async function refused(p: Promise<unknown>, task: string): Promise<void> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).status).toBe(422);
  expect((err as ApiError).code).toBe('invalid_model');
  expect((err as ApiError).detail).toMatch(new RegExp(`This upload was prepared for task '${task}'.*only task 'classify'`));
}

describe('tasks the service does not explain yet', () => {
  const runner = nodeRunner();

  it('a plain segmentation or detection upload is prepared, then refused', async () => {
    await refused(acceptModel({ model: model('deeplab'), options: {} }, runner, DEFAULT_UPLOAD_LIMITS), 'segment');
    await refused(acceptModel({ model: model('yolo'), options: {} }, runner, DEFAULT_UPLOAD_LIMITS), 'detect');
  });

  it('a prepared embedding model uploaded with its manifest is refused', async () => {
    const { model: prepared, manifest } = await prepare(model('embed'), { task: 'embed' }, runner);
    await refused(acceptModel({ model: prepared, manifest: JSON.parse(JSON.stringify(manifest)), options: {} }, runner, DEFAULT_UPLOAD_LIMITS), 'embed');
  });

  it('classifier manifests, with or without a task field, pass', () => {
    expect(() => checkServedTask({}, 'Model x')).not.toThrow();
    expect(() => checkServedTask({ task: { kind: 'classify' } }, 'Model x')).not.toThrow();
    expect(() => checkServedTask({ task: { kind: 'embed', dimensions: 4 } }, "Model 'x'")).toThrow(/Model 'x' was prepared for task 'embed'/);
  });
});
