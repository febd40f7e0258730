/**
 * @module
 * Test helper: a task fixture of test/fixtures/tasks prepared fp32 and served as `default` through the
 * whole app in Node, with a direct run of the prepared model (no service code) for oracles.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeRunner } from '../../cli/ort-node.js';
import type { Manifest } from '../../src/manifest.js';
import { ownSeedFeeds } from '../../src/explain/model-feed.js';
import { prepare } from '../../src/prepare/index.js';
import { folderAssets, harness, type Harness } from '../hardening/app-harness.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/tasks');

/** A prepared task model behind an app. */
export interface ServedTaskModel {
  h: Harness;
  manifest: Manifest;
  model: Uint8Array;
}

/**
 * @example
 * const s = await serveTaskFixture('yolo', { labels: ['cat', 'dog', 'car'] });
 */
export async function serveTaskFixture(name: string, options: { task?: 'embed'; labels?: string[] } = {}): Promise<ServedTaskModel> {
  const { model, manifest } = await prepare(
    new Uint8Array(readFileSync(join(FIXTURES, name, 'model.onnx'))),
    { ...options, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
    nodeRunner(),
  );
  const dir = mkdtempSync(join(tmpdir(), `task-${name}-`));
  writeFileSync(join(dir, 'default.onnx'), model);
  writeFileSync(join(dir, 'default.json'), JSON.stringify(manifest));
  return { h: harness({ runner: nodeRunner, env: { ASSETS: folderAssets(dir) } }), manifest, model };
}

/** The explained output of the prepared model for one preprocessed input (a direct onnxruntime run, zero seed). */
export async function directOutput(s: ServedTaskModel, input: Float32Array): Promise<Float32Array> {
  const session = await nodeRunner().createSession(s.model);
  try {
    const row = s.manifest.seed.shape.slice(1).map(Number);
    const zeros = { type: 'float32' as const, dims: [1, ...row], data: new Float32Array(row.reduce((a, b) => a * b, 1)) };
    const [, , height, width] = s.manifest.input.shape;
    const x = { type: 'float32' as const, dims: [1, 3, height, width], data: input };
    const feeds = { ...ownSeedFeeds(s.manifest), [s.manifest.input.name]: x, [s.manifest.seed.name]: zeros };
    const out = await session.run(feeds, [s.manifest.logits.name]);
    return out[s.manifest.logits.name]!.data as Float32Array;
  } finally {
    await session.release();
  }
}
