import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDissectArgs } from '../../cli/dissect-args.js';
import type { Manifest } from '../../src/manifest.js';

const BIN = join(import.meta.dirname, '../../bin/gradcam-edge.mjs');
const MODELS = join(import.meta.dirname, '../../models');

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 170_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('dissect arguments', () => {
  it('need one model and --concepts, and a positive --images', () => {
    expect(parseDissectArgs(['m.onnx', '--concepts', 'scenes', '--images', '8'])).toEqual({
      modelPath: 'm.onnx',
      concepts: 'scenes',
      images: 8,
      layer: undefined,
      seed: undefined,
    });
    expect(() => parseDissectArgs(['m.onnx'])).toThrow(/--concepts/);
    expect(() => parseDissectArgs(['m.onnx', '--concepts', 'scenes', '--images', '0'])).toThrow(/positive integer/);
    expect(() => parseDissectArgs(['--concepts', 'scenes'])).toThrow(/exactly one prepared model/);
  });
});

describe('gradcam-edge dissect (child process)', () => {
  it("writes unit names and provenance into a copy of the default model's manifest, leaving the rest as it was", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dissect-cli-'));
    copyFileSync(join(MODELS, 'default.onnx'), join(dir, 'm.onnx'));
    const original = JSON.parse(readFileSync(join(MODELS, 'default.json'), 'utf8')) as Manifest;
    original.layers.forEach((l) => {
      delete l.units;
    });
    writeFileSync(join(dir, 'm.json'), JSON.stringify(original));
    const r = await cli('dissect', join(dir, 'm.onnx'), '--concepts', 'scenes', '--images', '6', '--seed', '77');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/units named \(IoU >= 0.04\) on 6 images of scenes\(seeds 77\.\.82, 128px, single\)/);
    const written = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')) as Manifest;
    const layer = written.layers.find((l) => l.default)!;
    expect(layer.units!.names).toHaveLength(1280);
    expect(layer.units!.iou).toHaveLength(1280);
    expect(layer.units).toMatchObject({ images: 6, quantile: 0.005, iouThreshold: 0.04, resolution: [128, 128] });
    expect(layer.units!.names.filter((n) => n !== null).length).toBeGreaterThan(0);
    delete layer.units;
    expect(written).toEqual(original);
  }, 180_000);

  it('refuses the image input layer and an unknown layer', async () => {
    const r = await cli('dissect', join(MODELS, 'default.onnx'), '--concepts', 'scenes', '--layer', 'input');
    expect([r.code, r.stderr]).toEqual([1, expect.stringMatching(/image input/)]);
    const u = await cli('dissect', join(MODELS, 'default.onnx'), '--concepts', 'scenes', '--layer', 'nope');
    expect(u.stderr).toMatch(/unknown_layer.*No layer nope/);
  }, 60_000);
});
