/**
 * @module
 * What drawing a task overlay costs next to rendering it: renderCam (map -> bilinear -> colormap -> blend,
 * the overlay's own cost) against the same plus the annotations (a detector's 20 boxes with labels,
 * boxes=all; a segment's outline: a disc over a third of the picture's width), interleaved round by round, medians and ratios.
 *
 * npx tsx bench/task-overlay.bench.ts [--rounds 15]
 */
import { annotationStyle, drawBoxes, drawMaskOutline, HIGHLIGHT } from '../src/image/annotate/index.js';
import { renderCam, type RgbImage } from '../src/image/index.js';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 15;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

function scene(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  return { width, height, data };
}

for (const [width, height] of [
  [640, 480],
  [1024, 1024],
] as const) {
  const image = scene(width, height);
  const map = { width: 20, height: 20, data: Float32Array.from({ length: 400 }, (_, i) => Math.sin(i) + 1) };
  const boxes = Array.from({ length: 20 }, (_, i) => ({
    x0: (i * 37) % (width - 100),
    y0: (i * 53) % (height - 100),
    x1: ((i * 37) % (width - 100)) + 90,
    y1: ((i * 53) % (height - 100)) + 80,
    label: `class${i} 0.${50 + i}`,
  }));
  const mask = Uint8Array.from({ length: 64 * 64 }, (_, i) => (((i % 64) - 32) ** 2 + (Math.floor(i / 64) - 32) ** 2 < 400 ? 1 : 0));
  const times = { render: [] as number[], boxes: [] as number[], outline: [] as number[] };
  const render = () => renderCam(map, { width, height, image, output: 'overlay' });
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    render();
    times.render.push(performance.now() - t);
    t = performance.now();
    drawBoxes(render(), boxes, 3, annotationStyle(width, height));
    times.boxes.push(performance.now() - t);
    t = performance.now();
    drawMaskOutline(render(), mask, 64, 64, annotationStyle(width, height).line, HIGHLIGHT);
    times.outline.push(performance.now() - t);
  }
  const base = median(times.render);
  console.log(
    `${width}x${height}: render ${base.toFixed(1)} ms; + 20 boxes ${(median(times.boxes) / base).toFixed(2)}x; + outline ${(median(times.outline) / base).toFixed(2)}x (median of ${rounds})`,
  );
}
