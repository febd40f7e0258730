/**
 * @module
 * Colour names of pixels, in the spirit of Broden's colour concepts (Bau et al. 2017): achromatic pixels by
 * lightness (black, grey, white), the others by hue bin. Bins: value < 0.2 is black; saturation < 0.2 is
 * white (value > 0.8) or grey; hue (degrees) red < 15 <= orange < 45 <= yellow < 70 <= green < 165 <= cyan
 * < 195 <= blue < 255 <= purple < 285 <= magenta < 345 <= red.
 */

/** The colour names, in concept order. */
export const COLOUR_NAMES = ['red', 'orange', 'yellow', 'green', 'cyan', 'blue', 'purple', 'magenta', 'white', 'grey', 'black'] as const;

const HUE_BINS: readonly [number, number][] = [
  [15, 0],
  [45, 1],
  [70, 2],
  [165, 3],
  [195, 4],
  [255, 5],
  [285, 6],
  [345, 7],
  [360, 0],
];

/**
 * The index into {@link COLOUR_NAMES} of an RGB colour (0..255 per channel).
 *
 * @example
 * COLOUR_NAMES[colourName(255, 0, 255)]; // 'magenta'
 */
export function colourName(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b),
    min = Math.min(r, g, b);
  const value = max / 255;
  if (value < 0.2) return 10;
  const saturation = (max - min) / max;
  if (saturation < 0.2) return value > 0.8 ? 8 : 9;
  const d = max - min;
  let hue = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  hue *= 60;
  if (hue < 0) hue += 360;
  return HUE_BINS.find(([upTo]) => hue < upTo)?.[1] ?? 0;
}
