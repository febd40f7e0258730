import { describe, expect, it } from 'vitest';
import { parsePrepareArgs, manifestPath } from '../../cli/prepare-args.js';
import { parseLabels, checkLabelCount } from '../../src/prepare/labels.js';
import { checkOptions, IMAGENET_MEAN } from '../../src/prepare/options.js';
import { sha256Hex } from '../../src/prepare/sha256.js';

describe('prepare command line', () => {
  it('parses every option', () => {
    const a = parsePrepareArgs([
      'm.onnx',
      '--out',
      'p.onnx',
      '--layer',
      'a',
      '--layer',
      'b',
      '--quantize',
      'int8',
      '--labels',
      'l.txt',
      '--mean',
      '0.1, 0.2,0.3',
      '--std',
      '1,2,3',
      '--input-size',
      '224x192',
      '--crop',
      'center',
      '--no-verify',
    ]);
    expect(a).toEqual({
      modelPath: 'm.onnx',
      outPath: 'p.onnx',
      listLayers: false,
      json: false,
      labelsPath: 'l.txt',
      options: {
        layers: ['a', 'b'],
        quantize: 'int8',
        mean: [0.1, 0.2, 0.3],
        std: [1, 2, 3],
        inputSize: [224, 192],
        resize: undefined,
        crop: 'center',
        verify: false,
      },
    });
    expect(parsePrepareArgs(['m.onnx', '--list-layers']).listLayers).toBe(true);
  });

  it('rejects malformed arguments with bad_option', () => {
    for (const args of [
      ['m.onnx'],
      ['--out', 'x.onnx'],
      ['a', 'b', '--out', 'x'],
      ['m', '--out', 'x', '--mean', '1,2'],
      ['m', '--out', 'x', '--mean', '1,,2'],
      ['m', '--out', 'x', '--quantize', 'int4'],
      ['m', '--out', 'x', '--input-size', '224'],
    ]) {
      expect(() => parsePrepareArgs(args), args.join(' ')).toThrow(expect.objectContaining({ code: 'bad_option' }));
    }
  });

  it('puts the manifest beside the model', () => {
    expect(manifestPath('out/model.prepared.onnx')).toBe('out/model.prepared.json');
    expect(manifestPath('out/model.ONNX')).toBe('out/model.json');
    expect(manifestPath('out/model')).toBe('out/model.json');
  });
});

describe('labels', () => {
  it('reads lines, JSON arrays and index-keyed objects', () => {
    expect(parseLabels('\uFEFFtench\r\ngoldfish\n')).toEqual(['tench', 'goldfish']);
    expect(parseLabels('["a b", "c"]')).toEqual(['a b', 'c']);
    expect(parseLabels('{"1": ["n2", "goldfish"], "0": ["n1", "tench"]}')).toEqual(['tench', 'goldfish']);
  });

  it('rejects blank lines, bad JSON and wrong counts', () => {
    expect(() => parseLabels('a\n\nb')).toThrow(/line 2 is empty/);
    expect(() => parseLabels('[1, 2]')).toThrow(/strings only/);
    expect(() => parseLabels('{"0": "a", "5": "b"}')).toThrow(/class indices 0..1/);
    expect(() => parseLabels('[oops')).toThrow(/does not parse/);
    expect(() => checkLabelCount(['a'], 2)).toThrow(/1 labels given, but the model has 2 classes/);
  });
});

describe('options', () => {
  it('fills defaults and checks values', () => {
    expect(checkOptions({})).toMatchObject({
      quantize: 'none',
      labels: null,
      mean: IMAGENET_MEAN,
      std: [0.229, 0.224, 0.225],
      resize: 'stretch',
      crop: 'none',
      verify: true,
    });
    expect(() => checkOptions({ std: [1, 0, 1] })).toThrow(/positive/);
    expect(() => checkOptions({ layers: ['a', 'a'] })).toThrow(/twice/);
    expect(() => checkOptions({ quantize: 'fp16' as never })).toThrow(/int8 or none/);
  });

  it('hashes with Web Crypto', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
