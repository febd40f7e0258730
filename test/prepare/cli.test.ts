import { describe, expect, it, beforeAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeNode } from '../../src/onnx/nodes.js';
import type { Manifest } from '../../src/manifest.js';
import { buildModel, encodeModel, randomTensor, valueInfo } from './model-builder.js';
import { manifestProblems } from './manifest-check.js';

const BIN = join(import.meta.dirname, '../../bin/gradcam-edge.mjs');
const dir = mkdtempSync(join(tmpdir(), 'gradcam-cli-'));

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

/** A small CNN classifier: conv-relu-maxpool-conv-relu-GAP-flatten-gemm, 6 classes. */
function smallCnn() {
  return buildModel({
    inputs: [valueInfo('image', ['batch', 3, 16, 16])],
    outputs: [valueInfo('logits', ['batch', 6])],
    nodes: [
      makeNode('Conv', ['image', 'w1', 'b1'], ['c1'], { pads: [1, 1, 1, 1] }),
      makeNode('Relu', ['c1'], ['r1']),
      makeNode('MaxPool', ['r1'], ['m1'], { kernel_shape: [2, 2], strides: [2, 2] }),
      makeNode('Conv', ['m1', 'w2', 'b2'], ['c2'], { pads: [1, 1, 1, 1] }),
      makeNode('Relu', ['c2'], ['r2']),
      makeNode('GlobalAveragePool', ['r2'], ['p']),
      makeNode('Flatten', ['p'], ['f']),
      makeNode('Gemm', ['f', 'fc', 'fcb'], ['logits'], { transB: 1 }),
    ],
    initializers: [
      randomTensor('w1', [16, 3, 3, 3], 1),
      randomTensor('b1', [16], 2, 0.1),
      randomTensor('w2', [32, 16, 3, 3], 3),
      randomTensor('b2', [32], 4, 0.1),
      randomTensor('fc', [6, 32], 5),
      randomTensor('fcb', [6], 6, 0.1),
    ],
  });
}

describe('gradcam-edge prepare (child process)', () => {
  const model = join(dir, 'cnn.onnx');
  beforeAll(() => writeFileSync(model, encodeModel(smallCnn())));

  it('writes the prepared model and a valid manifest beside it', async () => {
    const labels = join(dir, 'labels.txt');
    writeFileSync(labels, 'a\nb\nc\nd\ne\nf\n');
    const out = join(dir, 'cnn.prepared.onnx');
    const r = await cli(
      'prepare',
      model,
      '--out',
      out,
      '--quantize',
      'int8',
      '--labels',
      labels,
      '--mean',
      '0.5,0.5,0.5',
      '--std',
      '0.25,0.25,0.25',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'cnn.prepared.json'), 'utf8')) as Manifest;
    expect(manifestProblems(manifest, readFileSync(out), readFileSync(model))).toEqual([]);
    expect(manifest.layers.map((l) => l.name)).toEqual(['r2']);
    expect(manifest.labels).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(manifest.input.mean).toEqual([0.5, 0.5, 0.5]);
    expect(manifest.quantization).toMatchObject({ weights: 'int8', tensors: 3 });
  });

  it('lists candidate layers with the default marked', async () => {
    const r = await cli('prepare', model, '--list-layers');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\*\s+r2\s+\[N, 32, 8, 8\]\s+nchw 8x8\s+Relu$/m);
    expect(r.stdout).toMatch(/^\s+m1\s+\[N, 16, 8, 8\]\s+nchw 8x8\s+MaxPool$/m);
    expect(r.stdout).toMatch(/^\s+p\s+\[N, 32, 1, 1\]\s+nchw 1x1\s+GlobalAveragePool$/m);
  });

  it('names the candidates when a layer is unknown', async () => {
    const r = await cli('prepare', model, '--out', join(dir, 'x.onnx'), '--layer', 'no_such_tensor');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[unknown_layer\]: .*no_such_tensor.*Candidates: .*r1.*r2/);
    expect(existsSync(join(dir, 'x.onnx'))).toBe(false);
  });

  it('rejects malformed files with a clear code, exit 1 and no stack trace', async () => {
    const random = join(dir, 'random.onnx');
    writeFileSync(
      random,
      Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24),
    );
    const truncated = join(dir, 'truncated.onnx');
    const full = readFileSync(model);
    writeFileSync(truncated, full.subarray(0, Math.floor(full.length * 0.6)));
    const vector = join(dir, 'vector.onnx');
    writeFileSync(
      vector,
      encodeModel(
        buildModel({
          inputs: [valueInfo('v', ['N', 16])],
          outputs: [valueInfo('y', ['N', 2])],
          nodes: [makeNode('Gemm', ['v', 'fc'], ['y'], { transB: 1 })],
          initializers: [randomTensor('fc', [2, 16], 1)],
        }),
      ),
    );
    const cases: [string, string][] = [
      [random, 'invalid_model'],
      [truncated, 'invalid_model'],
      [vector, 'invalid_model'],
      [join(dir, 'missing.onnx'), 'bad_option'],
    ];
    const results = await Promise.all(cases.map(([file]) => cli('prepare', file, '--out', join(dir, 'y.onnx'))));
    results.forEach((r, i) => {
      expect(r.code, cases[i]![0]).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^error\\[${cases[i]![1]}\\]: \\S.*\\.\\n$`));
      expect(r.stderr, 'no stack trace').not.toMatch(/\n\s+at /);
    });
    expect(results[2]!.stderr).toMatch(/image classifier/);
  });

  it('reports bad options and unknown commands the same way', async () => {
    const [a, b, c] = await Promise.all([
      cli('prepare', model, '--out', 'x.onnx', '--quantize', 'int4'),
      cli('frobnicate'),
      cli('prepare', model, '--bogus'),
    ]);
    expect(a.stderr).toMatch(/^error\[bad_option\]: --quantize must be one of int8, none/);
    expect(b.stderr).toMatch(/^error\[bad_request\]: Unknown command "frobnicate"/);
    expect(c.stderr).toMatch(/^error\[bad_option\]: .*--bogus/);
    for (const r of [a, b, c]) expect(r.code).toBe(1);
  });
});
