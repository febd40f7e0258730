import { decode as decodePngOracle } from 'fast-png';
import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/image/decode.js';
import { encodePng, encodePngStream, type EncodableImage } from '../../src/image/png-encode.js';
import type { FilterStrategy } from '../../src/image/png/row-filters.js';

const FILTERS: FilterStrategy[] = ['none', 'sub', 'up', 'paeth', 'adaptive'];

/** Pseudo-random bytes mixed with smooth runs, so every filter type wins somewhere. */
function testImage(width: number, height: number, channels: 3 | 4, seed = 1): EncodableImage {
  const data = new Uint8Array(width * height * channels);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const x = Math.floor(i / channels) % width;
    data[i] = (i / channels / width) % 7 < 3 ? (x * 3 + (i % channels) * 50) & 0xff : s >>> 24;
  }
  return { width, height, data, channels };
}

interface Chunk {
  type: string;
  data: Uint8Array;
  crcOk: boolean;
}

/** Split a PNG into chunks, checking each CRC with node:zlib's crc32 (independent of src/image). */
function chunks(png: Uint8Array): Chunk[] {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: Chunk[] = [];
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    const type = new TextDecoder().decode(png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    out.push({ type, data, crcOk: crc32(png.subarray(at + 4, at + 8 + length)) === view.getUint32(at + 8 + length) });
    at += 12 + length;
  }
  return out;
}

describe('encodePng', () => {
  const sizes: [number, number][] = [
    [1, 1],
    [3, 2],
    [257, 13],
    [30_000, 2],
  ];
  for (const channels of [3, 4] as const) {
    for (const filter of FILTERS) {
      it(`${channels === 3 ? 'RGB' : 'RGBA'}, filter ${filter}: fast-png decodes the original pixels`, async () => {
        for (const [w, h] of sizes) {
          const image = testImage(w, h, channels);
          const decoded = decodePngOracle(await encodePng(image, { filter }), { checkCrc: true });
          expect([decoded.width, decoded.height, decoded.channels, decoded.depth]).toEqual([w, h, channels, 8]);
          expect(decoded.data, `${w}x${h}`).toEqual(image.data);
        }
      });
    }
  }

  it('writes IHDR, IDATs and IEND with valid CRCs and one valid zlib stream', async () => {
    const image = testImage(300, 200, 3);
    const list = chunks(await encodePng(image));
    expect(
      list.filter((c) => !c.crcOk).map((c) => c.type),
      'chunks with a wrong CRC',
    ).toEqual([]);
    expect(list[0].type).toBe('IHDR');
    expect([...list[0].data]).toEqual([0, 0, 1, 44, 0, 0, 0, 200, 8, 2, 0, 0, 0]);
    expect(list.at(-1)).toMatchObject({ type: 'IEND', data: new Uint8Array(0) });
    const idat = list.slice(1, -1);
    expect(new Set(idat.map((c) => c.type))).toEqual(new Set(['IDAT']));
    const stream = Buffer.concat(idat.map((c) => c.data));
    expect(stream[0]).toBe(0x78); // zlib header
    const raw = inflateSync(stream); // also verifies the Adler-32 checksum
    expect(raw.length).toBe(200 * (1 + 300 * 3));
    for (let y = 0; y < 200; y++) expect(raw[y * 901]).toBe(1); // default filter: Sub on every row
  });

  it('round-trips through the project decoder too', async () => {
    const image = testImage(45, 29, 3);
    expect((await decodeImage(await encodePng(image))).data).toEqual(image.data);
  });

  it('streams: the header comes before the pixels are compressed, in several pieces', async () => {
    const reader = encodePngStream(testImage(1024, 512, 3)).getReader();
    const first = await reader.read();
    expect(first.value!.length).toBe(8 + 25); // signature + IHDR
    let pieces = 1;
    while (!(await reader.read()).done) pieces++;
    expect(pieces).toBeGreaterThan(3);
  });

  it('refuses data that does not match the declared size', () => {
    expect(() => encodePngStream({ width: 2, height: 2, data: new Uint8Array(11) })).toThrow();
    expect(() => encodePngStream({ width: 0, height: 2, data: new Uint8Array(0) })).toThrow();
  });
});
