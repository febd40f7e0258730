/**
 * @module
 * Colouring a [0, 1] map as pytorch-grad-cam does: `cv2.applyColorMap(np.uint8(255 * mask), cmap)`
 * then BGR -> RGB. The tables are OpenCV's, generated into ./generated (see its README); 'gray' is the
 * identity ramp.
 */
import type { FloatMap, RgbImage } from '../types.js';
import { COLORMAP_HEX } from './generated/colormaps.js';

/** Colormaps the renderer offers. */
export const COLORMAPS = ['jet', 'turbo', 'viridis', 'inferno', 'gray'] as const;

/** One of {@link COLORMAPS}. */
export type ColormapName = (typeof COLORMAPS)[number];

const tables = new Map<ColormapName, Uint8Array>();

/**
 * The 256-entry RGB table (768 bytes) of a colormap.
 *
 * @example
 * colormapTable('jet').subarray(0, 3); // [0, 0, 128]: level 0 is dark blue
 */
export function colormapTable(name: ColormapName): Uint8Array {
  let table = tables.get(name);
  if (!table) {
    table = name === 'gray' ? grayTable() : hexToBytes(COLORMAP_HEX[name]);
    tables.set(name, table);
  }
  return table;
}

function grayTable(): Uint8Array {
  const table = new Uint8Array(768);
  for (let v = 0; v < 256; v++) table.fill(v, v * 3, v * 3 + 3);
  return table;
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * numpy's `np.uint8(255 * mask)` for a float32 mask in [0, 1]: the float32 product, truncated.
 */
export function quantizeMap(map: FloatMap): Uint8Array {
  const levels = new Uint8Array(map.data.length);
  for (let i = 0; i < levels.length; i++) {
    const v = Math.fround(255 * map.data[i]);
    levels[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
  }
  return levels;
}

/**
 * Colour each level with the colormap.
 *
 * @example
 * colorize(quantizeMap(unitMap), unitMap.width, unitMap.height, 'jet');
 */
export function colorize(levels: Uint8Array, width: number, height: number, name: ColormapName): RgbImage {
  const table = colormapTable(name);
  const data = new Uint8Array(levels.length * 3);
  for (let i = 0, o = 0; i < levels.length; i++, o += 3) {
    const t = levels[i] * 3;
    data[o] = table[t];
    data[o + 1] = table[t + 1];
    data[o + 2] = table[t + 2];
  }
  return { width, height, data };
}
