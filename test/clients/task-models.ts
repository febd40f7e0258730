/**
 * @module
 * Task fixture models (test/fixtures/tasks: a YOLO-style detector and a DeepLab-style segmenter with fixed
 * random weights, 64 x 64 inputs) for a running service: uploaded as plain ONNX through the admin upload
 * route, which prepares them in the Worker and stores them in its MODELS namespace, as users upload models
 * (a deployment with keys); or prepared here and written into the local MODELS namespace before `wrangler
 * dev` starts (a keyless deployment, as the demo page needs).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeRunner } from '../../cli/ort-node.js';
import { prepare } from '../../src/prepare/index.js';

/** The admin key the tests configure (`ADMIN_KEYS` holds its SHA-256). */
export const TEST_ADMIN_KEY = 'task-models-admin-key';

/** The uploaded models: id, fixture folder and labels. */
export const TASK_MODELS = {
  detector: { id: 'fixture-detector', fixture: 'yolo', labels: ['cat', 'dog', 'car'] },
  segmenter: { id: 'fixture-segmenter', fixture: 'deeplab', labels: ['background', 'sky', 'grass', 'road', 'water'] },
} as const;

const MEAN: [number, number, number] = [0.5, 0.5, 0.5];
const STD: [number, number, number] = [0.25, 0.25, 0.25];

/**
 * Each task model prepared (fp32) into a temporary folder, as the MODELS entries `<id>.onnx` and `<id>.json`
 * (key -> file path) for {@link startWranglerDev}'s `kv` option.
 *
 * @example
 * const dev = await startWranglerDev({ kv: { MODELS: await preparedTaskModels() } });
 */
export async function preparedTaskModels(): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'gradcam-edge-task-models-'));
  const entries: Record<string, string> = {};
  for (const m of Object.values(TASK_MODELS)) {
    const plain = new Uint8Array(readFileSync(join(import.meta.dirname, '../fixtures/tasks', m.fixture, 'model.onnx')));
    const { model, manifest } = await prepare(plain, { labels: [...m.labels], mean: MEAN, std: STD }, nodeRunner());
    for (const [ext, body] of [
      ['onnx', model],
      ['json', JSON.stringify(manifest)],
    ] as const) {
      entries[`${m.id}.${ext}`] = join(dir, `${m.id}.${ext}`);
      writeFileSync(entries[`${m.id}.${ext}`]!, body);
    }
  }
  return entries;
}

/**
 * PUT each task model to `url` (fixtures' preprocessing: mean 0.5, std 0.25), failing with the service's answer.
 *
 * @example
 * await uploadTaskModels(dev.url, TEST_ADMIN_KEY); // then model=fixture-detector explains detections
 */
export async function uploadTaskModels(url: string, adminKey: string): Promise<void> {
  for (const m of Object.values(TASK_MODELS)) {
    const model = readFileSync(join(import.meta.dirname, '../fixtures/tasks', m.fixture, 'model.onnx'));
    const query = new URLSearchParams({ labels: JSON.stringify(m.labels), mean: MEAN.join(','), std: STD.join(',') });
    const res = await fetch(`${url}/v1/models/${m.id}?${query}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/octet-stream' },
      body: model,
    });
    if (!res.ok) throw new Error(`upload of ${m.id}: ${res.status} ${await res.text()}`);
  }
}
