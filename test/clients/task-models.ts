/**
 * @module
 * Task fixture models (test/fixtures/tasks: a YOLO-style detector and a DeepLab-style segmenter with fixed
 * random weights, 64 x 64 inputs) uploaded to a running service as plain ONNX through the admin upload
 * route, which prepares them in the Worker and stores them in its MODELS namespace, as users upload models.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The admin key the tests configure (`ADMIN_KEYS` holds its SHA-256). */
export const TEST_ADMIN_KEY = 'task-models-admin-key';

/** The uploaded models: id, fixture folder and labels. */
export const TASK_MODELS = {
  detector: { id: 'fixture-detector', fixture: 'yolo', labels: ['cat', 'dog', 'car'] },
  segmenter: { id: 'fixture-segmenter', fixture: 'deeplab', labels: ['background', 'sky', 'grass', 'road', 'water'] },
} as const;

/**
 * PUT each task model to `url` (fixtures' preprocessing: mean 0.5, std 0.25), failing with the service's answer.
 *
 * @example
 * await uploadTaskModels(dev.url, TEST_ADMIN_KEY); // then model=fixture-detector explains detections
 */
export async function uploadTaskModels(url: string, adminKey: string): Promise<void> {
  for (const m of Object.values(TASK_MODELS)) {
    const model = readFileSync(join(import.meta.dirname, '../fixtures/tasks', m.fixture, 'model.onnx'));
    const query = new URLSearchParams({ labels: JSON.stringify(m.labels), mean: '0.5,0.5,0.5', std: '0.25,0.25,0.25' });
    const res = await fetch(`${url}/v1/models/${m.id}?${query}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/octet-stream' },
      body: model,
    });
    if (!res.ok) throw new Error(`upload of ${m.id}: ${res.status} ${await res.text()}`);
  }
}
