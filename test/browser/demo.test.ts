/**
 * The demo page end to end: `wrangler dev` (the real Worker bundle) and headless Chromium. Upload a scene
 * image, wait for the overlay, check that its pixels are the service's heatmap (every heatmap pixel an entry
 * of OpenCV's jet table) blended over the original as pytorch-grad-cam's show_cam_on_image does, at the
 * image's size; the badge preview must load. A screenshot goes to test/browser/out/ (git-ignored).
 */
import { decode, encode } from 'fast-png';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLORMAP_HEX } from '../../src/image/render/generated/colormaps.js';
import { renderScene } from '../../src/scenes/index.js';
import { startWranglerDev, type WranglerDev } from '../e2e/wrangler-dev.js';
import { hasChromium, launchChromium, type Browser } from './chromium.js';
import { decodeRgb } from '../png-pixels.js';

/** The page's DOM, as far as the callbacks run in the page use it (the project's tsconfig has no DOM lib). */
declare const document: { getElementById(id: string): unknown };

const OUT = join(import.meta.dirname, 'out');
const SIZE = 160;
const scene = renderScene({ seed: 7, size: SIZE });
const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '../../models/default.json'), 'utf8')) as { input: { crop: string } };

if (!hasChromium() && process.env.CI) throw new Error('Chromium is missing: .ci/run installs it with apt-get');

function tableColours(colormap: keyof typeof COLORMAP_HEX): Set<number> {
  const hex = COLORMAP_HEX[colormap];
  const colours = new Set<number>();
  for (let i = 0; i < 256; i++) colours.add(parseInt(hex.slice(i * 6, i * 6 + 6), 16));
  return colours;
}

/** pytorch-grad-cam's show_cam_on_image(img, heat, use_rgb=True, image_weight=alpha), in float64. */
function blend(heat: Uint8Array, image: Uint8Array, alpha: number): Uint8Array {
  const mixed = Float64Array.from(heat, (h, i) => (1 - alpha) * (h / 255) + alpha * (image[i] / 255));
  const max = Math.max(...mixed);
  return Uint8Array.from(mixed, (v) => Math.floor((255 * v) / max));
}

/**
 * The overlay is a heatmap over the image: the service's heatmap for the same class and method has only
 * colours of the OpenCV table (and more than a few), and the overlay is it blended over the original.
 */
async function expectHeatmapOverlay(
  url: string,
  overlay: Uint8Array,
  meta: { method: string; class: { index: number } },
  image: Uint8Array,
  colormap: keyof typeof COLORMAP_HEX,
) {
  const res = await fetch(`${url}/v1/explain?output=heatmap&colormap=${colormap}&method=${meta.method}&class=${meta.class.index}`, {
    method: 'POST',
    headers: { 'content-type': 'image/png' },
    body: encode({ width: SIZE, height: SIZE, data: image, channels: 3, depth: 8 }),
  });
  const heat = decodeRgb(new Uint8Array(await res.arrayBuffer())).data;
  const table = tableColours(colormap);
  const seen = new Set<number>();
  for (let i = 0; i < heat.length; i += 3) seen.add((heat[i] << 16) | (heat[i + 1] << 8) | heat[i + 2]);
  expect([...seen].filter((c) => !table.has(c))).toEqual([]);
  expect(seen.size).toBeGreaterThan(8);
  if (manifest.input.crop !== 'none') return; // the overlay then covers the crop only
  const expected = blend(heat, image, 0.5);
  expect(Math.max(...Array.from(overlay, (v, i) => Math.abs(v - expected[i])))).toBeLessThanOrEqual(1);
}

async function metaOf(url: string, id: string): Promise<{ method: string; class: { index: number } }> {
  return (await (await fetch(`${url}/v1/explanations/${id}.json`)).json()) as { method: string; class: { index: number } };
}

/** The overlay the page shows: its explanation id (data-id), and the stored PNG of that id (the same bytes). */
async function shownOverlay(page: Page, url: string): Promise<{ id: string; png: ReturnType<typeof decode>; natural: number[] }> {
  const id = (await page.locator('#overlay').getAttribute('data-id'))!;
  const natural = await page.locator('#overlay').evaluate((img) => {
    const i = img as unknown as { naturalWidth: number; naturalHeight: number };
    return [i.naturalWidth, i.naturalHeight];
  });
  let res = await fetch(`${url}/v1/explanations/${id}.png`);
  for (let i = 0; i < 50 && res.status === 404; i++) {
    await new Promise((r) => setTimeout(r, 100));
    res = await fetch(`${url}/v1/explanations/${id}.png`);
  }
  return { id, natural, png: decode(new Uint8Array(await res.arrayBuffer())) };
}

