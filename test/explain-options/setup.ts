/**
 * A served model with input gradients for the explain-options tests: models/default-fp32.onnx prepared
 * (fp32, so finite differences are meaningful) with the default layer, a mid layer and the image input
 * (plain and guided gradients), written as `default.onnx/json` to a temporary folder served as ASSETS.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { nodeRunner } from '../../cli/ort-node.js';
import type { Manifest } from '../../src/manifest.js';
import { prepare } from '../../src/prepare/index.js';
import { folderAssets, harness, type Harness } from '../hardening/app-harness.js';

/** The mid layer prepared besides the default one. */
export const MID_LAYER = '/features/features.6/Add_output_0';

/** A harness serving the prepared model as `default`, and its manifest and bytes. */
export async function preparedHarness(): Promise<{ h: Harness; manifest: Manifest; model: Uint8Array }> {
  const source = new Uint8Array(readFileSync('models/default-fp32.onnx'));
  const labels = JSON.parse(readFileSync('models/default.labels.json', 'utf8')) as string[];
  const runner = nodeRunner();
  const dflt = (await prepare(source, { verify: false }, runner)).manifest.layers[0]!.name;
  const { model, manifest } = await prepare(
    source,
    { layers: [dflt, MID_LAYER], inputGradients: true, labels, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
    runner,
  );
  const dir = mkdtempSync(join(tmpdir(), 'explain-options-'));
  writeFileSync(join(dir, 'default.onnx'), model);
  writeFileSync(join(dir, 'default.json'), JSON.stringify(manifest));
  return { h: harness({ runner: nodeRunner, env: { ASSETS: folderAssets(dir) } }), manifest, model };
}

/** A 128 x 128 RGB test image with a bright off-centre disc on a gradient (PNG bytes). */
export function discPng(seed = 0, size = 128): Uint8Array {
  return encode({ width: size, height: size, data: discPngPixels(seed, size), channels: 3, depth: 8 });
}

/** The same PNG mirrored left-right. */
export function mirroredPng(seed = 0, size = 128): Uint8Array {
  const png = discPngPixels(seed, size);
  const out = new Uint8Array(png.length);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) out.set(png.subarray((y * size + size - 1 - x) * 3, (y * size + size - x) * 3), (y * size + x) * 3);
  return encode({ width: size, height: size, data: out, channels: 3, depth: 8 });
}

function discPngPixels(seed: number, size: number): Uint8Array {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 3;
      const inside = (x - 40 - seed) ** 2 + (y - 70) ** 2 < 400;
      data[i] = inside ? 240 : (x * 2 + seed) & 255;
      data[i + 1] = inside ? 200 : y;
      data[i + 2] = inside ? 30 : 128;
    }
  }
  return data;
}
