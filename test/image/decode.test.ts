import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/image/decode.js';
import { compareBytes, decodeFixtures, fixtureBytes } from './fixtures.js';

const fixtures = decodeFixtures();
const pngs = fixtures.filter((f) => f.compare === 'exact');
const jpegs = fixtures.filter((f) => f.compare === 'tolerance');

describe('decodeImage: PNG, every colour type and bit depth (oracle: Pillow-checked numpy)', () => {
  it.each(pngs.map((f) => [f.file, f] as const))('%s', async (_name, f) => {
    const image = await decodeImage(fixtureBytes(`images/${f.file}`), { contentType: 'image/png' });
    expect([image.format, image.width, image.height]).toEqual(['png', f.width, f.height]);
    expect(compareBytes(image.data, fixtureBytes(`images/${f.expected}`)).maxDiff).toBe(0);
  });

  it('composites alpha on the requested background', async () => {
    const white = await decodeImage(fixtureBytes('images/png/rgba8.png'));
    const black = await decodeImage(fixtureBytes('images/png/rgba8.png'), { background: [0, 0, 0] });
    expect(compareBytes(white.data, black.data).maxDiff).toBeGreaterThan(100);
  });
});

/**
 * Entropy decoding and IDCT are jpeg-js's, chroma upsampling and colour conversion are libjpeg's
 * (re-implemented), so what remains is the IDCT's rounding. Measured on these fixtures: max 3,
 * mean <= 0.17, 2-3% of values off by more than 1 (4:2:0, 4:2:2, 4:4:4, progressive, restart
 * markers); grey and CMYK max 1.
 * Without the libjpeg upsampling, 4:2:0 differed by up to 61 (mean 5.3).
 */
const JPEG_MAX_DIFF = 3;
const JPEG_MEAN_DIFF = 0.25;
const JPEG_SHARE_OVER_1 = 0.05;

describe('decodeImage: JPEG (oracle: Pillow/libjpeg-turbo + ImageOps.exif_transpose)', () => {
  const report: string[] = [];
  it.each(jpegs.map((f) => [f.file, f] as const))('%s', async (_name, f) => {
    const image = await decodeImage(fixtureBytes(`images/${f.file}`), { contentType: 'image/jpeg' });
    expect([image.format, image.width, image.height]).toEqual(['jpeg', f.width, f.height]);
    const expected = fixtureBytes(`images/${f.expected}`);
    const { maxDiff, over } = compareBytes(image.data, expected, 1);
    const mean = image.data.reduce((s, v, i) => s + Math.abs(v - expected[i]), 0) / expected.length;
    report.push(`${f.file}: max ${maxDiff}, mean ${mean.toFixed(3)}, >1: ${((100 * over) / expected.length).toFixed(2)}%`);
    expect(maxDiff).toBeLessThanOrEqual(JPEG_MAX_DIFF);
    expect(mean).toBeLessThan(JPEG_MEAN_DIFF);
    expect(over / expected.length).toBeLessThan(JPEG_SHARE_OVER_1);
  });
  it('compared every JPEG fixture (and prints the differences)', () => {
    console.log(report.join('\n'));
    expect(report.map((line) => line.split(':')[0]).sort(), 'a fixture was not compared').toEqual(jpegs.map((f) => f.file).sort());
  });
});
