import { decode as decodePngOracle } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../../src/image/png-encode.js';
import { renderCam, type FloatMap, type RgbImage } from '../../src/image/index.js';
import { explanationPng } from '../../src/routes/explain/png-output.js';
import { horizontalStrip } from '../../src/routes/explain/strip.js';

/** RGB pixels of a PNG decoded by fast-png (independent of src/image), palette expanded. */
function pixels(png: Uint8Array): { width: number; height: number; data: Uint8Array } {
  const d = decodePngOracle(png, { checkCrc: true });
  if (!d.palette) {
    expect(d.channels).toBe(3);
    return { width: d.width, height: d.height, data: new Uint8Array(d.data) };
  }
  const data = new Uint8Array(d.width * d.height * 3);
  for (let i = 0; i < d.width * d.height; i++) data.set(d.palette[d.data[i]].slice(0, 3), i * 3);
  return { width: d.width, height: d.height, data };
}

function photo(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  let s = 7;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = ((i % (width * 3)) + (s >>> 28)) & 0xff;
  }
  return { width, height, data };
}

function map(w: number, h: number, cx: number): FloatMap {
  const data = new Float32Array(w * h);
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, 4 - Math.abs((i % w) - cx) - Math.floor(i / w) * 0.3);
  return { width: w, height: h, data };
}

/** What the route sent before: renderCam per panel, the strip, then the streaming encoder (CompressionStream). */
async function previousPng(
  maps: FloatMap[],
  image: RgbImage,
  o: { width: number; height: number; colormap: 'jet' | 'gray' | 'viridis'; alpha: number; overlay: boolean },
): Promise<Uint8Array> {
  const imageRegion = { x: 4, y: 2, width: image.width - 8, height: image.height - 4 };
  const output = o.overlay ? 'overlay' : 'heatmap';
  return encodePng(
    horizontalStrip(
      maps.map((m) => renderCam(m, { width: o.width, height: o.height, colormap: o.colormap, alpha: o.alpha, output, image, imageRegion })),
    ),
  );
}

describe('explanationPng', () => {
  const image = photo(90, 70);
  const source = { image, region: { x: 4, y: 2, width: 82, height: 66 } };
  const cases = [
    { name: 'overlay', maps: [map(7, 7, 2)], o: { width: 90, height: 70, colormap: 'jet' as const, alpha: 0.5, overlay: true } },
    {
      name: 'overlay, top=3 strip, alpha 0.3',
      maps: [map(7, 7, 1), map(7, 7, 4), map(7, 7, 6)],
      o: { width: 45, height: 35, colormap: 'viridis' as const, alpha: 0.3, overlay: true },
    },
    { name: 'heatmap', maps: [map(8, 6, 3)], o: { width: 64, height: 48, colormap: 'jet' as const, alpha: 0.5, overlay: false } },
    {
      name: 'heatmap, top=2 strip, gray',
      maps: [map(8, 6, 1), map(8, 6, 6)],
      o: { width: 33, height: 21, colormap: 'gray' as const, alpha: 0.5, overlay: false },
    },
  ];
  for (const c of cases) {
    it(`decodes to exactly the pixels the previous encoder sent (${c.name})`, async () => {
      const now = pixels(explanationPng(c.maps, source, c.o));
      const before = pixels(await previousPng(c.maps, image, c.o));
      expect([now.width, now.height]).toEqual([c.o.width * c.maps.length, c.o.height]);
      expect(now.data).toEqual(before.data);
    });
  }

  it('writes heatmaps as palette images and overlays as RGB', () => {
    const heat = decodePngOracle(explanationPng(cases[2].maps, source, cases[2].o));
    expect(heat.palette?.length).toBe(256);
    expect(decodePngOracle(explanationPng(cases[0].maps, source, cases[0].o)).palette).toBeUndefined();
  });
});