describe.skipIf(!hasChromium())('demo page in headless Chromium', () => {
  let dev: WranglerDev;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    // assigned as each starts, so that afterAll stops whichever did when the other fails
    const started = await Promise.allSettled([startWranglerDev().then((d) => (dev = d)), launchChromium().then((b) => (browser = b))]);
    for (const s of started) if (s.status === 'rejected') throw s.reason;
  }, 180_000);
  afterAll(async () => {
    await Promise.all([browser?.close(), dev?.stop()]);
  });

  it('shows the top 5, an overlay of the uploaded image and a badge', async () => {
    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, 'scene.png');
    writeFileSync(file, encode({ width: SIZE, height: SIZE, data: scene.image, channels: 3, depth: 8 }));
    page = await browser.context.newPage();
    const problems: string[] = [];
    // the page polls the stored explanation until its cache write lands: those 404s are expected
    const polling = /\/v1\/explanations\/[\w-]{43}\.json$/;
    page.on('console', (m) => m.type() === 'error' && !polling.test(m.location().url) && problems.push(`${m.text()} ${m.location().url}`));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(dev.url);
    await page.waitForFunction(() => (document.getElementById('method') as unknown as { options: unknown[] }).options.length > 0);
    await page.locator('#file').setInputFiles(file);
    await page.waitForSelector('#overlay[data-ready]', { timeout: 60_000 });
    await expect.poll(() => page.locator('#top li').count()).toBe(5);
    const probabilities = await page.locator('#top meter').evaluateAll((els) => els.map((e) => (e as unknown as { value: number }).value));
    expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));

    const { id, natural, png: overlay } = await shownOverlay(page, dev.url);
    expect(natural).toEqual([SIZE, SIZE]);
    expect([overlay.width, overlay.height, overlay.channels]).toEqual([SIZE, SIZE, 3]);
    await expectHeatmapOverlay(dev.url, overlay.data as Uint8Array, await metaOf(dev.url, id), scene.image, 'jet');

    await page.waitForFunction(
      () => {
        const badge = document.getElementById('badge') as unknown as { complete: boolean; naturalHeight: number };
        return badge.complete && badge.naturalHeight > 0;
      },
      undefined,
      { timeout: 20_000 },
    );
    expect(await page.locator('#badge').evaluate((b) => (b as unknown as { naturalHeight: number }).naturalHeight)).toBe(28);
    expect(await page.inputValue('#image-url')).toBe(`${dev.url}/v1/explanations/${id}.png`);
    expect(await page.inputValue('#badge-md')).toContain(`${dev.url}/v1/explanations/${id}/badge.svg`);
    // the sentence from X-Explanation-Text: the shipped model is dissected, so it names units
    const label = (await page.locator('#overlay-caption').textContent())!.split(' ')[1];
    expect(await page.locator('#sentence').textContent()).toMatch(
      new RegExp(`^Predicted ${label} \\(\\d+%\\)\\. The evidence is mostly from units that detect \\w`),
    );
    await page.screenshot({ path: join(OUT, 'demo.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  /** Do something on the page, then wait for the overlay of a new explanation. */
  async function rerender(action: () => Promise<void>): Promise<void> {
    const before = await page.locator('#overlay').getAttribute('data-id');
    await action();
    await page.waitForFunction(
      (old) => {
        const img = document.getElementById('overlay') as unknown as { dataset: { id?: string; ready?: string } };
        return img.dataset.ready && img.dataset.id !== old;
      },
      before,
      { timeout: 60_000 },
    );
  }

  it('re-renders with another colormap and class', async () => {
    await rerender(() =>
      page
        .locator('#colormap')
        .selectOption('viridis')
        .then(() => undefined),
    );
    await rerender(() => page.locator('#top li:nth-child(2) input').check());
    const { id, natural, png: overlay } = await shownOverlay(page, dev.url);
    expect(natural).toEqual([SIZE, SIZE]);
    const meta = await metaOf(dev.url, id);
    const second = await page.locator('#top li:nth-child(2) input').getAttribute('value');
    expect(meta.class.index).toBe(Number(second));
    await expectHeatmapOverlay(dev.url, overlay.data as Uint8Array, meta, scene.image, 'viridis');
    expect(await page.locator('#top li:nth-child(2) input').isChecked()).toBe(true);
  });
});
