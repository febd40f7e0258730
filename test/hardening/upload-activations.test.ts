import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeRunner } from '../../cli/ort-node.js';
import { ApiError } from '../../src/errors.js';
import { acceptModel, DEFAULT_UPLOAD_LIMITS } from '../../src/models/upload/index.js';
import { activationMemory } from '../../src/models/upload/activation-memory.js';
import { checkActivationMemory } from '../../src/models/upload/checks.js';
import { decodeModel, encodeModel, onnx } from '../../src/onnx/proto.js';
import { probeShapes } from '../../src/onnx/shapes.js';
import { findImageInput } from '../../src/prepare/input.js';
import type { ModelRunner } from '../../src/runtime/runner.js';
import { buildModel, randomTensor, valueInfo } from '../prepare/model-builder.js';

/** A tiny file with huge activations: a 1024 x 1024 input and one 16-channel 3x3 Conv, then a classifier head. */
function wideConvModel(side: number): Uint8Array {
  const node = (opType: string, input: string[], output: string[], attribute: object[] = []) =>
    onnx.NodeProto.create({ opType, input, output, attribute });
  return encodeModel(
    buildModel({
      opset: 17,
      inputs: [valueInfo('image', [1, 3, side, side])],
      outputs: [valueInfo('logits', [1, 10])],
      initializers: [randomTensor('w', [16, 3, 3, 3], 1), randomTensor('fc', [16, 10], 2)],
      nodes: [
        node('Conv', ['image', 'w'], ['conv'], [{ name: 'pads', type: 7, ints: [1, 1, 1, 1] }]),
        node('Relu', ['conv'], ['relu']),
        node('GlobalAveragePool', ['relu'], ['pool']),
        node('Flatten', ['pool'], ['flat']),
        node('MatMul', ['flat', 'fc'], ['logits']),
      ],
    }),
  );
}

/** {@link wideConvModel} with its conv weight stored int8 behind a DequantizeLinear, as `prepare --quantize int8` writes it. */
function wideConvInt8Model(side: number): Uint8Array {
  const model = decodeModel(wideConvModel(side));
  const graph = model.graph!;
  const w = graph.initializer.find((t) => t.name === 'w')!;
  graph.initializer = graph.initializer.filter((t) => t !== w);
  graph.initializer.push(
    onnx.TensorProto.create({ name: 'w_int8', dims: w.dims, dataType: 3, rawData: new Uint8Array(16 * 27) }),
    onnx.TensorProto.create({ name: 'w_scale', dims: [16], dataType: 1, floatData: Array(16).fill(0.01) }),
  );
  const dq = onnx.NodeProto.create({
    opType: 'DequantizeLinear',
    input: ['w_int8', 'w_scale'],
    output: ['w'],
    attribute: [{ name: 'axis', type: 2, i: 0 }],
  });
  graph.node = [dq, ...graph.node];
  return encodeModel(model);
}

describe('activation memory of uploaded models, computed before anything runs', () => {
  it('refuses a 3 KB model whose 1024 x 1024 x 16 activations would not fit, without creating a session', async () => {
    const bytes = wideConvModel(1024);
    expect(bytes.length).toBeLessThan(4000);
    let sessions = 0;
    const runner: ModelRunner = {
      createSession: async () => {
        sessions++;
        throw new Error('must not run');
      },
    };
    const err = await acceptModel({ model: bytes, options: {} }, runner, DEFAULT_UPLOAD_LIMITS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(422);
    expect((err as ApiError).detail).toMatch(/intermediate tensors need about .* MiB.*smaller input size/);
    expect(sessions).toBe(0);
  });

  it('sees through int8 weights behind DequantizeLinear: the same estimate as the fp32 model plus the dequantized weight', () => {
    const estimate = (bytes: Uint8Array) => activationMemory(decodeModel(bytes), 'image', [1, 3, 256, 256]).totalBytes;
    expect(estimate(wideConvInt8Model(256))).toBe(estimate(wideConvModel(256)) + 16 * 27 * 4);
  });

  it('the same architecture at 128 x 128 passes the check', () => {
    const model = decodeModel(wideConvModel(128));
    expect(() => checkActivationMemory(model, 'image', [1, 3, 128, 128], 3, DEFAULT_UPLOAD_LIMITS)).not.toThrow();
  });

  it('the bundled default model passes, plain (probe) and prepared (with its backward graph)', () => {
    const plain = decodeModel(new Uint8Array(readFileSync('models/default-fp32.onnx')));
    const input = findImageInput(plain);
    expect(() => checkActivationMemory(plain, input.name, input.shape, 3, DEFAULT_UPLOAD_LIMITS)).not.toThrow();
    const prepared = decodeModel(new Uint8Array(readFileSync('models/default.onnx')));
    const manifest = JSON.parse(readFileSync('models/default.json', 'utf8')) as { input: { name: string; shape: number[] } };
    expect(() => checkActivationMemory(prepared, manifest.input.name, manifest.input.shape, 1, DEFAULT_UPLOAD_LIMITS)).not.toThrow();
  });

  it('the static estimate is never below the probed shapes (exact for plain CNNs)', async () => {
    for (const name of ['mobilenet_v2', 'resnet_basic', 'densenet', 'shufflenet_v2', 'convnext_ln13', 'efficientnet']) {
      const model = decodeModel(new Uint8Array(readFileSync(`test/fixtures/models/${name}/model.onnx`)));
      const input = findImageInput(model);
      const estimate = activationMemory(
        model,
        input.name,
        input.shape.map((d, i) => (i === 0 ? 1 : Number(d))),
      ).totalBytes;
      const shapes = await probeShapes(model, nodeRunner());
      const outputs = new Set(model.graph!.node.flatMap((n) => n.output));
      let probed = 0;
      for (const [tensor, s] of shapes) if (outputs.has(tensor)) probed += s.dims.reduce<number>((a, d) => a * (d === 'N' ? 1 : d), 1) * 4;
      expect(estimate, name).toBeGreaterThanOrEqual(probed);
      if (['mobilenet_v2', 'resnet_basic', 'densenet'].includes(name)) expect(estimate, name).toBe(probed);
    }
  });
});
